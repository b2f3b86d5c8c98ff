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
#include "tui/tui_internal.h"
#include "tui/theme.h"

#include <stdio.h>
#include <unistd.h>

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
    assert_string_equal(out[0], "⡇"); /* top row: the 8 fills it, 0.01 does not reach */
    assert_string_equal(out[1], "⣇"); /* bottom row: full on the left, one pixel right */
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
    /* one namespace, names of 24 (flowers-sample-predictor) */
    const struct layout_needs one = {.ns = 0, .name = 24, .unique = 17};
    layout_overview(80, &one, &l);
    assert_true(total_width(&l) <= 80);
    assert_false(l.shown[COL_NAMESPACE]);
    assert_true(l.shown[COL_SERVICE] && l.shown[COL_REPLICAS] && l.shown[COL_STABLE]);
    assert_false(l.shown[COL_GPU]);
    assert_int_equal(l.width[COL_SERVICE], 24); /* whole names */
    layout_overview(200, &one, &l);
    assert_int_equal(total_width(&l), 199);
    for (int c = 0; c < COL_COUNT; c++) /* CLUSTER only beside a live cluster */
        assert_true(l.shown[c] == (c != COL_NAMESPACE && c != COL_CLUSTER));
    assert_int_equal(l.width[COL_SERVICE], 24); /* as long as the longest; WHY takes the rest */
    struct layout_needs live = one;
    live.cluster = true;
    layout_overview(80, &live, &l);
    assert_true(l.shown[COL_CLUSTER] && l.shown[COL_REPLICAS]);
    assert_true(total_width(&l) <= 80);
    layout_overview(100, &one, &l); /* the why column stays */
    assert_true(l.shown[COL_CONDITION]);
    assert_true(total_width(&l) <= 100);

    /* two namespaces, long names: the NAMESPACE column; the name grows
     * with the terminal up to its longest */
    const struct layout_needs two = {.ns = 7, .name = 40, .unique = 30};
    layout_overview(80, &two, &l);
    assert_true(l.shown[COL_NAMESPACE]);
    assert_int_equal(l.width[COL_NAMESPACE], 9); /* the title's width */
    assert_int_equal(total_width(&l), 79);       /* the name takes what the others leave */
    layout_overview(100, &two, &l);
    assert_true(l.width[COL_SERVICE] >= 30); /* not cut to look alike when the width allows */
    assert_true(total_width(&l) <= 100);
    layout_overview(120, &two, &l); /* panic and GPU give way first */
    assert_true(l.width[COL_SERVICE] >= 30 && l.shown[COL_CONDITION] && !l.shown[COL_PANIC]);
    assert_int_equal(total_width(&l), 119);
    layout_overview(200, &two, &l);
    assert_int_equal(l.width[COL_SERVICE], 40);
    assert_int_equal(total_width(&l), 199);
    /* numbers set their columns' widths; the others give way */
    struct layout_needs wide = one;
    wide.number[COL_REPLICAS] = 14; /* 1000/1000/1000 */
    wide.number[COL_STABLE] = 9;
    wide.number[COL_METRIC] = 14;
    layout_overview(80, &wide, &l);
    assert_true(total_width(&l) <= 80);
    assert_true(l.width[COL_REPLICAS] >= 14 && l.width[COL_STABLE] >= 9);
    assert_true(l.width[COL_METRIC] >= 18); /* its target whole, and a few letters */
    /* names that cannot be kept apart at 80 still fit: cut as a last resort */
    const struct layout_needs huge = {.ns = 20, .name = 64, .unique = 64};
    layout_overview(80, &huge, &l);
    assert_true(total_width(&l) <= 80);
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

