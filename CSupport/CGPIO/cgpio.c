#include "cgpio.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int request(const char *path, struct gpio_v2_line_request *req) {
    int chip = open(path, O_RDWR | O_CLOEXEC);
    if (chip < 0) return -errno;
    int result = ioctl(chip, GPIO_V2_GET_LINE_IOCTL, req);
    int error = errno;
    close(chip);
    return result < 0 ? -error : req->fd;
}

static void prepare(struct gpio_v2_line_request *req, uint32_t offset, const char *consumer) {
    memset(req, 0, sizeof *req);
    req->offsets[0] = offset;
    req->num_lines = 1;
    if (consumer) strncpy(req->consumer, consumer, sizeof req->consumer - 1);
}

int cgpio_request_output(const char *path, uint32_t offset, int active_low, int active, const char *consumer) {
    struct gpio_v2_line_request req;
    prepare(&req, offset, consumer);
    req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT | (active_low ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
    req.config.num_attrs = 1;
    req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    req.config.attrs[0].attr.values = active ? 1 : 0;
    req.config.attrs[0].mask = 1;
    return request(path, &req);
}

int cgpio_request_input(const char *path, uint32_t offset, int active_low, uint32_t debounce_us, const char *consumer) {
    struct gpio_v2_line_request req;
    prepare(&req, offset, consumer);
    req.config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING
        | (active_low ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
    if (debounce_us > 0) {
        req.config.num_attrs = 1;
        req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
        req.config.attrs[0].attr.debounce_period_us = debounce_us;
        req.config.attrs[0].mask = 1;
    }
    return request(path, &req);
}

int cgpio_set_value(int fd, int active) {
    struct gpio_v2_line_values values = {.bits = active ? 1 : 0, .mask = 1};
    return ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0 ? -errno : 0;
}

int cgpio_get_value(int fd) {
    struct gpio_v2_line_values values = {.bits = 0, .mask = 1};
    if (ioctl(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) return -errno;
    return (int)(values.bits & 1);
}

int cgpio_read_event(int fd) {
    struct gpio_v2_line_event event;
    ssize_t count;
    do {
        count = read(fd, &event, sizeof event);
    } while (count < 0 && errno == EINTR);
    if (count < 0) return -errno;
    if (count != sizeof event) return -EIO;
    return event.id == GPIO_V2_LINE_EVENT_RISING_EDGE ? 1 : 2;
}
