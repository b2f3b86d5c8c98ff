/* engine/runner: the engine thread publishes snapshots readers can hold
 * while it goes on, takes commands from another thread, and wakes pollers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runner.h"
#include "k8s/manifest.h"

static const char manifests[] = "apiVersion: serving.kserve.io/v1beta1\n"
                                "kind: InferenceService\n"
                                "metadata: {name: flowers-sample}\n"
                                "spec:\n"
                                "  predictor:\n"
                                "    scaleTarget: 1\n"
                                "    model: {modelFormat: {name: tensorflow}}\n"
                                "---\n"
                                "apiVersion: podpilot.io/v1alpha1\n"
                                "kind: Simulation\n"
                                "loads: [{service: flowers-sample, hey: \"-z 60s -c 5\"}]\n";

static void build(struct svc_set *set) {
    struct manifest *m = manifest_create();
    svc_set_init(set);
    struct pp_error err = {0};
    assert_int_equal(manifest_add_text(m, "t.yaml", manifests, strlen(manifests), &err), PP_OK);
    assert_int_equal(manifest_build(m, set, &err), PP_OK);
    manifest_destroy(m);
    set->loads[0].parsed = true;
    set->loads[0].load =
        (struct load_spec){.kind = LOAD_WORKERS, .duration = PP_SEC(60), .workers = 5};
}

/* Waits (bounded) for a snapshot at or past second `at`; fails the test
 * when none comes. */
static const struct snapshot *wait_for(struct runner *r, int64_t at)
    __attribute__((returns_nonnull));
static const struct snapshot *wait_for(struct runner *r, int64_t at) {
    for (int i = 0; i < 20000; i++) {
        const struct snapshot *s = runner_acquire(r);
        if (s && (s->t >= at || s->done))
            return s;
        runner_release(r, s);
        struct pollfd p = {.fd = runner_wake_fd(r), .events = POLLIN};
        poll(&p, 1, 10);
        runner_drain_wake(r);
    }
    fail_msg("no snapshot at t=%lld", (long long)at);
    abort();
}

static void test_snapshots_follow_the_engine_and_stay_put_while_held(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    const struct runner_options opt = {.speed = 0, .duration_s = 120, .paused = true};
    struct runner *r = runner_start(&set, &opt, NULL, NULL, NULL);
    assert_non_null(r);
    const struct snapshot *first = wait_for(r, 0); /* t = 0: the engine waits */
    runner_pause(r, false);
    const int64_t t0 = first->t;
    const uint64_t seq0 = first->seq;
    const struct snapshot *last = wait_for(r, 120);
    assert_non_null(last);
    assert_true(last->done);
    assert_int_equal(last->t, 120);
    assert_true(last->seq > seq0);
    /* The held one did not change under us. */
    assert_int_equal(first->t, t0);
    assert_string_equal(first->svcs[0].view.service, "default/flowers-sample-predictor");
    const struct loop_view *v = &last->svcs[0].view;
    assert_string_equal(v->service, "default/flowers-sample-predictor");
    assert_string_equal(v->metric, "concurrency");
    assert_true(v->desired >= 1);
    assert_true(last->n_events > 0);
    assert_true(last->events[0].reason[0] != '\0');
    assert_true(last->events[last->n_events - 1].t <= 120);
    runner_release(r, first);
    runner_release(r, last);
    runner_stop(r);
    svc_set_fini(&set);
}

static void test_commands_from_the_reader_reach_the_engine(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    const struct runner_options opt = {.speed = 200, .duration_s = 0};
    struct runner *r = runner_start(&set, &opt, NULL, NULL, NULL);
    assert_non_null(r);
    struct command c;
    assert_int_equal(command_parse("pin flowers-sample 4", &c, NULL), PP_OK);
    assert_int_equal(runner_submit(r, &c, NULL), PP_OK);
    const struct snapshot *s = wait_for(r, 3);
    assert_non_null(s);
    assert_true(s->svcs[0].view.pinned);
    assert_int_equal(s->svcs[0].view.actual, 4);
    assert_string_equal(s->svcs[0].view.override, "pinned 4");
    runner_release(r, s);
    runner_set_speed(r, 0);
    s = wait_for(r, 500);
    assert_non_null(s);
    assert_false(s->done);
    runner_release(r, s);
    runner_stop(r); /* stops a run with no end */
    svc_set_fini(&set);
}