static void test_every_shipped_theme_reads(void **state) {
    (void)state;
    static const char *const names[] = {"default", "light", "high-contrast", "monochrome"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s.yaml", THEMES_DIR, names[i]);
        struct theme t;
        struct pp_error err = {0};
        if (theme_load(path, &t, &err) != PP_OK)
            fail_msg("%s: %d:%d %s: %s", path, err.line, err.column, err.field, err.message);
        assert_string_equal(t.name, names[i]);
    }
    struct theme file, builtin;
    char path[512];
    snprintf(path, sizeof(path), "%s/default.yaml", THEMES_DIR);
    assert_int_equal(theme_load(path, &file, NULL), PP_OK);
    theme_default(&builtin);
    assert_memory_equal(file.roles, builtin.roles, sizeof(file.roles)); /* the file says it */
}

static void test_theme_errors_name_the_place(void **state) {
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/podpilot-theme-%d.yaml", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs("name: x\nroles:\n  header: {fgColor: black}\n  glow: {bold: true}\n", f);
    fclose(f);
    struct theme t;
    struct pp_error err = {0};
    assert_int_equal(theme_load(path, &t, &err), PP_ERR_PARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "unknown role \"glow\""));
    f = fopen(path, "w");
    fputs("name: x\nroles:\n  dim: {fgColor: \"#12345\"}\n", f);
    fclose(f);
    assert_int_equal(theme_load(path, &t, &err), PP_ERR_PARSE);
    assert_string_equal(err.field, "roles.dim.fgColor");
    unlink(path);
    assert_int_equal(theme_resolve("nosuch", &t, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "no theme \"nosuch\""));
}

static void test_colours_map_to_what_the_terminal_has(void **state) {
    (void)state;
    const struct theme_color red = {.kind = TC_RGB, .rgb = 0xff0000};
    const struct theme_color grey = {.kind = TC_RGB, .rgb = 0x808080};
    const struct theme_color teal = {.kind = TC_RGB, .rgb = 0x005f87};
    const struct theme_color cyan = {.kind = TC_NAMED, .named = 6};
    const struct theme_color dflt = {.kind = TC_DEFAULT};
    assert_int_equal(theme_terminal_color(&red, 256), 196);
    assert_int_equal(theme_terminal_color(&grey, 256), 244);
    assert_int_equal(theme_terminal_color(&teal, 256), 24);
    assert_int_equal(theme_terminal_color(&red, 8), 1);
    assert_int_equal(theme_terminal_color(&teal, 8), 6); /* nearer cyan than blue */
    assert_int_equal(theme_terminal_color(&cyan, 8), 6);
    assert_int_equal(theme_terminal_color(&dflt, 256), -1);
    assert_int_equal(theme_terminal_color(&teal, 1 << 24), 0x005f87); /* xterm-direct */
}

/* Numbers as the console prints them: never "-0.00", "-" for none, whole
 * numbers from 1,000 on. */
static void test_values_never_print_negative_zero(void **state) {
    (void)state;
    char b[40];
    tui_fmt_value(-0.0001, b, sizeof(b));
    assert_string_equal(b, "0.00");
    tui_fmt_value(NAN, b, sizeof(b));
    assert_string_equal(b, "-");
    tui_fmt_value(1234.6, b, sizeof(b));
    assert_string_equal(b, "1235");
    tui_fmt_value(-2.5, b, sizeof(b));
    assert_string_equal(b, "-2.50");
}

static void test_wrap_breaks_at_spaces_and_counts_columns(void **state) {
    (void)state;
    size_t lens[4];
    /* first line 10 columns, the rest 6: broken after a space */
    size_t n = tui_wrap("rejected: set a max-scale 2", 10, 6, lens, 4);
    assert_int_equal(n, 4);
    assert_int_equal(lens[0], strlen("rejected: "));
    assert_int_equal(lens[1], strlen("set a "));
    assert_int_equal(lens[2], strlen("max-sc")); /* no space in it: cut at the width */
    assert_int_equal(lens[3], strlen("ale 2"));
    /* a word longer than the line is cut at the width; "■" is 3 bytes, 1 column */
    n = tui_wrap("■■■■■■■■", 5, 5, lens, 4);
    assert_int_equal(n, 2);
    assert_int_equal(lens[0], 15);
    assert_int_equal(lens[1], 9);
    /* past max the last line takes the rest */
    n = tui_wrap("aa bb cc dd ee", 3, 3, lens, 2);
    assert_int_equal(n, 2);
    assert_int_equal(lens[0] + lens[1], strlen("aa bb cc dd ee"));
    assert_int_equal(tui_wrap("", 10, 10, lens, 4), 0);
}

