#include "tui/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const titles[COL_COUNT] = {
    "", "SERVICE", "CLASS", "METRIC/TARGET", "STABLE", "PANIC", "RDY/ACT/DES", "GPU%", "WHY",
};
static const int base[COL_COUNT] = {5, 24, 5, 20, 8, 11, 12, 5, 20};

const char *layout_title(enum col c) { return titles[c]; }

void layout_overview(int cols, struct layout *out) {
    memset(out, 0, sizeof(*out));
    for (int c = 0; c < COL_COUNT; c++) {
        out->shown[c] = true;
        out->width[c] = base[c];
    }
    /* Columns are separated by one space. */
    int need = 0;
    for (int c = 0; c < COL_COUNT; c++)
        need += out->width[c] + 1;
    /* Narrow terminals: GPU and panic go first, then the name and the metric
     * shrink (to 16 each), and only then does the why column go. */
    static const enum col drop[] = {COL_GPU, COL_PANIC};
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]) && need > cols; i++) {
        out->shown[drop[i]] = false;
        need -= out->width[drop[i]] + 1;
    }
    static const enum col shrink[] = {COL_SERVICE, COL_METRIC};
    for (size_t i = 0; i < sizeof(shrink) / sizeof(shrink[0]) && need > cols; i++) {
        const int give =
            need - cols < out->width[shrink[i]] - 16 ? need - cols : out->width[shrink[i]] - 16;
        out->width[shrink[i]] -= give;
        need -= give;
    }
    if (need > cols) {
        out->shown[COL_CONDITION] = false;
        need -= out->width[COL_CONDITION] + 1;
    }
    int spare = cols - need;
    if (spare > 0) { /* the name first (up to 48), then the last column */
        const int grow =
            spare < 48 - out->width[COL_SERVICE] ? spare : 48 - out->width[COL_SERVICE];
        out->width[COL_SERVICE] += grow;
        spare -= grow;
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
