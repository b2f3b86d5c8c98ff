/* KEDA's ScaledObject: the webhook's refusals, the HPA it generates, the
 * scale loop's activation, cooldown, idle, pause and fallback rules with
 * upstream's defaults, and the same through manifests and the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/loads.h"
#include "engine/keda.h"
#include "engine/loop.h"
#include "engine/source_sim.h"
#include "k8s/manifest.h"
#include "tests/build_text.h"

#define T0 PP_SEC(1000000)

static struct keda_spec prom(double threshold, double activation) {
    struct keda_spec s;
    keda_spec_defaults(&s);
    s.n_triggers = 1;
    s.triggers[0] = (struct keda_trigger){.type = "prometheus",
                                          .kind = KEDA_TRIGGER_EXTERNAL,
                                          .metric_type = HPA_TARGET_AVERAGE_VALUE,
                                          .threshold = threshold,
                                          .activation = activation,
                                          .query = "sum(queue)"};
    return s;
}

static void refused(const struct keda_spec *s, const char *field, const char *part) {
    struct pp_error e = {0};
    assert_int_equal(keda_validate(s, &e), PP_ERR_INVALID);
    assert_string_equal(e.field, field);
    if (!strstr(e.message, part))
        fail_msg("%s: \"%s\" lacks \"%s\"", field, e.message, part);
}

static void test_webhook_refuses_what_keda_refuses(void **state) {
    (void)state;
    struct keda_spec s = prom(5, 0);
    struct pp_error e = {0};
    assert_int_equal(keda_validate(&s, &e), PP_OK);
    s.idle_set = true; /* min unset counts as 0: no idle count is below it */
    s.idle = 0;
    refused(&s, "spec.idleReplicaCount", "IdleReplicaCount=0 must be less than MinReplicaCount=0");
    s.min_set = true; /* a set 0 counts as the HPA's 1 */
    s.min = 0;
    assert_int_equal(keda_validate(&s, &e), PP_OK);
    s.min = 3;
    s.idle = 3;
    refused(&s, "spec.idleReplicaCount", "IdleReplicaCount=3 must be less than MinReplicaCount=3");
    s.idle_set = false;
    s.max_set = true;
    s.max = 2;
    refused(&s, "spec.minReplicaCount", "MinReplicaCount=3 must be less than MaxReplicaCount=2");
    s = prom(5, 0);
    s.triggers[0].metric_type = HPA_TARGET_UTILIZATION;
    refused(&s, "spec.triggers[0].metricType", "'Utilization' metric type is unsupported");
    s = prom(5, 0);
    s.triggers[0] = (struct keda_trigger){.type = "cpu",
                                          .kind = KEDA_TRIGGER_CPU,
                                          .metric_type = HPA_TARGET_UTILIZATION,
                                          .threshold = 50};
    assert_int_equal(keda_validate(&s, &e), PP_OK);
    s.fallback_set = true;
    s.fallback_replicas = 2;
    refused(&s, "spec.fallback", "not cpu or memory");
    s = prom(5, 0);
    s.fallback_set = true;
    s.failure_threshold = -1;
    refused(&s, "spec.fallback", "must both be greater than or equal to 0");
    s = prom(5, 0);
    s.n_triggers = 0;
    refused(&s, "spec.triggers", "no triggers defined");
    s = prom(0, 0);
    refused(&s, "spec.triggers[0].metadata.threshold", "greater than 0");
}

