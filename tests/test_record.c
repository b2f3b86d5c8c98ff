/* engine/record: what is written reads back exactly; a damaged file reads
 * up to its last complete tick and says why it stopped. And engine/replay:
 * the tally and the what-if pods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/record.h"
#include "engine/sim.h"
#include "engine/source_whatif.h"

#define START ((pp_time)1767600000 * PP_NS_PER_SEC)

static char path[64];

static int setup(void **state) {
    (void)state;
    snprintf(path, sizeof(path), "/tmp/podpilot-test-record-%d.jsonl", (int)getpid());
    return 0;
}

static int teardown(void **state) {
    (void)state;
    if (!getenv("KEEP"))
        unlink(path);
    return 0;
}

static cJSON *header(size_t n) {
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "version", "test");
    cJSON *s = cJSON_AddArrayToObject(h, "services");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(s, cJSON_CreateObject());
    return h;
}

/* Two services: a KPA-like one with awkward doubles, an HPA one with pods
 * and metrics, and lag ops on the first. */
static void write_ticks(struct record_writer *w, int ticks) {
    static const struct hpa_pod pods[2] = {
        {.ready = true,
         .has_ready_condition = true,
         .started = true,
         .ready_transition = START - PP_SEC(3),
         .start_time = START - PP_SEC(13)},
        /* a live cluster's pod: pending, being deleted, Ready Unknown */
        {.phase = HPA_POD_PENDING,
         .deleting = true,
         .has_ready_condition = true,
         .ready_unknown = true,
         .ready_transition = START + 5,
         .start_time = START + 5},
    };
    static const int64_t vals[2] = {250, 0};
    static const bool present[2] = {true, false};
    const struct hpa_metric_obs m[2] = {
        {.pod_milli = vals, .present = present, .value_milli = 250},
        {.error = "unable to get metric \"x\": none"},
    };
    for (int t = 1; t <= ticks; t++) {
        const pp_time now = START + PP_SEC(t);
        const int64_t ops[3] = {LOOP_LAG_OP(1767600000 + t - 1, 3, false),
                                LOOP_LAG_OP(1767600000 + t, 3, true),
                                LOOP_LAG_OP(1767600000 + t, 1000, false)};
        const struct loop_obs a = {.ready = t,
                                   .starting = 1,
                                   .demand = 0.1 * t,
                                   .rps = 1.0 / 3,
                                   .busy = 1e-17,
                                   .gpu_util = NAN,
                                   .pods = {.concurrency = 2.0 / 3, .rps = 7},
                                   .activator = {.concurrency = 1e300, .rps = -0.0},
                                   .n_lag = 3,
                                   .lag_ops = ops};
        const struct loop_obs b = {.ready = 1,
                                   .starting = 1,
                                   .gpu_util = 42.5,
                                   .hpa = t % 2 == 0,
                                   .n_pods = 2,
                                   .hpa_pods = pods,
                                   .n_metrics = 2,
                                   .metrics = m};
        if (t == 2)
            record_command(w, t, "pin \"quoted\" 3");
        static const char line[] = "{\"t\":1,\"service\":\"a\"}\n";
        record_output(w, line, strlen(line));
        record_obs(w, 0, &a, now);
        record_obs(w, 1, &b, now);
        assert_int_equal(record_end_tick(w, t, NULL), PP_OK);
    }
}

