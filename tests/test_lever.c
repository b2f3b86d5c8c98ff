/* k8s/lever: which object an override of a live service writes (the owner,
 * in its own vocabulary), the body it sends (merge patch, JSON patch for an
 * array element), and the original values it keeps so that an undo puts
 * back exactly what was there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/lever.h"

static struct svc_config svc(enum svc_class cls, const char *name, const char *scaler) {
    struct svc_config c = {.cls = cls};
    snprintf(c.name, sizeof(c.name), "%s", name);
    snprintf(c.namespace_, sizeof(c.namespace_), "ml");
    snprintf(c.scaler_name, sizeof(c.scaler_name), "%s", scaler);
    return c;
}

static struct command cmd(const char *line) {
    struct command c;
    struct pp_error err = {0};
    assert_int_equal(command_parse(line, &c, &err), PP_OK);
    return c;
}

/* The body lever_render makes for line on obj (JSON text), and its type. */
static char *body(const struct lever_object *o, const char *obj_text, const char *line,
                  int32_t current, const char **ctype) {
    cJSON *obj = cJSON_Parse(obj_text);
    assert_non_null(obj);
    struct lever_plan p;
    struct pp_error err = {0};
    const struct command c = cmd(line);
    assert_int_equal(lever_plan(o, obj, &c, current, &p, &err), PP_OK);
    char *b = lever_render(&p, obj, ctype);
    lever_plan_fini(&p);
    cJSON_Delete(obj);
    return b;
}

static void test_owner(void **state) {
    (void)state;
    struct lever_object o;
    struct pp_error err = {0};
    char path[300];
    struct svc_config c = svc(SVC_HPA, "web", "web");
    assert_int_equal(lever_for(&c, NULL, -1, &o, &err), PP_OK);
    assert_int_equal(o.kind, LEVER_HPA);
    lever_path(&o, false, path, sizeof(path));
    assert_string_equal(path, "/apis/autoscaling/v2/namespaces/ml/horizontalpodautoscalers/web");
    /* KServe owns the HPA: its InferenceService is the lever */
    cJSON *hpa = cJSON_Parse("{\"metadata\":{\"ownerReferences\":[{\"kind\":\"InferenceService\","
                             "\"name\":\"flowers\",\"controller\":true}]}}");
    c = svc(SVC_HPA, "flowers-predictor", "flowers-predictor");
    assert_int_equal(lever_for(&c, hpa, -1, &o, &err), PP_OK);
    assert_int_equal(o.kind, LEVER_ISVC);
    assert_string_equal(o.name, "flowers");
    cJSON_Delete(hpa);
    /* Knative: the version decides; unknown is refused with the flag named */
    cJSON *pa = cJSON_Parse("{\"metadata\":{\"name\":\"kn-00002\",\"ownerReferences\":[{\"kind\":"
                            "\"Revision\",\"name\":\"kn-00002\"}]}}");
    c = svc(SVC_KPA, "kn", "kn");
    assert_int_equal(lever_for(&c, pa, -1, &o, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "--knative-version"));
    assert_int_equal(lever_for(&c, pa, 21, &o, &err), PP_OK);
    assert_int_equal(o.kind, LEVER_REVISION);
    assert_string_equal(o.name, "kn-00002");
    assert_int_equal(lever_for(&c, pa, 20, &o, &err), PP_OK);
    assert_int_equal(o.kind, LEVER_PA);
    assert_string_equal(o.name, "kn-00002");
    cJSON_Delete(pa);
    c = svc(SVC_LAG, "m", "m");
    assert_int_equal(lever_for(&c, NULL, -1, &o, &err), PP_OK);
    assert_int_equal(o.kind, LEVER_MODEL);
    c = svc(SVC_NONE, "batch", "");
    assert_int_equal(lever_for(&c, NULL, -1, &o, &err), PP_OK);
    lever_path(&o, true, path, sizeof(path));
    assert_string_equal(path, "/apis/apps/v1/namespaces/ml/deployments/batch/scale");
    c = svc(SVC_CRON, "cr", "cr");
    assert_int_equal(lever_for(&c, NULL, -1, &o, &err), PP_ERR_INVALID);
    char group[64];
    lever_object_init(&o, LEVER_PA, "ml", "x");
    lever_group(&o, group, sizeof(group));
    assert_string_equal(group, "autoscaling.internal.knative.dev");
}

