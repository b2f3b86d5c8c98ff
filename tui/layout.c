#include "tui/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const titles[COL_COUNT] = {
    "",      "NAMESPACE",   "NAME",    "CLASS", "METRIC/TARGET", "STABLE",
    "PANIC", "RDY/ACT/DES", "CLUSTER", "GPU%",  "WHY",
};
static const int base[COL_COUNT] = {5, 9, 24, 5, 20, 8, 12, 12, 7, 5, 20};

#define NAME_MAX_CELLS 64 /* a name grows to this at most */

const char *layout_title(enum col c) { return titles[c]; }

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Takes up to `want` cells from column c, not below `floor`. */
static void shrink(struct layout *out, enum col c, int floor, int *need, int cols) {
    int give = *need - cols;
    if (give > out->width[c] - floor)
        give = out->width[c] - floor;
    if (give > 0) {
        out->width[c] -= give;
        *need -= give;
    }
}

static void drop(struct layout *out, enum col c, int *need) {
    if (out->shown[c]) {
        out->shown[c] = false;
        *need -= out->width[c] + 1;
    }
}

void layout_overview(int cols, const struct layout_needs *names, struct layout *out) {
    memset(out, 0, sizeof(*out));
    for (int c = 0; c < COL_COUNT; c++) {
        out->shown[c] = true;
        out->width[c] = base[c];
    }
    /* the name: as long as the longest, within 8..64; never narrower than
     * what keeps two rows apart, if that can be had */
    const int want = clamp(names->name, 8, NAME_MAX_CELLS);
    const int unique = clamp(names->unique, 0, want);
    out->width[COL_SERVICE] = clamp(want, unique, 24 > unique ? 24 : unique);
    const int name_floor = clamp(16, unique, want);
    out->shown[COL_NAMESPACE] = names->ns > 0;
    out->shown[COL_CLUSTER] = names->cluster;
    out->width[COL_NAMESPACE] = clamp(names->ns, 9, 20);
    static const enum col numeric[] = {COL_STABLE, COL_PANIC, COL_REPLICAS, COL_GPU};
    for (size_t i = 0; i < sizeof(numeric) / sizeof(*numeric); i++)
        if (names->number[numeric[i]] > out->width[numeric[i]])
            out->width[numeric[i]] = names->number[numeric[i]];
    /* the metric keeps its target whole and a few letters of the name */
    const int metric_floor =
        names->number[COL_METRIC] + 4 > 16 ? names->number[COL_METRIC] + 4 : 16;
    /* Columns are separated by one space. */
    int need = 0;
    for (int c = 0; c < COL_COUNT; c++)
        if (out->shown[c])
            need += out->width[c] + 1;
    if (need > cols)
        drop(out, COL_GPU, &need);
    if (need > cols)
        drop(out, COL_PANIC, &need);
    if (out->width[COL_METRIC] < metric_floor) {
        need += metric_floor - out->width[COL_METRIC];
        out->width[COL_METRIC] = metric_floor;
    }
    shrink(out, COL_METRIC, metric_floor, &need, cols); /* "concurrency 0.70" still whole */
    shrink(out, COL_SERVICE, name_floor, &need, cols);
    if (need > cols)
        drop(out, COL_CONDITION, &need);
    shrink(out, COL_SERVICE, 8, &need, cols); /* the last resort: rows may look alike */
    int spare = cols - need;
    if (spare > 0) { /* the name first, then the last column */
        const int grow =
            spare < want - out->width[COL_SERVICE] ? spare : want - out->width[COL_SERVICE];
        if (grow > 0) {
            out->width[COL_SERVICE] += grow;
            spare -= grow;
        }
        enum col last = out->shown[COL_CONDITION] ? COL_CONDITION : COL_REPLICAS;
        out->width[last] += spare;
    }
    int x = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        out->x[c] = x;
        if (out->shown[c])
            x += out->width[c] + 1;
    }
}

void layout_fit(const char *s, int width, bool pad, char *buf, size_t size) {
    if (width < 0)
        width = 0;
    if ((size_t)width >= size)
        width = (int)size - 1;
    const int len = (int)strlen(s);
    if (len <= width) {
        snprintf(buf, size, pad ? "%-*s" : "%.*s", width, s);
        return;
    }
    if (width == 0) {
        buf[0] = '\0';
        return;
    }
    memcpy(buf, s, (size_t)width - 1);
    buf[width - 1] = '~';
    buf[width] = '\0';
}
