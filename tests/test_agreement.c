/* engine/agreement: shadow mode's likeliest reason for a disagreement, each
 * reason where it applies and in its order, and the warm-up length from
 * the HPA's windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/agreement.h"

static const char *why(const struct loop_view *v, const struct svc_config *c, double metric,
                       int64_t watched_s, int64_t lasted_s) {
    static char out[200];
    const struct loop_obs o = {.cluster_metric = metric};
    agreement_reason(v, c, &o, PP_SEC(watched_s), PP_SEC(lasted_s), out, sizeof(out));
    return out;
}

static const char *kpa_why(const struct loop_view *v, const char *scrape_error, int64_t watched_s,
                           int64_t lasted_s) {
    static char out[300];
    const struct svc_config c = {.cls = SVC_KPA, .kpa = {.stable_window_s = 60}};
    const struct loop_obs o = {.cluster_metric = NAN, .scrape_error = scrape_error};
    agreement_reason(v, &c, &o, PP_SEC(watched_s), PP_SEC(lasted_s), out, sizeof(out));
    return out;
}

static void test_kpa_reasons_in_their_order(void **state) {
    (void)state;
    struct loop_view v = {.cluster = 3, .desired = 3};
    assert_string_equal(kpa_why(&v, NULL, 10, 10), "");
    v.desired = 2;
    assert_string_equal(kpa_why(&v, NULL, 30, 10),
                        "warming up: upstream's 60s stable window holds stats from before "
                        "podpilot watched (30s so far)");
    assert_non_null(strstr(kpa_why(&v, "pod ml/a: 403", 60, 10),
                           "could not scrape the pods' stats (pod ml/a: 403)"));
    assert_non_null(strstr(kpa_why(&v, NULL, 60, 10), "the activator's load"));
    v.desired = 4; /* podpilot above the cluster: not the activator */
    assert_non_null(strstr(kpa_why(&v, NULL, 60, 1), "within one decision"));
    assert_non_null(strstr(kpa_why(&v, NULL, 60, 2), "not explained"));
    const struct svc_config c = {.cls = SVC_KPA, .kpa = {.stable_window_s = 90}};
    assert_true(agreement_warmup(&c) == PP_SEC(90));
}

static void test_cron_reasons(void **state) {
    (void)state;
    const struct svc_config c = {.cls = SVC_CRON};
    assert_true(agreement_warmup(&c) == 0); /* a schedule has no history to miss */
    const struct loop_view v = {.cluster = 1, .desired = 3};
    const struct loop_obs o = {.cluster_metric = NAN};
    char out[300];
    agreement_reason(&v, &c, &o, PP_SEC(30), PP_SEC(1), out, sizeof(out));
    assert_non_null(strstr(out, "within a second of a job's time"));
    agreement_reason(&v, &c, &o, PP_SEC(30), PP_SEC(10), out, sizeof(out));
    assert_non_null(strstr(out, "only scales when a job fires"));
}

static void test_each_reason_in_its_order(void **state) {
    (void)state;
    struct svc_config c = {.cls = SVC_HPA};
    struct hpa_status st = {.n_conditions = 1};
    st.conditions[0] = (struct hpa_condition){
        .type = HPA_SCALING_ACTIVE, .status = HPA_COND_TRUE, .reason = "ValidMetricFound"};
    struct loop_view v = {.cluster = 3, .desired = 3, .metric = "cpu", .stable = 90, .hpa = &st};
    assert_string_equal(why(&v, &c, 45, 10, 100), ""); /* they agree */
    v.cluster = -1;
    assert_string_equal(why(&v, &c, NAN, 400, 100), ""); /* nothing to compare */
    v.cluster = 2;
    assert_non_null(strstr(why(&v, &c, 45, 120, 100),
                           "warming up: upstream's 300s stabilization window holds "
                           "recommendations from before podpilot watched (120s so far)"));
    st.conditions[0].status = HPA_COND_FALSE;
    snprintf(st.conditions[0].reason, sizeof(st.conditions[0].reason), "FailedGetPodsMetric");
    assert_string_equal(why(&v, &c, 45, 400, 100),
                        "podpilot could not read a metric (ScalingActive False "
                        "FailedGetPodsMetric); the cluster's HPA may have");
    st.conditions[0].status = HPA_COND_TRUE;
    assert_string_equal(why(&v, &c, 45, 400, 100),
                        "the cluster's HPA read cpu 45 (status.currentMetrics), podpilot 90: the "
                        "cluster's figure is stale or another sample");
    /* within the tolerance, the figures count as the same reading */
    assert_non_null(strstr(why(&v, &c, 85, 400, 10), "within one sync"));
    assert_non_null(strstr(why(&v, &c, NAN, 400, 10), "within one sync"));
    assert_non_null(strstr(why(&v, &c, NAN, 400, 15), "not explained by what podpilot sees"));
}

static void test_warm_up_is_the_longest_window(void **state) {
    (void)state;
    struct svc_config c = {.cls = SVC_HPA};
    assert_true(agreement_warmup(&c) == PP_SEC(300));
    c.hpa.behavior_set = true;
    c.hpa.down = (struct hpa_rules){.set = true, .window_set = true, .window_s = 60};
    assert_true(agreement_warmup(&c) == PP_SEC(60));
    c.hpa.up = (struct hpa_rules){.set = true, .window_set = true, .window_s = 600};
    assert_true(agreement_warmup(&c) == PP_SEC(600));
    struct loop_view v = {.cluster = 1, .desired = 2, .stable = NAN};
    assert_non_null(strstr(why(&v, &c, NAN, 599, 100), "upstream's 600s stabilization window"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_reason_in_its_order),
        cmocka_unit_test(test_warm_up_is_the_longest_window),
        cmocka_unit_test(test_kpa_reasons_in_their_order),
        cmocka_unit_test(test_cron_reasons),
    };
    return cmocka_run_group_tests_name("agreement", tests, NULL, NULL);
}
