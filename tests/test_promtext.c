/* metrics/promtext: the text exposition formats as real exporters write
 * them (vLLM's colons, DCGM's labels, histograms, summaries, OpenMetrics'
 * EOF, exemplars and second timestamps), read in place; each malformed or
 * duplicate line reported with its line and column, the rest still read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/promtext.h"

struct seen {
    int n;
    char names[32][96];
    double values[32];
    int64_t ts[32];
    char labels[32][160];
    enum promtext_type types[32];
    char family[32][96];
};

static bool collect(void *ctx, const struct promtext_sample *s) {
    struct seen *x = ctx;
    if (x->n == 32)
        return false;
    snprintf(x->names[x->n], sizeof(x->names[0]), "%.*s", (int)s->name.n, s->name.p);
    snprintf(x->family[x->n], sizeof(x->family[0]), "%.*s", (int)s->family.n, s->family.p);
    x->values[x->n] = s->value;
    x->ts[x->n] = s->has_timestamp ? s->timestamp_ms : -1;
    x->types[x->n] = s->type;
    size_t at = 0, used = 0;
    struct promtext_label l;
    x->labels[x->n][0] = '\0';
    while (promtext_label(s, &at, &l) && used < sizeof(x->labels[0]) - 1) {
        char v[64];
        promtext_unescape(l.value, v, sizeof(v));
        used += (size_t)snprintf(x->labels[x->n] + used, sizeof(x->labels[0]) - used, "%s%.*s=%s",
                                 used ? "," : "", (int)l.name.n, l.name.p, v);
    }
    x->n++;
    return true;
}

static const char vllm[] =
    "# HELP vllm:num_requests_running Number of requests currently running on GPU.\n"
    "# TYPE vllm:num_requests_running gauge\n"
    "vllm:num_requests_running{model_name=\"meta-llama/Llama-3.1-8B\"} 3.0\n"
    "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.\n"
    "# TYPE vllm:gpu_cache_usage_perc gauge\n"
    "vllm:gpu_cache_usage_perc{model_name=\"meta-llama/Llama-3.1-8B\"} 0.4210\n"
    "# TYPE vllm:e2e_request_latency_seconds histogram\n"
    "vllm:e2e_request_latency_seconds_bucket{le=\"0.5\",model_name=\"m\"} 4\n"
    "vllm:e2e_request_latency_seconds_bucket{le=\"+Inf\",model_name=\"m\"} 9\n"
    "vllm:e2e_request_latency_seconds_sum{model_name=\"m\"} 12.5\n"
    "vllm:e2e_request_latency_seconds_count{model_name=\"m\"} 9\n"
    "# TYPE rpc_duration_seconds summary\n"
    "rpc_duration_seconds{quantile=\"0.99\"} NaN\n"
    "rpc_duration_seconds_sum 1.7560473e+07 1395066363000\n"
    "rpc_duration_seconds_count 2693\n"
    "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-1\",pod=\"p\\\"1\\\\\",Hostname=\"n\\n1\",} +Inf\n";

static void test_reads_what_exporters_write(void **state) {
    (void)state;
    struct seen x = {0};
    struct promtext_result r;
    promtext_parse(vllm, sizeof(vllm) - 1, collect, &x, &r);
    assert_int_equal(r.n_problems, 0);
    assert_int_equal(r.samples, 10);
    assert_int_equal(x.n, 10);
    assert_int_equal(r.families, 5);
    assert_int_equal(r.by_type[PROMTEXT_GAUGE], 2);
    assert_int_equal(r.by_type[PROMTEXT_HISTOGRAM], 1);
    assert_int_equal(r.by_type[PROMTEXT_SUMMARY], 1);
    assert_int_equal(r.by_type[PROMTEXT_UNTYPED], 1);
    assert_false(r.openmetrics);
    assert_string_equal(x.names[0], "vllm:num_requests_running");
    assert_string_equal(x.labels[0], "model_name=meta-llama/Llama-3.1-8B");
    assert_true(x.values[1] == 0.4210);
    assert_string_equal(x.names[3], "vllm:e2e_request_latency_seconds_bucket");
    assert_string_equal(x.family[3], "vllm:e2e_request_latency_seconds");
    assert_int_equal(x.types[5], PROMTEXT_HISTOGRAM);
    assert_string_equal(x.labels[3], "le=+Inf,model_name=m");
    assert_true(isnan(x.values[6]));
    assert_true(x.values[7] == 1.7560473e+07);
    assert_true(x.ts[7] == 1395066363000);
    assert_true(x.ts[8] == -1);
    assert_true(isinf(x.values[9]) && x.values[9] > 0);
    assert_string_equal(x.labels[9], "gpu=0,UUID=GPU-1,pod=p\"1\\,Hostname=n\n1");
    assert_int_equal(x.types[9], PROMTEXT_UNTYPED);
}

static void test_openmetrics_eof_exemplars_and_seconds(void **state) {
    (void)state;
    static const char om[] =
        "# TYPE kn_revision_request counter\n"
        "kn_revision_request_total{code=\"200\"} 17 1700000000.5 # {trace_id=\"abc\"} 1.0\n"
        "kn_revision_request_created{code=\"200\"} 1700000000\n"
        "# TYPE up unknown\n"
        "up 1\n"
        "# EOF\n";
    struct seen x = {0};
    struct promtext_result r;
    promtext_parse(om, sizeof(om) - 1, collect, &x, &r);
    assert_int_equal(r.n_problems, 0);
    assert_true(r.openmetrics);
    assert_int_equal(x.n, 3);
    assert_string_equal(x.family[0], "kn_revision_request");
    assert_true(x.ts[0] == 1700000000500); /* seconds, as milliseconds */
    assert_int_equal(r.by_type[PROMTEXT_COUNTER], 1);
    assert_int_equal(r.by_type[PROMTEXT_UNTYPED], 1);
}

