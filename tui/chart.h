/* Charts in text cells, htop's way: two samples per column, braille cells of
 * 4 pixels per row (htop's 5x5 table), or an ASCII fallback of 2 pixels per
 * row (' ', '.', ':'). A sample above zero shows at least one pixel. */
#ifndef PODPILOT_CHART_H
#define PODPILOT_CHART_H

#include <stdbool.h>
#include <stddef.h>

enum chart_glyphs { CHART_BRAILLE, CHART_ASCII };

/* Draws the newest 2*cols samples of v (n of them, oldest first; NaN draws
 * nothing) scaled so that `max` fills `rows` rows. Row r (0 = top) goes to
 * out + r*stride as a NUL-terminated UTF-8 string of `cols` cells; stride
 * must hold cols*3+1 bytes. Samples right-align: the newest is at the right
 * edge. */
void chart_render(const double *v, size_t n, double max, int rows, int cols, enum chart_glyphs g,
                  char *out, size_t stride);

/* The row (0 = top) at which value y sits in such a chart; -1 when above. */
int chart_row_of(double y, double max, int rows);

#endif
