/* The overview's columns: which fit in a width, and how wide each is.
 * Pure functions, so tests pin the layout at 80 and 200 columns. */
#ifndef PODPILOT_LAYOUT_H
#define PODPILOT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

enum col {
    COL_MARK,    /* marks: * marked, P pinned, Z paused, L load, R recording */
    COL_SERVICE, /* namespace/name */
    COL_CLASS,   /* KPA HPA LAG CRON */
    COL_METRIC,  /* metric and target */
    COL_STABLE,
    COL_PANIC,    /* value, and PANIC in panic mode */
    COL_REPLICAS, /* ready/actual/desired */
    COL_GPU,
    COL_CONDITION, /* the HPA condition or the reason that matters most */
    COL_COUNT
};

struct layout {
    bool shown[COL_COUNT];
    int width[COL_COUNT];
    int x[COL_COUNT];
};

/* Fits the columns into `cols` terminal columns: the service name (up to 48)
 * and the last column take what is left; narrow terminals drop GPU and
 * panic, then shrink the name and the metric, then drop the why column. */
void layout_overview(int cols, struct layout *out);
const char *layout_title(enum col c);

/* Copies s into buf, cut to `width` cells with "~" at the cut (ASCII only
 * input is assumed), padded with spaces to width when `pad`. */
void layout_fit(const char *s, int width, bool pad, char *buf, size_t size);

#endif
