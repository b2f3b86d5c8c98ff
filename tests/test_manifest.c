#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/loads.h"
#include "engine/sim.h"
#include "k8s/manifest.h"
#include "tests/build_text.h"
#include "k8s/yamldoc.h"

/* Builds text; returns the status and leaves the set and error for checks. */
static enum pp_status build(const char *text, struct svc_set *set, struct pp_error *err) {
    return build_text("t.yaml", text, set, err);
}

/* Builds tests/data/NAME into set; the manifest is kept for its warnings. */
static struct manifest *build_fixture(const char *name, struct svc_set *set) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
    struct manifest *m = manifest_create();
    struct pp_error err = {0};
    svc_set_init(set);
    if (manifest_add_file(m, path, &err) != PP_OK || manifest_build(m, set, &err) != PP_OK)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.field, err.message);
    return m;
}

static void test_quantities_round_up_to_milli(void **state) {
    (void)state;
    int64_t v;
    assert_true(ydoc_quantity_milli("500m", &v) && v == 500);
    assert_true(ydoc_quantity_milli("1", &v) && v == 1000);
    assert_true(ydoc_quantity_milli("1.5k", &v) && v == 1500000);
    assert_true(ydoc_quantity_milli("200Mi", &v) && v == INT64_C(209715200000));
    assert_true(ydoc_quantity_milli("0.0001", &v) && v == 1);
    assert_false(ydoc_quantity_milli("two", &v));
    assert_false(ydoc_quantity_milli("-1", &v));
    assert_false(ydoc_quantity_milli("1Zi", &v));
}

static void test_kserve_knative_maps_fields_to_kpa(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                           "metadata:\n  name: f\n  annotations:\n"
                           "    autoscaling.knative.dev/min-scale: \"7\"\n"
                           "    autoscaling.knative.dev/window: 30s\n"
                           "spec:\n  predictor:\n    scaleTarget: 3\n    scaleMetric: rps\n"
                           "    maxReplicas: 4\n    containerConcurrency: 10\n"
                           "  transformer:\n    minReplicas: 0\n",
                           &set, &err),
                     PP_OK);
    assert_int_equal(set.n, 2);
    const struct svc_config *p = &set.svcs[0], *t = &set.svcs[1];
    assert_string_equal(p->name, "f-predictor");
    assert_int_equal(p->cls, SVC_KPA);
    assert_int_equal(p->kpa.metric, KPA_METRIC_RPS);
    assert_true(p->kpa.target_value > 2.09 && p->kpa.target_value < 2.11); /* 3 x 70 % */
    assert_int_equal(p->kpa.min_scale, 1); /* the min-scale annotation is dropped */
    assert_int_equal(p->kpa.max_scale, 4);
    assert_int_equal(p->kpa.stable_window_s, 30);
    assert_int_equal(p->pods.concurrency_limit, 10);
    assert_string_equal(t->name, "f-transformer");
    assert_int_equal(t->kpa.min_scale, 0);
    svc_set_fini(&set);
}

/* The field wins over the user's annotation, and later integer fields do not
 * overwrite its text. */
static void test_scale_target_overrides_the_target_annotation(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                           "metadata:\n  name: f\n  annotations:\n"
                           "    autoscaling.knative.dev/target: \"5\"\n"
                           "spec:\n  predictor:\n    scaleTarget: 3\n    minReplicas: 2\n",
                           &set, &err),
                     PP_OK);
    assert_true(fabs(set.svcs[0].kpa.target_value - 2.1) < 1e-9); /* 3 x 70 % */
    assert_int_equal(set.svcs[0].kpa.min_scale, 2);
    svc_set_fini(&set);
}

static void test_raw_deployment_gets_kserves_hpa(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                           "metadata:\n  name: iris\n  annotations:\n"
                           "    serving.kserve.io/deploymentMode: RawDeployment\n"
                           "spec:\n  predictor:\n    minReplicas: 0\n"
                           "    model:\n      resources:\n        requests:\n"
                           "          cpu: 500m\n        limits:\n          nvidia.com/gpu: 2\n",
                           &set, &err),
                     PP_OK);
    const struct svc_config *s = &set.svcs[0];
    assert_int_equal(s->cls, SVC_HPA);
    assert_int_equal(s->hpa.min_replicas, 1); /* an HPA cannot scale to zero */
    assert_int_equal(s->hpa.max_replicas, 1);
    assert_int_equal(s->hpa.metrics[0].utilization, 80);
    assert_string_equal(s->hpa.metrics[0].name, "cpu");
    assert_int_equal(s->pods.cpu_request_milli, 500);
    assert_int_equal(s->pods.gpus, 2);
    svc_set_fini(&set);
}

