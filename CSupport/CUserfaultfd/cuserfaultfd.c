#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cuserfaultfd.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

int cuserfaultfd_create(void) {
#ifdef SYS_userfaultfd
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    return fd < 0 ? -errno : (int)fd;
#else
    return -ENOSYS;
#endif
}

int cuserfaultfd_api(int fd, uint64_t features) {
    struct uffdio_api api = {.api = UFFD_API, .features = features};
    return ioctl(fd, UFFDIO_API, &api) == 0 ? 0 : -errno;
}

int cuserfaultfd_register_wp(int fd, uint64_t start, uint64_t length) {
    struct uffdio_register request = {.range = {.start = start, .len = length}, .mode = UFFDIO_REGISTER_MODE_WP};
    return ioctl(fd, UFFDIO_REGISTER, &request) == 0 ? 0 : -errno;
}
