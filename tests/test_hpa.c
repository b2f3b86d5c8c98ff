/* engine/hpa and hpa_describe: validation, the replica calculator's pod
 * rules, stabilization and policies, conditions and events, and describe
 * text that matches the seeds' real `kubectl describe hpa` outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/hpa.h"
#include "engine/hpa_describe.h"
#include "engine/hpa_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXP 32

/* A Deployment of n running, ready pods, old enough for every CPU rule. */
struct fixture {
    struct hpa_pod pods[MAXP];
    int64_t usage[HPA_MAX_METRICS][MAXP];
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
    struct hpa_obs obs;
};

static void pods(struct fixture *f, int n, int64_t cpu_usage_milli) {
    memset(f, 0, sizeof(*f));
    for (int i = 0; i < n; i++) {
        f->pods[i] = (struct hpa_pod){.phase = HPA_POD_RUNNING,
                                      .has_ready_condition = true,
                                      .ready = true,
                                      .ready_transition = PP_SEC(-3600),
                                      .started = true,
                                      .start_time = PP_SEC(-3600),
                                      .cpu_request_milli = 1000,
                                      .memory_request_milli = 1000};
        for (int m = 0; m < HPA_MAX_METRICS; m++)
            f->usage[m][i] = cpu_usage_milli;
    }
    for (int m = 0; m < HPA_MAX_METRICS; m++)
        f->metrics[m] =
            (struct hpa_metric_obs){.pod_milli = f->usage[m], .timestamp = 0, .window = PP_SEC(30)};
    f->obs = (struct hpa_obs){.spec_replicas = n,
                              .status_replicas = n,
                              .pods = f->pods,
                              .n_pods = (size_t)n,
                              .metrics = f->metrics};
}

static struct hpa_spec cpu_spec(int32_t util, int32_t min, int32_t max) {
    struct hpa_spec s = {.min_set = true, .min_replicas = min, .max_replicas = max, .n_metrics = 1};
    s.metrics[0] = (struct hpa_metric_spec){
        .type = HPA_RESOURCE, .name = "cpu", .target = HPA_TARGET_UTILIZATION, .utilization = util};
    return s;
}

static struct hpa *make(const struct hpa_spec *s) {
    struct hpa_controller c;
    hpa_controller_defaults(&c);
    struct pp_error err = {0};
    if (hpa_validate(s, &err) != PP_OK)
        fail_msg("%s: %s", err.field, err.message);
    return hpa_create(s, &c);
}

static int32_t sync_at(struct hpa *h, struct fixture *f, int t) {
    int32_t r;
    hpa_sync(h, &f->obs, PP_SEC(t), &r);
    return r;
}

static const struct hpa_condition *cond(const struct hpa *h, enum hpa_cond_type t) {
    const struct hpa_status *s = hpa_status(h);
    for (size_t i = 0; i < s->n_conditions; i++) {
        if (s->conditions[i].type == t)
            return &s->conditions[i];
    }
    fail_msg("no condition %s", hpa_cond_type_name(t));
    static const struct hpa_condition none;
    return &none;
}

static void invalid(struct hpa_spec s, const char *field, const char *msg) {
    struct pp_error err = {0};
    assert_int_not_equal(hpa_validate(&s, &err), PP_OK);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, msg));
}

static void test_validation_names_the_field(void **state) {
    (void)state;
    struct hpa_spec s = cpu_spec(50, 3, 2);
    invalid(s, "spec.maxReplicas", "greater than or equal to `minReplicas` (3)");
    s = cpu_spec(50, 1, 5);
    s.metrics[0].type = HPA_PODS;
    s.metrics[0].name = "rps";
    invalid(s, "spec.metrics[0].pods.target.type", "must be AverageValue");
    s = cpu_spec(50, 1, 5);
    s.behavior_set = true;
    s.up.set = true;
    s.up.n_policies = 1;
    s.up.policies[0] = (struct hpa_policy){(enum hpa_policy_type)7, 1, 15};
    invalid(s, "spec.behavior.scaleUp.policies[0]", "must be Pods or Percent");
    s = cpu_spec(50, 1, 5);
    s.behavior_set = true;
    s.down.set = true;
    s.down.window_set = true;
    s.down.window_s = -1;
    invalid(s, "spec.behavior.scaleDown.stabilizationWindowSeconds", "between 0 and 3600");
    s = cpu_spec(0, 1, 5);
    invalid(s, "spec.metrics[0].target.averageUtilization", "greater than 0");
}