static void test_hpa_attaches_to_its_target_and_names_bad_fields(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    static const char hpa[] =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
        "spec:\n  replicas: 2\n---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
        "metadata:\n  name: h\nspec:\n"
        "  scaleTargetRef:\n    kind: Deployment\n    name: d\n"
        "  minReplicas: 1\n  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
        "    pods:\n      metric:\n        name: m\n"
        "      target:\n        type: AverageValue\n        averageValue: 500m\n"
        "  behavior:\n    scaleUp:\n      policies:\n"
        "      - type: ";
    static const char hpa_tail[] = "\n        value: 1\n        periodSeconds: 15\n";
    char text[1024];
    snprintf(text, sizeof(text), "%s%s%s", hpa, "Pods", hpa_tail);
    assert_int_equal(build(text, &set, &err), PP_OK);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.svcs[0].cls, SVC_HPA);
    assert_int_equal(set.svcs[0].replicas, 2);
    assert_int_equal(set.svcs[0].hpa.metrics[0].milli, 500);
    assert_string_equal(set.svcs[0].scaler_name, "h");
    svc_set_fini(&set);
    snprintf(text, sizeof(text), "%s%s%s", hpa, "Replicas", hpa_tail);
    assert_int_not_equal(build(text, &set, &err), PP_OK);
    assert_string_equal(err.file, "t.yaml");
    assert_int_equal(err.line, 29);
    assert_string_equal(err.field, "spec.behavior.scaleUp.policies[0].type");
    assert_non_null(strstr(err.message, "\"Replicas\""));
    svc_set_fini(&set);
}

/* What the HPA vectors exercise, read from a manifest: an External metric's
 * selector named as the controller names it, minReplicas 0 (with the gate
 * it needs said), and behavior's per-direction tolerance. */
static void test_hpa_reads_selectors_zero_minimum_and_tolerances(void **state) {
    (void)state;
    static const char text[] =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: q\nspec:\n  replicas: 1\n"
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: q\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: q}\n  minReplicas: 0\n"
        "  maxReplicas: 5\n  metrics:\n  - type: External\n    external:\n      metric:\n"
        "        name: queue_messages_ready\n        selector:\n"
        "          matchLabels: {queue: orders, env: prod}\n"
        "          matchExpressions: [{key: tier, operator: In, values: [a, b]}]\n"
        "      target: {type: AverageValue, averageValue: '30'}\n"
        "  behavior:\n    scaleUp: {tolerance: '0.05'}\n    scaleDown: {tolerance: 500m}\n";
    struct manifest *m = manifest_create();
    struct svc_set set;
    svc_set_init(&set);
    struct pp_error err = {0};
    assert_int_equal(manifest_add_text(m, "t.yaml", text, strlen(text), &err), PP_OK);
    assert_int_equal(manifest_build(m, &set, &err), PP_OK);
    const struct hpa_spec *h = &set.svcs[0].hpa;
    assert_true(h->min_set && h->min_replicas == 0);
    assert_string_equal(h->metrics[0].selector,
                        "&LabelSelector{MatchLabels:map[string]string{env: prod,queue: orders,},"
                        "MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{"
                        "Key:tier,Operator:In,Values:[a b],},},}");
    assert_true(h->up.tolerance_set && h->up.tolerance == 0.05);
    assert_true(h->down.tolerance_set && h->down.tolerance == 0.5);
    const char *const *w;
    const size_t n = manifest_warnings(m, &w);
    assert_int_equal(n, 1);
    assert_non_null(strstr(w[0], "HPAScaleToZero"));
    manifest_destroy(m);
    svc_set_fini(&set);
    /* without an Object or External metric, 0 is refused, naming the field */
    static const char cpu[] =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: q\nspec:\n  replicas: 1\n"
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: q\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: q}\n  minReplicas: 0\n"
        "  maxReplicas: 5\n";
    assert_int_not_equal(build(cpu, &set, &err), PP_OK);
    assert_string_equal(err.field, "spec.minReplicas");
    assert_non_null(strstr(err.message, "HPAScaleToZero"));
    svc_set_fini(&set);
}

