/* Operator commands: the words (engine/command) and what the loop does with
 * them (engine/override through loop_submit and the next tick). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "engine/command.h"
#include "engine/loop.h"
#include "engine/source_sim.h"
#include "k8s/manifest.h"

static void test_parse_gives_canonical_text(void **state) {
    (void)state;
    struct command c;
    assert_int_equal(command_parse("  pin   flowers-sample   3 ", &c, NULL), PP_OK);
    assert_int_equal(c.kind, CMD_PIN);
    assert_int_equal(c.replicas, 3);
    assert_string_equal(c.service, "flowers-sample");
    assert_string_equal(c.text, "pin flowers-sample 3");
    assert_int_equal(command_parse("target default/x 2.50", &c, NULL), PP_OK);
    assert_true(c.value == 2.5);
    assert_string_equal(c.text, "target default/x 2.5");
    assert_int_equal(command_parse("target x reset", &c, NULL), PP_OK);
    assert_int_equal(c.kind, CMD_TARGET_RESET);
    assert_int_equal(command_parse("set x window 30s", &c, NULL), PP_OK);
    assert_string_equal(c.knob, "window");
    assert_string_equal(c.arg, "30s");
    assert_int_equal(command_parse("load x -z 30s  -c 5", &c, NULL), PP_OK);
    assert_string_equal(c.arg, "-z 30s  -c 5");
    assert_false(c.load_ready);
    assert_int_equal(command_parse("stop x", &c, NULL), PP_OK);
    assert_int_equal(c.kind, CMD_STOP);
}

/* The table is the one place a verb is declared: each usage starts with
 * its name, parses when filled in, and names a prompt only where the verb
 * takes an argument; an unknown verb lists every name. */
static void test_every_verb_is_one_table_row(void **state) {
    (void)state;
    static const char *const filled[] = {
        "pin web 3",  "unpin web",          "target web 5",         "pause web",
        "resume web", "set web window 30s", "load web -z 30s -c 5", "stop web",
    };
    assert_int_equal(command_count, sizeof(filled) / sizeof(filled[0]));
    for (size_t i = 0; i < command_count; i++) {
        const struct command_entry *e = &command_table[i];
        assert_ptr_equal(command_find(e->name), e);
        assert_int_equal(strncmp(e->usage, e->name, strlen(e->name)), 0);
        assert_true(e->usage[strlen(e->name)] == ' ');
        assert_true(e->help[0] != '\0');
        assert_true(e->prompt == NULL || e->parse != NULL);
        struct command c;
        struct pp_error err = {0};
        assert_int_equal(command_parse(filled[i], &c, &err), PP_OK);
        assert_int_equal(c.kind, e->kind);
        assert_string_equal(c.text, filled[i]);
    }
    struct command c;
    struct pp_error err = {0};
    assert_int_equal(command_parse("scale web 3", &c, &err), PP_ERR_PARSE);
    assert_non_null(strstr(err.message, "(pin, unpin, target, pause, resume, set, load, stop)"));
}

static void test_parse_errors_say_what_is_wrong(void **state) {
    (void)state;
    struct command c;
    struct pp_error err = {0};
    assert_int_equal(command_parse("scale x 3", &c, &err), PP_ERR_PARSE);
    assert_non_null(strstr(err.message, "unknown command \"scale\""));
    assert_int_equal(command_parse("pin x many", &c, &err), PP_ERR_PARSE);
    assert_non_null(strstr(err.message, "expected a replica count 0..1000, got \"many\""));
    assert_int_equal(command_parse("pin x", &c, &err), PP_ERR_PARSE);
    assert_string_equal(err.message, "usage: pin SVC N");
    assert_int_equal(command_parse("target x -1", &c, &err), PP_ERR_PARSE);
    assert_int_equal(command_parse("pause x now", &c, &err), PP_ERR_PARSE);
    assert_non_null(strstr(err.message, "unexpected \"now\""));
    assert_int_equal(command_parse("   ", &c, &err), PP_ERR_PARSE);
}

/* ---- through the loop ---- */

static const char manifests[] =
    "apiVersion: serving.kserve.io/v1beta1\n"
    "kind: InferenceService\n"
    "metadata: {name: flowers-sample}\n"
    "spec:\n"
    "  predictor:\n"
    "    scaleTarget: 1\n"
    "    scaleMetric: concurrency\n"
    "    model: {modelFormat: {name: tensorflow}}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web}\n"
    "spec: {replicas: 2}\n"
    "---\n"
    "apiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\n"
    "metadata: {name: web}\n"
    "spec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  minReplicas: 1\n"
    "  maxReplicas: 10\n"
    "  metrics:\n"
    "  - type: Resource\n"
    "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n";