static void test_utilization_and_tolerance(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *h = make(&s);
    pods(&f, 2, 540); /* 54 %: ratio 1.08, inside the 10 % tolerance */
    assert_int_equal(sync_at(h, &f, 0), 2);
    assert_int_equal(hpa_status(h)->metrics[0].utilization, 54);
    pods(&f, 2, 800); /* 80 %: ceil(1.6 × 2) = 4 */
    assert_int_equal(sync_at(h, &f, 15), 4);
    assert_string_equal(hpa_status(h)->rescale_reason,
                        "cpu resource utilization (percentage of request) above target");
    assert_string_equal(cond(h, HPA_ABLE_TO_SCALE)->reason, "SucceededRescale");
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "ValidMetricFound");
    hpa_destroy(h);
}

static void test_missing_and_unready_pods(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *h = make(&s);
    /* scale-down with a pod missing metrics: it counts as at target, so
     * 3 pods at 10 % and one missing give ceil((10+10+10+100)/4/50 × 4) = 3,
     * not the 1 the three alone would ask for */
    pods(&f, 4, 100);
    bool present[MAXP] = {true, true, true, false};
    f.metrics[0].present = present;
    sync_at(h, &f, 0);
    assert_int_equal(hpa_status(h)->metric_recommendation, 3);
    hpa_destroy(h);

    /* scale-up with an unready pod: it counts as using nothing */
    h = make(&s);
    pods(&f, 4, 1000);
    f.pods[3].ready = false;
    f.pods[3].ready_transition = PP_SEC(-10);
    f.pods[3].start_time = PP_SEC(-20); /* inside the CPU initialization period */
    /* ready three at 100 %: ratio 2; with the unready at 0: (300/4)/50 = 1.5 → 6 */
    assert_int_equal(sync_at(h, &f, 0), 6);
    hpa_destroy(h);

    /* failed and deleting pods are ignored altogether */
    h = make(&s);
    pods(&f, 3, 500);
    f.pods[2].phase = HPA_POD_FAILED;
    f.usage[0][2] = 100000;
    f.pods[1].deleting = true;
    f.usage[0][1] = 100000;
    assert_int_equal(sync_at(h, &f, 0), 3);
    assert_int_equal(hpa_status(h)->metrics[0].utilization, 50);
    hpa_destroy(h);
}

static void test_legacy_stabilization_and_limits(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 20);
    struct hpa *h = make(&s);
    pods(&f, 2, 2500); /* ratio 5: 10, but at most max(2×2, 4) = 4 */
    assert_int_equal(sync_at(h, &f, 0), 4);
    assert_string_equal(cond(h, HPA_SCALING_LIMITED)->reason, "ScaleUpLimit");
    assert_true(cond(h, HPA_SCALING_LIMITED)->status == HPA_COND_TRUE);
    /* load gone: the 5-minute window keeps the highest recommendation (10),
     * still bound by the scale-up limit */
    pods(&f, 4, 0);
    assert_int_equal(sync_at(h, &f, 60), 8);
    assert_int_equal(hpa_status(h)->metric_recommendation, 0);
    assert_int_equal(hpa_status(h)->stabilized, 10);
    pods(&f, 8, 0);
    assert_int_equal(sync_at(h, &f, 120), 10);
    pods(&f, 10, 0);
    assert_int_equal(sync_at(h, &f, 135), 10);
    assert_string_equal(cond(h, HPA_ABLE_TO_SCALE)->reason, "ScaleDownStabilized");
    assert_int_equal(sync_at(h, &f, 301), 1);
    assert_string_equal(cond(h, HPA_SCALING_LIMITED)->reason, "TooFewReplicas");
    const struct hpa_event *ev;
    size_t n = hpa_events(h, &ev);
    assert_int_equal(n, 4);
    assert_string_equal(ev[3].message, "New size: 1; reason: All metrics below target");
    hpa_destroy(h);
}

