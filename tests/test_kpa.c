#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/kpa.h"

#define T0 1700000000
#define KV(...) ((const struct pp_kv[]){__VA_ARGS__})
#define N(arr) (sizeof(arr) / sizeof(arr[0]))
#define MAKE(ready, ...) make(KV(__VA_ARGS__), N(KV(__VA_ARGS__)), ready)
#define ANN "autoscaling.knative.dev/"

static struct kpa *make(const struct pp_kv *kv, size_t n, int32_t ready_at_creation) {
    struct kpa_config c;
    assert_int_equal(kpa_config_resolve(kv, n, &c, NULL), PP_OK);
    return kpa_create(&c, ready_at_creation, PP_SEC(T0));
}

/* One scraper record per second in [from, to). */
static void feed(struct kpa *k, int from, int to, double concurrency) {
    for (int t = from; t < to; t++) {
        struct kpa_stat s = {.concurrency = concurrency, .rps = concurrency * 10};
        kpa_record(k, PP_SEC(T0 + t), &s);
    }
}

static struct kpa_scale_result scale_at(struct kpa *k, int t, int32_t ready) {
    return kpa_scale(k, PP_SEC(T0 + t), ready);
}

static void test_no_data_is_an_invalid_decision(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"});
    struct kpa_scale_result r = scale_at(k, 2, 1);
    assert_false(r.valid);
    assert_int_equal(kpa_desired(k), -1);
    feed(k, 2, 3, 5);
    assert_true(scale_at(k, 4, 1).valid);
    /* More than a window of silence is no data again; the last decision stays. */
    r = scale_at(k, 64, 1);
    assert_false(r.valid);
    assert_int_equal(kpa_desired(k), 1);
    kpa_destroy(k);

    /* Without a scraper (TBC -1) an empty collector is zero, and zero is data. */
    k = MAKE(0, {ANN "target", "10"}, {ANN "target-burst-capacity", "-1"});
    r = scale_at(k, 2, 1);
    assert_true(r.valid);
    assert_int_equal(r.desired, 0);
    assert_int_equal(r.ebc, -1);
    kpa_destroy(k);
}

static void test_zero_ready_pods_use_one_for_rates_but_zero_for_burst_capacity(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"}, {ANN "target-utilization-percentage", "100"},
                         {"max-scale-up-rate", "2"});
    feed(k, 0, 3, 50);
    struct kpa_scale_result r = scale_at(k, 2, 0);
    assert_true(r.valid);
    assert_int_equal(r.recommended, 5);
    assert_int_equal(r.desired, 2); /* ceil(2 × max(1, 0)) */
    assert_true(r.limits & KPA_LIMIT_SCALE_UP_RATE);
    assert_int_equal(r.ebc, -261); /* floor(0 × 10 − 211 − 50) */
    kpa_destroy(k);
}

static void test_kpa_panics_on_a_burst_and_never_scales_down_while_panicking(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"}, {ANN "target-utilization-percentage", "100"});
    feed(k, 0, 60, 30);
    struct kpa_scale_result r = scale_at(k, 60, 3);
    assert_int_equal(r.desired, 3);
    assert_false(r.panic_mode);

    feed(k, 60, 67, 90); /* panic window (6 s) now averages 90: 9 pods ≥ 2 × 3 */
    r = scale_at(k, 66, 3);
    assert_true(r.panic_mode);
    assert_int_equal(r.desired, 9);

    feed(k, 67, 200, 30);
    r = scale_at(k, 74, 9);
    assert_true(r.panic_mode);
    assert_int_equal(r.desired, 9);
    assert_true(r.limits & KPA_LIMIT_PANIC_HOLD);
    kpa_destroy(k);
}

static void test_kpa_stays_in_panic_for_a_stable_window_after_the_last_panic_tick(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"}, {ANN "target-utilization-percentage", "100"});
    feed(k, 0, 10, 30);
    assert_true(scale_at(k, 10, 1).panic_mode); /* 3 pods wanted on 1: over 2× */
    feed(k, 10, 200, 10);
    /* From t 12 on the panic window is below threshold with 3 ready pods. */
    assert_true(scale_at(k, 12, 3).panic_mode);
    /* Last over-threshold tick was t 10: 10 + 60 is not before 70, 72 is. */
    assert_true(scale_at(k, 70, 3).panic_mode);
    struct kpa_scale_result r = scale_at(k, 72, 3);
    assert_false(r.panic_mode);
    assert_int_equal(r.desired, 1);
    kpa_destroy(k);
}

static void test_restart_with_ready_pods_starts_in_panic(void **state) {
    (void)state;
    struct kpa *k = MAKE(5, {ANN "target", "10"});
    feed(k, 0, 10, 0);
    struct kpa_scale_result r = scale_at(k, 2, 5);
    assert_true(r.panic_mode);
    assert_int_equal(r.desired, 5); /* maxPanicPods = ready at creation */
    kpa_destroy(k);
}

