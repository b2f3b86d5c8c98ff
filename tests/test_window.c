#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "engine/maxwin.h"
#include "engine/window.h"

#define T0 1700000000
/* cmocka 1.1 compares floats only; windows need doubles. */
#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static void test_linear_average_of_a_young_window_counts_only_written_seconds(void **state) {
    (void)state;
    double b[60];
    struct window w;
    window_init(&w, b, 60, WINDOW_LINEAR);
    assert_true(window_is_empty(&w, T0));
    assert_true(window_average(&w, T0) == 0);
    window_record(&w, T0, 3);
    window_record(&w, T0 + 1, 6);
    window_record(&w, T0 + 2, 9);
    /* Three seconds of data average over three buckets, not sixty. */
    assert_true(window_average(&w, T0 + 2) == 6);
    assert_false(window_is_empty(&w, T0 + 2));
}

static void test_linear_average_treats_gaps_as_zero_and_trailing_gaps_shrink_divisor(void **state) {
    (void)state;
    double b[6];
    struct window w;
    window_init(&w, b, 6, WINDOW_LINEAR);
    for (int t = 0; t < 6; t++)
        window_record(&w, T0 + t, 6);
    window_record(&w, T0 + 8, 12); /* seconds 6, 7 missing: zeros */
    /* buckets 3..8: 6,6,0,0,12 + the 6 of second 3 → (6+6+6+0+0+12)/6 */
    assert_true(window_average(&w, T0 + 8) == 5);
    /* Two seconds later, nothing new: the buckets of seconds 3 and 4 would be
     * overwritten, so they leave the total (30 - 12), and the divisor is 6 - 2. */
    assert_true(window_average(&w, T0 + 10) == 4.5);
}

static void test_record_a_window_late_is_dropped_and_a_window_of_silence_resets(void **state) {
    (void)state;
    double b[6];
    struct window w;
    window_init(&w, b, 6, WINDOW_LINEAR);
    window_record(&w, T0 + 10, 4);
    window_record(&w, T0 + 4, 100); /* 10 - 4 >= 6: older than a window */
    assert_true(window_average(&w, T0 + 10) == 4);
    window_record(&w, T0 + 16, 2); /* a full window later: everything before is gone */
    assert_true(window_average(&w, T0 + 16) == 2);
    assert_true(window_is_empty(&w, T0 + 23));
    assert_true(window_average(&w, T0 + 22) == 0);
}

static void test_linear_average_rounds_to_six_digits(void **state) {
    (void)state;
    double b[3];
    struct window w;
    window_init(&w, b, 3, WINDOW_LINEAR);
    window_record(&w, T0, 1);
    window_record(&w, T0 + 1, 0);
    window_record(&w, T0 + 2, 0);
    assert_true(window_average(&w, T0 + 2) == 0.333333);
}

static void
test_weighted_exponential_weights_recent_seconds_and_is_biased_low_when_young(void **state) {
    (void)state;
    double b[60];
    struct window w;
    window_init(&w, b, 60, WINDOW_WEIGHTED_EXP);
    assert_true(w.alpha == 0.2); /* 60 buckets: the 0.2 floor */
    window_record(&w, T0, 10);
    assert_near(window_average(&w, T0), 2.0, 1e-12);
    window_record(&w, T0 + 1, 10);
    assert_near(window_average(&w, T0 + 1), 10 * (1 - 0.8 * 0.8), 1e-12);
    /* One silent second shifts every weight by (1 - α). */
    assert_near(window_average(&w, T0 + 2), 0.8 * 10 * (1 - 0.8 * 0.8), 1e-12);

    double b6[6];
    struct window p;
    window_init(&p, b6, 6, WINDOW_WEIGHTED_EXP);
    assert_near(p.alpha, 0.784557, 1e-6);
}

static void test_copy_into_a_shorter_window_keeps_the_newest_seconds(void **state) {
    (void)state;
    double a[10], b[4], c[20];
    struct window w, shorter, longer;
    window_init(&w, a, 10, WINDOW_LINEAR);
    window_init(&shorter, b, 4, WINDOW_LINEAR);
    window_init(&longer, c, 20, WINDOW_LINEAR);
    for (int64_t s = 100; s < 110; s++)
        window_record(&w, s, (double)(s - 100)); /* 0..9 */
    window_copy(&shorter, &w);
    assert_true(window_average(&shorter, 109) == (6 + 7 + 8 + 9) / 4.0);
    window_copy(&longer, &w);
    assert_true(window_average(&longer, 109) == window_average(&w, 109));
    window_record(&longer, 115, 10);
    assert_true(window_average(&longer, 115) == (45 + 10) / 16.0);
}

static void test_maxwin_holds_the_largest_value_for_its_size(void **state) {
    (void)state;
    struct maxwin_entry e[3];
    struct maxwin m;
    maxwin_init(&m, e, 3);
    assert_int_equal(maxwin_current(&m), 0);
    maxwin_record(&m, 10, 5);
    maxwin_record(&m, 11, 2);
    maxwin_record(&m, 12, 3);
    assert_int_equal(maxwin_current(&m), 5);
    maxwin_record(&m, 13, 1); /* index 10 leaves the window */
    assert_int_equal(maxwin_current(&m), 3);
    maxwin_record(&m, 13, 7);
    maxwin_record(&m, 13, 4); /* same slot: the larger stays */
    assert_int_equal(maxwin_current(&m), 7);
    maxwin_record(&m, 16, 0);
    assert_int_equal(maxwin_current(&m), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_average_of_a_young_window_counts_only_written_seconds),
        cmocka_unit_test(test_linear_average_treats_gaps_as_zero_and_trailing_gaps_shrink_divisor),
        cmocka_unit_test(test_record_a_window_late_is_dropped_and_a_window_of_silence_resets),
        cmocka_unit_test(test_linear_average_rounds_to_six_digits),
        cmocka_unit_test(test_copy_into_a_shorter_window_keeps_the_newest_seconds),
        cmocka_unit_test(
            test_weighted_exponential_weights_recent_seconds_and_is_biased_low_when_young),
        cmocka_unit_test(test_maxwin_holds_the_largest_value_for_its_size),
    };
    return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
