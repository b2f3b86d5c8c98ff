/* tui/chart and tui/layout: the pure parts of the console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "tui/chart.h"
#include "tui/layout.h"

static char out[8][3 * 64 + 1];

static void test_braille_uses_htops_table_two_samples_per_cell(void **state) {
    (void)state;
    /* One row of 4 pixels, max 4: samples 1,2 then 4,0. */
    const double v[] = {1, 2, 4, 0};
    chart_render(v, 4, 4, 1, 2, CHART_BRAILLE, &out[0][0], sizeof(out[0]));
    assert_string_equal(out[0], "⣠⡇"); /* table[left*5+right]: [1*5+2], [4*5+0] */
}

static void test_rows_stack_and_small_values_show_a_pixel(void **state) {
    (void)state;
    const double v[] = {8, 0.01};
    chart_render(v, 2, 8, 2, 1, CHART_BRAILLE, &out[0][0], sizeof(out[0]));
    assert_string_equal(out[0], "⡇");  /* top row: the 8 fills it, 0.01 does not reach */
    assert_string_equal(out[1], "⣇");  /* bottom row: full on the left, one pixel right */
}

static void test_ascii_fallback_and_right_alignment(void **state) {
    (void)state;
    const double v[] = {2, 2, NAN, 1};
    chart_render(v, 4, 2, 1, 3, CHART_ASCII, &out[0][0], sizeof(out[0]));
    assert_string_equal(out[0], " :.");
    assert_int_equal(chart_row_of(2, 2, 4), 0);
    assert_int_equal(chart_row_of(0.1, 2, 4), 3);
    assert_int_equal(chart_row_of(3, 2, 4), -1);
}

static int total_width(const struct layout *l) {
    int end = 0;
    for (int c = 0; c < COL_COUNT; c++)
        if (l->shown[c] && l->x[c] + l->width[c] > end)
            end = l->x[c] + l->width[c];
    return end;
}

static void test_layout_fits_80_and_uses_200(void **state) {
    (void)state;
    struct layout l;
    layout_overview(80, &l);
    assert_true(total_width(&l) <= 80);
    assert_true(l.shown[COL_SERVICE] && l.shown[COL_REPLICAS] && l.shown[COL_STABLE]);
    assert_false(l.shown[COL_GPU]);
    assert_true(l.width[COL_SERVICE] >= 20);
    layout_overview(200, &l);
    assert_int_equal(total_width(&l), 199);
    for (int c = 0; c < COL_COUNT; c++)
        assert_true(l.shown[c]);
    assert_int_equal(l.width[COL_SERVICE], 48);
}

static void test_fit_cuts_with_a_mark_and_pads(void **state) {
    (void)state;
    char b[32];
    layout_fit("flowers-sample-predictor", 10, true, b, sizeof(b));
    assert_string_equal(b, "flowers-s~");
    layout_fit("kpa", 5, true, b, sizeof(b));
    assert_string_equal(b, "kpa  ");
    layout_fit("kpa", 5, false, b, sizeof(b));
    assert_string_equal(b, "kpa");
    layout_fit("x", 0, true, b, sizeof(b));
    assert_string_equal(b, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_braille_uses_htops_table_two_samples_per_cell),
        cmocka_unit_test(test_rows_stack_and_small_values_show_a_pixel),
        cmocka_unit_test(test_ascii_fallback_and_right_alignment),
        cmocka_unit_test(test_layout_fits_80_and_uses_200),
        cmocka_unit_test(test_fit_cuts_with_a_mark_and_pads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