struct seen {
    int overrides, rejected, commands, loads_started, loads_done;
    char last_rejected[400];
};

static void on_record(void *ctx, const struct loop_record *r) {
    struct seen *s = ctx;
    if (r->kind == LOOP_COMMAND)
        s->commands++;
    if (r->kind == LOOP_LOAD_DONE)
        s->loads_done++;
    if (r->kind != LOOP_EVENT)
        return;
    if (strcmp(r->reason, "Override") == 0)
        s->overrides++;
    if (strcmp(r->reason, "LoadStarted") == 0)
        s->loads_started++;
    if (strcmp(r->reason, "OverrideRejected") == 0) {
        s->rejected++;
        snprintf(s->last_rejected, sizeof(s->last_rejected), "%s", r->message);
    }
}

struct fixture {
    struct svc_set set;
    struct source *src;
    struct loop *loop;
    struct seen seen;
};

static int setup(void **state) {
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    struct manifest *m = manifest_create();
    svc_set_init(&f.set);
    struct pp_error err = {0};
    assert_int_equal(manifest_add_text(m, "t.yaml", manifests, strlen(manifests), &err), PP_OK);
    assert_int_equal(manifest_build(m, &f.set, &err), PP_OK);
    manifest_destroy(m);
    f.src = source_sim_create(&f.set, &err);
    f.loop = loop_create(&f.set, f.src, on_record, &f.seen, &err);
    assert_non_null(f.loop);
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    loop_destroy(f->loop);
    source_destroy(f->src);
    svc_set_fini(&f->set);
    return 0;
}

static void submit(struct fixture *f, const char *line) {
    struct command c;
    struct pp_error err = {0};
    assert_int_equal(command_parse(line, &c, &err), PP_OK);
    if (c.kind == CMD_LOAD) {
        c.load = (struct load_spec){.kind = LOAD_WORKERS, .duration = PP_SEC(60), .workers = 5};
        c.load_ready = true;
    }
    assert_int_equal(loop_submit(f->loop, &c, &err), PP_OK);
}

static enum pp_status submit_err(struct fixture *f, const char *line, struct pp_error *err) {
    struct command c;
    assert_int_equal(command_parse(line, &c, err), PP_OK);
    return loop_submit(f->loop, &c, err);
}

static const struct loop_view *view(struct fixture *f, const char *name) {
    const size_t i = svc_set_match(&f->set, name);
    assert_true(i < f->set.n);
    return loop_view(f->loop, i);
}

static void run(struct fixture *f, int seconds) {
    for (int i = 0; i < seconds; i++)
        loop_tick(f->loop);
}

static void test_pin_holds_replicas_while_the_kpa_keeps_deciding(void **state) {
    struct fixture *f = *state;
    submit(f, "load flowers-sample -z 60s -c 5");
    submit(f, "pin flowers-sample 2");
    run(f, 1);
    assert_int_equal(f->seen.commands, 2);
    assert_int_equal(f->seen.loads_started, 1);
    const struct loop_view *v = view(f, "flowers-sample");
    assert_true(v->pinned);
    assert_string_equal(v->override, "pinned 2");
    run(f, 40);
    assert_int_equal(v->actual, 2);
    assert_true(v->desired >= 5); /* five in flight at target 1 */
    assert_non_null(strstr(v->reason, "pinned at 2 by the operator"));
    assert_int_equal(v->loads_running, 1);
    submit(f, "unpin flowers-sample");
    run(f, 4);
    assert_false(v->pinned);
    assert_true(v->actual >= 5);
    assert_string_equal(v->override, "");
    run(f, 30);
    assert_int_equal(f->seen.loads_done, 1);
    assert_int_equal(v->loads_running, 0);
}

static void test_target_override_changes_the_decision_and_reset_restores(void **state) {
    struct fixture *f = *state;
    submit(f, "load flowers-sample -z 200s -c 5");
    run(f, 70);
    const struct loop_view *v = view(f, "flowers-sample");
    const int32_t at_target_1 = v->desired;
    assert_true(v->target < 1); /* 1 × 70 % */
    submit(f, "target flowers-sample 5");
    run(f, 70);
    assert_true(v->target == 3.5);
    assert_true(v->desired < at_target_1);
    assert_non_null(strstr(v->override, "target 5 (manifest 0.7)"));
    submit(f, "target flowers-sample reset");
    run(f, 2);
    assert_true(v->target == 0.7);
    assert_int_equal(f->seen.overrides, 2);
}