static void test_history_keeps_an_hour_in_little_room(void **state) {
    (void)state;
    static struct history h; /* zeroed */
    assert_true(sizeof(h) < 8 * 1024);
    double pts[400];
    assert_int_equal(history_points(&h, H_ACTUAL, 300, 100, pts), 0);
    assert_true(isnan(history_last(&h, H_ACTUAL)));
    for (int k = 0; k < 3600; k++) /* an hour: replicas = the second, a spike at 1000 */
        history_add(&h, (const double[H_SERIES]){NAN, k == 1000 ? 99999 : 1, (double)k,
                                                 k >= 3500 && k < 3530 ? 1 : 0});
    assert_int_equal(history_last(&h, H_ACTUAL), 3599);
    /* the load tests' bit a second: on for 3500..3529, on the chart's time axis */
    assert_int_equal(history_points(&h, H_LOAD, 100, 100, pts), 100);
    assert_true(pts[0] == 1 && pts[29] == 1 && pts[30] == 0 && pts[99] == 0);
    assert_int_equal(history_last(&h, H_LOAD), 0);
    /* an hour on 60 points: the bucket holding the load shows it, the rest not */
    assert_int_equal(history_points(&h, H_LOAD, 3600, 60, pts), 60);
    assert_true(pts[58] == 1 && pts[57] == 0 && pts[0] == 0);
    /* 60 s on 120 points: each of the newest 60 seconds on two */
    size_t n = history_points(&h, H_ACTUAL, 60, 120, pts);
    assert_int_equal(n, 120);
    assert_int_equal(pts[0], 3540);
    assert_int_equal(pts[1], 3540);
    assert_int_equal(pts[2], 3541);
    assert_int_equal(pts[119], 3599);
    /* 5 min on 100 points: 3 s each, the largest of each */
    n = history_points(&h, H_ACTUAL, 300, 100, pts);
    assert_int_equal(n, 100);
    assert_int_equal(pts[99], 3599);
    assert_int_equal(pts[0], 3302);
    /* an hour on 360 points: the ten-second buckets, spike kept */
    n = history_points(&h, H_PANIC, 3600, 360, pts);
    assert_int_equal(n, 360);
    double top = 0;
    for (size_t i = 0; i < n; i++)
        top = pts[i] > top ? pts[i] : top;
    assert_int_equal(top, 99999);
    assert_true(isnan(history_points(&h, H_STABLE, 3600, 360, pts) ? pts[0] : 0));
    /* history shorter than the span: fewer points, the newest last */
    static struct history short_h;
    for (int k = 0; k < 50; k++)
        history_add(&short_h, (const double[H_SERIES]){k, k, k});
    n = history_points(&short_h, H_STABLE, 900, 300, pts); /* 3 s a point */
    assert_int_equal(n, 17);
    assert_int_equal(pts[16], 49);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_never_print_negative_zero),
        cmocka_unit_test(test_history_keeps_an_hour_in_little_room),
        cmocka_unit_test(test_wrap_breaks_at_spaces_and_counts_columns),
        cmocka_unit_test(test_braille_uses_htops_table_two_samples_per_cell),
        cmocka_unit_test(test_rows_stack_and_small_values_show_a_pixel),
        cmocka_unit_test(test_ascii_fallback_and_right_alignment),
        cmocka_unit_test(test_layout_fits_80_and_uses_200),
        cmocka_unit_test(test_fit_cuts_with_a_mark_and_pads),
        cmocka_unit_test(test_every_shipped_theme_reads),
        cmocka_unit_test(test_theme_errors_name_the_place),
        cmocka_unit_test(test_colours_map_to_what_the_terminal_has),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
