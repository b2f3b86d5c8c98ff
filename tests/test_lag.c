/* engine/lag: Seldon's knobs and defaults, the version gate, the CR's
 * validation, every guard of the scheduler's decision, the agents' gauge and
 * the placement and server rules around them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/lag.h"

#include <string.h>

static void test_defaults_and_resolve(void **state) {
    (void)state;
    struct lag_config c;
    lag_config_agent_defaults(&c);
    assert_int_equal(c.stats_period_s, 5);
    assert_int_equal(c.lag_threshold, 30);
    assert_int_equal(c.inactive_seconds, 30);
    assert_int_equal(c.stable_seconds, 60);
    lag_config_helm_defaults(&c);
    assert_int_equal(c.stats_period_s, 20);
    assert_int_equal(c.inactive_seconds, 600);

    const struct pp_kv kv[] = {
        {"defaults", "agent"},
        {"SELDON_MODEL_INFERENCE_LAG_THRESHOLD", "50"},
        {"ENABLE_SERVER_AUTOSCALING", "false"},
        {"loadDelay", "1m"},
    };
    struct pp_error err = {0};
    assert_int_equal(lag_config_resolve(kv, 4, &c, &err), PP_OK);
    assert_int_equal(c.stats_period_s, 5); /* the agent set, then the overrides */
    assert_int_equal(c.lag_threshold, 50);
    assert_false(c.server_autoscaling_enabled);
    assert_int_equal(c.load_delay_s, 60);

    const struct pp_kv bad_period[] = {{"SELDON_SCALING_STATS_PERIOD_SECONDS", "0"}};
    assert_int_not_equal(lag_config_resolve(bad_period, 1, &c, &err), PP_OK);
    assert_string_equal(err.field, "SELDON_SCALING_STATS_PERIOD_SECONDS");
    const struct pp_kv bad_num[] = {{"SELDON_MODEL_INACTIVE_SECONDS_THRESHOLD", "10m"}};
    assert_int_not_equal(lag_config_resolve(bad_num, 1, &c, &err), PP_OK);
    assert_non_null(strstr(err.message, "\"10m\""));
    const struct pp_kv unknown[] = {{"SELDON_LAG", "1"}};
    assert_int_not_equal(lag_config_resolve(unknown, 1, &c, &err), PP_OK);
    assert_string_equal(err.field, "SELDON_LAG");
}

static void test_upstream_runs(void **state) {
    (void)state;
    assert_true(lag_upstream_runs("v2.9.1"));
    assert_true(lag_upstream_runs("2.8.0"));
    assert_true(lag_upstream_runs("2.9.1-rc1"));
    assert_false(lag_upstream_runs("2.10.0"));
    assert_false(lag_upstream_runs("v2.11"));
    assert_false(lag_upstream_runs("3.0.0"));
    assert_false(lag_upstream_runs("1.18.0")); /* Seldon Core 1 */
    assert_false(lag_upstream_runs("latest"));
    assert_false(lag_upstream_runs(NULL));
}

static void test_model_validate(void **state) {
    (void)state;
    struct pp_error err = {0};
    struct lag_model_spec m = {"m", 1, 0, 2, 4};
    assert_int_equal(lag_model_validate(&m, &err), PP_OK);
    assert_int_equal(m.replicas, 2); /* unset: minReplicas */
    m = (struct lag_model_spec){"m", 1, 0, 0, 0};
    assert_int_equal(lag_model_validate(&m, &err), PP_OK);
    assert_int_equal(m.replicas, 1);
    m = (struct lag_model_spec){"m", 1, 1, 2, 4};
    assert_int_not_equal(lag_model_validate(&m, &err), PP_OK);
    assert_string_equal(err.field, "spec.replicas");
    m = (struct lag_model_spec){"m", 1, 5, 0, 4};
    assert_int_not_equal(lag_model_validate(&m, &err), PP_OK);
    assert_non_null(strstr(err.message, "above maxReplicas 4"));
    m = (struct lag_model_spec){"m", 1, 1, 5, 3};
    assert_int_not_equal(lag_model_validate(&m, &err), PP_OK);
    assert_string_equal(err.field, "spec.minReplicas");
}

