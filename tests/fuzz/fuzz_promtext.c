/* libFuzzer: any bytes as an exporter's /metrics. Every sample the parse
 * hands over has its labels readable to the end and unescapable, and the
 * counts add up; each exporter kind reads it (whole and for one pod) into
 * figures that are numbers or NaN, rates across a reading and itself 0. */
#include <stdint.h>
#include <stdlib.h>

#include <math.h>

#include "metrics/exporter.h"
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
    for (int k = 0; k < EXPORTER_N_KINDS; k++) {
        struct exporter_reading a;
        double v[EXPORTER_FIGURES];
        exporter_read((enum exporter_kind)k, (const char *)data, size, k % 2 ? "a" : NULL, &a,
                      NULL);
        exporter_values((enum exporter_kind)k, &a, &a, 1, v);
        const struct exporter_figure *fig;
        const size_t nf = exporter_figures((enum exporter_kind)k, &fig);
        for (size_t f = 0; f < nf; f++)
            if (fig[f].fold == EXPORTER_RATE && !isnan(v[f]) && v[f] != 0)
                abort(); /* no change between two equal readings */
        struct exporter_folded fo;
        exporter_fold_init(&fo);
        exporter_fold_add((enum exporter_kind)k, &fo, v);
        exporter_fold_values((enum exporter_kind)k, &fo, v);
    }
    return 0;
}
