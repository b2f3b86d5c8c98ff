/* metrics/exporter: each kind's figures read from the expositions its
 * exporters really write (tests/data/metrics), a counter's rate across a
 * reset, vLLM's renamed KV-cache gauge, both Knative naming eras, DCGM's
 * pod and exported_pod labels, and a service folded from its pods with a
 * stale pod adding nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/exporter.h"

static char *slurp(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof(path), "%s/metrics/%s", DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return buf;
}

static void read_text(enum exporter_kind k, const char *text, const char *pod,
                      struct exporter_reading *r) {
    struct promtext_result res;
    exporter_read(k, text, strlen(text), pod, r, &res);
    assert_int_equal(res.n_problems, 0);
}

static void names_and_defaults(void **state) {
    (void)state;
    enum exporter_kind k;
    assert_true(exporter_parse("vllm", &k));
    assert_int_equal(k, EXPORTER_VLLM);
    assert_true(exporter_parse("queue-proxy", &k));
    assert_string_equal(exporter_name(k), "queue-proxy");
    assert_false(exporter_parse("VLLM", &k));
    assert_false(exporter_parse("", &k));
    assert_int_equal(exporter_default_port(EXPORTER_VLLM), 8000);
    assert_int_equal(exporter_default_port(EXPORTER_QUEUE_PROXY), 9091);
    assert_int_equal(exporter_default_port(EXPORTER_DCGM), 0);
    for (int i = 0; i < EXPORTER_N_KINDS; i++) {
        const struct exporter_figure *f;
        const size_t n = exporter_figures((enum exporter_kind)i, &f);
        assert_true(n >= 1 && n <= EXPORTER_FIGURES);
        assert_true(exporter_parse(exporter_name((enum exporter_kind)i), &k));
    }
}

static void vllm_file(void **state) {
    (void)state;
    size_t len;
    const char *buf = slurp("vllm.prom", &len);
    struct exporter_reading r;
    struct promtext_result res;
    exporter_read(EXPORTER_VLLM, buf, len, NULL, &r, &res);
    assert_int_equal(res.n_problems, 0);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_VLLM, &r, NULL, 0, v);
    assert_true(v[0] == 2.0); /* waiting */
    assert_true(v[1] == 7.0); /* running */
    assert_true(fabs(v[2] - 31.25) < 1e-9);
}

static void vllm_old_cache_name(void **state) {
    (void)state;
    struct exporter_reading r;
    read_text(EXPORTER_VLLM,
              "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.5\n"
              "vllm:num_requests_waiting{model_name=\"m\",engine=\"0\"} 1\n"
              "vllm:num_requests_waiting{model_name=\"m\",engine=\"1\"} 4\n",
              NULL, &r);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_VLLM, &r, NULL, 0, v);
    assert_true(v[0] == 5.0); /* two engines add up */
    assert_true(isnan(v[1])); /* no running gauge: no figure, never 0 */
    assert_true(v[2] == 50.0);
    /* both names: the new one wins */
    read_text(EXPORTER_VLLM,
              "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.5\n"
              "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.25\n",
              NULL, &r);
    exporter_values(EXPORTER_VLLM, &r, NULL, 0, v);
    assert_true(v[2] == 25.0);
}

static void ovms_ratio(void **state) {
    (void)state;
    size_t len;
    const char *buf = slurp("ovms.prom", &len);
    struct exporter_reading r;
    exporter_read(EXPORTER_OVMS, buf, len, NULL, &r, NULL);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_OVMS, &r, NULL, 0, v);
    assert_true(v[0] == 1.5); /* 6 requests on 4 streams */
    assert_true(v[1] == 6.0);
    assert_true(v[2] == 4.0);
    read_text(EXPORTER_OVMS, "ovms_streams{name=\"a\"} 0\novms_current_requests{name=\"a\"} 3\n",
              NULL, &r);
    exporter_values(EXPORTER_OVMS, &r, NULL, 0, v);
    assert_true(isnan(v[0])); /* no streams: no ratio, not infinity */
    assert_true(v[1] == 3.0);
}