static struct lag_decision decide(struct lag_view v, enum lag_trigger t, int64_t now) {
    struct lag_decision d;
    lag_decide(&v, t, now, 60, &d);
    return d;
}

static void test_decide_guards(void **state) {
    (void)state;
    struct lag_view v = {"m", 2, 1, 3, LAG_AVAILABLE, 0};
    struct lag_decision d = decide(v, LAG_SCALE_UP, 10);
    assert_int_equal(d.reject, LAG_ACCEPTED); /* no cool-down for scale-up */
    assert_int_equal(d.target, 3);
    v.state = LAG_PROGRESSING;
    d = decide(v, LAG_SCALE_UP, 10);
    assert_int_equal(d.reject, LAG_NOT_AVAILABLE);
    assert_string_equal(d.message, "Cannot scale model version m");
    assert_int_equal(d.target, 2);
    /* down: stable strictly older than 60 s; availability not needed */
    d = decide(v, LAG_SCALE_DOWN, 60);
    assert_int_equal(d.reject, LAG_NOT_STABLE);
    assert_string_equal(d.message, "Model m has changed status recently, skip scaling");
    d = decide(v, LAG_SCALE_DOWN, 61);
    assert_int_equal(d.reject, LAG_ACCEPTED);
    assert_int_equal(d.target, 1);
    /* bounds */
    v = (struct lag_view){"m", 3, 1, 3, LAG_AVAILABLE, 0};
    d = decide(v, LAG_SCALE_UP, 100);
    assert_int_equal(d.reject, LAG_VIOLATES_MAX);
    assert_string_equal(d.message, "Violating max replicas 3 / 4 for model m");
    v = (struct lag_view){"m", 1, 1, 3, LAG_AVAILABLE, 0};
    d = decide(v, LAG_SCALE_DOWN, 100);
    assert_int_equal(d.reject, LAG_VIOLATES_MIN);
    assert_string_equal(d.message, "Violating min replicas 1 / 0 for model m");
    v = (struct lag_view){"m", 1, 0, 3, LAG_AVAILABLE, 0}; /* never below 1 */
    assert_int_equal(decide(v, LAG_SCALE_DOWN, 100).reject, LAG_VIOLATES_MIN);
    v = (struct lag_view){"m", 7, 1, 0, LAG_AVAILABLE, 0}; /* max unset: no bound */
    assert_int_equal(decide(v, LAG_SCALE_UP, 100).target, 8);
    v = (struct lag_view){"m", 2, 0, 0, LAG_AVAILABLE, 0};
    d = decide(v, LAG_SCALE_UP, 100);
    assert_int_equal(d.reject, LAG_NO_AUTOSCALING);
    assert_string_equal(d.message, "No autoscaling for model m");
}

struct capture {
    int n[LAG_DECISION + 1];
    struct lag_record last[LAG_DECISION + 1];
    enum lag_reject last_reject;
};

static void capture(void *ctx, const struct lag_record *r) {
    struct capture *c = ctx;
    c->n[r->kind]++;
    c->last[r->kind] = *r;
    if (r->kind == LAG_DECISION)
        c->last_reject = r->decision->reject;
}

static struct lag_config config(void) {
    struct lag_config c;
    lag_config_helm_defaults(&c);
    c.inactive_seconds = 120;
    return c;
}