static void test_scale_down_rate_halves_at_most_per_decision(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "1"}, {ANN "window", "6s"});
    feed(k, 0, 20, 0);
    struct kpa_scale_result r = scale_at(k, 20, 20);
    assert_int_equal(r.desired, 10);
    assert_true(r.limits & KPA_LIMIT_SCALE_DOWN_RATE);
    assert_int_equal(scale_at(k, 22, 10).desired, 5);
    kpa_destroy(k);
}

static void test_scale_down_delay_holds_the_largest_recent_decision(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"}, {ANN "target-utilization-percentage", "100"},
                         {ANN "window", "6s"}, {ANN "scale-down-delay", "10s"});
    feed(k, 0, 8, 40);
    assert_int_equal(scale_at(k, 8, 4).desired, 4);
    feed(k, 8, 40, 10);
    /* One ready pod, so the scale-down rate does not hide the delay. */
    struct kpa_scale_result r = scale_at(k, 16, 1);
    assert_int_equal(r.recommended, 1);
    assert_int_equal(r.desired, 4);
    assert_true(r.limits & KPA_LIMIT_SCALE_DOWN_DELAY);
    assert_int_equal(scale_at(k, 18, 1).desired, 1); /* slot of t 8 has left the 5 slots */
    kpa_destroy(k);
}

static void test_activation_scale_is_the_smallest_nonzero_decision(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"}, {ANN "activation-scale", "3"});
    feed(k, 0, 4, 1);
    struct kpa_scale_result r = scale_at(k, 4, 1);
    assert_int_equal(r.desired, 3);
    assert_true(r.limits & KPA_LIMIT_ACTIVATION_SCALE);
    kpa_destroy(k);
    k = MAKE(0, {ANN "target", "10"}, {ANN "activation-scale", "3"});
    feed(k, 0, 4, 0);
    assert_int_equal(scale_at(k, 4, 1).desired, 0);
    kpa_destroy(k);
}

static void test_rps_metric_reads_the_rps_windows(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "metric", "rps"}, {ANN "target", "10"});
    feed(k, 0, 4, 5); /* rps 50 → 50 / 7 per pod */
    struct kpa_scale_result r = scale_at(k, 4, 8);
    assert_true(r.stable == 50);
    assert_int_equal(r.desired, 8);
    kpa_destroy(k);
}

static void test_scraper_samples_and_extrapolates(void **state) {
    (void)state;
    const uint32_t want[][2] = {{1, 1},  {3, 3},  {4, 4},   {5, 4},    {6, 5},
                                {10, 7}, {20, 9}, {50, 12}, {100, 14}, {1000, 16}};
    for (size_t i = 0; i < N(want); i++)
        assert_int_equal(kpa_sample_size(want[i][0]), want[i][1]);
    struct kpa_stat pods[10];
    for (int i = 0; i < 10; i++)
        pods[i] = (struct kpa_stat){.concurrency = i < 7 ? 2 : 100, .rps = 1};
    struct kpa_stat s = kpa_scrape_combine(pods, 10);
    assert_true(s.concurrency == 14.0 / 7 * 10); /* only the first 7 are sampled */
    assert_true(s.rps == 10);
}

static void test_poke_only_from_zero_with_traffic(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {ANN "target", "10"});
    struct kpa_stat busy = {.concurrency = 1};
    struct kpa_stat idle = {0};
    assert_false(kpa_wants_poke(k, &busy)); /* still -1: never poked */
    feed(k, 0, 70, 0);
    assert_int_equal(scale_at(k, 70, 0).desired, 0);
    assert_true(kpa_wants_poke(k, &busy));
    assert_false(kpa_wants_poke(k, &idle));
    kpa_destroy(k);
}

static void test_footprint_stays_small(void **state) {
    (void)state;
    struct kpa *k = MAKE(0, {"containerConcurrency", "10"});
    assert_true(kpa_footprint(k) < 1600);
    kpa_destroy(k);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_data_is_an_invalid_decision),
        cmocka_unit_test(test_zero_ready_pods_use_one_for_rates_but_zero_for_burst_capacity),
        cmocka_unit_test(test_kpa_panics_on_a_burst_and_never_scales_down_while_panicking),
        cmocka_unit_test(test_kpa_stays_in_panic_for_a_stable_window_after_the_last_panic_tick),
        cmocka_unit_test(test_restart_with_ready_pods_starts_in_panic),
        cmocka_unit_test(test_scale_down_rate_halves_at_most_per_decision),
        cmocka_unit_test(test_scale_down_delay_holds_the_largest_recent_decision),
        cmocka_unit_test(test_activation_scale_is_the_smallest_nonzero_decision),
        cmocka_unit_test(test_rps_metric_reads_the_rps_windows),
        cmocka_unit_test(test_scraper_samples_and_extrapolates),
        cmocka_unit_test(test_poke_only_from_zero_with_traffic),
        cmocka_unit_test(test_footprint_stays_small),
    };
    return cmocka_run_group_tests_name("kpa", tests, NULL, NULL);
}