static void test_behavior_policies(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 100);
    s.behavior_set = true; /* all defaults: up max(4 pods, 100 %) per 15 s */
    struct hpa *h = make(&s);
    pods(&f, 10, 5000);
    assert_int_equal(sync_at(h, &f, 0), 20);
    assert_string_equal(cond(h, HPA_SCALING_LIMITED)->reason, "ScaleUpLimit");
    /* within the same 15 s period the budget is spent */
    pods(&f, 20, 5000);
    assert_int_equal(sync_at(h, &f, 5), 20);
    assert_int_equal(sync_at(h, &f, 16), 40);
    hpa_destroy(h);

    /* selectPolicy Disabled on the way down: never scales down */
    s.down.set = true;
    s.down.select_set = true;
    s.down.select = HPA_SELECT_DISABLED;
    s.down.window_set = true;
    s.down.window_s = 0;
    h = make(&s);
    pods(&f, 10, 0);
    assert_int_equal(sync_at(h, &f, 0), 10);
    assert_string_equal(cond(h, HPA_SCALING_LIMITED)->reason, "ScaleDownLimit");
    hpa_destroy(h);

    /* a Pods policy of 1 per 60 s going down, no window */
    struct hpa_spec d = cpu_spec(50, 1, 100);
    d.behavior_set = true;
    d.down = (struct hpa_rules){.set = true, .window_set = true, .window_s = 0, .n_policies = 1};
    d.down.policies[0] = (struct hpa_policy){HPA_POLICY_PODS, 1, 60};
    h = make(&d);
    pods(&f, 10, 0);
    assert_int_equal(sync_at(h, &f, 0), 9);
    pods(&f, 9, 0);
    assert_int_equal(sync_at(h, &f, 30), 9);
    assert_int_equal(sync_at(h, &f, 61), 8);
    hpa_destroy(h);
}

static void test_metric_failures(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    s.n_metrics = 2;
    s.metrics[1] = (struct hpa_metric_spec){
        .type = HPA_PODS, .name = "rps", .target = HPA_TARGET_AVERAGE_VALUE, .milli = 10000};
    struct hpa *h = make(&s);
    /* one metric fails, the other asks for more: scale on it */
    pods(&f, 2, 1000);
    f.metrics[1].error = "the server could not find the metric rps for pods";
    assert_int_equal(sync_at(h, &f, 0), 4);
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "ValidMetricFound");
    /* one fails and the other would scale down: no change, condition says why */
    pods(&f, 4, 0);
    f.metrics[1].error = "the server could not find the metric rps for pods";
    assert_int_equal(sync_at(h, &f, 15), 4);
    const struct hpa_condition *c = cond(h, HPA_SCALING_ACTIVE);
    assert_int_equal(c->status, HPA_COND_FALSE);
    assert_string_equal(c->reason, "FailedGetPodsMetric");
    /* upstream's layers: the client's wording inside, and "failed to get
     * pods metric value" only in what the sync returns */
    assert_string_equal(c->message, "the HPA was unable to compute the replica count: unable to "
                                    "get metric rps: unable to fetch metrics from custom metrics "
                                    "API: the server could not find the metric rps for pods");
    const struct hpa_event *ev;
    size_t n = hpa_events(h, &ev);
    assert_string_equal(ev[n - 1].reason, "FailedComputeMetricsReplicas");
    assert_true(ev[n - 1].warning);
    /* the largest proposal wins */
    pods(&f, 4, 500);
    for (int i = 0; i < 4; i++)
        f.usage[1][i] = 30000;
    assert_int_equal(sync_at(h, &f, 30), 8); /* 12 asked, max(2 × 4, 4) allowed */
    assert_int_equal(hpa_status(h)->metric_recommendation, 12);
    assert_string_equal(hpa_status(h)->metric, "pods metric rps");
    hpa_destroy(h);
}

