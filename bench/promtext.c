/* metrics/promtext on a DCGM-like exposition: 20,000 samples of GPU fields
 * with dcgm-exporter's labels (gpu, UUID, device, modelName, Hostname; ~3 MB), parsed in place,
 * labels walked. Prints MB/s and samples/s (best of the runs). With FILE, parses that instead; with
 * --write FILE, writes the exposition there first (for the anchors bench/promtext_anchor.sh runs on
 * the same bytes). */
#include "metrics/promtext.h"

#include "bench/common.h"
#include "engine/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLES 20000
#define RUNS 40

static void exposition(struct buf *b) {
    static const char *const fields[] = {"DCGM_FI_DEV_GPU_UTIL",   "DCGM_FI_DEV_MEM_COPY_UTIL",
                                         "DCGM_FI_DEV_FB_USED",    "DCGM_FI_DEV_FB_FREE",
                                         "DCGM_FI_DEV_GPU_TEMP",   "DCGM_FI_DEV_POWER_USAGE",
                                         "DCGM_FI_PROF_SM_ACTIVE", "DCGM_FI_PROF_DRAM_ACTIVE",
                                         "DCGM_FI_DEV_SM_CLOCK",   "DCGM_FI_PROF_GR_ENGINE_ACTIVE"};
    const int per_field = SAMPLES / 10;
    for (int f = 0; f < 10; f++) {
        buf_printf(b, "# HELP %s dcgm-exporter field %d.\n# TYPE %s gauge\n", fields[f], f,
                   fields[f]);
        for (int i = 0; i < per_field; i++)
            buf_printf(
                b,
                "%s{gpu=\"%d\",UUID=\"GPU-5fd4a1d2-0b6e-4c1c-9d0e-%012d\",device=\"nvidia%d\","
                "modelName=\"NVIDIA A100-SXM4-80GB\",Hostname=\"gpu-node-%03d\"} %d.%03d\n",
                fields[f], i % 8, i, i % 8, i / 8, (i * 37 + f) % 100, i % 1000);
    }
}

static bool walk(void *ctx, const struct promtext_sample *s) {
    size_t *labels = ctx, at = 0;
    struct promtext_label l;
    while (promtext_label(s, &at, &l))
        ++*labels;
    return true;
}

int main(int argc, char **argv) {
    struct buf text = {0};
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
            out = argv[++i];
        else
            in = argv[i];
    }
    if (in) {
        FILE *f = fopen(in, "rb");
        char chunk[65536];
        size_t n;
        while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_put(&text, chunk, n);
        if (f)
            fclose(f);
    } else {
        exposition(&text);
    }
    if (out) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(text.p, 1, text.len, f) != text.len)
            return 1;
        fclose(f);
    }
    double best = 1e9;
    struct promtext_result r;
    size_t labels = 0;
    for (int run = 0; run < RUNS; run++) {
        labels = 0;
        const double t0 = bench_wall();
        promtext_parse(text.p, text.len, walk, &labels, &r);
        const double dt = bench_wall() - t0;
        best = dt < best ? dt : best;
    }
    const double mb = (double)text.len / 1e6;
    printf("promtext: %.2f MB, %zu samples, %zu labels, %zu problems\n", mb, r.samples, labels,
           r.n_problems);
    printf("  parse and walk labels:  %7.0f MB/s  %9.0f samples/s  (best of %d)\n", mb / best,
           (double)r.samples / best, RUNS);
    buf_free(&text);
    return r.n_problems == 0 ? 0 : 1;
}