static void test_what_is_written_reads_back_exactly(void **state) {
    (void)state;
    cJSON *h = header(2);
    struct record_writer *w = record_create(path, h, START, 2, NULL);
    cJSON_Delete(h);
    assert_non_null(w);
    write_ticks(w, 3);
    assert_int_equal(record_close(w, NULL), PP_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    struct record_reader *r = record_open(path, NULL);
    assert_non_null(r);
    assert_int_equal(record_services(r), 2);
    assert_true(record_start(r) == START);
    assert_string_equal(cJSON_GetObjectItem(record_header(r), "version")->valuestring, "test");
    struct record_tick t;
    for (int k = 1; k <= 3; k++) {
        assert_int_equal(record_next(r, &t), 1);
        assert_int_equal(t.t, k);
        assert_int_equal(t.n_outputs, 1);
        assert_int_equal(t.output_lens[0], 21);
        assert_int_equal(t.n_commands, k == 2 ? 1 : 0);
        if (k == 2)
            assert_string_equal(t.commands[0], "pin \"quoted\" 3");
        const struct loop_obs *a = &t.obs[0], *b = &t.obs[1];
        assert_int_equal(a->ready, k);
        assert_true(a->demand == 0.1 * k);
        assert_true(a->rps == 1.0 / 3);
        assert_true(a->busy == 1e-17);
        assert_true(isnan(a->gpu_util));
        assert_true(a->pods.concurrency == 2.0 / 3);
        assert_true(a->activator.concurrency == 1e300);
        assert_int_equal(a->n_lag, 3);
        assert_true(a->lag_ops[0] == LOOP_LAG_OP(1767600000 + k - 1, 3, false));
        assert_true(a->lag_ops[1] == LOOP_LAG_OP(1767600000 + k, 3, true));
        assert_int_equal(LOOP_LAG_OP_SLOT(a->lag_ops[2]), 1000);
        assert_true(b->gpu_util == 42.5);
        assert_int_equal(b->hpa, k % 2 == 0);
        if (b->hpa) {
            assert_int_equal(b->n_pods, 2);
            assert_true(b->hpa_pods[0].ready && !b->hpa_pods[1].ready);
            assert_true(b->hpa_pods[0].start_time == START - PP_SEC(13));
            assert_true(b->hpa_pods[1].ready_transition == START + 5);
            assert_int_equal(b->hpa_pods[0].phase, HPA_POD_RUNNING);
            assert_true(b->hpa_pods[0].has_ready_condition && b->hpa_pods[0].started);
            assert_false(b->hpa_pods[0].deleting || b->hpa_pods[0].ready_unknown);
            assert_int_equal(b->hpa_pods[1].phase, HPA_POD_PENDING);
            assert_true(b->hpa_pods[1].deleting && b->hpa_pods[1].ready_unknown);
            assert_true(b->hpa_pods[1].has_ready_condition && !b->hpa_pods[1].started);
            assert_int_equal(b->n_metrics, 2);
            assert_int_equal(b->metrics[0].pod_milli[0], 250);
            assert_false(b->metrics[0].present[1]);
            assert_int_equal(b->metrics[0].value_milli, 250);
            assert_string_equal(b->metrics[1].error, "unable to get metric \"x\": none");
        }
    }
    assert_int_equal(record_next(r, &t), 0);
    assert_string_equal(record_problem(r), "");
    record_reader_close(r);
}

static size_t file_size(void) {
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

static int count_ticks(const char *want_problem) {
    struct record_reader *r = record_open(path, NULL);
    assert_non_null(r);
    struct record_tick t;
    int n = 0;
    while (record_next(r, &t) == 1)
        n++;
    if (want_problem)
        assert_non_null(strstr(record_problem(r), want_problem));
    else
        assert_string_equal(record_problem(r), "");
    record_reader_close(r);
    return n;
}

static void test_a_damaged_end_replays_to_the_last_complete_tick(void **state) {
    (void)state;
    cJSON *h = header(2);
    struct record_writer *w = record_create(path, h, START, 2, NULL);
    cJSON_Delete(h);
    write_ticks(w, 5);
    assert_int_equal(record_close(w, NULL), PP_OK);
    const size_t full = file_size();
    assert_int_equal(count_ticks(NULL), 5);
    /* Cut in the middle of the last tick line. */
    assert_int_equal(truncate(path, (off_t)full - 10), 0);
    assert_int_equal(count_ticks("the last line is cut off"), 4);
    /* A tick whose output got written but not its closing line. */
    FILE *f = fopen(path, "r+");
    assert_non_null(f);
    char *data = calloc(1, full + 1);
    assert_int_equal(fread(data, 1, full, f), full - 10);
    char *last = strstr(data, "{\"tick\":5");
    assert_non_null(last);
    fclose(f);
    assert_int_equal(truncate(path, (off_t)(last - data)), 0);
    assert_int_equal(count_ticks("ends inside the tick after t=4"), 4);
    /* Garbage in the middle stops there. */
    f = fopen(path, "a");
    fputs("{\"tick\":5,\"obs\":\"nonsense\"}\n", f);
    fclose(f);
    assert_int_equal(count_ticks("does not read as one"), 4);
    free(data);
}

static void test_not_a_recording_is_refused_naming_the_file(void **state) {
    (void)state;
    FILE *f = fopen(path, "w");
    fputs("{\"hello\":1}\n", f);
    fclose(f);
    struct pp_error err = {0};
    assert_null(record_open(path, &err));
    assert_non_null(strstr(err.message, ":1: not a podpilot recording"));
    f = fopen(path, "w");
    fputs("{\"podpilot_recording\":99,\"start_ns\":\"0\",\"services\":[]}\n", f);
    fclose(f);
    assert_null(record_open(path, &err));
    assert_non_null(strstr(err.message, "recording format 99; this podpilot reads formats 1 to 2"));
    assert_null(record_open("/nonexistent/dir/x", &err));
    assert_non_null(strstr(err.message, "No such file"));
}

static void test_record_create_fails_cleanly(void **state) {
    (void)state;
    cJSON *h = header(0);
    struct pp_error err = {0};
    assert_null(record_create("/nonexistent/dir/rec.jsonl", h, START, 0, &err));
    assert_string_equal(err.field, "--record");
    cJSON_Delete(h);
}

static void test_tally_counts_waiting_and_idle_seconds(void **state) {
    (void)state;
    struct sim_pod_model m;
    sim_pod_model_default(&m); /* 4 streams */
    const struct pod_spec spec = pod_spec_default();
    struct replay_tally t = {0};
    replay_tally_add(&t, &m, &spec, 3, 2, 9);   /* 9 > 8: waiting */
    replay_tally_add(&t, &m, &spec, 2, 2, 5);   /* between: neither */
    replay_tally_add(&t, &m, &spec, 2, 2, 3.9); /* < 4: half idle */
    replay_tally_add(&t, &m, &spec, 0, 0, 0);   /* nothing, no pods: neither */
    assert_int_equal(t.seconds, 4);
    assert_true(t.replica_seconds == 7);
    assert_int_equal(t.under_s, 1);
    assert_int_equal(t.over_s, 1);
}

static void test_whatif_pods_cold_start_and_shrink_starting_first(void **state) {
    (void)state;
    struct svc_set set;
    svc_set_init(&set);
    set.start = START;
    struct svc_config *c = svc_set_add(&set, "web", "default");
    c->cls = SVC_NONE;
    c->replicas = c->initial_ready = 1;
    struct whatif *w = whatif_create(&set);
    assert_int_equal(whatif_pods(w, 0), 0);
    whatif_start(w, 0, 1, 1, START);
    assert_int_equal(whatif_pods(w, 0), 1);
    assert_int_equal(whatif_ready(w, 0, START), 1);
    whatif_actuate(w, 0, 3, START + PP_SEC(1));
    assert_int_equal(whatif_pods(w, 0), 3);
    assert_int_equal(whatif_ready(w, 0, START + PP_SEC(10)), 1);
    assert_int_equal(whatif_ready(w, 0, START + PP_SEC(11)), 3); /* 10 s cold start */
    whatif_actuate(w, 0, 5, START + PP_SEC(12));
    whatif_actuate(w, 0, 3, START + PP_SEC(13)); /* the two starting ones go */
    assert_int_equal(whatif_ready(w, 0, START + PP_SEC(13)), 3);
    whatif_mirror(w, 0, 2, 2, START + PP_SEC(14));
    assert_int_equal(whatif_pods(w, 0), 4);
    assert_int_equal(whatif_ready(w, 0, START + PP_SEC(14)), 2);
    whatif_destroy(w);
    svc_set_fini(&set);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_what_is_written_reads_back_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_damaged_end_replays_to_the_last_complete_tick, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_a_recording_is_refused_naming_the_file, setup,
                                        teardown),
        cmocka_unit_test(test_record_create_fails_cleanly),
        cmocka_unit_test(test_tally_counts_waiting_and_idle_seconds),
        cmocka_unit_test(test_whatif_pods_cold_start_and_shrink_starting_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