static void test_scaling_disabled_at_zero(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *h = make(&s);
    pods(&f, 0, 0);
    assert_int_equal(sync_at(h, &f, 0), 0);
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "ScalingDisabled");
    hpa_destroy(h);
}

static void test_quantity_and_duration(void **state) {
    (void)state;
    char b[32];
    const struct {
        int64_t milli;
        const char *text;
    } q[] = {{2, "2m"},       {0, "0"},        {50000, "50"},
             {1500, "1500m"}, {2000000, "2k"}, {31457280000, "31457280"}};
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        hpa_quantity(q[i].milli, b, sizeof(b));
        assert_string_equal(b, q[i].text);
    }
    const struct {
        int s;
        const char *text;
    } d[] = {{12, "12s"}, {362, "6m2s"}, {2280, "38m"}, {11400, "3h10m"}, {3 * 86400, "3d"}};
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        hpa_human_duration(PP_SEC(d[i].s), b, sizeof(b));
        assert_string_equal(b, d[i].text);
    }
}

static void test_tabwriter_blocks(void **state) {
    (void)state;
    /* a line without a tab ends a column block */
    const char in[] = "a:\t1\nlonger key:\t2\nBreak:\n  - x\ty\nk:\tv\n";
    char out[256];
    hpa_tabwrite(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, "a:           1\nlonger key:  2\nBreak:\n  - x  y\nk:     v\n");
}

static char *read_text(const char *name) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot read %s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void test_describe_gpu_hpa_as_kubectl(void **state) {
    (void)state;
    /* seed 001: qwen-hpa scaled to 2 under load 43 min ago, back to 1
     * 34 min ago, idle since */
    struct hpa_spec s = {.min_set = true, .min_replicas = 1, .max_replicas = 2, .n_metrics = 1};
    s.metrics[0] = (struct hpa_metric_spec){.type = HPA_PODS,
                                            .name = "DCGM_CUSTOM_PROCESS_SM_UTIL",
                                            .target = HPA_TARGET_AVERAGE_VALUE,
                                            .milli = 50000};
    struct hpa *h = make(&s);
    struct fixture f;
    pods(&f, 1, 60000);
    assert_int_equal(sync_at(h, &f, 0), 2);
    pods(&f, 2, 0);
    assert_int_equal(sync_at(h, &f, 9 * 60), 1);
    pods(&f, 1, 0);
    assert_int_equal(sync_at(h, &f, 43 * 60 - 10), 1);
    static const char *const target[] = {"50"};
    struct hpa_meta meta = {.name = "qwen-hpa",
                            .namespace = "default",
                            .creation = "Tue, 14 May 2024 14:57:03 +0800",
                            .target_kind = "Deployment",
                            .target_name = "qwen-predictor",
                            .target_text = target};
    char out[8192];
    hpa_describe(h, &meta, PP_SEC(43 * 60), out, sizeof(out));
    assert_string_equal(out, read_text("describe-qwen-hpa.txt"));
    hpa_destroy(h);
}