/* The pod template's containers as the HPA reads them: each one's
 * requests (limits where it requests nothing), sidecars counted, a plain
 * init container not; the pod's requests are the sum. */
static void test_deployment_containers_and_their_requests(void **state) {
    (void)state;
    static const char text[] =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  replicas: 2\n  template:\n    spec:\n      containers:\n"
        "      - name: model\n        resources: {requests: {cpu: '2', memory: 1Gi},"
        " limits: {nvidia.com/gpu: 1}}\n"
        "      - name: proxy\n        resources: {limits: {cpu: 100m}}\n"
        "      initContainers:\n      - name: fetch\n        resources: {requests: {cpu: '4'}}\n"
        "      - name: log\n        restartPolicy: Always\n"
        "        resources: {requests: {cpu: 50m}}\n";
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build(text, &set, &err), PP_OK);
    const struct pod_spec *p = &set.svcs[0].pods;
    assert_int_equal(p->n_containers, 3); /* model, proxy, the log sidecar */
    assert_string_equal(p->containers[0].name, "model");
    assert_int_equal(p->containers[0].cpu_milli, 2000);
    assert_int_equal(p->containers[1].cpu_milli, 100); /* its limit */
    assert_int_equal(p->containers[1].memory_milli, -1);
    assert_true(p->containers[2].init && p->containers[2].restartable);
    assert_int_equal(p->cpu_request_milli, 2150);
    assert_int_equal(p->gpus, 1);
    svc_set_fini(&set);
}

static void test_bad_values_name_file_line_column_and_field(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_not_equal(build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                               "metadata:\n  name: f\nspec:\n  predictor:\n"
                               "    minReplicas: two\n",
                               &set, &err),
                         PP_OK);
    char msg[1200];
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:7:18: spec.predictor.minReplicas: expected an integer, got "
                             "\"two\"");
    svc_set_fini(&set);
    assert_int_not_equal(build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                               "metadata:\n  name: f\n  annotations:\n"
                               "    autoscaling.knative.dev/panic-threshold-percentage: \"90\"\n"
                               "spec:\n  predictor: {}\n",
                               &set, &err),
                         PP_OK);
    assert_int_equal(err.line, 6);
    assert_string_equal(err.field, "autoscaling.knative.dev/panic-threshold-percentage");
    svc_set_fini(&set);
    assert_int_not_equal(build("kind: Model\nmetadata: {name: x}\n", &set, &err), PP_OK);
    assert_string_equal(err.field, "apiVersion");
    svc_set_fini(&set);
    assert_int_not_equal(build("a: [1, 2\n", &set, &err), PP_OK);
    assert_non_null(strstr(err.message, "YAML"));
    svc_set_fini(&set);
}

static void test_two_autoscalers_on_one_workload_are_refused(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_not_equal(
        build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
              "metadata:\n  name: q\n  annotations:\n"
              "    serving.kserve.io/deploymentMode: RawDeployment\n"
              "spec:\n  predictor: {}\n---\n"
              "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n"
              "spec:\n  scaleTargetRef: {kind: Deployment, name: q-predictor}\n"
              "  maxReplicas: 2\n",
              &set, &err),
        PP_OK);
    assert_non_null(strstr(err.message, "two would fight"));
    svc_set_fini(&set);
}