static void queue_proxy_eras_and_rates(void **state) {
    (void)state;
    size_t len;
    const char *buf = slurp("queue-proxy.prom", &len);
    struct exporter_reading a, b;
    exporter_read(EXPORTER_QUEUE_PROXY, buf, len, NULL, &a, NULL);
    assert_int_equal(a.era, 118);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_QUEUE_PROXY, &a, NULL, 0, v);
    assert_true(v[0] == 3.0);
    assert_true(isnan(v[1])); /* one scrape: no rate yet */
    read_text(EXPORTER_QUEUE_PROXY,
              "revision_request_count{response_code=\"200\"} 3160\n"
              "revision_request_count{response_code=\"503\"} 10\n",
              NULL, &b);
    exporter_values(EXPORTER_QUEUE_PROXY, &b, &a, 5, v);
    assert_true(v[1] == 10.0); /* (3170 - 3120) / 5 s */
    /* a restarted queue-proxy counts from zero: its count is the increase */
    read_text(EXPORTER_QUEUE_PROXY, "revision_request_count{response_code=\"200\"} 20\n", NULL, &a);
    exporter_values(EXPORTER_QUEUE_PROXY, &a, &b, 2, v);
    assert_true(v[1] == 10.0);
    /* Knative >= 1.19's OpenTelemetry names */
    read_text(EXPORTER_QUEUE_PROXY,
              "# TYPE kn_serving_queue_depth gauge\n"
              "kn_serving_queue_depth{k8s_pod_name=\"p\"} 2\n"
              "# TYPE kn_serving_invocation_duration_seconds histogram\n"
              "kn_serving_invocation_duration_seconds_bucket{le=\"+Inf\"} 100\n"
              "kn_serving_invocation_duration_seconds_sum 12.5\n"
              "kn_serving_invocation_duration_seconds_count 100\n",
              NULL, &b);
    assert_int_equal(b.era, 119);
    exporter_values(EXPORTER_QUEUE_PROXY, &b, NULL, 0, v);
    assert_true(v[0] == 2.0);
    struct exporter_reading c;
    read_text(EXPORTER_QUEUE_PROXY, "kn_serving_invocation_duration_seconds_count 160\n", NULL, &c);
    exporter_values(EXPORTER_QUEUE_PROXY, &c, &b, 3, v);
    assert_true(v[1] == 20.0);
    /* the era changed between scrapes (an upgrade): no rate across it */
    exporter_values(EXPORTER_QUEUE_PROXY, &c, &a, 3, v);
    assert_true(isnan(v[1]));
}

static void dcgm_pods(void **state) {
    (void)state;
    size_t len;
    const char *buf = slurp("dcgm.prom", &len);
    struct exporter_reading r;
    exporter_read(EXPORTER_DCGM, buf, len, "llama-predictor-7d4b9c-x2k9p", &r, NULL);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_DCGM, &r, NULL, 0, v);
    assert_true(v[0] == 87.0);
    exporter_read(EXPORTER_DCGM, buf, len, "no-such-pod", &r, NULL);
    exporter_values(EXPORTER_DCGM, &r, NULL, 0, v);
    assert_true(isnan(v[0]));
    /* Prometheus's renamed label wins over the target's own pod label */
    read_text(EXPORTER_DCGM,
              "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",pod=\"dcgm-exporter-x\",exported_pod=\"a\"} 40\n"
              "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",pod=\"dcgm-exporter-x\",exported_pod=\"a\"} 60\n"
              "DCGM_FI_DEV_GPU_UTIL{gpu=\"2\",pod=\"dcgm-exporter-x\",exported_pod=\"b\"} 99\n"
              "DCGM_FI_PROF_SM_ACTIVE{gpu=\"0\",pod=\"dcgm-exporter-x\",exported_pod=\"a\"} 0.3\n",
              "a", &r);
    exporter_values(EXPORTER_DCGM, &r, NULL, 0, v);
    assert_true(v[0] == 50.0); /* its two GPUs averaged */
    assert_true(fabs(v[1] - 30.0) < 1e-9);
    read_text(EXPORTER_DCGM, "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",pod=\"dcgm-exporter-x\"} 40\n",
              "dcgm-exporter-x", &r);
    exporter_values(EXPORTER_DCGM, &r, NULL, 0, v);
    assert_true(v[0] == 40.0);
}