static void test_generated_hpa_follows_keda(void **state) {
    (void)state;
    struct keda_spec s = prom(5, 0);
    s.n_triggers = 3;
    s.triggers[0] = (struct keda_trigger){.type = "cpu",
                                          .kind = KEDA_TRIGGER_CPU,
                                          .metric_type = HPA_TARGET_UTILIZATION,
                                          .threshold = 60};
    s.triggers[1] = prom(5, 0).triggers[0];
    s.triggers[2] = prom(2.5, 0).triggers[0];
    s.triggers[2].metric_type = HPA_TARGET_VALUE;
    s.min_set = true; /* 0: KEDA's loop scales to zero, the HPA gets 1 */
    s.paused_scale_in = true;
    struct hpa_spec h = {0};
    keda_hpa_spec(&s, "sel", &h);
    assert_int_equal(h.min_replicas, 1);
    assert_int_equal(h.max_replicas, 100);
    assert_int_equal(h.n_metrics, 3);
    /* External first, then Resource; each group in trigger order */
    assert_int_equal(h.metrics[0].type, HPA_EXTERNAL);
    assert_string_equal(h.metrics[0].name, "s1-prometheus");
    assert_string_equal(h.metrics[0].selector, "sel");
    assert_int_equal(h.metrics[0].milli, 5000);
    assert_int_equal(h.metrics[0].target, HPA_TARGET_AVERAGE_VALUE);
    assert_string_equal(h.metrics[1].name, "s2-prometheus");
    assert_int_equal(h.metrics[1].target, HPA_TARGET_VALUE);
    assert_int_equal(h.metrics[1].milli, 2500);
    assert_int_equal(h.metrics[2].type, HPA_RESOURCE);
    assert_string_equal(h.metrics[2].name, "cpu");
    assert_int_equal(h.metrics[2].utilization, 60);
    assert_int_equal(keda_hpa_metric_index(&s, 0), 2);
    assert_int_equal(keda_hpa_metric_index(&s, 2), 1);
    /* paused-scale-in: the HPA keeps running with scale-down Disabled */
    assert_true(h.behavior_set);
    assert_true(h.down.select_set);
    assert_int_equal(h.down.select, HPA_SELECT_DISABLED);
    assert_false(h.up.select_set);
    struct pp_error e = {0};
    assert_int_equal(hpa_validate(&h, &e), PP_OK);
}

struct run {
    struct keda_spec s;
    struct keda_state st;
    struct keda_poll_out out;
};

static int32_t poll_at(struct run *r, int64_t sec, double value, int32_t replicas) {
    const double v[KEDA_MAX_TRIGGERS] = {value};
    keda_poll(&r->s, &r->st, T0 + PP_SEC(sec), v, replicas, "default/w", &r->out);
    return r->out.scale ? r->out.replicas : replicas;
}

static void test_activates_from_zero_and_deactivates_after_cooldown(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 2)};
    keda_state_init(&r.st, T0);
    /* never active, initialCooldownPeriod 0: to zero at the first poll */
    assert_int_equal(poll_at(&r, 1, 0, 1), 0);
    assert_string_equal(r.out.event_reason, "KEDAScaleTargetDeactivated");
    assert_string_equal(r.out.event, "Deactivated apps/v1.Deployment default/w from 1 to 0");
    /* activationThreshold 2: 2 is not above it */
    assert_int_equal(poll_at(&r, 31, 2, 0), 0);
    assert_string_equal(r.st.activity.reason, "ScalerNotActive");
    assert_int_equal(r.st.phase, KEDA_PHASE_IDLE);
    assert_int_equal(poll_at(&r, 61, 2.5, 0), 1);
    assert_string_equal(r.out.event,
                        "Scaled apps/v1.Deployment default/w from 0 to 1, triggered by prometheus");
    assert_string_equal(r.st.activity.reason, "ScalerActive");
    /* between 1 and max the HPA decides: KEDA only keeps lastActiveTime */
    assert_int_equal(poll_at(&r, 91, 40, 4), 4);
    assert_false(r.out.scale);
    assert_true(r.st.last_active == T0 + PP_SEC(91));
    /* inactive: cooling down until lastActiveTime + 300 s has strictly passed */
    assert_int_equal(poll_at(&r, 121, 0, 4), 4);
    assert_string_equal(r.st.activity.reason, "ScalerCooldown");
    assert_int_equal(keda_cooldown_left(&r.s, &r.st, T0 + PP_SEC(121)), 270);
    assert_int_equal(poll_at(&r, 391, 0, 4), 4);
    assert_int_equal(poll_at(&r, 392, 0, 4), 0);
}

static void test_initial_cooldown_holds_a_new_object(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    r.s.initial_cooldown_s = 120;
    keda_state_init(&r.st, T0);
    assert_int_equal(poll_at(&r, 1, 0, 2), 2);
    assert_int_equal(r.st.phase, KEDA_PHASE_COOLDOWN);
    assert_int_equal(poll_at(&r, 120, 0, 2), 2);
    assert_int_equal(poll_at(&r, 121, 0, 2), 0);
}

