/* libFuzzer: any bytes as a recording, opened and read tick by tick as
 * `podpilot replay` reads it. */
#include "tests/fuzz/memfile.h"

#include "engine/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    const int fd = memfile(data, size, path, sizeof(path));
    if (fd < 0)
        return 0;
    struct pp_error err = {0};
    struct record_reader *r = record_open(path, &err);
    struct record_tick t;
    for (int i = 0; r && i < 100000 && record_next(r, &t) == 1; i++)
        ;
    record_reader_close(r);
    close(fd);
    return 0;
}