static void test_describe_cpu_hpa_with_behavior(void **state) {
    (void)state;
    struct hpa_spec s = cpu_spec(10, 1, 10);
    s.behavior_set = true;
    s.down.set = true; /* as stored: no window (the controller fills 300 s) */
    struct hpa *h = make(&s);
    struct fixture f;
    pods(&f, 10, 2);
    assert_int_equal(sync_at(h, &f, 0), 10);
    static const char *const labels[] = {"app=isvc.sklearn-iris-predictor",
                                         "arena.kubeflow.org/uid=3399d840e8b371ed7ca45dda29debeb1",
                                         "chart=kserve-0.1.0",
                                         "component=predictor",
                                         "heritage=Helm",
                                         "release=sklearn-iris",
                                         "serving.kserve.io/inferenceservice=sklearn-iris",
                                         "servingName=sklearn-iris",
                                         "servingType=kserve"};
    static const char *const annotations[] = {"arena.kubeflow.org/username: kubecfg:certauth:admin",
                                              "serving.kserve.io/deploymentMode: RawDeployment"};
    struct hpa_meta meta = {.name = "sklearn-iris-predictor",
                            .namespace = "default",
                            .labels = labels,
                            .n_labels = 9,
                            .annotations = annotations,
                            .n_annotations = 2,
                            .creation = "Sat, 11 May 2024 17:15:47 +0800",
                            .target_kind = "Deployment",
                            .target_name = "sklearn-iris-predictor"};
    char out[8192];
    hpa_describe(h, &meta, PP_SEC(60), out, sizeof(out));
    /* the seed shows events from a longer history; compare everything before */
    char *events = strstr(out, "Events:");
    assert_non_null(events);
    *events = '\0';
    char *want = read_text("describe-sklearn-iris.txt");
    char *want_events = strstr(want, "Events:");
    assert_non_null(want_events);
    *want_events = '\0';
    assert_string_equal(out, want);
    hpa_destroy(h);
}

/* The last sync's events, in order, as "Reason: message" lines. */
static const char *sync_event(const struct hpa *h, size_t i) {
    const struct hpa_event *ev;
    const uint8_t *idx;
    hpa_events(h, &ev);
    const size_t n = hpa_sync_events(h, &idx);
    return i < n ? ev[idx[i]].reason : "";
}

/* Someone scales 8 down to 6 by hand: the legacy window (8 within 300 s)
 * raises it back to 8, unless the controller restarted and lost the 8. */
static void test_a_controller_restart_forgets_its_window(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *kept = make(&s), *restarted = make(&s);
    pods(&f, 4, 1000); /* 200 % of the target */
    assert_int_equal(sync_at(kept, &f, 0), 8);
    assert_int_equal(sync_at(restarted, &f, 0), 8);
    pods(&f, 6, 100); /* 20 %: 3 wanted */
    assert_int_equal(sync_at(kept, &f, 15), 8);
    assert_string_equal(cond(kept, HPA_ABLE_TO_SCALE)->reason, "SucceededRescale");
    hpa_restart(restarted);
    assert_int_equal(sync_at(restarted, &f, 15), 6); /* max(6 recorded now, 3) */
    assert_string_equal(cond(restarted, HPA_ABLE_TO_SCALE)->reason, "ScaleDownStabilized");
    hpa_destroy(kept);
    hpa_destroy(restarted);
}

static void test_scale_read_and_write_failures(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    s.target_kind = "Deployment";
    s.target_name = "web";
    s.namespace_ = "ml";
    struct hpa *h = make(&s);
    pods(&f, 2, 1000);
    f.obs.scale_error = "deployments.apps \"web\" not found";
    assert_int_equal(sync_at(h, &f, 0), 2);
    const struct hpa_condition *c = cond(h, HPA_ABLE_TO_SCALE);
    assert_string_equal(c->reason, "FailedGetScale");
    assert_string_equal(c->message, "the HPA controller was unable to get the target's current "
                                    "scale: deployments.apps \"web\" not found");
    assert_string_equal(sync_event(h, 0), "FailedGetScale");
    assert_string_equal(hpa_status(h)->error, "failed to query scale subresource for "
                                              "Deployment/ml/web: deployments.apps \"web\" not "
                                              "found");
    pods(&f, 2, 1000);
    f.obs.update_error = "the object has been modified";
    assert_int_equal(sync_at(h, &f, 15), 2); /* 4 wanted, the PUT fails: the scale stays */
    assert_string_equal(cond(h, HPA_ABLE_TO_SCALE)->reason, "FailedUpdateScale");
    assert_string_equal(sync_event(h, 0), "FailedRescale");
    const struct hpa_event *ev;
    const uint8_t *idx;
    hpa_events(h, &ev);
    hpa_sync_events(h, &idx);
    assert_string_equal(ev[idx[0]].message,
                        "New size: 4; reason: cpu resource utilization (percentage of request) "
                        "above target; error: the object has been modified");
    assert_int_equal(hpa_status(h)->desired_replicas, 0); /* never written */
    assert_false(hpa_status(h)->scaled);
    hpa_destroy(h);
}