struct bad {
    const char *text;
    int line, column;
    const char *says;
};

static void test_each_problem_with_line_and_column(void **state) {
    (void)state;
    static const struct bad cases[] = {
        {"a{x=\"1\\t\"} 1\n", 1, 7, "invalid escape"},
        {"a{x=\"1} 1\n", 1, 5, "not closed"},
        {"a{x=\"1\"} \n", 1, 10, "expected a value"},
        {"a 1\na{x=\"1\"} two\n", 2, 10, "\"two\" is not a number"},
        {"a 1\na 2\n", 2, 1, "a second sample of a{}"},
        {"a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n", 2, 1, "a second sample of a"},
        {"# TYPE a gauge\n# TYPE a counter\n", 2, 8, "a second TYPE line for a"},
        {"# HELP a x\n# HELP a y\n", 2, 8, "a second HELP line for a"},
        {"a 1\n# TYPE a gauge\n", 2, 8, "TYPE a after its samples"},
        {"a 1\nb 1\na{x=\"1\"} 1\n", 3, 1, "the samples of a are apart"},
        {"# TYPE h histogram\nh_bucket{x=\"1\"} 1\n", 2, 1, "without an le label"},
        {"# TYPE a gauges\n", 1, 10, "unknown type \"gauges\""},
        {"a 1\n# EOF\nb 1\n", 3, 1, "text after # EOF"},
        {"a{x=\"1\",x=\"2\"} 1\n", 1, 9, "label x appears twice"},
        {"a{1x=\"1\"} 1\n", 1, 3, "expected a label name"},
        {"a 1 12.5\n", 1, 5, "\"12.5\" is not a timestamp"},
        {"a 1 2 3\n", 1, 7, "unexpected text"},
        {"9a 1\n", 1, 1, "expected a metric name"},
        {"a{x=\"1\"}1\n", 1, 9, "expected a space before the value"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct promtext_result r;
        promtext_parse(cases[i].text, strlen(cases[i].text), NULL, NULL, &r);
        if (r.n_problems != 1 || r.problems[0].line != cases[i].line ||
            r.problems[0].column != cases[i].column ||
            !strstr(r.problems[0].message, cases[i].says))
            fail_msg("case %zu (%s): %zu problems, first %d:%d %s", i, cases[i].says, r.n_problems,
                     r.n_problems ? r.problems[0].line : 0, r.n_problems ? r.problems[0].column : 0,
                     r.n_problems ? r.problems[0].message : "");
    }
}

static void test_a_bad_line_does_not_stop_the_rest(void **state) {
    (void)state;
    static const char text[] = "a 1\nb{x=\"1 2\nc 3\r\nd\0x 4\ne 5";
    struct seen x = {0};
    struct promtext_result r;
    promtext_parse(text, sizeof(text) - 1, collect, &x, &r);
    assert_int_equal(r.n_problems, 3); /* b's unclosed value, d's NUL, no final newline */
    assert_int_equal(x.n, 3);          /* a, c (a CRLF line) and e (no final newline) */
    assert_string_equal(x.names[1], "c");
    assert_true(x.values[2] == 5);
    assert_int_equal(r.problems[1].line, 4);
    assert_string_equal(r.problems[1].message, "a NUL byte: not text");
    assert_int_equal(r.problems[2].line, 5);
    assert_string_equal(r.problems[2].message, "the last line does not end with a newline");
}

static void test_many_problems_are_counted_and_the_first_kept(void **state) {
    (void)state;
    char text[4096];
    for (int i = 0; i < 100; i++)
        memcpy(text + 3 * i, "x{\n", 3);
    struct promtext_result r;
    promtext_parse(text, 300, NULL, NULL, &r);
    assert_int_equal(r.n_problems, 100);
    assert_int_equal(r.problems[PROMTEXT_MAX_PROBLEMS - 1].line, PROMTEXT_MAX_PROBLEMS);
}

static bool stop_at_two(void *ctx, const struct promtext_sample *s) {
    (void)s;
    return ++*(int *)ctx < 2;
}

static void test_the_callback_can_stop(void **state) {
    (void)state;
    int n = 0;
    struct promtext_result r;
    promtext_parse("a 1\nb 2\nc 3\n", 12, stop_at_two, &n, &r);
    assert_int_equal(n, 2);
    assert_int_equal(r.samples, 2);
}

static void test_unescape(void **state) {
    (void)state;
    char out[8];
    const struct promtext_span v = {"a\\\"b\\\\c\\nd", 10};
    assert_int_equal(promtext_unescape(v, out, sizeof(out)), 7);
    assert_string_equal(out, "a\"b\\c\nd");
    assert_int_equal(promtext_unescape(v, out, 4), 7); /* cut, still NUL-ended */
    assert_string_equal(out, "a\"b");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_what_exporters_write),
        cmocka_unit_test(test_openmetrics_eof_exemplars_and_seconds),
        cmocka_unit_test(test_each_problem_with_line_and_column),
        cmocka_unit_test(test_a_bad_line_does_not_stop_the_rest),
        cmocka_unit_test(test_many_problems_are_counted_and_the_first_kept),
        cmocka_unit_test(test_the_callback_can_stop),
        cmocka_unit_test(test_unescape),
    };
    return cmocka_run_group_tests_name("promtext", tests, NULL, NULL);
}
