#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "engine/kpa_service.h"

#define T0 1700000000
#define ANN "autoscaling.knative.dev/"
#define COLD 10

/* Runs `seconds` of constant in-flight load c on pods that become ready COLD
 * seconds after the reconciler asks for them; returns the last view. */
static struct kpa_service_view run(const struct pp_kv *kv, size_t n, double c, int seconds,
                                   int32_t *ready_out) {
    struct kpa_config cfg;
    assert_int_equal(kpa_config_resolve(kv, n, &cfg, NULL), PP_OK);
    struct kpa_service *s = kpa_service_create(&cfg, PP_SEC(T0));
    struct kpa_service_view v = {.replicas = cfg.deployment_replicas};
    int32_t ready = cfg.deployment_replicas, asked_at[1024] = {0}, pending = 0;
    static struct kpa_stat pods[1024];
    for (int t = 1; t <= seconds; t++) {
        for (int32_t i = 0; i < pending; i++)
            if (asked_at[i] + COLD <= t) {
                ready++;
                asked_at[i--] = asked_at[--pending];
            }
        for (int32_t i = 0; i < ready; i++)
            pods[i] = (struct kpa_stat){.concurrency = c / ready, .rps = c * 10 / ready};
        const struct kpa_stat act = {.concurrency = c, .rps = c * 10};
        const struct kpa_stat all = kpa_scrape_combine(pods, (uint32_t)ready);
        kpa_service_step(s, PP_SEC(T0 + t), &all, ready, &act, &v);
        while (ready + pending < v.replicas && pending < 1024)
            asked_at[pending++] = t;
        if (ready + pending > v.replicas) {
            pending = 0;
            if (ready > v.replicas)
                ready = v.replicas;
        }
    }
    kpa_service_destroy(s);
    if (ready_out)
        *ready_out = ready;
    return v;
}

static void test_five_in_flight_at_target_one_needs_eight_pods(void **state) {
    (void)state;
    const struct pp_kv kv[] = {{ANN "target", "1"}, {ANN "min-scale", "1"}};
    int32_t ready;
    struct kpa_service_view v = run(kv, 2, 5, 120, &ready);
    assert_int_equal(v.desired, 8); /* ceil(5 / 0.7) */
    assert_int_equal(ready, 8);
}

static void test_full_utilization_makes_it_five(void **state) {
    (void)state;
    const struct pp_kv kv[] = {
        {ANN "target", "1"}, {ANN "min-scale", "1"}, {ANN "target-utilization-percentage", "100"}};
    struct kpa_service_view v = run(kv, 3, 5, 120, NULL);
    assert_int_equal(v.desired, 5);
    assert_int_equal(v.replicas, 5);
}

static void test_idle_service_scales_to_zero_without_min_scale(void **state) {
    (void)state;
    const struct pp_kv kv[] = {{ANN "target", "10"}};
    struct kpa_service_view v = run(kv, 1, 0, 200, NULL);
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
