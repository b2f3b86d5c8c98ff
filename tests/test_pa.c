#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/pa.h"

#define T0 1700000000
#define KV(...) ((const struct pp_kv[]){__VA_ARGS__})
#define N(arr) (sizeof(arr) / sizeof(arr[0]))
#define CONFIG(c, ...) config(c, KV(__VA_ARGS__), N(KV(__VA_ARGS__)))
#define ANN "autoscaling.knative.dev/"

static void config(struct kpa_config *c, const struct pp_kv *kv, size_t n) {
    assert_int_equal(kpa_config_resolve(kv, n, c, NULL), PP_OK);
}

static void active_since(struct pa_state *pa, int t) {
    pa->active = PA_ACTIVE_TRUE;
    pa->reason = PA_REASON_NONE;
    pa->active_since = PP_SEC(T0 + t);
    pa->scale_target_initialized = true;
}

static void reconcile(struct pa_state *pa, const struct kpa_config *c, int32_t desired, int32_t ebc,
                      int32_t ready, int t) {
    pa_reconcile(pa, c, desired, ebc, ready, PP_SEC(T0 + t));
}

static void test_bounds_apply_to_replicas_not_to_the_decider(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "min-scale", "2"}, {ANN "max-scale", "4"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    active_since(&pa, 0);
    reconcile(&pa, &c, 9, -100, 2, 1);
    assert_int_equal(pa.replicas, 4);
    assert_int_equal(pa.why, PA_WHY_MAX_SCALE);
    reconcile(&pa, &c, 0, -100, 4, 2);
    assert_int_equal(pa.replicas, 2);
    assert_int_equal(pa.why, PA_WHY_MIN_SCALE);
    assert_int_equal(pa.active, PA_ACTIVE_TRUE);
}

static void test_initial_scale_is_a_floor_until_reached(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "initial-scale", "3"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    assert_int_equal(pa.replicas, 3);
    reconcile(&pa, &c, 1, -100, 0, 2);
    assert_int_equal(pa.replicas, 3);
    assert_int_equal(pa.active, PA_ACTIVE_UNKNOWN);
    reconcile(&pa, &c, 1, -100, 3, 12); /* three ready: initialized, floor gone */
    assert_true(pa.scale_target_initialized);
    assert_int_equal(pa.active, PA_ACTIVE_TRUE);
    assert_int_equal(pa.replicas, 1);
}

static void test_scale_to_zero_waits_a_stable_window_active_then_the_grace_period(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "target-burst-capacity", "0"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    active_since(&pa, 0);
    pa.sks_mode = SKS_MODE_SERVE;
    pa.activator_in_path = false;
    pa.replicas = 3;

    reconcile(&pa, &c, 0, 0, 3, 30); /* active 30 s < 60 s: one pod for now */
    assert_int_equal(pa.replicas, 1);
    assert_int_equal(pa.want, 1);
    assert_int_equal(pa.why, PA_WHY_STABLE_WINDOW);
    assert_int_equal(pa.sks_mode, SKS_MODE_SERVE);

    reconcile(&pa, &c, 0, 0, 1, 60); /* a stable window: inactive, activator in path */
    assert_int_equal(pa.active, PA_ACTIVE_FALSE);
    assert_int_equal(pa.sks_mode, SKS_MODE_PROXY);
    assert_true(pa.activator_in_path);
    assert_int_equal(pa.replicas, 1);
    assert_int_equal(pa.why, PA_WHY_GRACE_PERIOD);

    reconcile(&pa, &c, 0, 0, 1, 89);
    assert_int_equal(pa.replicas, 1);
    reconcile(&pa, &c, 0, 0, 1, 90); /* 30 s grace since the activator entered the path */
    assert_int_equal(pa.replicas, 0);
    assert_int_equal(pa.want, 0);
}

static void test_activator_long_in_path_scales_to_zero_at_once(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "target", "10"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0 - 300));
    active_since(&pa, -300);
    reconcile(&pa, &c, 0, -211, 1, 100);
    assert_int_equal(pa.active, PA_ACTIVE_FALSE);
    assert_int_equal(pa.replicas, 0);
}

static void test_pod_retention_keeps_the_last_pod(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "scale-to-zero-pod-retention-period", "90s"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0 - 300));
    active_since(&pa, -300);
    reconcile(&pa, &c, 0, -211, 1, 0);
    assert_int_equal(pa.active, PA_ACTIVE_FALSE);
    assert_int_equal(pa.replicas, 1);
    assert_int_equal(pa.why, PA_WHY_POD_RETENTION);
    reconcile(&pa, &c, 0, -211, 1, 89);
    assert_int_equal(pa.replicas, 1);
    reconcile(&pa, &c, 0, -211, 1, 90);
    assert_int_equal(pa.replicas, 0);
}

static void test_scale_to_zero_disabled_keeps_one(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {"enable-scale-to-zero", "false"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    active_since(&pa, -300);
    reconcile(&pa, &c, 0, -211, 1, 10);
    assert_int_equal(pa.replicas, 1);
    assert_int_equal(pa.active, PA_ACTIVE_TRUE);
}

static void test_activation_times_out_after_progress_deadline(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {"progress-deadline", "60s"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    reconcile(&pa, &c, -1, -211, 0, 0); /* activating: bounds make -1 a 0, held */
    assert_int_equal(pa.want, -1);
    assert_int_equal(pa.active, PA_ACTIVE_UNKNOWN);
    reconcile(&pa, &c, -1, -211, 0, 90); /* 60 + 30 s: not yet (strict) */
    assert_int_equal(pa.active, PA_ACTIVE_UNKNOWN);
    reconcile(&pa, &c, -1, -211, 0, 91);
    assert_int_equal(pa.active, PA_ACTIVE_FALSE);
    assert_int_equal(pa.replicas, 0);
}

static void test_serve_mode_needs_capacity_and_activators_cover_burst(void **state) {
    (void)state;
    struct kpa_config c;
    CONFIG(&c, {ANN "target", "10"});
    struct pa_state pa;
    pa_init(&pa, &c, PP_SEC(T0));
    active_since(&pa, 0);
    reconcile(&pa, &c, 30, 5, 30, 4);
    assert_int_equal(pa.sks_mode, SKS_MODE_SERVE);
    assert_false(pa.activator_in_path);
    assert_int_equal(pa.num_activators, 6); /* ceil((30 × 10 + 211) / 100) */
    reconcile(&pa, &c, 30, -1, 30, 6);
    assert_int_equal(pa.sks_mode, SKS_MODE_PROXY);
    assert_true(pa.activator_in_path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_apply_to_replicas_not_to_the_decider),
        cmocka_unit_test(test_initial_scale_is_a_floor_until_reached),
        cmocka_unit_test(test_scale_to_zero_waits_a_stable_window_active_then_the_grace_period),
        cmocka_unit_test(test_activator_long_in_path_scales_to_zero_at_once),
        cmocka_unit_test(test_pod_retention_keeps_the_last_pod),
        cmocka_unit_test(test_scale_to_zero_disabled_keeps_one),
        cmocka_unit_test(test_activation_times_out_after_progress_deadline),
        cmocka_unit_test(test_serve_mode_needs_capacity_and_activators_cover_burst),
    };
    return cmocka_run_group_tests_name("pa", tests, NULL, NULL);
}