static void test_simulation_sets_pods_seed_and_loads(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build("apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\n"
                           "metadata:\n  name: m\nspec:\n  minReplicas: 1\n  maxReplicas: 3\n---\n"
                           "apiVersion: podpilot.io/v1alpha1\nkind: Simulation\nseed: 9\n"
                           "services:\n  - name: m\n    coldStart: 30s\n    streams: 2\n"
                           "    startReady: false\n"
                           "loads:\n  - service: m\n    hey: -z 1m -c 3 --after 10s\n",
                           &set, &err),
                     PP_OK);
    assert_int_equal(set.seed, 9);
    assert_int_equal(set.svcs[0].cls, SVC_LAG);
    assert_int_equal(set.sim_pods[0].cold_start, PP_SEC(30));
    assert_int_equal(set.sim_pods[0].streams, 2);
    assert_int_equal(set.svcs[0].initial_ready, 0);
    assert_int_equal(set.svcs[0].lag_server.replicas, 3);
    assert_int_equal(set.n_loads, 1);
    assert_int_equal(set.loads[0].load.workers, 3);
    assert_int_equal(set.loads[0].load.duration, PP_SEC(60));
    assert_int_equal(set.loads[0].load.start, PP_SEC(10));
    svc_set_fini(&set);
    assert_int_not_equal(build("apiVersion: podpilot.io/v1alpha1\nkind: Simulation\n"
                               "loads:\n  - service: nope\n    hey: -c 1\n",
                               &set, &err),
                         PP_OK);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "\"nope\""));
    svc_set_fini(&set);
    assert_int_not_equal(build("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n"
                               "apiVersion: podpilot.io/v1alpha1\nkind: Simulation\n"
                               "loads:\n  - service: d\n    hey: -n 1 -c 5\n",
                               &set, &err),
                         PP_OK);
    char msg[1200];
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:9:10: loads[0].hey: -n cannot be less than -c.");
    svc_set_fini(&set);
}

/* tests/data/two-namespaces.yaml: one name in two namespaces. */
static void test_names_across_namespaces(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/two-namespaces.yaml", DATA_DIR);
    struct manifest *m = manifest_create();
    struct svc_set set;
    svc_set_init(&set);
    struct pp_error err = {0};
    assert_int_equal(manifest_add_file(m, path, &err), PP_OK);
    assert_int_equal(manifest_build(m, &set, &err), PP_OK);
    manifest_destroy(m);
    /* the HPA in staging scales staging's web, not default's */
    const size_t web = svc_set_match(&set, "staging/web");
    assert_true(web < set.n);
    assert_int_equal(set.svcs[web].cls, SVC_HPA);
    assert_int_equal(set.svcs[svc_set_match(&set, "default/web")].cls, SVC_NONE);
    /* the Simulation's load named ml-prod/flowers: that one's predictor */
    assert_int_equal(set.n_loads, 1);
    assert_string_equal(set.svcs[set.loads[0].svc].namespace_, "ml-prod");
    /* bare names in two namespaces: refused, with the candidates */
    size_t svc;
    assert_int_equal(svc_set_match(&set, "flowers"), set.n);
    assert_int_equal(svc_set_resolve(&set, "web", "service", &svc, &err), PP_ERR_INVALID);
    assert_string_equal(err.message, "\"web\" is in more than one namespace: default/web, "
                                     "staging/web; say which as namespace/name");
    assert_int_equal(svc_set_resolve(&set, "flowers", "service", &svc, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "default/flowers-predictor, ml-prod/flowers-predictor"));
    /* the owner or the workload, qualified */
    assert_int_equal(svc_set_resolve(&set, "ml-prod/flowers", "service", &svc, &err), PP_OK);
    assert_int_equal(svc, svc_set_match(&set, "ml-prod/flowers-predictor"));
    assert_int_equal(svc_set_resolve(&set, "nope/flowers", "service", &svc, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "no service \"nope/flowers\" (services: default/"));
    /* a Simulation naming a bare ambiguous name is refused at its line */
    struct svc_set two;
    assert_int_not_equal(
        build("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n"
              "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: x}\n---\n"
              "apiVersion: podpilot.io/v1alpha1\nkind: Simulation\n"
              "loads:\n  - service: d\n    hey: -n 5 -c 1\n",
              &two, &err),
        PP_OK);
    char msg[1200];
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:12:14: loads[0].service: \"d\" is in more than one "
                             "namespace: default/d, x/d; say which as namespace/name");
    svc_set_fini(&two);
    svc_set_fini(&set);
}

/* What kubectl prints: a List (YAML or JSON) with status and
 * managedFields; an InferenceService with the Deployment and HPA KServe
 * made for it; tabs told as tabs. */