/* A source of 10 empty ticks, counting its opens: all a source needs is
 * begin and observe. */
struct counting {
    struct source base;
    int opens, ticks;
    struct loop_obs obs[4];
};

static bool c_begin(void *src, pp_time now, const struct source_submit *to) {
    (void)now;
    (void)to;
    struct counting *c = src;
    if (c->ticks == 10)
        return false;
    c->ticks++;
    return true;
}

static void c_observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *out) {
    (void)needs;
    (void)now;
    *out = ((struct counting *)src)->obs[svc];
}

static const struct source_ops counting_ops = {
    .name = "counting", .begin = c_begin, .observe = c_observe};

static struct source *c_open(void *ctx, struct pp_error *err) {
    (void)err;
    struct counting *c = ctx;
    c->base.ops = &counting_ops;
    c->opens++;
    c->ticks = 0;
    return &c->base;
}

static void c_close(void *ctx, struct source *src) {
    (void)ctx;
    (void)src;
}

static const struct snapshot *wait_seq(struct runner *r, uint64_t after)
    __attribute__((returns_nonnull));
static const struct snapshot *wait_seq(struct runner *r, uint64_t after) {
    for (int i = 0; i < 2000; i++) {
        const struct snapshot *s = runner_acquire(r);
        if (s && s->seq > after)
            return s;
        runner_release(r, s);
        struct pollfd p = {.fd = runner_wake_fd(r), .events = POLLIN};
        poll(&p, 1, 10);
        runner_drain_wake(r);
    }
    fail_msg("no snapshot after %llu", (unsigned long long)after);
    abort();
}

static void test_a_source_pauses_steps_and_seeks_both_ways(void **state) {
    (void)state;
    struct svc_set set;
    build(&set);
    struct counting c = {0};
    const struct runner_source src = {c_open, c_close, &c};
    const struct runner_options opt = {.speed = 0, .source = &src, .paused = true};
    struct runner *r = runner_start(&set, &opt, NULL, NULL, NULL);
    assert_non_null(r);
    const struct snapshot *s = runner_acquire(r);
    assert_int_equal(s->t, 0);
    uint64_t seq = s->seq;
    runner_release(r, s);
    runner_step(r);
    s = wait_seq(r, seq);
    assert_int_equal(s->t, 1);
    assert_true(s->paused);
    seq = s->seq;
    runner_release(r, s);
    runner_seek(r, 7);
    s = wait_seq(r, seq);
    assert_int_equal(s->t, 7);
    assert_int_equal(c.opens, 1); /* forward: no reopening */
    seq = s->seq;
    runner_release(r, s);
    runner_seek(r, 3);
    s = wait_seq(r, seq);
    assert_int_equal(s->t, 3);
    assert_int_equal(c.opens, 2); /* back: from the start again */
    seq = s->seq;
    runner_release(r, s);
    runner_set_speed(r, 8);
    s = wait_seq(r, seq);
    assert_true(s->speed == 8 && s->t == 3); /* published at once, still paused */
    seq = s->seq;
    runner_release(r, s);
    runner_set_speed(r, 0);
    runner_pause(r, false);
    for (;;) {
        s = wait_seq(r, seq);
        seq = s->seq;
        const bool done = s->done;
        const int64_t t = s->t;
        runner_release(r, s);
        if (done) {
            assert_int_equal(t, 10);
            break;
        }
    }
    runner_stop(r);
    svc_set_fini(&set);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshots_follow_the_engine_and_stay_put_while_held),
        cmocka_unit_test(test_commands_from_the_reader_reach_the_engine),
        cmocka_unit_test(test_a_source_pauses_steps_and_seeks_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
