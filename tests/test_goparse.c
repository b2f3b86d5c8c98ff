#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/goparse.h"

static void test_duration_accepts_go_forms(void **state) {
    (void)state;
    pp_time d;
    assert_true(goparse_duration("60s", &d));
    assert_int_equal(d, PP_SEC(60));
    assert_true(goparse_duration("2m", &d));
    assert_int_equal(d, PP_SEC(120));
    assert_true(goparse_duration("1m30s", &d));
    assert_int_equal(d, PP_SEC(90));
    assert_true(goparse_duration("1.5h", &d));
    assert_int_equal(d, PP_SEC(5400));
    assert_true(goparse_duration("500ms", &d));
    assert_int_equal(d, 500000000);
    assert_true(goparse_duration("0", &d));
    assert_int_equal(d, 0);
    assert_true(goparse_duration("-3s", &d));
    assert_int_equal(d, -PP_SEC(3));
}

static void test_duration_rejects_what_go_rejects(void **state) {
    (void)state;
    pp_time d;
    assert_false(goparse_duration("60", &d)); /* no unit */
    assert_false(goparse_duration("", &d));
    assert_false(goparse_duration("s", &d));
    assert_false(goparse_duration("1d", &d));
    assert_false(goparse_duration("1 s", &d));
    assert_false(goparse_duration("99999999999h", &d)); /* overflow */
}

static void test_numbers_and_bools(void **state) {
    (void)state;
    double f;
    int32_t i;
    bool b;
    assert_true(goparse_float("0.7", &f));
    assert_true(f == 0.7);
    assert_true(goparse_float("1e3", &f));
    assert_false(goparse_float(" 1", &f));
    assert_false(goparse_float("1x", &f));
    assert_true(goparse_int32("-12", &i));
    assert_int_equal(i, -12);
    assert_false(goparse_int32("2147483648", &i));
    assert_false(goparse_int32("1.0", &i));
    assert_true(goparse_bool("True", &b) && b);
    assert_true(goparse_bool("0", &b) && !b);
    assert_false(goparse_bool("yes", &b));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_accepts_go_forms),
        cmocka_unit_test(test_duration_rejects_what_go_rejects),
        cmocka_unit_test(test_numbers_and_bools),
    };
    return cmocka_run_group_tests_name("goparse", tests, NULL, NULL);
}
