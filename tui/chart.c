#include "tui/chart.h"

#include <math.h>
#include <string.h>

/* htop's GraphMeterMode_dotsUtf8, indexed left*5 + right (pixels 0..4). */
static const char *const braille[25] = {
    " ", "⢀", "⢠", "⢰", "⢸", "⡀", "⣀", "⣠", "⣰", "⣸", "⡄", "⣄", "⣤",
    "⣴", "⣼", "⡆", "⣆", "⣦", "⣶", "⣾", "⡇", "⣇", "⣧", "⣷", "⣿",
};
static const char ascii[3] = {' ', '.', ':'};

static int pixels(double v, double max, int total) {
    if (isnan(v) || v <= 0 || max <= 0)
        return 0;
    int p = (int)lround(v / max * total);
    if (p < 1)
        p = 1;
    return p > total ? total : p;
}

void chart_render(const double *v, size_t n, double max, int rows, int cols, enum chart_glyphs g,
                  char *out, size_t stride) {
    const int per_row = g == CHART_BRAILLE ? 4 : 2;
    const int total = rows * per_row;
    for (int r = 0; r < rows; r++) {
        char *line = out + (size_t)r * stride;
        size_t used = 0;
        for (int c = 0; c < cols; c++) {
            /* Column c holds samples 2c and 2c+1 of the last 2*cols. */
            int px[2] = {0, 0};
            for (int k = 0; k < 2; k++) {
                const long idx = (long)n - 2L * cols + 2L * c + k;
                if (idx >= 0)
                    px[k] = pixels(v[idx], max, total);
            }
            int cell[2];
            for (int k = 0; k < 2; k++) {
                const int below = (rows - 1 - r) * per_row;
                const int in = px[k] - below;
                cell[k] = in < 0 ? 0 : in > per_row ? per_row : in;
            }
            if (g == CHART_BRAILLE) {
                const char *glyph = braille[cell[0] * 5 + cell[1]];
                const size_t len = strlen(glyph);
                memcpy(line + used, glyph, len);
                used += len;
            } else {
                line[used++] = ascii[cell[0] > cell[1] ? cell[0] : cell[1]];
            }
        }
        line[used] = '\0';
    }
}

int chart_row_of(double y, double max, int rows) {
    if (max <= 0 || y > max)
        return -1;
    int r = rows - 1 - (int)floor(y / max * rows - 1e-9);
    return r < 0 ? 0 : r >= rows ? rows - 1 : r;
}