static void test_a_missing_selector_stops_the_sync(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *h = make(&s);
    pods(&f, 2, 1000);
    f.obs.no_selector = true;
    assert_int_equal(sync_at(h, &f, 0), 2);
    const struct hpa_condition *c = cond(h, HPA_SCALING_ACTIVE);
    assert_string_equal(c->reason, "InvalidSelector");
    assert_string_equal(c->message, "the HPA target's scale is missing a selector");
    assert_string_equal(sync_event(h, 0), "SelectorRequired");
    assert_string_equal(sync_event(h, 1), "FailedComputeMetricsReplicas");
    assert_int_equal(hpa_status(h)->n_metrics, 0);
    hpa_destroy(h);
}

static void test_behavior_tolerance_needs_the_gate(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    s.behavior_set = true;
    s.up.tolerance_set = true;
    s.up.tolerance = 0.5; /* 70 % of a 50 % target is within it */
    struct hpa_controller c;
    hpa_controller_defaults(&c);
    struct hpa *on = hpa_create(&s, &c);
    c.configurable_tolerance = false;
    struct hpa *off = hpa_create(&s, &c);
    pods(&f, 4, 700);
    assert_int_equal(sync_at(on, &f, 0), 4);  /* 1.4 <= 1.5: hold */
    assert_int_equal(sync_at(off, &f, 0), 6); /* the flag's 0.1: ceil(1.4 x 4) */
    hpa_destroy(on);
    hpa_destroy(off);
}

static void test_an_external_metric_wakes_a_zero_minimum(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = {.min_set = true, .min_replicas = 0, .max_replicas = 10, .n_metrics = 1};
    s.metrics[0] = (struct hpa_metric_spec){
        .type = HPA_EXTERNAL, .name = "queue", .target = HPA_TARGET_VALUE, .milli = 10000};
    struct hpa *h = make(&s);
    pods(&f, 0, 0);
    f.metrics[0].value_milli = 25000; /* 2.5 x the target at 0 replicas: ceil, no pods needed */
    assert_int_equal(sync_at(h, &f, 0), 3);
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "ValidMetricFound");
    hpa_destroy(h);
    /* with minReplicas 1, a target at 0 is disabled */
    s.min_replicas = 1;
    h = make(&s);
    assert_int_equal(sync_at(h, &f, 0), 0);
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "ScalingDisabled");
    hpa_destroy(h);
}

static void test_an_unknown_ready_condition_is_not_false(void **state) {
    (void)state;
    struct fixture f;
    struct hpa_spec s = cpu_spec(50, 1, 10);
    struct hpa *h = make(&s);
    pods(&f, 2, 1000);
    /* young pods: a False Ready leaves the sample out, an Unknown one keeps it */
    for (int i = 0; i < 2; i++) {
        f.pods[i].start_time = PP_SEC(-60);
        f.pods[i].ready_transition = PP_SEC(-50);
        f.pods[i].ready = false;
        f.pods[i].ready_unknown = true;
    }
    assert_int_equal(sync_at(h, &f, 0), 4);
    for (int i = 0; i < 2; i++)
        f.pods[i].ready_unknown = false;
    assert_int_equal(sync_at(h, &f, 15), 2); /* no sample left: the metric fails */
    assert_string_equal(cond(h, HPA_SCALING_ACTIVE)->reason, "FailedGetResourceMetric");
    hpa_destroy(h);
}

