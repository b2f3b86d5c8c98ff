/* engine/prom_export: the views as the Prometheus text format says, each
 * family's samples together, unknown values left out, label values
 * escaped, and shadow mode's agreement counted past the warm-up only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/prom_export.h"
#include "engine/source_sim.h"
#include "tests/build_text.h"

static const char manifests[] =
    "apiVersion: serving.kserve.io/v1beta1\n"
    "kind: InferenceService\n"
    "metadata: {name: flowers, namespace: ml}\n"
    "spec:\n"
    "  predictor:\n"
    "    scaleTarget: 1\n"
    "    model: {modelFormat: {name: tensorflow}}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: ml}\n"
    "spec:\n"
    "  replicas: 2\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web}}\n"
    "    spec: {containers: [{name: c, resources: {requests: {cpu: 500m}}}]}\n"
    "---\n"
    "apiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\n"
    "metadata: {name: web, namespace: ml}\n"
    "spec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  maxReplicas: 5\n"
    "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, "
    "averageUtilization: 60}}}]\n";

static size_t web; /* the HPA service's index */

static void build(struct svc_set *set) {
    struct pp_error err;
    assert_int_equal(build_text("t.yaml", manifests, set, &err), PP_OK);
    assert_int_equal(set->n, 2);
    web = svc_set_match(set, "web");
    assert_true(web < 2);
}

static void ignore(void *ctx, const struct loop_record *r) { (void)ctx, (void)r; }

/* The lines of text that start with prefix. */
static int count(const char *text, const char *prefix) {
    int n = 0;
    const size_t len = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += strncmp(p, prefix, len) == 0;
    return n;
}

static void test_each_family_once_with_every_service(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    struct source *src = source_sim_create(&set, NULL);
    struct loop *l = loop_create(&set, src, ignore, NULL, NULL);
    assert_non_null(l);
    struct prom_export *e = prom_export_create(&set, "9.9.9", "sim");
    for (int t = 0; t < 16; t++) {
        loop_tick(l);
        prom_export_tick(e, l);
    }
    const char *text = prom_export_text(e)->p;
    assert_non_null(strstr(text, "podpilot_info{version=\"9.9.9\",source=\"sim\"} 1\n"));
    assert_non_null(strstr(text, "podpilot_session_seconds 16\n"));
    assert_int_equal(count(text, "# TYPE podpilot_desired_replicas gauge"), 1);
    assert_int_equal(count(text, "podpilot_desired_replicas{"), 2);
    assert_non_null(
        strstr(text, "podpilot_actual_replicas{namespace=\"ml\",name=\"web\",class=\"hpa\"} 2\n"));
    assert_non_null(strstr(
        text, "podpilot_target{namespace=\"ml\",name=\"web\",class=\"hpa\",metric=\"cpu\"} 60\n"));
    /* panic mode is the KPA's; an idle KPA has no panic window to show */
    assert_int_equal(count(text, "podpilot_panic_mode{"), 1);
    assert_int_equal(count(text, "podpilot_panic_mode{namespace=\"ml\",name=\"flowers-predictor\""),
                     1);
    /* no GPUs, no live cluster: those families are absent, not zero */
    assert_null(strstr(text, "podpilot_gpu_utilization_percent"));
    assert_null(strstr(text, "podpilot_cluster_desired_replicas"));
    assert_null(strstr(text, "NaN"));
    assert_null(strstr(text, "null"));
    /* every sample line is NAME{...} VALUE or NAME VALUE */
    for (const char *p = text; *p; p = strchr(p, '\n') + 1)
        assert_true(*p == '#' || strncmp(p, "podpilot_", 9) == 0);
    prom_export_destroy(e);
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
}

static void test_label_values_are_escaped(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    snprintf(set.svcs[web].namespace_, sizeof(set.svcs[web].namespace_), "a\"b\\c\nd");
    struct source *src = source_sim_create(&set, NULL);
    struct loop *l = loop_create(&set, src, ignore, NULL, NULL);
    struct prom_export *e = prom_export_create(&set, "v\"1", "sim");
    loop_tick(l);
    prom_export_tick(e, l);
    const char *text = prom_export_text(e)->p;
    assert_non_null(strstr(text, "namespace=\"a\\\"b\\\\c\\nd\",name=\"web\""));
    assert_non_null(strstr(text, "version=\"v\\\"1\""));
    prom_export_destroy(e);
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
}

/* A cluster that keeps web at 2 replicas and whose HPA says 3. */
struct live {
    struct source base;
};

static void live_observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *o) {
    (void)src, (void)needs, (void)now;
    *o = (struct loop_obs){.ready = 2,
                           .gpu_util = NAN,
                           .live = svc == web,
                           .target_replicas = 2,
                           .cluster_desired = svc == web ? 3 : -1};
}

static void live_destroy(void *src) { (void)src; }

static const struct source_ops live_ops = {
    .name = "cluster", .observe = live_observe, .destroy = live_destroy};

static void test_shadow_agreement_counted_after_the_warm_up(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    struct live src = {.base = {.ops = &live_ops}};
    struct loop *l = loop_create(&set, &src.base, ignore, NULL, NULL);
    assert_non_null(l);
    struct prom_export *e = prom_export_create(&set, "t", "cluster");
    loop_tick(l);
    prom_export_tick(e, l);
    const char *text = prom_export_text(e)->p;
    const char *lbl = "{namespace=\"ml\",name=\"web\",class=\"hpa\"}";
    char want[256];
    snprintf(want, sizeof(want), "podpilot_cluster_desired_replicas%s 3\n", lbl);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "podpilot_warming%s 1\n", lbl);
    assert_non_null(strstr(text, want));
    /* a service the cluster says nothing of has no shadow samples */
    assert_int_equal(count(text, "podpilot_warming{"), 1);
    for (int t = 1; t < 400; t++) {
        loop_tick(l);
        prom_export_tick(e, l);
    }
    text = prom_export_text(e)->p;
    snprintf(want, sizeof(want), "podpilot_warming%s 0\n", lbl);
    assert_non_null(strstr(text, want));
    const struct loop_view *v = loop_view(l, web);
    snprintf(want, sizeof(want), "podpilot_agreement%s %d\n", lbl, v->desired == 3);
    assert_non_null(strstr(text, want));
    /* 400 ticks, t=1..299 warming (less than the HPA's 300 s window
     * watched): 101 counted, all one way */
    const char *agree =
        strstr(text, "podpilot_agreement_seconds_total{namespace=\"ml\",name=\"web\",class="
                     "\"hpa\",agree=\"true\"} ");
    const char *disagree =
        strstr(text, "podpilot_agreement_seconds_total{namespace=\"ml\",name=\"web\",class="
                     "\"hpa\",agree=\"false\"} ");
    assert_non_null(agree);
    assert_non_null(disagree);
    const long a = strtol(strchr(agree, '}') + 2, NULL, 10);
    const long d = strtol(strchr(disagree, '}') + 2, NULL, 10);
    assert_int_equal(a + d, 101);
    assert_int_equal(v->desired == 3 ? d : a, 0);
    assert_int_equal(count(text, "# TYPE podpilot_agreement_seconds_total counter"), 1);
    prom_export_destroy(e);
    loop_destroy(l);
    svc_set_fini(&set);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_family_once_with_every_service),
        cmocka_unit_test(test_label_values_are_escaped),
        cmocka_unit_test(test_shadow_agreement_counted_after_the_warm_up),
    };
    return cmocka_run_group_tests_name("prom_export", tests, NULL, NULL);
}
