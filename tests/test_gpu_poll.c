/* metrics/gpu_poll: dcgm-exporter's series as each pod's utilization: a
 * pod's GPUs averaged, exported_pod and exported_namespace read before the
 * target's own labels, GPUs no pod holds left out; lookups by pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/gpu_poll.h"

static void add(struct promapi_result *r, const char *const *kv, size_t n, double v) {
    struct promapi_series *s = &r->series[r->n_series++];
    s->keys = calloc(n, sizeof(*s->keys));
    s->values = calloc(n, sizeof(*s->values));
    for (size_t i = 0; i < n; i++) {
        s->keys[i] = strdup(kv[2 * i]);
        s->values[i] = strdup(kv[2 * i + 1]);
    }
    s->n_labels = n;
    s->points = calloc(1, sizeof(*s->points));
    s->points[0] = (struct promapi_point){1, v};
    s->n_points = 1;
    s->labels = strdup("DCGM_FI_DEV_GPU_UTIL{}");
}

static void test_pods_from_dcgm_series(void **state) {
    (void)state;
    struct promapi_result r = {.type = PROMAPI_VECTOR,
                               .series = calloc(5, sizeof(struct promapi_series))};
    const char *const a[] = {"pod",          "dcgm-x", "namespace",          "gpu-operator",
                             "exported_pod", "g-1",    "exported_namespace", "ml"};
    const char *const b[] = {"pod", "g-1", "namespace", "ml"};
    const char *const c[] = {"pod", "g-2", "namespace", "ml"};
    const char *const idle[] = {"pod", "", "namespace", ""};
    add(&r, a, 4, 80);
    add(&r, b, 2, 60);
    add(&r, c, 2, 30);
    add(&r, idle, 2, 0);
    add(&r, c, 2, NAN); /* a GPU without a reading this time */
    struct gpu_pod *pods = NULL;
    size_t cap = 0;
    const size_t n = gpu_poll_pods(&r, &pods, &cap);
    assert_int_equal(n, 2);
    assert_string_equal(pods[0].key, "ml/g-1");
    assert_true(pods[0].util == 70);
    assert_string_equal(pods[1].key, "ml/g-2");
    assert_true(pods[1].util == 30);
    struct gpu_view v = {.pods = pods, .n = n, .cap = cap};
    double u = 0;
    assert_true(gpu_view_get(&v, "ml", "g-2", &u) && u == 30);
    assert_false(gpu_view_get(&v, "ml", "g-3", &u));
    assert_false(gpu_view_get(&v, "other", "g-1", &u));
    gpu_view_fini(&v);
    promapi_result_fini(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_from_dcgm_series),
    };
    return cmocka_run_group_tests_name("gpu_poll", tests, NULL, NULL);
}