/* hpa_behavior.c on its own: the verdict and its texts, the windows it
 * keeps, with no sync around it. */
static void test_normalization_alone(void **state) {
    (void)state;
    struct hpa_controller ctl;
    hpa_controller_defaults(&ctl);
    struct hpa_spec s = {.min_set = true, .min_replicas = 2, .max_replicas = 50};
    struct hpa_windows w = {0};
    hpa_windows_reserve(&w, &s, &ctl);
    assert_int_equal(w.recs.cap, 300 / 15 + 2);
    struct hpa_verdict v;
    hpa_normalize(&w, &s, &ctl, 3, 30, PP_SEC(0), &v); /* legacy: at most max(2×3, 4) */
    assert_int_equal(v.stabilized, 30);
    assert_int_equal(v.replicas, 6);
    assert_string_equal(v.limited_reason, "ScaleUpLimit");
    assert_string_equal(v.able_reason, "ReadyForNewScale");
    hpa_normalize(&w, &s, &ctl, 6, 1, PP_SEC(15), &v); /* the window keeps 30 */
    assert_int_equal(v.stabilized, 30);
    assert_string_equal(v.able_reason, "ScaleDownStabilized");
    hpa_normalize(&w, &s, &ctl, 6, 1, PP_SEC(400), &v); /* both aged out: min wins */
    assert_int_equal(v.stabilized, 1);
    assert_int_equal(v.replicas, 2);
    assert_string_equal(v.limited_reason, "TooFewReplicas");
    assert_int_equal(w.recs.n, 2); /* the oldest slot was reused */
    hpa_windows_free(&w);

    /* behaviors: 50 % per 60 s down, no window; a stored scale event
     * spends the period's budget */
    s.behavior_set = true;
    hpa_default_rules(&s.up, true);
    s.down = (struct hpa_rules){.set = true, .window_set = true, .window_s = 0, .n_policies = 1};
    s.down.policies[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 50, 60};
    hpa_default_rules(&s.down, false);
    w = (struct hpa_windows){0};
    hpa_windows_reserve(&w, &s, &ctl);
    hpa_normalize(&w, &s, &ctl, 20, 2, PP_SEC(0), &v);
    assert_int_equal(v.replicas, 10);
    assert_string_equal(v.limited_reason, "ScaleDownLimit");
    hpa_store_scale_event(&w, &s, 20, 10, PP_SEC(0));
    hpa_normalize(&w, &s, &ctl, 10, 2, PP_SEC(30), &v); /* start of period was 20: 10 */
    assert_int_equal(v.replicas, 10);
    hpa_normalize(&w, &s, &ctl, 10, 2, PP_SEC(61), &v); /* the event aged out */
    assert_int_equal(v.replicas, 5);
    hpa_windows_free(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalization_alone),
        cmocka_unit_test(test_a_controller_restart_forgets_its_window),
        cmocka_unit_test(test_scale_read_and_write_failures),
        cmocka_unit_test(test_a_missing_selector_stops_the_sync),
        cmocka_unit_test(test_behavior_tolerance_needs_the_gate),
        cmocka_unit_test(test_an_external_metric_wakes_a_zero_minimum),
        cmocka_unit_test(test_an_unknown_ready_condition_is_not_false),
        cmocka_unit_test(test_validation_names_the_field),
        cmocka_unit_test(test_utilization_and_tolerance),
        cmocka_unit_test(test_missing_and_unready_pods),
        cmocka_unit_test(test_legacy_stabilization_and_limits),
        cmocka_unit_test(test_behavior_policies),
        cmocka_unit_test(test_metric_failures),
        cmocka_unit_test(test_scaling_disabled_at_zero),
        cmocka_unit_test(test_quantity_and_duration),
        cmocka_unit_test(test_tabwriter_blocks),
        cmocka_unit_test(test_describe_gpu_hpa_as_kubectl),
        cmocka_unit_test(test_describe_cpu_hpa_with_behavior),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
