/* The examples' stories, checked through the engine: each example runs as
 * headless mode runs it, and its outcome is what its comment promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/headless.h"
#include "engine/loop.h"
#include "engine/source_sim.h"
#include "app/loads.h"
#include "k8s/manifest.h"

struct outcome {
    int32_t max_actual[8], last_actual[8];
    double max_gpu;
    int events_matching;
    const char *want_event;
    char last_limited[64]; /* ScalingLimited status and reason at the last HPA decision */
    size_t loads_done;
    size_t cold_tail; /* requests slower than 5 s */
    size_t warnings;
    /* service 0's actual replicas each time they changed, and when */
    int32_t path[16];
    double path_t[16];
    size_t n_path;
};

static void on_record(void *ctx, const struct loop_record *r) {
    struct outcome *o = ctx;
    if (r->kind == LOOP_EVENT && o->want_event && strstr(r->message, o->want_event))
        o->events_matching++;
    if (r->kind == LOOP_LOAD_DONE) {
        o->loads_done++;
        for (size_t i = 0; i < r->result->n_lat; i++)
            o->cold_tail += r->result->lat_s[i] > 5;
    }
    if (r->kind != LOOP_DECISION || r->svc >= 8)
        return;
    const struct loop_view *v = r->view;
    if (r->svc == 0 && o->n_path < 16 && (o->n_path == 0 || o->path[o->n_path - 1] != v->actual)) {
        o->path[o->n_path] = v->actual;
        o->path_t[o->n_path++] = r->t;
    }
    if (v->actual > o->max_actual[r->svc])
        o->max_actual[r->svc] = v->actual;
    o->last_actual[r->svc] = v->actual;
    if (!isnan(v->gpu_util) && v->gpu_util > o->max_gpu)
        o->max_gpu = v->gpu_util;
    for (size_t i = 0; v->hpa && i < v->hpa->n_conditions; i++)
        if (v->hpa->conditions[i].type == HPA_SCALING_LIMITED)
            snprintf(o->last_limited, sizeof(o->last_limited), "%s %s",
                     hpa_cond_status_name(v->hpa->conditions[i].status),
                     v->hpa->conditions[i].reason);
}

static struct outcome run(const char *name, const char *want_event) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
    struct manifest *m = manifest_create();
    struct svc_set set;
    svc_set_init(&set);
    struct pp_error err = {0};
    if (manifest_add_file(m, path, &err) != PP_OK || manifest_build(m, &set, &err) != PP_OK ||
        loads_resolve(&set, &err) != PP_OK)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.field, err.message);
    struct outcome o = {.want_event = want_event};
    const char *const *w;
    o.warnings = manifest_warnings(m, &w);
    manifest_destroy(m);
    struct source *src = source_sim_create(&set, &err);
    struct loop *l = loop_create(&set, src, on_record, &o, &err);
    assert_non_null(l);
    const int64_t duration = headless_default_duration(&set, NULL);
    for (int64_t t = 0; t < duration; t++)
        loop_tick(l);
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
    return o;
}

static void test_flowers_sample_needs_eight_pods_and_shows_the_cold_start_tail(void **state) {
    (void)state;
    struct outcome o = run("flowers-sample.yaml", NULL);
    assert_int_equal(o.max_actual[0], 8); /* ceil(5 / 0.7) */
    assert_int_equal(o.last_actual[0], 1);
    assert_int_equal(o.loads_done, 1);
    assert_int_equal(o.cold_tail, 5); /* the first request of each worker */
}

static void test_full_target_utilization_gives_the_docs_five(void **state) {
    (void)state;
    assert_int_equal(run("flowers-sample-tu100.yaml", NULL).max_actual[0], 5);
    assert_int_equal(run("kfserving-flowers-sample.yaml", NULL).max_actual[0], 8);
}

static void test_qps_reads_as_rps_with_a_warning_and_hits_max_replicas(void **state) {
    (void)state;
    struct outcome o = run("flowers-sample-qps.yaml", NULL);
    assert_int_equal(o.warnings, 1);
    assert_int_equal(o.max_actual[0], 10);
}

static void test_gpu_pods_report_sm_utilization(void **state) {
    (void)state;
    struct outcome o = run("flowers-sample-gpu.yaml", NULL);
    assert_int_equal(o.max_actual[0], 8);
    assert_true(o.max_gpu > 50);
}

static void test_container_concurrency_derives_the_target(void **state) {
    (void)state;
    assert_int_equal(run("flowers-sample-cc10.yaml", NULL).max_actual[0], 5); /* 30 / 7 */
}

static void test_min_replicas_zero_scales_to_zero(void **state) {
    (void)state;
    struct outcome o = run("flowers-sample-scale-to-zero.yaml", NULL);
    assert_int_equal(o.max_actual[0], 1);
    assert_int_equal(o.last_actual[0], 0);
}