static void test_idle_replicas_and_min(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    r.s.min_set = r.s.idle_set = true;
    r.s.min = 3;
    r.s.idle = 1;
    r.s.cooldown_s = 0;
    keda_state_init(&r.st, T0);
    assert_int_equal(poll_at(&r, 1, 0, 5), 1);  /* to idle, not to min */
    assert_int_equal(poll_at(&r, 31, 1, 1), 3); /* from idle to min */
    assert_int_equal(poll_at(&r, 61, 0, 3), 1); /* lastActiveTime 31 + 0 s: 61 is past */
    /* without idle mode, below min goes back to min */
    struct run m = {.s = prom(5, 0)};
    m.s.min_set = true;
    m.s.min = 2;
    keda_state_init(&m.st, T0);
    assert_int_equal(poll_at(&m, 1, 0, 1), 2);
    assert_int_equal(poll_at(&m, 31, 1, 0), 2); /* active from 0: max(min, 1) */
}

static void test_cpu_only_is_always_active(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    r.s.triggers[0] = (struct keda_trigger){.type = "cpu",
                                            .kind = KEDA_TRIGGER_CPU,
                                            .metric_type = HPA_TARGET_UTILIZATION,
                                            .threshold = 50};
    keda_state_init(&r.st, T0);
    assert_int_equal(poll_at(&r, 1, NAN, 3), 3);
    assert_string_equal(r.st.activity.reason, "ScalerActive");
    assert_int_equal(poll_at(&r, 31, NAN, 0), 1);
}

static void test_trigger_errors_without_and_with_fallback(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    keda_state_init(&r.st, T0);
    assert_int_equal(poll_at(&r, 1, NAN, 2), 2); /* no scale to zero on an error */
    assert_int_equal(r.st.ready.status, KEDA_FALSE);
    assert_string_equal(r.st.ready.reason, "TriggerError");
    r.s.fallback_set = true;
    r.s.fallback_replicas = 4;
    r.s.failure_threshold = 2;
    assert_int_equal(poll_at(&r, 31, NAN, 2), 2);
    assert_int_equal(r.st.ready.status, KEDA_TRUE); /* left to the HPA's fallback */
    /* the metrics server: the third failure in a row (> 2) answers target x R */
    int64_t v = -1;
    assert_false(keda_fallback(&r.s, &r.st, 0, true, 5000, 2, 2, &v));
    assert_false(keda_fallback(&r.s, &r.st, 0, true, 5000, 2, 2, &v));
    assert_int_equal(r.st.fallback.status, KEDA_FALSE); /* set from the status before */
    assert_true(keda_fallback(&r.s, &r.st, 0, true, 5500, 2, 2, &v));
    assert_int_equal(v, 5 * 1000 * 4); /* the target in whole units */
    assert_true(keda_fallback(&r.s, &r.st, 0, true, 5000, 2, 2, &v));
    assert_string_equal(r.st.fallback.reason, "FallbackExists");
    r.s.fallback_behavior = KEDA_FALLBACK_IF_HIGHER;
    assert_true(keda_fallback(&r.s, &r.st, 0, true, 5000, 7, 7, &v));
    assert_int_equal(v, 5 * 1000 * 7);
    r.s.fallback_behavior = KEDA_FALLBACK_IF_LOWER;
    assert_true(keda_fallback(&r.s, &r.st, 0, true, 5000, 7, 7, &v));
    assert_int_equal(v, 5 * 1000 * 4);
    r.s.fallback_behavior = KEDA_FALLBACK_CURRENT;
    r.s.triggers[0].metric_type = HPA_TARGET_VALUE; /* divided by the ready pods */
    assert_true(keda_fallback(&r.s, &r.st, 0, true, 5000, 3, 2, &v));
    assert_int_equal(v, 5 * 1000 * 3 / 2);
    /* a success resets the count */
    assert_false(keda_fallback(&r.s, &r.st, 0, false, 5000, 3, 2, &v));
    assert_int_equal(r.st.failures[0], 0);
    assert_false(keda_fallback(&r.s, &r.st, 0, true, 5000, 3, 2, &v));
}

