/* The overview's columns: which fit in a width, and how wide each is.
 * Pure functions, so tests pin the layout at 80 and 200 columns. */
#ifndef PODPILOT_LAYOUT_H
#define PODPILOT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

enum col {
    COL_MARK,      /* marks: * marked, P pinned, Z paused, L load, R recording */
    COL_NAMESPACE, /* shown when the services are in more than one (k9s's all) */
    COL_SERVICE,   /* the workload's name */
    COL_CLASS,     /* KPA HPA LAG CRON */
    COL_METRIC,    /* metric and target */
    COL_STABLE,
    COL_PANIC,    /* value, and PANIC in panic mode */
    COL_REPLICAS, /* ready/actual/desired */
    COL_CLUSTER,  /* shadow mode: what the cluster's autoscaler decided */
    COL_GPU,
    COL_CONDITION, /* the HPA condition or the reason that matters most */
    COL_COUNT
};

struct layout {
    bool shown[COL_COUNT];
    int width[COL_COUNT];
    int x[COL_COUNT];
};

/* What the rows in the overview need, in cells. */
struct layout_needs {
    int ns;     /* the longest namespace; 0: one namespace, no column */
    int name;   /* the longest name */
    int unique; /* the narrowest name column that keeps every row apart */
    /* the widest number each numeric column shows (STABLE, PANIC without
     * its mark, RDY/ACT/DES, GPU%, METRIC's target): numbers are never
     * cut, the other columns give way */
    int number[COL_COUNT];
    bool cluster; /* a live cluster's decisions are shown beside podpilot's */
};

/* Fits the columns into `cols` terminal columns: narrow terminals drop GPU
 * and panic, then shrink the metric and the name (never below `unique`),
 * then drop the why column; only then is a name cut further. A numeric
 * column is never narrower than its widest number. What is
 * left goes to the name (up to its longest) and then the last column. */
void layout_overview(int cols, const struct layout_needs *names, struct layout *out);
const char *layout_title(enum col c);

/* Copies s into buf, cut to `width` cells with "~" at the cut (ASCII only
 * input is assumed), padded with spaces to width when `pad`. */
void layout_fit(const char *s, int width, bool pad, char *buf, size_t size);

#endif
