/* libFuzzer: any bytes as an exporter's /metrics. Every sample the parse
 * hands over has its labels readable to the end and unescapable, and the
 * counts add up. */
#include <stdint.h>
#include <stdlib.h>

#include "metrics/promtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool visit(void *ctx, const struct promtext_sample *s) {
    size_t *n = ctx, at = 0, labels = 0;
    struct promtext_label l;
    char buf[64];
    while (promtext_label(s, &at, &l)) {
        promtext_unescape(l.value, buf, sizeof(buf));
        labels++;
    }
    if (labels != s->n_labels || s->name.n == 0)
        abort();
    ++*n;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct promtext_result r;
    size_t n = 0;
    promtext_parse((const char *)data, size, visit, &n, &r);
    if (n != r.samples)
        abort();
    return 0;
}