static void test_bad_commands_change_nothing(void **state) {
    struct fixture *f = *state;
    struct pp_error err = {0};
    assert_int_equal(submit_err(f, "pin nosuch 3", &err), PP_ERR_INVALID);
    assert_non_null(strstr(err.message, "no service \"nosuch\" (services: "));
    assert_non_null(strstr(err.message, "flowers-sample-predictor"));
    assert_non_null(strstr(err.message, ", "));
    assert_int_equal(submit_err(f, "set flowers-sample panic-threshold-percentage 5", &err),
                     PP_ERR_INVALID);
    assert_non_null(strstr(err.field, "panic-threshold-percentage"));
    assert_int_equal(submit_err(f, "set web scaleDown.selectPolicy Sometimes", &err),
                     PP_ERR_INVALID);
    assert_string_equal(err.field, "scaleDown.selectPolicy");
    assert_int_equal(submit_err(f, "set web minReplicas 20", &err), PP_ERR_INVALID);
    assert_int_equal(submit_err(f, "set web window 30s", &err), PP_ERR_INVALID);
    run(f, 3);
    assert_int_equal(f->seen.commands, 0);
    assert_string_equal(view(f, "flowers-sample")->override, "");
}

static void test_knobs_reach_the_scalers(void **state) {
    struct fixture *f = *state;
    submit(f, "set flowers-sample window 20s");
    submit(f, "set web scaleDown.stabilizationWindowSeconds 0");
    submit(f, "set web maxReplicas 4");
    run(f, 16);
    assert_int_equal(f->seen.rejected, 0);
    assert_string_equal(view(f, "flowers-sample")->override, "window=20s");
    assert_string_equal(view(f, "web")->override,
                        "scaleDown.stabilizationWindowSeconds=0; maxReplicas=4");
    /* A knob that conflicts with one already set is rejected at the tick. */
    submit(f, "set web minReplicas 4");
    run(f, 1);
    assert_int_equal(f->seen.rejected, 0);
    assert_int_equal(submit_err(f, "set web minReplicas 5", &(struct pp_error){0}), PP_OK);
    run(f, 1);
    assert_int_equal(f->seen.rejected, 1);
    assert_non_null(strstr(f->seen.last_rejected, "set web minReplicas 5"));
}

static void test_pause_holds_the_hpa_where_it_is(void **state) {
    struct fixture *f = *state;
    submit(f, "pause web");
    run(f, 1);
    const struct loop_view *v = view(f, "web");
    assert_true(v->paused);
    assert_string_equal(v->override, "paused at 2");
    run(f, 400); /* idle: the HPA wants 1 after its 5 min window */
    assert_int_equal(v->actual, 2);
    assert_int_equal(v->desired, 1);
    submit(f, "resume web");
    run(f, 16);
    assert_int_equal(v->actual, 1);
}

static void *submitter(void *arg) {
    struct fixture *f = arg;
    for (int i = 0; i < 100; i++) {
        struct command c;
        char line[64];
        snprintf(line, sizeof(line), "pin flowers-sample %d", i % 7);
        if (command_parse(line, &c, NULL) != PP_OK)
            return NULL;
        while (loop_submit(f->loop, &c, NULL) != PP_OK)
            sched_yield(); /* the queue is full: wait for a tick */
    }
    return NULL;
}

static void test_commands_can_come_from_another_thread(void **state) {
    struct fixture *f = *state;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, submitter, f), 0);
    for (int t = 0; t < 2000 && f->seen.commands < 100; t++) { /* ticks while it submits */
        loop_tick(f->loop);
        sched_yield();
    }
    pthread_join(th, NULL);
    for (int t = 0; t < 300 && f->seen.commands < 100; t++) /* what a slow machine left */
        loop_tick(f->loop);
    assert_int_equal(f->seen.commands, 100);
    assert_int_equal(view(f, "flowers-sample")->actual, 99 % 7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_gives_canonical_text),
        cmocka_unit_test(test_every_verb_is_one_table_row),
        cmocka_unit_test(test_parse_errors_say_what_is_wrong),
        cmocka_unit_test_setup_teardown(test_pin_holds_replicas_while_the_kpa_keeps_deciding, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_target_override_changes_the_decision_and_reset_restores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_commands_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_knobs_reach_the_scalers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_holds_the_hpa_where_it_is, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_can_come_from_another_thread, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