static void test_agent_gauge(void **state) {
    (void)state;
    struct lag_config cfg = config();
    struct lag_model_spec m = {"m", 1, 1, 1, 3};
    struct lag_server_spec s = {3, 0, 0};
    struct lag_initial_replica r0 = {0, 1, 0, -1000};
    struct lag *l = lag_create(&cfg, &m, &s, &r0, 1, -1000);
    int64_t lag, used;
    /* starts count up, ends count down but never below zero */
    for (int i = 0; i < 5; i++)
        lag_request_start(l, 0, 7);
    for (int i = 0; i < 10; i++)
        lag_request_end(l, 0);
    assert_true(lag_agent(l, 0, &lag, &used));
    assert_int_equal(lag, 0);
    assert_int_equal(used, 7);
    /* 30 in flight: reported at the tick, reset, one replica more */
    for (int i = 0; i < 30; i++)
        lag_request_start(l, 0, 15);
    struct capture c = {0};
    lag_tick(l, 20, capture, &c);
    assert_int_equal(c.n[LAG_TRIGGER], 1);
    assert_int_equal(c.last[LAG_TRIGGER].amount, 30);
    assert_int_equal(c.last_reject, LAG_ACCEPTED);
    assert_int_equal(c.n[LAG_LOAD_REQUESTED], 1);
    assert_int_equal(c.last[LAG_LOAD_REQUESTED].replica, 1);
    assert_true(lag_agent(l, 0, &lag, &used));
    assert_int_equal(lag, 0);
    /* requests in flight at the reset still finish: clamped at zero */
    lag_request_end(l, 0);
    assert_true(lag_agent(l, 0, &lag, &used));
    assert_int_equal(lag, 0);
    /* no stats on a replica that is still loading */
    assert_false(lag_agent(l, 1, &lag, &used));
    lag_request_start(l, 1, 21);
    /* loaded at 30: the fresh keeper starts at 1, last-used = load time */
    memset(&c, 0, sizeof(c));
    lag_tick(l, 40, capture, &c);
    assert_int_equal(c.n[LAG_REPLICA_AVAILABLE_EV], 1);
    assert_int_equal(c.last[LAG_REPLICA_AVAILABLE_EV].t, 30);
    assert_true(lag_agent(l, 1, &lag, &used));
    assert_int_equal(lag, 1);
    assert_int_equal(used, 30);
    lag_destroy(l);
}

static void test_disabled_keeps_no_stats(void **state) {
    (void)state;
    struct lag_config cfg = config();
    cfg.model_autoscaling_enabled = false;
    struct lag_model_spec m = {"m", 1, 1, 1, 3};
    struct lag_server_spec s = {2, 0, 0};
    struct lag_initial_replica r0 = {0, 100, 0, -1000};
    struct lag *l = lag_create(&cfg, &m, &s, &r0, 1, -1000);
    int64_t lag, used;
    assert_false(lag_agent(l, 0, &lag, &used));
    struct capture c = {0};
    lag_tick(l, 1000, capture, &c);
    assert_int_equal(c.n[LAG_TRIGGER], 0);
    lag_destroy(l);
}

static void test_idle_scale_down_and_unload_delay(void **state) {
    (void)state;
    struct lag_config cfg = config();
    cfg.unload_delay_s = 5;
    struct lag_model_spec m = {"m", 1, 2, 1, 3};
    struct lag_server_spec s = {2, 1, 2};
    struct lag_initial_replica r[] = {{0, 0, 100, -1000}, {1, 0, 0, -1000}};
    struct lag *l = lag_create(&cfg, &m, &s, r, 2, -1000);
    /* at 120 only replica 1 is idle; the scheduler drops the highest index */
    struct capture c = {0};
    lag_tick(l, 120, capture, &c);
    assert_int_equal(c.n[LAG_TRIGGER], 1);
    assert_int_equal(c.last[LAG_TRIGGER].trigger, LAG_SCALE_DOWN);
    assert_int_equal(c.last[LAG_TRIGGER].amount, 0);
    assert_int_equal(c.last_reject, LAG_ACCEPTED);
    assert_int_equal(lag_replica(l, 1), LAG_REPLICA_UNLOAD_REQUESTED);
    struct lag_status st;
    lag_status(l, &st);
    assert_int_equal(st.replicas, 1);
    assert_int_equal(st.state_changed_at, 120);
    /* the unload lands at 125; an empty server replica: the server shrinks */
    memset(&c, 0, sizeof(c));
    lag_tick(l, 140, capture, &c);
    assert_int_equal(c.n[LAG_REPLICA_UNLOADED_EV], 1);
    assert_int_equal(c.last[LAG_REPLICA_UNLOADED_EV].t, 125);
    assert_int_equal(c.n[LAG_SERVER_SCALE_REQUEST], 1);
    assert_false(c.last[LAG_SERVER_SCALE_REQUEST].up);
    assert_int_equal(c.last[LAG_SERVER_SCALE_REQUEST].to_replicas, 1);
    assert_true(c.last[LAG_SERVER_SCALE_REQUEST].accepted);
    assert_int_equal(c.n[LAG_SERVER_REPLICA_REMOVED], 1);
    lag_status(l, &st);
    assert_int_equal(st.server_replicas, 1);
    assert_int_equal(st.server_connected, 1);
    assert_int_equal(st.state_changed_at, 125);
    /* idle replica 0 keeps asking every period; stability gates it */
    memset(&c, 0, sizeof(c));
    lag_tick(l, 240, capture, &c);
    assert_int_equal(c.n[LAG_TRIGGER], 1);
    assert_int_equal(c.last_reject, LAG_VIOLATES_MIN);
    lag_destroy(l);
}

