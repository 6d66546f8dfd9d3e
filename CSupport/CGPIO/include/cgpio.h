// The Linux GPIO character device (uAPI v2, linux/gpio.h, kernel 5.10 and later) for Swift:
// its requests are ioctl calls, which Swift cannot make (ioctl is variadic), on structs with
// fixed arrays that import awkwardly. Each function does one request and returns a plain
// result; failures are -errno. This is the interface libgpiod wraps; it is used directly
// because libgpiod's own API changed incompatibly between 1.x (Debian 12, Raspberry Pi OS
// bookworm) and 2.x (Debian 13), while the kernel's has not.
#ifndef CGPIO_H
#define CGPIO_H

#include <stdint.h>

/// Requests line `offset` of the chip device at `path` as an output driven to `active` (the
/// logical value: with `active_low`, active is a low level) at once. Returns the line's file
/// descriptor (close it to release the line) or -errno.
int cgpio_request_output(const char *path, uint32_t offset, int active_low, int active, const char *consumer);

/// Requests line `offset` of the chip device at `path` as an input reporting both edges,
/// debounced by the kernel for `debounce_us` microseconds (0: not at all). Returns the
/// line's file descriptor or -errno.
int cgpio_request_input(const char *path, uint32_t offset, int active_low, uint32_t debounce_us, const char *consumer);

/// Sets the logical value of the single line requested on `fd`: 0 or -errno.
int cgpio_set_value(int fd, int active);

/// The logical value (0 or 1) of the single line requested on `fd`, or -errno.
int cgpio_get_value(int fd);

/// Reads one edge event from the input line `fd` (blocks unless one is pending): 1 for a
/// rising edge, 2 for a falling one, or -errno.
int cgpio_read_event(int fd);

#endif