static void test_objects_as_kubectl_prints_them(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    /* JSON, as kubectl get -o json prints a List */
    assert_int_equal(
        build("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"metadata\": {\"resourceVersion\": "
              "\"\"},"
              " \"items\": [{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\":"
              " {\"name\": \"a\", \"uid\": \"x\", \"managedFields\": [{\"manager\": \"kubectl\"}]},"
              " \"spec\": {\"replicas\": 3}, \"status\": {\"replicas\": 3}}]}\n",
              &set, &err),
        PP_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.svcs[0].name, "a");
    assert_int_equal(set.svcs[0].replicas, 3);
    svc_set_fini(&set);
    /* a bad item is named by its index, at its line */
    assert_int_not_equal(build("apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n"
                               "  kind: Deployment\n  metadata: {name: a}\n- kind: Deployment\n",
                               &set, &err),
                         PP_OK);
    char msg[1200];
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:7:3: items[1].apiVersion: not set");
    svc_set_fini(&set);
    /* tabs: said as such, at the tab */
    assert_int_not_equal(
        build("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  \tname: a\n", &set, &err),
        PP_OK);
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:4:3: tabs are not allowed for indentation in YAML; indent "
                             "with spaces");
    svc_set_fini(&set);
    /* the InferenceService, its Deployment and its HPA: one service, the
     * HPA's spec, a warning that it differs */
    struct manifest *m = build_fixture("kubectl/isvc-with-its-hpa.yaml", &set);
    assert_int_equal(set.n, 1);
    const struct svc_config *c = &set.svcs[0];
    assert_string_equal(c->namespace_, "ml-prod");
    assert_string_equal(c->owner, "sklearn-iris");
    assert_int_equal(c->cls, SVC_HPA);
    assert_int_equal(c->hpa.max_replicas, 4);
    const char *const *w;
    assert_int_equal(manifest_warnings(m, &w), 1);
    assert_non_null(strstr(w[0], "maxReplicas 4 (KServe: 10)"));
    manifest_destroy(m);
    svc_set_fini(&set);
}

/* Knative's objects as kubectl prints them beside their InferenceService
 * are that service's; the PodAutoscaler's edited annotations win. A plain
 * Knative Service is a KPA service of its own; a Revision whose Service is
 * not in the files is skipped with a word. */
static void test_knative_objects_belong_to_their_service(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err = {0};
    struct manifest *m = build_fixture("kubectl/isvc-knative-objects.yaml", &set);
    assert_int_equal(set.n, 1);
    const struct svc_config *c = &set.svcs[0];
    assert_string_equal(c->name, "flowers-sample-predictor");
    assert_int_equal(c->cls, SVC_KPA);
    assert_true(fabs(c->kpa.target_value - 4 * 0.7) < 1e-9); /* the PodAutoscaler's 4 */
    const char *const *w;
    assert_int_equal(manifest_warnings(m, &w), 1);
    assert_non_null(strstr(w[0], "PodAutoscaler flowers-sample-predictor-00001's annotations "
                                 "differ"));
    manifest_destroy(m);
    svc_set_fini(&set);
    assert_int_equal(
        build("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n"
              "spec:\n  template:\n    metadata:\n      annotations:\n"
              "        autoscaling.knative.dev/target: \"10\"\n"
              "        autoscaling.knative.dev/max-scale: \"3\"\n    spec:\n"
              "      containerConcurrency: 20\n      containers:\n      - image: hello\n",
              &set, &err),
        PP_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.svcs[0].name, "hello");
    assert_int_equal(set.svcs[0].cls, SVC_KPA);
    assert_int_equal(set.svcs[0].kpa.container_concurrency, 20);
    assert_int_equal(set.svcs[0].pods.concurrency_limit, 20);
    svc_set_fini(&set);
    assert_int_equal(
        build("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: bad\n"
              "spec:\n  template:\n    metadata:\n      annotations:\n"
              "        autoscaling.knative.dev/target: \"-1\"\n",
              &set, &err),
        PP_ERR_INVALID);
    assert_string_equal(err.field, "autoscaling.knative.dev/target");
    assert_int_equal(err.line, 9);
    svc_set_fini(&set);
}

/* From the fuzzing audit: aliases are refused (a billion laughs of 1 KB
 * ran for minutes), and a big mapping's duplicate key is found by sorting. */