static void test_partial_error_while_active(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    r.s.n_triggers = 2;
    r.s.triggers[1] = r.s.triggers[0];
    keda_state_init(&r.st, T0);
    const double v[KEDA_MAX_TRIGGERS] = {3, NAN};
    keda_poll(&r.s, &r.st, T0 + PP_SEC(1), v, 2, "default/w", &r.out);
    assert_false(r.out.scale);
    assert_int_equal(r.st.ready.status, KEDA_UNKNOWN);
    assert_string_equal(r.st.ready.reason, "PartialTriggerError");
    assert_false(r.st.has_last_active); /* upstream sets it only without errors */
}

static void test_pause_annotations(void **state) {
    (void)state;
    struct run r = {.s = prom(5, 0)};
    r.s.paused = true;
    keda_state_init(&r.st, T0);
    assert_int_equal(poll_at(&r, 1, 100, 0), 0);
    assert_string_equal(r.st.paused.reason, "ScaledObjectPaused");
    assert_int_equal(r.st.phase, KEDA_PHASE_PAUSED);
    struct run p = {.s = prom(5, 0)};
    p.s.paused_replicas_set = true;
    p.s.paused_replicas = 3;
    keda_state_init(&p.st, T0);
    assert_int_equal(poll_at(&p, 1, 0, 1), 3);
    assert_int_equal(poll_at(&p, 31, 0, 5), 5); /* set once, then frozen */
    struct run in = {.s = prom(5, 0)};
    in.s.paused_scale_in = true;
    keda_state_init(&in.st, T0);
    assert_int_equal(poll_at(&in, 1, 0, 2), 2); /* no deactivation */
    struct run out = {.s = prom(5, 0)};
    out.s.paused_scale_out = true;
    keda_state_init(&out.st, T0);
    assert_int_equal(poll_at(&out, 1, 9, 0), 0); /* no activation */
    struct run f = {.s = prom(5, 0)};
    f.s.force_activation = true;
    keda_state_init(&f.st, T0);
    assert_int_equal(poll_at(&f, 1, 0, 0), 1);
    assert_string_equal(f.out.event, "Scaled apps/v1.Deployment default/w from 0 to 1, caused by "
                                     "forced activation annotation");
}

/* ---- through manifests and the loop ---- */

static enum pp_status build(const char *text, struct svc_set *set, struct pp_error *err) {
    return build_text("so.yaml", text, set, err);
}

#define DEPLOY "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: 2\n"
#define SO_HEAD "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: so\n"

static void test_manifest_reads_a_scaled_object(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build(DEPLOY SO_HEAD
                           "  annotations:\n    autoscaling.keda.sh/paused-scale-in: "
                           "\"yes\"\nspec:\n  scaleTargetRef:\n    name: w\n"
                           "  minReplicaCount: 0\n  maxReplicaCount: 9\n"
                           "  triggers:\n  - type: prometheus\n    metadata:\n"
                           "      serverAddress: http://p:9090\n"
                           "      query: sum(vllm:num_requests_waiting)\n"
                           "      threshold: \"5\"\n"
                           "      activationThreshold: \"1.5\"\n",
                           &set, &err),
                     PP_OK);
    const struct svc_config *c = &set.svcs[0];
    assert_int_equal(c->cls, SVC_KEDA);
    assert_string_equal(c->scaler_name, "so");
    assert_string_equal(c->keda.hpa_name, "keda-hpa-so");
    assert_true(c->keda.paused_scale_in); /* not a boolean: counts as true */
    assert_true(c->keda.triggers[0].activation == 1.5);
    assert_int_equal(c->hpa.min_replicas, 1);
    assert_int_equal(c->hpa.max_replicas, 9);
    assert_string_equal(c->hpa.metrics[0].name, "s0-prometheus");
    assert_non_null(strstr(c->hpa.metrics[0].selector, "scaledobject.keda.sh/name: so"));
    assert_int_equal(c->hpa.down.select, HPA_SELECT_DISABLED);
    svc_set_fini(&set);
}

