// The kernel's userfaultfd (linux/userfaultfd.h) for Swift: creating one is a syscall with no
// glibc wrapper, and its requests are ioctl calls, which Swift cannot make (syscall and ioctl
// are variadic). Each function does one call and returns a plain result; failures are -errno.
//
// The agent uses one for a side effect only (Intercom's SinglePageFaults): a range registered
// for write-protect tracking is never faulted in "around" the faulting address, so a code page
// that runs brings back that page and not its 64 KB neighbourhood.
#ifndef CUSERFAULTFD_H
#define CUSERFAULTFD_H

#include <stdint.h>

/// UFFD_FEATURE_WP_ASYNC (kernel 6.7; Debian 12's headers predate it): write faults in a
/// write-protect range are resolved by the kernel itself, never reported, which also allows
/// write-protect tracking of any memory, file-backed code included.
#define CUSERFAULTFD_FEATURE_WP_ASYNC 0x8000ULL

/// userfaultfd(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY): a new descriptor or -errno.
/// UFFD_USER_MODE_ONLY lets a process without CAP_SYS_PTRACE create one when the sysctl
/// vm.unprivileged_userfaultfd is 0 (the default).
int cuserfaultfd_create(void);

/// UFFDIO_API on `fd` asking for `features`: 0, or -errno (EINVAL when the kernel lacks one of
/// them; the descriptor is then unusable).
int cuserfaultfd_api(int fd, uint64_t features);

/// UFFDIO_REGISTER of [start, start + length) (whole pages) for write-protect tracking
/// (UFFDIO_REGISTER_MODE_WP): 0 or -errno.
int cuserfaultfd_register_wp(int fd, uint64_t start, uint64_t length);

#endif
