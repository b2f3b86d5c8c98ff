#include "engine/window.h"

#include <math.h>
#include <string.h>

/* Knative: weightPrecision 0.9999 and minExponent 0.2 (aggregation/bucketing.go);
 * 1 - 0.9999 is folded exactly by Go's constant arithmetic, hence 1e-4 here. */
static double smoothing_coeff(uint32_t len) {
    double a = 1.0 - pow(1e-4, 1.0 / (double)len);
    return a > 0.2 ? a : 0.2;
}

void window_init(struct window *w, double *storage, uint32_t seconds, enum window_algo algo) {
    w->buckets = storage;
    w->len = seconds ? seconds : 1;
    w->algo = algo;
    w->alpha = algo == WINDOW_WEIGHTED_EXP ? smoothing_coeff(w->len) : 0;
    window_reset(w);
}

void window_reset(struct window *w) {
    memset(w->buckets, 0, sizeof(double) * w->len);
    w->first_write = 0;
    w->last_write = 0;
    w->total = 0;
    w->written = false;
}

static uint32_t slot(const struct window *w, int64_t sec) {
    int64_t m = sec % (int64_t)w->len;
    return (uint32_t)(m < 0 ? m + w->len : m);
}

void window_record(struct window *w, int64_t sec, double value) {
    const int64_t len = w->len;
    if (!w->written || sec != w->last_write) {
        if (w->written && sec + len <= w->last_write)
            return; /* older than a window: upstream ignores it */
        if (!w->written || w->first_write > sec)
            w->first_write = sec;
        if (!w->written || sec > w->last_write) {
            if (!w->written || sec - w->last_write >= len) {
                memset(w->buckets, 0, sizeof(double) * w->len);
                w->total = 0;
                w->first_write = sec;
            } else {
                for (int64_t i = w->last_write + 1; i <= sec; i++) {
                    uint32_t k = slot(w, i);
                    w->total -= w->buckets[k];
                    w->buckets[k] = 0;
                }
            }
            w->last_write = sec;
            w->written = true;
        }
    }
    w->buckets[slot(w, sec)] += value;
    w->total += value;
}

void window_copy(struct window *dst, const struct window *src) {
    window_reset(dst);
    if (!src->written)
        return;
    const int64_t keep = src->len < dst->len ? src->len : dst->len;
    int64_t from = src->last_write - keep + 1;
    if (from < src->first_write)
        from = src->first_write;
    for (int64_t sec = from; sec <= src->last_write; sec++)
        window_record(dst, sec, src->buckets[slot(src, sec)]);
    dst->first_write = src->first_write;
}

bool window_is_empty(const struct window *w, int64_t sec) {
    return !w->written || sec - w->last_write > (int64_t)w->len;
}

/* Knative v1.19+ rounds the quotient to 6 digits with math.Round. */
static double round6(double x) { return round(x * 1e6) / 1e6; }

static double linear_average(const struct window *w, int64_t sec) {
    if (!w->written)
        return 0;
    const int64_t d = sec - w->last_write;
    const double span = (double)(w->last_write - w->first_write) + 1;
    if (d <= 0) {
        double n = fmin(span, (double)w->len);
        return round6(w->total / n);
    }
    if (d < (int64_t)w->len) {
        double ret = w->total;
        for (int64_t i = w->last_write + 1; i <= sec; i++)
            ret -= w->buckets[slot(w, i)];
        double n = fmin(span, (double)((int64_t)w->len - d));
        return round6(ret / n);
    }
    return 0;
}

/* Go's math.Pow for a whole exponent: repeated squaring on the mantissa. */
static double pow_whole(double x, int64_t n) {
    int xe;
    double x1 = frexp(x, &xe);
    double a1 = 1.0;
    int64_t ae = 0;
    for (int64_t i = n; i != 0; i >>= 1) {
        if (xe < -(1 << 12) || (1 << 12) < xe) {
            ae += xe;
            break;
        }
        if (i & 1) {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if (x1 < 0.5) {
            x1 += x1;
            xe--;
        }
    }
    if (ae > 4096)
        ae = 4096;
    if (ae < -4096)
        ae = -4096;
    return ldexp(a1, (int)ae);
}

static double weighted_average(const struct window *w, int64_t sec) {
    if (window_is_empty(w, sec))
        return 0;
    int64_t n = w->len;
    double m = w->alpha;
    if (sec > w->last_write) {
        int64_t zeros = sec - w->last_write;
        m *= pow_whole(1 - w->alpha, zeros);
        n -= zeros;
    }
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        sum += w->buckets[slot(w, w->last_write - i)] * m;
        m *= 1 - w->alpha;
    }
    return sum;
}

double window_average(const struct window *w, int64_t sec) {
    return w->algo == WINDOW_WEIGHTED_EXP ? weighted_average(w, sec) : linear_average(w, sec);
}