static void seldon_rate(void **state) {
    (void)state;
    struct exporter_reading a, b;
    read_text(EXPORTER_SELDON,
              "seldon_model_infer_total{server=\"mlserver\",model=\"iris\",code=\"200\"} 100\n"
              "seldon_loaded_model_gauge{model_internal=\"iris_1\"} 1\n",
              NULL, &a);
    read_text(EXPORTER_SELDON,
              "seldon_model_infer_total{server=\"mlserver\",model=\"iris\",code=\"200\"} 130\n"
              "seldon_loaded_model_gauge{model_internal=\"iris_1\"} 1\n",
              NULL, &b);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_SELDON, &b, &a, 10, v);
    assert_true(v[0] == 3.0);
    assert_true(v[1] == 1.0);
    exporter_values(EXPORTER_SELDON, &b, &a, 0, v); /* no time between: no rate */
    assert_true(isnan(v[0]));
}

static void fold_pods(void **state) {
    (void)state;
    struct exporter_folded f;
    exporter_fold_init(&f);
    double out[EXPORTER_FIGURES];
    exporter_fold_values(EXPORTER_VLLM, &f, out);
    assert_true(isnan(out[0]) && isnan(out[2])); /* no pod: nothing, not zero */
    const double p1[EXPORTER_FIGURES] = {2, 5, 40};
    const double p2[EXPORTER_FIGURES] = {4, NAN, 60};
    const double stale[EXPORTER_FIGURES] = {NAN, NAN, NAN};
    exporter_fold_add(EXPORTER_VLLM, &f, p1);
    exporter_fold_add(EXPORTER_VLLM, &f, p2);
    exporter_fold_add(EXPORTER_VLLM, &f, stale);
    exporter_fold_values(EXPORTER_VLLM, &f, out);
    assert_true(out[0] == 6.0);  /* queues add up */
    assert_true(out[1] == 5.0);  /* the pod without the gauge adds nothing */
    assert_true(out[2] == 50.0); /* percentages average */
    exporter_fold_init(&f);
    const double r1[EXPORTER_FIGURES] = {0.5, 2, 4}, r2[EXPORTER_FIGURES] = {1.5, 6, 4};
    exporter_fold_add(EXPORTER_OVMS, &f, r1);
    exporter_fold_add(EXPORTER_OVMS, &f, r2);
    exporter_fold_values(EXPORTER_OVMS, &f, out);
    assert_true(out[0] == 1.0); /* a Pods metric: the pods' mean */
    assert_true(out[1] == 8.0);
}

static void garbage(void **state) {
    (void)state;
    static const char junk[] = "\x00\xff{{{\nvllm:num_requests_waiting 3\n}}}\n\x01";
    struct exporter_reading r;
    struct promtext_result res;
    exporter_read(EXPORTER_VLLM, junk, sizeof(junk) - 1, NULL, &r, &res);
    assert_true(res.n_problems > 0);
    double v[EXPORTER_FIGURES];
    exporter_values(EXPORTER_VLLM, &r, NULL, 0, v);
    assert_true(v[0] == 3.0); /* the good line still read */
    assert_true(isnan(v[1]));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_and_defaults),
        cmocka_unit_test(vllm_file),
        cmocka_unit_test(vllm_old_cache_name),
        cmocka_unit_test(ovms_ratio),
        cmocka_unit_test(queue_proxy_eras_and_rates),
        cmocka_unit_test(dcgm_pods),
        cmocka_unit_test(seldon_rate),
        cmocka_unit_test(fold_pods),
        cmocka_unit_test(garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
