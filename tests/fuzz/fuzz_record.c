/* libFuzzer: any bytes as a recording, opened and read tick by tick as
 * `podpilot replay` reads it. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const int fd = memfd_create("recording", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct pp_error err = {0};
    struct record_reader *r = record_open(path, &err);
    struct record_tick t;
    for (int i = 0; r && i < 100000 && record_next(r, &t) == 1; i++)
        ;
    record_reader_close(r);
    close(fd);
    return 0;
}
