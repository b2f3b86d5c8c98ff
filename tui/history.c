#include "tui/history.h"

#include <math.h>
#include <stdbool.h>

/* The larger, NaN counting as no sample. */
static float larger(float a, float b) { return isnan(a) || b > a ? b : a; }

static bool bit(const uint8_t *b, uint32_t i) { return b[i / 8] >> (i % 8) & 1; }

static void set_bit(uint8_t *b, uint32_t i, bool on) {
    b[i / 8] = (uint8_t)(on ? b[i / 8] | 1u << (i % 8) : b[i / 8] & ~(1u << (i % 8)));
}

void history_add(struct history *h, const double v[H_SERIES]) {
    const uint32_t k = h->n;
    const uint32_t bucket = k / HIST_BUCKET % HIST_COARSE;
    for (int s = 0; s < H_FLOATS; s++) {
        const float x = (float)v[s];
        h->fine[s][k % HIST_FINE] = x;
        h->coarse[s][bucket] = k % HIST_BUCKET == 0 ? x : larger(h->coarse[s][bucket], x);
    }
    const bool load = v[H_LOAD] > 0; /* NaN too: no load */
    set_bit(h->load_fine, k % HIST_FINE, load);
    set_bit(h->load_coarse, bucket,
            k % HIST_BUCKET == 0 ? load : load || bit(h->load_coarse, bucket));
    h->n++;
}

/* Sample k of series s in the fine ring. */
static float fine(const struct history *h, enum hist_series s, uint32_t k) {
    return s == H_LOAD ? (float)bit(h->load_fine, k % HIST_FINE) : h->fine[s][k % HIST_FINE];
}

static float coarse(const struct history *h, enum hist_series s, uint32_t b) {
    return s == H_LOAD ? (float)bit(h->load_coarse, b % HIST_COARSE)
                       : h->coarse[s][b % HIST_COARSE];
}

double history_last(const struct history *h, enum hist_series s) {
    return h->n ? fine(h, s, h->n - 1) : NAN;
}

/* The largest sample of seconds [from, to), from the fine ring while it
 * still holds them, else from the buckets that cover them. */
static double stretch(const struct history *h, enum hist_series s, uint32_t from, uint32_t to) {
    float m = NAN;
    if (h->n - from <= HIST_FINE) {
        for (uint32_t k = from; k < to; k++)
            m = larger(m, fine(h, s, k));
        return m;
    }
    const uint32_t newest = (h->n - 1) / HIST_BUCKET;
    for (uint32_t b = from / HIST_BUCKET; b <= (to - 1) / HIST_BUCKET; b++)
        if (newest - b < HIST_COARSE)
            m = larger(m, coarse(h, s, b));
    return m;
}

size_t history_points(const struct history *h, enum hist_series s, int64_t span, size_t points,
                      double *out) {
    if (points == 0 || h->n == 0 || span <= 0)
        return 0;
    const int64_t now = h->n, kept = (int64_t)HIST_COARSE * HIST_BUCKET;
    const int64_t oldest = now > kept ? now - kept : 0, start = now - span;
    size_t n = 0;
    for (size_t p = 0; p < points; p++) { /* point p: its share of the span */
        int64_t from = start + (int64_t)((uint64_t)span * p / points);
        int64_t to = start + (int64_t)((uint64_t)span * (p + 1) / points);
        if (to <= from) /* a span shorter than the points: a second on several */
            to = from + 1;
        if (to <= oldest)
            continue; /* before the history: the chart starts later */
        out[n++] = stretch(h, s, (uint32_t)(from > oldest ? from : oldest), (uint32_t)to);
    }
    return n;
}
