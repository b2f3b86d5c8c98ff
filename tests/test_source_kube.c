/* k8s/source_kube: times as the API writes them (the source itself runs
 * against the test API server in kube_test.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "k8s/source_kube.h"

static void test_rfc3339_times(void **state) {
    (void)state;
    pp_time t;
    assert_true(source_kube_time("1970-01-01T00:01:40Z", &t));
    assert_int_equal(t, PP_SEC(100));
    assert_true(source_kube_time("2026-12-01T10:00:00Z", &t));
    assert_int_equal(t, PP_SEC(1796119200));
    assert_true(source_kube_time("2026-12-01T10:00:00.25Z", &t)); /* metav1.MicroTime */
    assert_int_equal(t, PP_SEC(1796119200) + 250000000);
    assert_true(source_kube_time("2026-12-01T12:00:00+02:00", &t));
    assert_int_equal(t, PP_SEC(1796119200));
    assert_false(source_kube_time("yesterday", &t));
    assert_false(source_kube_time("2026-12-01T10:00:00", &t)); /* no zone */
    assert_false(source_kube_time(NULL, &t));
    /* a year engine time cannot hold (found by fuzz_metrics): refused, not overflowed */
    assert_false(source_kube_time("4052-12-01T10:00:00Z", &t));
    assert_true(source_kube_time("2255-01-01T00:00:00Z", &t));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rfc3339_times)};
    return cmocka_run_group_tests_name("source_kube", tests, NULL, NULL);
}
