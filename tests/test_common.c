#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/common.h"

static void check_number(double x, const char *want) {
    char buf[40];
    pp_format_double(x, buf, sizeof(buf));
    assert_string_equal(buf, want);
}

static void test_numbers_print_shortest_round_trip_like_go(void **state) {
    (void)state;
    check_number(8, "8");
    check_number(-0.0, "0");
    check_number(0.7, "0.7");
    check_number(1.0 / 3, "0.3333333333333333");
    check_number(4.333333, "4.333333");
    check_number(-211, "-211");
    check_number(1e300, "1e+300");
    check_number(NAN, "null");
}

/* The shortest %.Ng (N = 1..17) that reads back: what the fast paths must
 * agree with. */
static void reference(double x, char *buf, size_t size) {
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static void test_fast_paths_agree_with_the_shortest_form(void **state) {
    (void)state;
    uint64_t seed = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        const double u = (double)(seed >> 11) / 9007199254740992.0; /* [0, 1) */
        double x;
        switch (i % 4) {
        case 0:
            x = round(u * 1e9) / 1e6; /* six decimals */
            break;
        case 1:
            x = -round(u * 1e7) / 1e6;
            break;
        case 2:
            x = u * 1000;
            break;
        default:
            x = u * 1e-3;
            break;
        }
        if (x == floor(x))
            continue;
        char got[40], want[40];
        pp_format_double(x, got, sizeof(got));
        reference(x, want, sizeof(want));
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: got %s, want %s", x, got, want);
    }
}

static void test_errors_read_file_line_column_field_message(void **state) {
    (void)state;
    struct pp_error err = {0};
    snprintf(err.file, sizeof(err.file), "examples/bad.yaml");
    err.line = 12;
    err.column = 7;
    assert_int_equal(pp_fail(&err, PP_ERR_PARSE, "spec.predictor.minReplicas",
                             "expected an integer, got \"%s\"", "two"),
                     PP_ERR_PARSE);
    char buf[512];
    pp_error_format(&err, buf, sizeof(buf));
    assert_string_equal(
        buf,
        "examples/bad.yaml:12:7: spec.predictor.minReplicas: expected an integer, got \"two\"");

    struct pp_error bare = {0};
    pp_fail(&bare, PP_ERR_INVALID, NULL, "no field");
    pp_error_format(&bare, buf, sizeof(buf));
    assert_string_equal(buf, "no field");
    assert_int_equal(pp_fail(NULL, PP_ERR_IO, "x", "ignored"), PP_ERR_IO);
}

static void test_kv_lookup_finds_exact_keys(void **state) {
    (void)state;
    const struct pp_kv kv[] = {{"a", "1"}, {"ab", "2"}};
    assert_string_equal(pp_kv_get(kv, 2, "ab"), "2");
    assert_null(pp_kv_get(kv, 2, "b"));
    assert_null(pp_kv_get(NULL, 0, "a"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_print_shortest_round_trip_like_go),
        cmocka_unit_test(test_fast_paths_agree_with_the_shortest_form),
        cmocka_unit_test(test_errors_read_file_line_column_field_message),
        cmocka_unit_test(test_kv_lookup_finds_exact_keys),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
