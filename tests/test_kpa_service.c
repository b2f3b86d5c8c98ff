#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "engine/kpa_service.h"

#define T0 1700000000
#define ANN "autoscaling.knative.dev/"

/* Runs `seconds` of constant load and returns the last view. */
static struct kpa_service_view run(const struct pp_kv *kv, size_t n, double c, int seconds) {
    struct kpa_config cfg;
    assert_int_equal(kpa_config_resolve(kv, n, &cfg, NULL), PP_OK);
    struct kpa_service *s = kpa_service_create(&cfg, 1, PP_SEC(10), PP_SEC(T0));
    struct kpa_service_view v = {0};
    for (int t = 0; t < seconds; t++)
        kpa_service_step(s, PP_SEC(T0 + t), c, c * 10, &v);
    kpa_service_destroy(s);
    return v;
}

static void test_five_in_flight_at_target_one_needs_eight_pods(void **state) {
    (void)state;
    const struct pp_kv kv[] = {{ANN "target", "1"}, {ANN "min-scale", "1"}};
    struct kpa_service_view v = run(kv, 2, 5, 120);
    assert_int_equal(v.desired, 8); /* ceil(5 / 0.7) */
    assert_int_equal(v.ready, 8);
}

static void test_full_utilization_makes_it_five(void **state) {
    (void)state;
    const struct pp_kv kv[] = {
        {ANN "target", "1"}, {ANN "min-scale", "1"}, {ANN "target-utilization-percentage", "100"}};
    struct kpa_service_view v = run(kv, 3, 5, 120);
    assert_int_equal(v.desired, 5);
    assert_int_equal(v.replicas, 5);
}

static void test_idle_service_scales_to_zero_without_min_scale(void **state) {
    (void)state;
    const struct pp_kv kv[] = {{ANN "target", "10"}};
    struct kpa_service_view v = run(kv, 1, 0, 200);
    assert_int_equal(v.replicas, 0);
    assert_int_equal(v.active, PA_ACTIVE_FALSE);
    assert_true(v.activator_in_path);
}

static void test_limits_text_uses_upstream_words(void **state) {
    (void)state;
    char buf[128];
    kpa_limits_text(KPA_LIMIT_SCALE_UP_RATE | KPA_LIMIT_SCALE_DOWN_DELAY, buf, sizeof(buf));
    assert_string_equal(buf, "max-scale-up-rate, scale-down-delay");
    kpa_limits_text(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_five_in_flight_at_target_one_needs_eight_pods),
        cmocka_unit_test(test_full_utilization_makes_it_five),
        cmocka_unit_test(test_idle_service_scales_to_zero_without_min_scale),
        cmocka_unit_test(test_limits_text_uses_upstream_words),
    };
    return cmocka_run_group_tests_name("kpa_service", tests, NULL, NULL);
}
