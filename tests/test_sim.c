#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "engine/sim.h"

#define T0 PP_SEC(1700000000)

static struct sim_pod_model model(double service_s, int32_t streams) {
    struct sim_pod_model m;
    sim_pod_model_default(&m);
    m.dist = SIM_DIST_CONSTANT;
    m.service_time_s = service_s;
    m.streams = streams;
    return m;
}

static struct sim *one_with(struct sim_pod_model m, struct pod_spec spec, int32_t ready) {
    return sim_create(42, &m, &spec, &ready, 1, T0);
}

static struct sim *one(struct sim_pod_model m, int32_t ready) {
    return one_with(m, pod_spec_default(), ready);
}

static void test_pods_become_ready_after_the_cold_start(void **state) {
    (void)state;
    struct sim *s = one(model(0.02, 4), 1);
    sim_scale(s, 0, 3, T0 + PP_SEC(100));
    assert_int_equal(sim_ready(s, 0), 1);
    assert_int_equal(sim_pods(s, 0), 3);
    sim_run(s, T0 + PP_SEC(109));
    assert_int_equal(sim_ready(s, 0), 1);
    sim_run(s, T0 + PP_SEC(110));
    assert_int_equal(sim_ready(s, 0), 3);
    sim_destroy(s);
}

static void test_shrinking_removes_starting_pods_first(void **state) {
    (void)state;
    struct sim *s = one(model(0.02, 4), 2);
    sim_scale(s, 0, 4, T0);
    sim_scale(s, 0, 3, T0 + PP_SEC(1));
    assert_int_equal(sim_ready(s, 0), 2);
    assert_int_equal(sim_pods(s, 0), 3);
    sim_scale(s, 0, 1, T0 + PP_SEC(2));
    assert_int_equal(sim_ready(s, 0), 1);
    assert_int_equal(sim_pods(s, 0), 1);
    sim_scale(s, 0, -5, T0 + PP_SEC(3));
    assert_int_equal(sim_pods(s, 0), 0);
    sim_scale(s, 0, SIM_MAX_PODS + 10, T0 + PP_SEC(3));
    assert_int_equal(sim_pods(s, 0), SIM_MAX_PODS);
    sim_destroy(s);
}

static void test_hey_workers_send_n_over_c_each(void **state) {
    (void)state;
    struct sim *s = one(model(0.02, 4), 2);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .requests = 103, .workers = 5, .timeout = PP_SEC(20)};
    const size_t id = sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(10));
    struct load_result r;
    sim_load_result(s, id, &r);
    assert_true(r.done);
    assert_int_equal(r.n_ok, 100); /* hey drops 103 % 5 */
    assert_int_equal(r.n_lat, 100);
    for (size_t i = 0; i < r.n_lat; i++)
        assert_true(fabs(r.lat_s[i] - 0.02) < 1e-6);
    /* 20 rounds of 20 ms, the 5 workers in parallel on 8 streams */
    assert_int_equal(r.finished - r.started, PP_SEC(20) / 50);
    sim_destroy(s);
}

static void test_rate_limit_is_per_worker(void **state) {
    (void)state;
    struct sim *s = one(model(0.02, 4), 1);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .duration = PP_SEC(10), .workers = 2, .qps = 10};
    const size_t id = sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(11));
    struct load_result r;
    sim_load_result(s, id, &r);
    assert_true(r.done);
    assert_int_equal(r.n_ok, 2 * 99); /* a tick each 100 ms from 100 ms until 10 s */
    sim_destroy(s);
}

static void test_activator_holds_requests_until_a_pod_is_ready(void **state) {
    (void)state;
    struct sim *s = one(model(0.02, 4), 0);
    sim_set_activator(s, 0, true, T0);
    sim_scale(s, 0, 1, T0);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .requests = 5, .workers = 5, .timeout = PP_SEC(20)};
    const size_t id = sim_load_start(s, 0, &l);
    struct sim_pod_sample pods[4];
    struct sim_service_sample ss;
    sim_run(s, T0 + PP_SEC(5));
    sim_sample(s, 0, 0, T0 + PP_SEC(5), pods, 4, &ss);
    assert_true(fabs(ss.buffered - 5) < 1e-9);
    sim_run(s, T0 + PP_SEC(11));
    struct load_result r;
    sim_load_result(s, id, &r);
    assert_int_equal(r.n_ok, 5);
    for (size_t i = 0; i < r.n_lat; i++)
        assert_true(r.lat_s[i] >= 10.0 && r.lat_s[i] < 10.1); /* the cold-start tail */
    sim_destroy(s);
}