static void test_transformer_and_predictor_scale_apart(void **state) {
    (void)state;
    struct outcome o = run("torch-transformer.yaml", NULL);
    assert_true(o.max_actual[0] >= 7); /* 10 in flight at 2 x 0.7 */
    assert_true(o.max_actual[1] >= 7); /* 40 rps at 8 x 0.7 */
    assert_int_equal(o.last_actual[0], 1);
    assert_int_equal(o.last_actual[1], 1);
}

static void test_sklearn_iris_scales_up_then_back_to_one(void **state) {
    (void)state;
    struct outcome o =
        run("sklearn-iris-hpa.yaml", "New size: 1; reason: All metrics below target");
    assert_int_equal(o.max_actual[0], 10);
    assert_int_equal(o.last_actual[0], 1);
    assert_int_equal(o.events_matching, 1);
}

static void test_qwen_reaches_two_and_idles_too_few(void **state) {
    (void)state;
    struct outcome o = run("qwen-gpu-hpa.yaml", "pods metric DCGM_CUSTOM_PROCESS_SM_UTIL above");
    assert_int_equal(o.max_actual[0], 2);
    assert_int_equal(o.last_actual[0], 1);
    assert_int_equal(o.events_matching, 1);
    assert_string_equal(o.last_limited, "True TooFewReplicas");
}

static void test_ovms_streams_ratio_scales_to_three_and_back(void **state) {
    (void)state;
    struct outcome o = run("ovms-hpa.yaml", NULL);
    assert_int_equal(o.max_actual[0], 3);
    assert_int_equal(o.last_actual[0], 1);
}

static void test_seldon_lag_adds_replicas(void **state) {
    (void)state;
    struct outcome o = run("seldon-lag.yaml", "model replicas 1 -> 2");
    assert_int_equal(o.events_matching, 1);
    assert_true(o.max_actual[0] >= 3);
}

static void test_cron_prescales_at_half_past_ten_and_back_at_noon(void **state) {
    (void)state;
    struct outcome o = run("cron-prescale.yaml", "executed successfully");
    assert_int_equal(o.events_matching, 2);
    assert_int_equal(o.max_actual[0], 2);
    assert_int_equal(o.last_actual[0], 1);
}

/* KEDA's loop around its HPA: down to 0 at the first poll (never active,
 * no initialCooldownPeriod), 0 -> 1 at the first poll after the load
 * starts at 60 s, the HPA on the queue to its max of 6, and back to 0 at
 * the first poll past lastActiveTime + cooldownPeriod (60 s). */
static void test_vllm_keda_activates_from_zero_scales_on_the_queue_and_deactivates(void **state) {
    (void)state;
    struct outcome o = run("vllm-keda.yaml", "triggered by prometheus");
    assert_int_equal(o.events_matching, 1);
    const int32_t want[] = {0, 1, 4, 6, 0};
    assert_int_equal(o.n_path, 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(o.path[i], want[i]);
    assert_true(o.path_t[0] == 1);               /* the first poll */
    assert_true(o.path_t[1] == 61);              /* the load starts at 60 s; polls at 1 + 15k */
    assert_true(o.path_t[2] == 75);              /* the HPA's next sync */
    assert_true(o.path_t[4] > 243 + 60);         /* the load ended at 243 s; then cooldown */
    assert_true(fmod(o.path_t[4] - 1, 15) == 0); /* ... at a poll */
    assert_int_equal(o.max_actual[0], 6);
    assert_int_equal(o.warnings, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flowers_sample_needs_eight_pods_and_shows_the_cold_start_tail),
        cmocka_unit_test(test_full_target_utilization_gives_the_docs_five),
        cmocka_unit_test(test_qps_reads_as_rps_with_a_warning_and_hits_max_replicas),
        cmocka_unit_test(test_gpu_pods_report_sm_utilization),
        cmocka_unit_test(test_container_concurrency_derives_the_target),
        cmocka_unit_test(test_min_replicas_zero_scales_to_zero),
        cmocka_unit_test(test_transformer_and_predictor_scale_apart),
        cmocka_unit_test(test_sklearn_iris_scales_up_then_back_to_one),
        cmocka_unit_test(test_qwen_reaches_two_and_idles_too_few),
        cmocka_unit_test(test_ovms_streams_ratio_scales_to_three_and_back),
        cmocka_unit_test(test_seldon_lag_adds_replicas),
        cmocka_unit_test(test_cron_prescales_at_half_past_ten_and_back_at_noon),
        cmocka_unit_test(test_vllm_keda_activates_from_zero_scales_on_the_queue_and_deactivates),
    };
    return cmocka_run_group_tests_name("examples", tests, NULL, NULL);
}
