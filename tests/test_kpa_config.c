#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "engine/kpa_config.h"

#define KV(...) ((const struct pp_kv[]){__VA_ARGS__})
#define N(arr) (sizeof(arr) / sizeof(arr[0]))
#define RESOLVE(out, err, ...) kpa_config_resolve(KV(__VA_ARGS__), N(KV(__VA_ARGS__)), out, err)

static void test_defaults_are_knatives(void **state) {
    (void)state;
    struct kpa_config c;
    kpa_config_default(&c);
    assert_true(c.target_value == 70); /* 100 × 0.7 */
    assert_true(c.total_value == 100);
    assert_int_equal(c.stable_window_s, 60);
    assert_int_equal(c.panic_window_s, 6);
    assert_true(c.panic_threshold == 2.0);
    assert_true(c.target_burst_capacity == 211);
    assert_true(c.max_scale_up_rate == 1000 && c.max_scale_down_rate == 2);
    assert_int_equal(c.initial_scale, 1);
    assert_int_equal(c.deployment_replicas, 1);
    assert_int_equal(c.scale_to_zero_grace, PP_SEC(30));
    assert_int_equal(c.activation_timeout, PP_SEC(630));
    assert_true(c.reachable && c.enable_scale_to_zero);
    assert_int_equal(c.metric, KPA_METRIC_CONCURRENCY);
    assert_int_equal(c.algo, WINDOW_LINEAR);
}

static void test_target_one_means_point_seven_per_pod(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/target", "1"}), PP_OK);
    assert_true(c.target_value == 0.7);
    assert_true(c.total_value == 1);
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/target", "1"},
                             {"autoscaling.knative.dev/target-utilization-percentage", "100"}),
                     PP_OK);
    assert_true(c.target_value == 1);
}

static void test_container_concurrency_caps_the_target(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(
        RESOLVE(&c, NULL, {"autoscaling.knative.dev/target", "20"}, {"containerConcurrency", "10"}),
        PP_OK);
    assert_true(c.total_value == 10);
    assert_true(c.target_value == 7);
    assert_int_equal(RESOLVE(&c, NULL, {"containerConcurrency", "4"}), PP_OK);
    assert_true(c.total_value == 4);
}

static void test_rps_utilization_is_fixed_unless_annotated(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/metric", "rps"},
                             {"container-concurrency-target-percentage", "50"}),
                     PP_OK);
    assert_true(c.target_value == 140); /* 200 × 0.7: the ConfigMap fraction is concurrency's */
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/metric", "rps"},
                             {"autoscaling.knative.dev/target", "100"},
                             {"autoscaling.knative.dev/target-utilization-percentage", "80"}),
                     PP_OK);
    assert_true(c.target_value == 80);
}

static void test_panic_window_rounds_to_the_second(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/window", "45s"}), PP_OK);
    assert_int_equal(c.stable_window_s, 45);
    assert_int_equal(c.panic_window_s, 5); /* 4.5 s rounds half away from zero */
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/window", "30s"},
                             {"autoscaling.knative.dev/panic-window-percentage", "20"}),
                     PP_OK);
    assert_int_equal(c.panic_window_s, 6);
}

static void test_legacy_and_fraction_spellings(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/minScale", "2"},
                             {"container-concurrency-target-percentage", "0.5"}),
                     PP_OK);
    assert_int_equal(c.min_scale, 2);
    assert_true(c.target_value == 50);
}

static void test_unreachable_ignores_min_and_retention(void **state) {
    (void)state;
    struct kpa_config c;
    assert_int_equal(RESOLVE(&c, NULL, {"autoscaling.knative.dev/min-scale", "3"},
                             {"autoscaling.knative.dev/scale-to-zero-pod-retention-period", "1m"},
                             {"reachability", "Unreachable"}),
                     PP_OK);
    assert_false(c.reachable);
    assert_int_equal(c.min_scale, 0);
    assert_int_equal(c.pod_retention, 0);
}

static void test_bad_values_name_their_key(void **state) {
    (void)state;
    struct kpa_config c;
    struct pp_error err = {0};
    assert_int_equal(RESOLVE(&c, &err, {"autoscaling.knative.dev/window", "sixty"}), PP_ERR_PARSE);
    assert_string_equal(err.field, "autoscaling.knative.dev/window");
    assert_non_null(strstr(err.message, "\"sixty\""));

    assert_int_equal(RESOLVE(&c, &err, {"max-scale-up-rate", "1"}), PP_ERR_INVALID);
    assert_string_equal(err.field, "max-scale-up-rate");
    assert_int_equal(RESOLVE(&c, &err, {"autoscaling.knative.dev/metric", "cpu"}), PP_ERR_INVALID);
    assert_string_equal(err.field, "autoscaling.knative.dev/metric");
    assert_int_equal(RESOLVE(&c, &err, {"stable-window", "5s"}), PP_ERR_INVALID);
    assert_int_equal(RESOLVE(&c, &err, {"no-such-key", "1"}), PP_ERR_INVALID);
    assert_string_equal(err.field, "no-such-key");
    assert_int_equal(RESOLVE(&c, &err, {"autoscaling.knative.dev/min-scale", "5"},
                             {"autoscaling.knative.dev/max-scale", "2"}),
                     PP_ERR_INVALID);
    assert_int_equal(RESOLVE(&c, &err, {"max-scale", "20"}, {"max-scale-limit", "10"}),
                     PP_ERR_INVALID);
    assert_int_equal(RESOLVE(&c, &err, {"initial-scale", "0"}), PP_ERR_INVALID);
    assert_int_equal(
        RESOLVE(&c, &err, {"initial-scale", "0"}, {"allow-zero-initial-scale", "true"}), PP_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_knatives),
        cmocka_unit_test(test_target_one_means_point_seven_per_pod),
        cmocka_unit_test(test_container_concurrency_caps_the_target),
        cmocka_unit_test(test_rps_utilization_is_fixed_unless_annotated),
        cmocka_unit_test(test_panic_window_rounds_to_the_second),
        cmocka_unit_test(test_legacy_and_fraction_spellings),
        cmocka_unit_test(test_unreachable_ignores_min_and_retention),
        cmocka_unit_test(test_bad_values_name_their_key),
    };
    return cmocka_run_group_tests_name("kpa_config", tests, NULL, NULL);
}