static void test_container_concurrency_caps_each_pod_through_the_activator(void **state) {
    (void)state;
    struct pod_spec spec = pod_spec_default();
    spec.concurrency_limit = 1;
    struct sim *s = one_with(model(0.5, 4), spec, 2);
    sim_set_activator(s, 0, true, T0);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .duration = PP_SEC(10), .workers = 6};
    sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(5));
    struct sim_pod_sample pods[4];
    struct sim_service_sample ss;
    const size_t n = sim_sample(s, 0, 0, T0 + PP_SEC(5), pods, 4, &ss);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(pods[i].concurrency <= 1.0 + 1e-9);
        assert_true(pods[i].concurrency > 0.99);
    }
    assert_true(ss.buffered > 3.9); /* the other four wait in the activator */
    sim_destroy(s);
}

static void test_pods_report_cpu_gpu_and_streams_ratio(void **state) {
    (void)state;
    const struct sim_pod_model m = model(0.1, 1);
    struct pod_spec spec = pod_spec_default();
    spec.gpus = 1;
    struct sim *s = one_with(m, spec, 1);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .duration = PP_SEC(20), .workers = 2};
    sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(10));
    struct sim_pod_sample p;
    struct sim_service_sample ss;
    assert_int_equal(sim_sample(s, 0, 1, T0 + PP_SEC(10), &p, 1, &ss), 1);
    assert_true(fabs(p.gpu_util - 100) < 1e-6);
    assert_true(fabs(p.concurrency - 2) < 1e-6);
    assert_true(fabs(p.streams_ratio - 2) < 1e-6); /* one stream, two requests: queueing */
    assert_int_equal(p.cpu_milli, m.cpu_idle_milli + m.cpu_stream_milli);
    assert_true(fabs(p.rps - 10) < 0.2);
    sim_destroy(s);
}

static void test_poisson_load_is_deterministic_per_seed(void **state) {
    (void)state;
    size_t counts[3];
    const uint64_t seeds[3] = {7, 7, 8};
    for (int k = 0; k < 3; k++) {
        struct sim_pod_model m = model(0.01, 8);
        int32_t ready = 4;
        const struct pod_spec spec = pod_spec_default();
        struct sim *s = sim_create(seeds[k], &m, &spec, &ready, 1, T0);
        const struct load_spec l = {
            .kind = LOAD_POISSON, .start = T0, .duration = PP_SEC(60), .rate = 50};
        const size_t id = sim_load_start(s, 0, &l);
        sim_run(s, T0 + PP_SEC(61));
        struct load_result r;
        sim_load_result(s, id, &r);
        counts[k] = r.n_ok;
        assert_true(r.n_ok > 2700 && r.n_ok < 3300);
        sim_destroy(s);
    }
    assert_int_equal(counts[0], counts[1]);
    assert_int_not_equal(counts[0], counts[2]);
}

static void test_timeouts_count_as_errors(void **state) {
    (void)state;
    struct sim *s = one(model(2.0, 1), 1);
    const struct load_spec l = {
        .kind = LOAD_WORKERS, .start = T0, .requests = 4, .workers = 2, .timeout = PP_SEC(1)};
    const size_t id = sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(30));
    struct load_result r;
    sim_load_result(s, id, &r);
    assert_true(r.done);
    assert_int_equal(r.n_ok + r.n_timeout, 4);
    assert_true(r.n_timeout >= 3);
    sim_destroy(s);
}

static void test_trace_follows_the_rate(void **state) {
    (void)state;
    struct sim *s = one(model(0.01, 8), 4);
    const struct load_trace_point tr[] = {{0, 0}, {10, 100}, {20, 0}};
    const struct load_spec l = {.kind = LOAD_TRACE, .start = T0, .trace = tr, .n_trace = 3};
    const size_t id = sim_load_start(s, 0, &l);
    sim_run(s, T0 + PP_SEC(30));
    struct load_result r;
    sim_load_result(s, id, &r);
    assert_true(r.done);
    assert_true(r.n_ok > 850 && r.n_ok < 1150); /* 100 rps for 10 s */
    sim_destroy(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_become_ready_after_the_cold_start),
        cmocka_unit_test(test_shrinking_removes_starting_pods_first),
        cmocka_unit_test(test_hey_workers_send_n_over_c_each),
        cmocka_unit_test(test_rate_limit_is_per_worker),
        cmocka_unit_test(test_activator_holds_requests_until_a_pod_is_ready),
        cmocka_unit_test(test_container_concurrency_caps_each_pod_through_the_activator),
        cmocka_unit_test(test_pods_report_cpu_gpu_and_streams_ratio),
        cmocka_unit_test(test_poisson_load_is_deterministic_per_seed),
        cmocka_unit_test(test_timeouts_count_as_errors),
        cmocka_unit_test(test_trace_follows_the_rate),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