static void test_schedule_failed_then_server_up(void **state) {
    (void)state;
    struct lag_config cfg = config();
    struct lag_model_spec m = {"m", 1, 1, 0, 3};
    struct lag_server_spec s = {1, 1, 2};
    struct lag_initial_replica r0 = {0, 1, 0, -1000};
    struct lag *l = lag_create(&cfg, &m, &s, &r0, 1, -1000);
    for (int i = 0; i < 40; i++)
        lag_request_start(l, 0, 10);
    struct capture c = {0};
    lag_tick(l, 20, capture, &c);
    /* no minReplicas: the extra replica cannot be placed: ScheduleFailed,
     * and a server replica is requested */
    assert_int_equal(c.n[LAG_SCHEDULE_FAILED_EV], 1);
    assert_string_equal(c.last[LAG_SCHEDULE_FAILED_EV].why, "scaling_event");
    assert_int_equal(c.n[LAG_SERVER_SCALE_REQUEST], 1);
    assert_true(c.last[LAG_SERVER_SCALE_REQUEST].up);
    assert_int_equal(c.last[LAG_SERVER_SCALE_REQUEST].to_replicas, 2);
    struct lag_status st;
    lag_status(l, &st);
    assert_int_equal(st.state, LAG_SCHEDULE_FAILED);
    assert_int_equal(st.server_connected, 1);
    /* the new pod connects at 60; the failed model is rescheduled onto it */
    memset(&c, 0, sizeof(c));
    lag_tick(l, 60, capture, &c);
    assert_int_equal(c.n[LAG_SERVER_REPLICA_CONNECTED], 1);
    assert_int_equal(c.n[LAG_LOAD_REQUESTED], 1);
    assert_int_equal(c.last[LAG_LOAD_REQUESTED].replica, 1);
    lag_status(l, &st);
    assert_int_equal(st.state, LAG_PROGRESSING);
    memset(&c, 0, sizeof(c));
    lag_tick(l, 80, capture, &c);
    lag_status(l, &st);
    assert_int_equal(st.state, LAG_AVAILABLE);
    assert_int_equal(st.available, 2);
    lag_destroy(l);
}

/* From the fuzzing audit: a Server whose maxReplicas is 2^31-1 asked
 * 160 GB up front; its slots are the simulated cluster's LAG_MAX_SLOTS. */
static void test_huge_max_replicas_is_bounded(void **state) {
    (void)state;
    struct lag_config cfg = config();
    struct lag_model_spec m = {"m", 1, 1, 1, INT32_MAX};
    struct lag_server_spec s = {1, 1, INT32_MAX};
    struct lag_initial_replica r0 = {0, 1, 0, -1000};
    const uint64_t before = pp_allocations();
    struct lag *l = lag_create(&cfg, &m, &s, &r0, 1, -1000);
    assert_non_null(l);
    assert_true(pp_allocations() - before < 16);
    lag_request_start(l, 0, 7);
    lag_destroy(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_resolve),
        cmocka_unit_test(test_huge_max_replicas_is_bounded),
        cmocka_unit_test(test_upstream_runs),
        cmocka_unit_test(test_model_validate),
        cmocka_unit_test(test_decide_guards),
        cmocka_unit_test(test_agent_gauge),
        cmocka_unit_test(test_disabled_keeps_no_stats),
        cmocka_unit_test(test_idle_scale_down_and_unload_delay),
        cmocka_unit_test(test_schedule_failed_then_server_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