static void test_hpa_pin_and_undo(void **state) {
    (void)state;
    struct lever_object o;
    lever_object_init(&o, LEVER_HPA, "ml", "web");
    const char *ctype;
    /* minReplicas absent (the default 1): kept as null, so unpin removes it */
    char *b = body(&o, "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"maxReplicas\":5}}",
                   "pin web 3", 0, &ctype);
    assert_string_equal(ctype, "application/merge-patch+json");
    assert_string_equal(b,
                        "{\"metadata\":{\"resourceVersion\":\"7\",\"annotations\":{\"podpilot.io/"
                        "original\":\"{\\\"/spec/minReplicas\\\":null,\\\"/spec/maxReplicas\\\":"
                        "5}\"}},\"spec\":{\"minReplicas\":3,\"maxReplicas\":3}}");
    free(b);
    /* pinned again: the first originals stay */
    const char *pinned = "{\"metadata\":{\"resourceVersion\":\"8\",\"annotations\":{\"podpilot.io/"
                         "original\":\"{\\\"/spec/minReplicas\\\":null,\\\"/spec/maxReplicas\\\":5}"
                         "\"}},\"spec\":{\"minReplicas\":3,\"maxReplicas\":3}}";
    b = body(&o, pinned, "pin web 4", 0, &ctype);
    assert_non_null(strstr(b, "\\\"/spec/maxReplicas\\\":5}"));
    assert_non_null(strstr(b, "\"maxReplicas\":4"));
    free(b);
    /* unpin: both back, the annotation removed */
    b = body(&o, pinned, "unpin web", 0, &ctype);
    assert_string_equal(b,
                        "{\"metadata\":{\"resourceVersion\":\"8\",\"annotations\":{\"podpilot.io/"
                        "original\":null}},\"spec\":{\"minReplicas\":null,\"maxReplicas\":5}}");
    free(b);
    /* nothing of podpilot's: unpin refused, named */
    cJSON *bare = cJSON_Parse("{\"spec\":{\"maxReplicas\":5}}");
    struct lever_plan p;
    struct pp_error err = {0};
    const struct command c = cmd("unpin web");
    assert_int_equal(lever_plan(&o, bare, &c, 0, &p, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "holds no value of podpilot's to restore"));
    cJSON_Delete(bare);
}

static void test_hpa_pause_keeps_siblings(void **state) {
    (void)state;
    struct lever_object o;
    lever_object_init(&o, LEVER_HPA, "ml", "web");
    const char *ctype;
    /* behavior exists with a scaleDown window: only what podpilot adds is null */
    const char *obj =
        "{\"spec\":{\"behavior\":{\"scaleDown\":{\"stabilizationWindowSeconds\":60}}}}";
    char *b = body(&o, obj, "pause web", 2, &ctype);
    assert_non_null(strstr(b, "\\\"/spec/behavior/scaleUp\\\":null"));
    assert_non_null(strstr(b, "\\\"/spec/behavior/scaleDown/selectPolicy\\\":null"));
    assert_non_null(strstr(b, "\"scaleUp\":{\"selectPolicy\":\"Disabled\"}"));
    assert_non_null(strstr(b, "\"scaleDown\":{\"selectPolicy\":\"Disabled\"}"));
    free(b);
    const char *paused =
        "{\"metadata\":{\"annotations\":{\"podpilot.io/original\":\"{\\\"/spec/behavior/"
        "scaleUp\\\":null,\\\"/spec/behavior/scaleDown/selectPolicy\\\":null}\"}},\"spec\":{"
        "\"behavior\":{\"scaleUp\":{\"selectPolicy\":\"Disabled\"},\"scaleDown\":{"
        "\"stabilizationWindowSeconds\":60,\"selectPolicy\":\"Disabled\"}}}}";
    b = body(&o, paused, "resume web", 2, &ctype);
    assert_string_equal(b, "{\"spec\":{\"behavior\":{\"scaleUp\":null,\"scaleDown\":{"
                           "\"selectPolicy\":null}}},\"metadata\":{\"annotations\":{"
                           "\"podpilot.io/original\":null}}}");
    free(b);
}