static void test_aliases_refused_and_many_keys(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_not_equal(build("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
                               "  labels: &l {a: b}\n  annotations: *l\n",
                               &set, &err),
                         PP_OK);
    char msg[1200];
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:5:11: YAML aliases (*name) are not read in manifests; this "
                             "node (&anchor) is used again");
    svc_set_fini(&set);
    const size_t n = 50000;
    const size_t size = n * 16 + 200;
    char *text = xmalloc(size);
    size_t used = (size_t)snprintf(text, size,
                                   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                                   "  name: d\n  labels:\n");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, size - used, "    k%zu: v\n", i);
    snprintf(text + used, size - used, "    k7: again\n");
    assert_int_not_equal(build(text, &set, &err), PP_OK);
    pp_error_format(&err, msg, sizeof(msg));
    assert_string_equal(msg, "t.yaml:50006:5: k7: mapping key \"k7\" already defined at line 13");
    free(text);
    svc_set_fini(&set);
    /* flow collections 100,000 deep hang libyaml: refused before it runs;
     * brackets inside quotes and comments do not count */
    const size_t deep = 100000;
    char *nest = xmalloc(2 * deep + 8);
    memcpy(nest, "a: ", 3);
    memset(nest + 3, '[', deep);
    memset(nest + 3 + deep, ']', deep);
    nest[3 + 2 * deep] = '\0';
    assert_int_not_equal(build(nest, &set, &err), PP_OK);
    assert_string_equal(err.message, "flow collections ([ ], { }) nested deeper than 256 levels");
    free(nest);
    svc_set_fini(&set);
    char quoted[2048];
    snprintf(quoted, sizeof(quoted),
             "apiVersion: apps/v1 # [[[[\nkind: Deployment\nmetadata:\n  name: d\n"
             "  annotations: {a: \"%0300d\"}\n",
             0);
    memset(strchr(quoted, '"') + 1, '[', 300);
    assert_int_equal(build(quoted, &set, &err), PP_OK);
    svc_set_fini(&set);
    /* a name longer than the set holds is refused, never cut into another's */
    char longname[400];
    snprintf(longname, sizeof(longname),
             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %0170d}\n", 0);
    assert_int_not_equal(build(longname, &set, &err), PP_OK);
    assert_string_equal(err.field, "metadata.name");
    assert_non_null(strstr(err.message, "170 characters; podpilot reads names of up to 159"));
    svc_set_fini(&set);
}

/* Every YAML block of ../shared/seeds, copied verbatim into tests/data/seeds. */
static void test_every_seed_manifest_is_read(void **state) {
    (void)state;
    static const char *const ok[] = {"001-cronhpa.yaml", "002-0.yaml", "002-1.yaml",
                                     "002-2.yaml",       "002-3.yaml", "004-model.yaml"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/seeds/%s", DATA_DIR, ok[i]);
        struct manifest *m = manifest_create();
        struct svc_set set;
        svc_set_init(&set);
        struct pp_error err = {0};
        assert_int_equal(manifest_add_file(m, path, &err), PP_OK);
        if (manifest_build(m, &set, &err) != PP_OK)
            fail_msg("%s: %s: %s", path, err.field, err.message);
        assert_true(set.n >= 1);
        manifest_destroy(m);
        svc_set_fini(&set);
    }
    /* Seed 000 lost its indentation in the scrape: refused, and told so. */
    char path[512];
    snprintf(path, sizeof(path), "%s/seeds/000-0-flattened.yaml", DATA_DIR);
    struct manifest *m = manifest_create();
    struct pp_error err = {0};
    assert_int_not_equal(manifest_add_file(m, path, &err), PP_OK);
    assert_non_null(strstr(err.message, "flattened"));
    manifest_destroy(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantities_round_up_to_milli),
        cmocka_unit_test(test_kserve_knative_maps_fields_to_kpa),
        cmocka_unit_test(test_scale_target_overrides_the_target_annotation),
        cmocka_unit_test(test_raw_deployment_gets_kserves_hpa),
        cmocka_unit_test(test_hpa_attaches_to_its_target_and_names_bad_fields),
        cmocka_unit_test(test_hpa_reads_selectors_zero_minimum_and_tolerances),
        cmocka_unit_test(test_deployment_containers_and_their_requests),
        cmocka_unit_test(test_bad_values_name_file_line_column_and_field),
        cmocka_unit_test(test_two_autoscalers_on_one_workload_are_refused),
        cmocka_unit_test(test_simulation_sets_pods_seed_and_loads),
        cmocka_unit_test(test_names_across_namespaces),
        cmocka_unit_test(test_objects_as_kubectl_prints_them),
        cmocka_unit_test(test_knative_objects_belong_to_their_service),
        cmocka_unit_test(test_aliases_refused_and_many_keys),
        cmocka_unit_test(test_every_seed_manifest_is_read),
    };
    return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
