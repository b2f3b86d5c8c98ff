#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/zone.h"
#include "engine/tz.h"

/* The real zoneinfo files (Debian's tzdata), read by app/zone: the engine is pure. */
static struct tz *load(const char *name) {
    struct pp_error err = {0};
    struct tz *z = zone_load(name, &err);
    assert_non_null(z);
    return z;
}

static void test_shanghai_is_utc_plus_eight_without_dst(void **state) {
    (void)state;
    struct tz *z = load("Asia/Shanghai");
    int64_t t = tz_date(z, 2024, 5, 12, 10, 0, 0);
    assert_int_equal(t, 1715479200); /* 2024-05-12T02:00:00Z */
    struct tz_fields f;
    tz_fields(z, t, &f);
    assert_int_equal(f.hour, 10);
    assert_int_equal(f.wday, 0); /* a Sunday */
    assert_int_equal(f.offset, 8 * 3600);
    assert_string_equal(f.abbrev, "CST");
    tz_destroy(z);
}

static void test_new_york_spring_forward_gap_resolves_as_go_does(void **state) {
    (void)state;
    struct tz *z = load("America/New_York");
    /* 02:30 does not exist on 2024-03-10; Go's time.Date lands on 01:30 EST. */
    int64_t t = tz_date(z, 2024, 3, 10, 2, 30, 0);
    assert_int_equal(t, 1710052200); /* 06:30Z */
    struct tz_fields f;
    tz_fields(z, t, &f);
    assert_int_equal(f.hour, 1);
    assert_string_equal(f.abbrev, "EST");
    tz_fields(z, 1710054000, &f); /* 07:00Z: the clocks jump to 03:00 EDT */
    assert_int_equal(f.hour, 3);
    assert_string_equal(f.abbrev, "EDT");
    assert_int_equal(f.offset, -4 * 3600);
    tz_destroy(z);
}

static void test_new_york_fall_back_picks_the_first_occurrence(void **state) {
    (void)state;
    struct tz *z = load("America/New_York");
    int64_t t = tz_date(z, 2024, 11, 3, 1, 30, 0);
    assert_int_equal(t, 1730611800); /* 05:30Z = 01:30 EDT */
    struct tz_fields f;
    tz_fields(z, t + 3600, &f); /* an hour later it is 01:30 again, EST */
    assert_int_equal(f.hour, 1);
    assert_int_equal(f.minute, 30);
    assert_string_equal(f.abbrev, "EST");
    tz_destroy(z);
}

static void test_dates_normalize_like_time_date(void **state) {
    (void)state;
    struct tz *z = tz_utc();
    assert_int_equal(tz_date(z, 2023, 13, 1, 0, 0, 0), tz_date(z, 2024, 1, 1, 0, 0, 0));
    assert_int_equal(tz_date(z, 2024, 2, 30, 0, 0, 0), tz_date(z, 2024, 3, 1, 0, 0, 0));
    assert_int_equal(tz_date(z, 2024, 1, 1, 24, 0, 0), tz_date(z, 2024, 1, 2, 0, 0, 0));
    assert_int_equal(tz_date(z, 2024, 0, 1, 0, 0, 0), tz_date(z, 2023, 12, 1, 0, 0, 0));
    assert_int_equal(tz_date(z, 1970, 1, 1, 0, 0, 0), 0);
    struct tz_fields f;
    tz_fields(z, -1, &f);
    assert_int_equal(f.year, 1969);
    assert_int_equal(f.month, 12);
    assert_int_equal(f.day, 31);
    assert_int_equal(f.second, 59);
    assert_int_equal(f.wday, 3);
    tz_destroy(z);
}

static void test_garbage_is_refused(void **state) {
    (void)state;
    struct pp_error err = {0};
    const uint8_t junk[] = "not a zone file at all, really not";
    assert_null(tz_parse(junk, sizeof(junk), &err));
    assert_non_null(strstr(err.message, "TZif"));
    uint8_t cut[50] = "TZif2";
    assert_null(tz_parse(cut, sizeof(cut), &err));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shanghai_is_utc_plus_eight_without_dst),
        cmocka_unit_test(test_new_york_spring_forward_gap_resolves_as_go_does),
        cmocka_unit_test(test_new_york_fall_back_picks_the_first_occurrence),
        cmocka_unit_test(test_dates_normalize_like_time_date),
        cmocka_unit_test(test_garbage_is_refused),
    };
    return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
