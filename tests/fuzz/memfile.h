/* The fuzzers' way to hand bytes to a reader that opens paths: a memfd,
 * named by its /proc/self/fd path. */
#ifndef PODPILOT_FUZZ_MEMFILE_H
#define PODPILOT_FUZZ_MEMFILE_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* The memfd holding data (close it after), or -1; its path into path. */
static inline int memfile(const uint8_t *data, size_t size, char *path, size_t cap) {
    const int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return -1;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