static void test_hpa_target_json_patch(void **state) {
    (void)state;
    struct lever_object o;
    lever_object_init(&o, LEVER_HPA, "ml", "web");
    const char *ctype;
    /* an array element: a JSON patch; no annotations yet: the map is added */
    const char *obj = "{\"metadata\":{\"resourceVersion\":\"9\"},\"spec\":{\"metrics\":[{\"type\":"
                      "\"Pods\",\"pods\":{\"metric\":{\"name\":\"rps\"},\"target\":{\"type\":"
                      "\"AverageValue\",\"averageValue\":\"10\"}}}]}}";
    char *b = body(&o, obj, "target web 2.5", 0, &ctype);
    assert_string_equal(ctype, "application/json-patch+json");
    assert_string_equal(
        b, "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"9\"},{\"op\":"
           "\"replace\",\"path\":\"/spec/metrics/0/pods/target/averageValue\",\"value\":\"2.5\"},"
           "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"podpilot.io/"
           "original\":\"{\\\"/spec/metrics/0/pods/target/averageValue\\\":\\\"10\\\"}\"}}]");
    free(b);
    /* a first metric without a target podpilot knows: refused */
    cJSON *none = cJSON_Parse("{\"spec\":{\"metrics\":[{\"type\":\"Unknown\"}]}}");
    struct lever_plan p;
    struct pp_error err = {0};
    const struct command c = cmd("target web 3");
    assert_int_equal(lever_plan(&o, none, &c, 0, &p, &err), PP_ERR_INVALID);
    cJSON_Delete(none);
}

static void test_levers_vocabulary(void **state) {
    (void)state;
    struct lever_object o;
    const char *ctype;
    char *b;
    lever_object_init(&o, LEVER_REVISION, "ml", "kn-00001");
    b = body(&o, "{\"metadata\":{\"annotations\":{\"autoscaling.knative.dev/target\":\"10\"}}}",
             "pin kn 3", 0, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.knative.dev/min-scale\":\"3\""));
    assert_non_null(strstr(b, "\"autoscaling.knative.dev/max-scale\":\"3\""));
    free(b);
    b = body(&o, "{}", "set kn window 90s", 0, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.knative.dev/window\":\"90s\""));
    free(b);
    b = body(&o, "{}", "target kn 25", 0, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.knative.dev/target\":\"25\""));
    free(b);
    /* Knative pause: min = max = the replicas it has */
    b = body(&o, "{}", "pause kn", 4, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.knative.dev/max-scale\":\"4\""));
    free(b);
    lever_object_init(&o, LEVER_KEDA, "ml", "kq");
    b = body(&o, "{}", "pin kq 2", 0, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.keda.sh/paused-replicas\":\"2\""));
    free(b);
    b = body(&o, "{}", "pause kq", 1, &ctype);
    assert_non_null(strstr(b, "\"autoscaling.keda.sh/paused\":\"true\""));
    free(b);
    b = body(&o,
             "{\"spec\":{\"triggers\":[{\"type\":\"prometheus\",\"metadata\":{\"threshold\":"
             "\"10\"}}]}}",
             "target kq 20", 0, &ctype);
    assert_string_equal(ctype, "application/json-patch+json");
    assert_non_null(strstr(b, "\"path\":\"/spec/triggers/0/metadata/threshold\",\"value\":\"20\""));
    free(b);
    struct lever_plan p;
    struct pp_error err = {0};
    cJSON *cpu = cJSON_Parse("{\"spec\":{\"triggers\":[{\"type\":\"cpu\",\"metadata\":{}}]}}");
    struct command c = cmd("target kq 20");
    assert_int_equal(lever_plan(&o, cpu, &c, 0, &p, &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "trigger 0 (cpu)"));
    c = cmd("set kq minReplicas 2");
    assert_int_equal(lever_plan(&o, cpu, &c, 0, &p, &err), PP_ERR_INVALID);
    cJSON_Delete(cpu);
    lever_object_init(&o, LEVER_ISVC, "ml", "flowers");
    b = body(&o, "{\"spec\":{\"predictor\":{\"minReplicas\":1,\"maxReplicas\":4}}}", "target x 70",
             0, &ctype);
    assert_non_null(strstr(b, "\"predictor\":{\"scaleTarget\":70}"));
    free(b);
    /* a Seldon Model: min = max when it autoscales, replicas when not */
    lever_object_init(&o, LEVER_MODEL, "ml", "m");
    b = body(&o, "{\"spec\":{\"minReplicas\":1,\"maxReplicas\":3}}", "pin m 2", 0, &ctype);
    assert_non_null(strstr(b, "\"spec\":{\"minReplicas\":2,\"maxReplicas\":2}"));
    free(b);
    b = body(&o, "{\"spec\":{\"replicas\":1}}", "pin m 2", 0, &ctype);
    assert_non_null(strstr(b, "\"spec\":{\"replicas\":2}"));
    free(b);
}