static void refuses(const char *text, int line, const char *field, const char *part) {
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(build(text, &set, &err), PP_ERR_INVALID);
    if (strcmp(err.field, field) != 0 || !strstr(err.message, part) || (line && err.line != line))
        fail_msg("got %d: %s: %s", err.line, err.field, err.message);
    svc_set_fini(&set);
}

#define PROM_TRIGGER                                                                               \
    "  triggers:\n  - type: prometheus\n    metadata:\n      serverAddress: http://p\n"            \
    "      query: q\n      threshold: \"5\"\n"

static void test_manifest_refuses_what_the_webhook_refuses(void **state) {
    (void)state;
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n  minReplicaCount: 2\n"
                           "  idleReplicaCount: 2\n" PROM_TRIGGER,
            16, "spec.idleReplicaCount", "IdleReplicaCount=2 must be less than MinReplicaCount=2");
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n  minReplicaCount: 5\n"
                           "  maxReplicaCount: 3\n" PROM_TRIGGER,
            15, "spec.minReplicaCount", "MinReplicaCount=5 must be less than MaxReplicaCount=3");
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n" PROM_TRIGGER
                           "    metricType: Utilization\n",
            0, "spec.triggers[0].metricType", "'Utilization' metric type is unsupported");
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n  triggers:\n  - type: kafka\n",
            16, "spec.triggers[0].type", "not simulated");
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n  triggers:\n"
                           "  - type: prometheus\n    metadata:\n      serverAddress: x\n"
                           "      query: q\n      threshold: lots\n",
            20, "spec.triggers[0].metadata.threshold", "expected a number, got \"lots\"");
    /* a second autoscaler on the same Deployment */
    refuses(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n" PROM_TRIGGER
                           "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
                           "metadata:\n  name: other\nspec:\n  scaleTargetRef:\n    kind: "
                           "Deployment\n    name: w\n  maxReplicas: 3\n",
            0, "spec.scaleTargetRef", "already has an autoscaler (so from");
}

static void test_keda_hpa_in_the_files_is_the_scaled_objects(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    /* as kubectl get so,hpa -o yaml prints them: KEDA's HPA, owned */
    assert_int_equal(build(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n" PROM_TRIGGER
                                          "---\napiVersion: autoscaling/v2\n"
                                          "kind: HorizontalPodAutoscaler\nmetadata:\n"
                                          "  name: keda-hpa-so\n  ownerReferences:\n"
                                          "  - kind: ScaledObject\n    name: so\n"
                                          "spec:\n  scaleTargetRef:\n    kind: Deployment\n"
                                          "    name: w\n  minReplicas: 1\n  maxReplicas: 7\n"
                                          "  metrics:\n  - type: External\n    external:\n"
                                          "      metric:\n        name: s0-prometheus\n"
                                          "      target:\n        type: AverageValue\n"
                                          "        averageValue: \"5\"\n",
                           &set, &err),
                     PP_OK);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.svcs[0].cls, SVC_KEDA);
    assert_int_equal(set.svcs[0].hpa.max_replicas, 7); /* the HPA's own spec is what runs */
    svc_set_fini(&set);
}

static void test_kserve_keda_class_makes_a_scaled_object(void **state) {
    (void)state;
    struct svc_set set;
    struct pp_error err;
    assert_int_equal(
        build("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n"
              "  name: llm\n  annotations:\n    serving.kserve.io/deploymentMode: "
              "RawDeployment\n    serving.kserve.io/autoscalerClass: keda\nspec:\n"
              "  predictor:\n    minReplicas: 0\n    maxReplicas: 4\n    autoScaling:\n"
              "      metrics:\n      - type: External\n        external:\n"
              "          metric:\n            backend: prometheus\n"
              "            serverAddress: http://p:9090\n"
              "            query: vllm:num_requests_running\n"
              "          target:\n            type: Value\n            value: \"2\"\n",
              &set, &err),
        PP_OK);
    const struct svc_config *c = &set.svcs[0];
    assert_int_equal(c->cls, SVC_KEDA);
    assert_string_equal(c->scaler_name, "llm-predictor");
    assert_int_equal(c->keda.min, 0);
    assert_int_equal(c->keda.max, 4);
    assert_int_equal(c->hpa.metrics[0].target, HPA_TARGET_VALUE);
    assert_int_equal(c->hpa.metrics[0].milli, 2000);
    assert_int_equal(c->hpa.down.window_s, 300);
    svc_set_fini(&set);
}

