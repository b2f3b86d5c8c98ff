/* Time-bucketed windows as Knative's aggregation package keeps them: one bucket
 * per second, linear window average or weighted-exponential, O(1) record. */
#ifndef PODPILOT_WINDOW_H
#define PODPILOT_WINDOW_H

#include "engine/common.h"

enum window_algo {
    WINDOW_LINEAR,       /* Knative's TimedFloat64Buckets (default) */
    WINDOW_WEIGHTED_EXP, /* Knative's WeightedFloat64Buckets */
};

/* Caller owns the struct and the bucket storage (len doubles), so a service
 * can keep all its windows in one allocation. Times are Unix seconds as
 * buckets see them (Knative truncates to the 1 s granularity). */
struct window {
    double *buckets;
    int64_t first_write;
    int64_t last_write;
    double total;
    double alpha; /* weighted-exponential smoothing coefficient */
    uint32_t len; /* buckets = window seconds */
    bool written;
    enum window_algo algo;
};

void window_init(struct window *w, double *storage, uint32_t seconds, enum window_algo algo);
/* Forgets every value; keeps the shape. */
void window_reset(struct window *w);
/* Adds value to the bucket of second `sec`; values a window older than the
 * last write are dropped, as upstream does. */
void window_record(struct window *w, int64_t sec, double value);
/* Refills dst (any length) with the seconds of src that fit, newest first
 * kept, as Knative's ResizeWindow does when a revision's window changes. */
void window_copy(struct window *dst, const struct window *src);
/* Nothing recorded for more than a window before `sec`. */
bool window_is_empty(const struct window *w, int64_t sec);
/* The average Scale reads at second `sec` (see kpa-spec §4). */
double window_average(const struct window *w, int64_t sec);

#endif
