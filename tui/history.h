/* Each service's chart history, small enough for 10,000 services: the
 * last five minutes a sample per second, the last hour in ten-second
 * buckets that keep their largest sample (a spike stays visible), as
 * floats. A chart asks for its span as a number of points and gets each
 * point as the largest sample of its stretch. */
#ifndef PODPILOT_HISTORY_H
#define PODPILOT_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HIST_FINE 300   /* seconds, one sample each */
#define HIST_BUCKET 10  /* seconds per coarse bucket */
#define HIST_COARSE 360 /* buckets: an hour */

enum hist_series { H_STABLE, H_PANIC, H_ACTUAL, H_LOAD /* load tests running */, H_SERIES };

#define H_FLOATS 3 /* the series kept as numbers; H_LOAD is a bit a second */

struct history {
    float fine[H_FLOATS][HIST_FINE];
    float coarse[H_FLOATS][HIST_COARSE];
    uint8_t load_fine[(HIST_FINE + 7) / 8], load_coarse[(HIST_COARSE + 7) / 8];
    uint32_t n; /* samples so far, one per second of the session */
};

/* One second's values (NaN: none). */
void history_add(struct history *h, const double v[H_SERIES]);

/* The newest sample of series s; NaN before the first. */
double history_last(const struct history *h, enum hist_series s);

/* The last `span` seconds of series s spread over `points` points, oldest
 * first: each the largest sample of its share of the span (a second
 * repeated when the span is shorter than the points; NaN where none);
 * fewer when the history is shorter than the span. Returns how many. */
size_t history_points(const struct history *h, enum hist_series s, int64_t span, size_t points,
                      double *out);

#endif