struct seen {
    int32_t max_actual;
    int fallback_rescales, decisions, hpa_decisions;
};

static void on_record(void *ctx, const struct loop_record *r) {
    struct seen *s = ctx;
    if (r->kind == LOOP_EVENT && strstr(r->message, "New size: 3"))
        s->fallback_rescales++;
    if (r->kind != LOOP_DECISION)
        return;
    s->decisions++;
    if (r->view->actual > s->max_actual)
        s->max_actual = r->view->actual;
    if (r->view->hpa)
        s->hpa_decisions++;
}

static struct seen run(const char *text, int64_t seconds) {
    struct svc_set set;
    struct pp_error err;
    if (build(text, &set, &err) != PP_OK)
        fail_msg("%d: %s: %s", err.line, err.field, err.message);
    struct seen s = {0};
    struct source *src = source_sim_create(&set, &err);
    struct loop *l = loop_create(&set, src, on_record, &s, &err);
    assert_non_null(l);
    for (int64_t t = 0; t < seconds; t++)
        loop_tick(l);
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
    return s;
}

/* A query the simulation cannot answer fails at every HPA sync; past
 * failureThreshold the metrics server answers what makes the HPA ask
 * fallback.replicas. */
static void test_fallback_drives_the_hpa_through_the_loop(void **state) {
    (void)state;
    struct seen s = run(DEPLOY SO_HEAD "spec:\n  scaleTargetRef:\n    name: w\n"
                                       "  minReplicaCount: 1\n  fallback:\n"
                                       "    failureThreshold: 2\n    replicas: 3\n"
                                       "  triggers:\n  - type: prometheus\n    metadata:\n"
                                       "      serverAddress: http://p\n"
                                       "      query: sum(nothing_we_have)\n"
                                       "      threshold: \"5\"\n",
                        120);
    assert_int_equal(s.max_actual, 3);
    assert_int_equal(s.fallback_rescales, 1);
}

/* A paused ScaledObject has no HPA: nothing decides, replicas stay. */
static void test_paused_scaled_object_runs_no_hpa(void **state) {
    (void)state;
    struct seen s = run(DEPLOY SO_HEAD "  annotations:\n    autoscaling.keda.sh/paused: \"true\"\n"
                                       "spec:\n  scaleTargetRef:\n    name: w\n" PROM_TRIGGER,
                        120);
    assert_int_equal(s.decisions, 0);
    struct seen p =
        run(DEPLOY SO_HEAD "  annotations:\n    autoscaling.keda.sh/paused-replicas: \"4\"\n"
                           "spec:\n  scaleTargetRef:\n    name: w\n" PROM_TRIGGER,
            120);
    assert_int_equal(p.hpa_decisions, 0);
    assert_int_equal(p.decisions, 1); /* the one scale to paused-replicas */
    assert_int_equal(p.max_actual, 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webhook_refuses_what_keda_refuses),
        cmocka_unit_test(test_generated_hpa_follows_keda),
        cmocka_unit_test(test_activates_from_zero_and_deactivates_after_cooldown),
        cmocka_unit_test(test_initial_cooldown_holds_a_new_object),
        cmocka_unit_test(test_idle_replicas_and_min),
        cmocka_unit_test(test_cpu_only_is_always_active),
        cmocka_unit_test(test_trigger_errors_without_and_with_fallback),
        cmocka_unit_test(test_partial_error_while_active),
        cmocka_unit_test(test_pause_annotations),
        cmocka_unit_test(test_manifest_reads_a_scaled_object),
        cmocka_unit_test(test_manifest_refuses_what_the_webhook_refuses),
        cmocka_unit_test(test_keda_hpa_in_the_files_is_the_scaled_objects),
        cmocka_unit_test(test_kserve_keda_class_makes_a_scaled_object),
        cmocka_unit_test(test_fallback_drives_the_hpa_through_the_loop),
        cmocka_unit_test(test_paused_scaled_object_runs_no_hpa),
    };
    return cmocka_run_group_tests_name("keda", tests, NULL, NULL);
}
