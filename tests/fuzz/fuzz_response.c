/* libFuzzer: any bytes as a server's answer to a load test, fed whole and
 * in pieces the first byte chooses. The reader never takes more than it
 * was given, never goes back, and the same bytes give the same outcome
 * whatever the pieces (up to the first response's end). */
#include <stdint.h>
#include <stdlib.h>

#include "loadgen/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(const char *buf, size_t n, size_t step, size_t *used, int *status) {
    struct lg_response r;
    lg_response_start(&r, false);
    size_t pos = 0;
    int rc = 0;
    const char *why;
    for (size_t have = step;; have += step) {
        if (have > n)
            have = n;
        const size_t before = pos;
        rc = lg_response_feed(&r, buf, have, &pos, false, &why);
        if (pos < before || pos > have)
            abort();
        if (rc != 0 || have == n)
            break;
    }
    *used = pos;
    *status = r.status;
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    const size_t step = (size_t)(data[0] % 16) + 1;
    const char *buf = (const char *)data + 1;
    const size_t n = size - 1;
    size_t u1, u2;
    int s1, s2;
    const int a = run(buf, n, n ? n : 1, &u1, &s1);
    const int b = run(buf, n, step, &u2, &s2);
    /* a response whole in one piece is whole in many, with the same status */
    if (a == 1 && (b != 1 || s1 != s2 || u1 != u2))
        abort();
    return 0;
}
