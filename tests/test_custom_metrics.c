/* k8s/custom_metrics: the queries the HPA controller makes of the custom
 * and external metrics APIs, selectors as labels.Selector prints them, and
 * the answers into what the HPA reads. (The test API server serves them to
 * a shadow session in kube_test.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "k8s/custom_metrics.h"

static void test_selectors_sorted_by_key_as_go_prints_them(void **state) {
    (void)state;
    cJSON *sel =
        cJSON_Parse("{\"matchLabels\":{\"tier\":\"gpu\",\"app\":\"web\"},\"matchExpressions\":["
                    "{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"b\",\"a\"]},"
                    "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"},"
                    "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]},"
                    "{\"key\":\"owner\",\"operator\":\"Exists\"}]}");
    char out[256];
    custom_metrics_selector(sel, out, sizeof(out));
    assert_string_equal(out, "app=web,!canary,env notin (dev),owner,tier=gpu,zone in (a,b)");
    cJSON_Delete(sel);
    custom_metrics_selector(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    /* cut to the buffer, the full length returned */
    sel = cJSON_Parse("{\"matchLabels\":{\"app\":\"web\"}}");
    char small[5];
    assert_int_equal(custom_metrics_selector(sel, small, sizeof(small)), 7);
    assert_string_equal(small, "app=");
    cJSON_Delete(sel);
}

static const char hpa[] =
    "{\"metadata\":{\"name\":\"h\",\"namespace\":\"ml\"},\"spec\":{\"metrics\":["
    "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\"}},"
    "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"rps\",\"selector\":{\"matchLabels\":"
    "{\"verb\":\"GET\"}}}}},"
    "{\"type\":\"Object\",\"object\":{\"describedObject\":{\"apiVersion\":\"networking.k8s.io/"
    "v1\",\"kind\":\"Ingress\",\"name\":\"main\"},\"metric\":{\"name\":\"hits\"}}},"
    "{\"type\":\"Object\",\"object\":{\"describedObject\":{\"apiVersion\":\"v1\",\"kind\":"
    "\"Service\",\"name\":\"s\"},\"metric\":{\"name\":\"q\"}}},"
    "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue_length\",\"selector\":"
    "{\"matchLabels\":{\"queue\":\"jobs\"}}}}},"
    "{\"type\":\"Pods\",\"pods\":{}}]}}";

static void test_paths_as_the_controller_asks(void **state) {
    (void)state;
    cJSON *h = cJSON_Parse(hpa);
    cJSON *target = cJSON_Parse("{\"matchLabels\":{\"app\":\"web\",\"tier\":\"a b\"}}");
    char p[1024];
    assert_false(custom_metrics_path(h, 0, target, p, sizeof(p))); /* Resource: not here */
    assert_true(custom_metrics_path(h, 1, target, p, sizeof(p)));
    assert_string_equal(p,
                        "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/*/rps"
                        "?labelSelector=app%3Dweb%2Ctier%3Da%20b&metricLabelSelector=verb%3DGET");
    assert_true(custom_metrics_path(h, 2, target, p, sizeof(p)));
    assert_string_equal(
        p,
        "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/ingresses.networking.k8s.io/main/hits");
    assert_true(custom_metrics_path(h, 3, target, p, sizeof(p)));
    assert_string_equal(p, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/services/s/q");
    assert_true(custom_metrics_path(h, 4, target, p, sizeof(p)));
    assert_string_equal(p, "/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/queue_length"
                           "?labelSelector=queue%3Djobs");
    assert_false(custom_metrics_path(h, 5, target, p, sizeof(p))); /* no metric name */
    assert_false(custom_metrics_path(h, 6, target, p, sizeof(p))); /* no such metric */
    cJSON_Delete(target);
    cJSON_Delete(h);
}

static void test_answers_into_what_the_hpa_reads(void **state) {
    (void)state;
    const char *const names[] = {"p-1", "p-2", "p-3"};
    int64_t vals[3];
    bool present[3];
    char err[200];
    struct hpa_metric_obs o;
    cJSON *pods = cJSON_Parse(
        "[{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"p-2\"},\"value\":\"1500m\","
        "\"timestamp\":\"1970-01-01T00:01:40Z\",\"windowSeconds\":30},"
        "{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"p-1\"},\"value\":\"3\"},"
        "{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"elsewhere\"},\"value\":\"9\"}]");
    custom_metrics_obs(HPA_PODS, pods, NULL, names, 3, vals, present, PP_SEC(200), err, sizeof(err),
                       &o);
    assert_null(o.error);
    assert_false(o.empty);
    assert_true(present[0] && present[1] && !present[2]);
    assert_int_equal(vals[0], 3000);
    assert_int_equal(vals[1], 1500);
    assert_true(o.window == PP_SEC(30) && o.timestamp == PP_SEC(100));
    cJSON_Delete(pods);

    cJSON *ext = cJSON_Parse("[{\"value\":\"90\"},{\"value\":\"10500m\"}]");
    custom_metrics_obs(HPA_EXTERNAL, ext, NULL, names, 3, vals, present, 0, err, sizeof(err), &o);
    assert_int_equal(o.value_milli, 100500); /* the series summed */
    custom_metrics_obs(HPA_OBJECT, ext, NULL, names, 3, vals, present, 0, err, sizeof(err), &o);
    assert_string_equal(o.error,
                        "the custom metrics API server returned 2 results when we asked for "
                        "exactly one");
    cJSON_Delete(ext);

    cJSON *none = cJSON_Parse("[]");
    custom_metrics_obs(HPA_EXTERNAL, none, NULL, names, 3, vals, present, 0, err, sizeof(err), &o);
    assert_true(o.empty && !o.error);
    custom_metrics_obs(HPA_PODS, none, NULL, names, 3, vals, present, 0, err, sizeof(err), &o);
    assert_true(o.empty);
    cJSON_Delete(none);
    custom_metrics_obs(HPA_PODS, NULL, "the server could not find the metric rps for pods", names,
                       3, vals, present, 0, err, sizeof(err), &o);
    assert_string_equal(o.error, "the server could not find the metric rps for pods");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selectors_sorted_by_key_as_go_prints_them),
        cmocka_unit_test(test_paths_as_the_controller_asks),
        cmocka_unit_test(test_answers_into_what_the_hpa_reads),
    };
    return cmocka_run_group_tests_name("custom_metrics", tests, NULL, NULL);
}