static void test_scale_and_restore_all(void **state) {
    (void)state;
    struct lever_object o;
    lever_object_init(&o, LEVER_SCALE, "ml", "batch");
    cJSON *dep = cJSON_Parse("{\"spec\":{\"replicas\":1}}");
    struct lever_plan p;
    struct pp_error err = {0};
    const struct command c = cmd("pin batch 4");
    assert_int_equal(lever_plan(&o, dep, &c, 0, &p, &err), PP_OK);
    assert_true(p.scale); /* replicas through /scale; the Deployment keeps the original */
    assert_int_equal(p.replicas, 4);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.e[0].ptr, "/metadata/annotations/podpilot.io~1original");
    assert_string_equal(p.e[0].value->valuestring, "{\"/spec/replicas\":1}");
    lever_plan_fini(&p);
    cJSON_Delete(dep);
    dep = cJSON_Parse("{\"metadata\":{\"annotations\":{\"podpilot.io/original\":\"{\\\"/spec/"
                      "replicas\\\":1}\"}},\"spec\":{\"replicas\":4}}");
    assert_true(lever_plan_restore_all(&o, dep, &p, &err));
    assert_true(p.scale);
    assert_int_equal(p.replicas, 1);
    lever_plan_fini(&p);
    cJSON_Delete(dep);
    /* restore_all: every recorded value, whatever the verb that wrote it */
    lever_object_init(&o, LEVER_REVISION, "ml", "kn-1");
    cJSON *rev = cJSON_Parse(
        "{\"metadata\":{\"annotations\":{\"autoscaling.knative.dev/window\":\"90s\",\"podpilot.io/"
        "original\":\"{\\\"/metadata/annotations/autoscaling.knative.dev~1window\\\":\\\"60s\\\"}"
        "\"}}}");
    assert_true(lever_plan_restore_all(&o, rev, &p, &err));
    const char *ctype;
    char *b = lever_render(&p, rev, &ctype);
    assert_string_equal(b, "{\"metadata\":{\"annotations\":{\"autoscaling.knative.dev/window\":"
                           "\"60s\",\"podpilot.io/original\":null}}}");
    free(b);
    lever_plan_fini(&p);
    cJSON_Delete(rev);
    /* a garbled annotation is not podpilot's: nothing to restore */
    rev = cJSON_Parse("{\"metadata\":{\"annotations\":{\"podpilot.io/original\":\"[1,\"}}}");
    assert_false(lever_plan_restore_all(&o, rev, &p, &err));
    cJSON_Delete(rev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner),
        cmocka_unit_test(test_hpa_pin_and_undo),
        cmocka_unit_test(test_hpa_pause_keeps_siblings),
        cmocka_unit_test(test_hpa_target_json_patch),
        cmocka_unit_test(test_levers_vocabulary),
        cmocka_unit_test(test_scale_and_restore_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
