#include "app/metrics_cmd.h"

#include "app/cli.h"
#include "engine/buf.h"
#include "engine/goparse.h"
#include "metrics/exporter.h"
#include "metrics/nvml.h"
#include "metrics/promapi.h"
#include "metrics/promtext.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const prog = "podpilot metrics";

static const char usage[] =
    "usage: podpilot metrics check FILE|URL|- [--json] [--exporter KIND [--pod NAME]]\n"
    "       podpilot metrics query [--prometheus URL] [--range DUR [--step DUR]] EXPR\n"
    "       podpilot metrics series [--prometheus URL] [--range DUR] SELECTOR...\n"
    "       podpilot metrics gpus [--json]\n"
    "\n"
    "Reads a Prometheus text exposition (format 0.0.4, or OpenMetrics text) from\n"
    "a file, an http(s) URL (an exporter's /metrics: TLS verified, 10 s, at most\n"
    "64 MiB) or standard input, and checks it as promtool check metrics does:\n"
    "each malformed line, duplicate series, second HELP or TYPE line, TYPE after\n"
    "its samples and a family's samples apart from each other is reported as\n"
    "SOURCE:LINE:COLUMN: problem, and the exit status is 1. Otherwise it prints\n"
    "a summary: families by type, samples, format.\n"
    "\n"
    "  --json    every valid sample as a JSON line: name, labels, value (NaN and\n"
    "            infinities as the strings \"NaN\", \"+Inf\", \"-Inf\") and timestamp\n"
    "            (milliseconds, when the sample has one); problems still on stderr\n"
    "  --exporter KIND\n"
    "            also print the figures podpilot reads from that exporter: vllm\n"
    "            (waiting, running, KV cache %), ovms (streams ratio = current\n"
    "            requests / streams), queue-proxy (queue depth, requests/s; Knative\n"
    "            <= 1.18 revision_* and >= 1.19 kn_* names), seldon (inferences/s,\n"
    "            models loaded), dcgm (GPU util %, SM active %, FB used MiB); a\n"
    "            rate needs two readings: a URL is read again 2 s later\n"
    "  --pod NAME  with --exporter: only series whose pod (or exported_pod)\n"
    "            label is NAME, as on a node's dcgm-exporter\n"
    "\n"
    "query runs a PromQL expression on a Prometheus server (--prometheus URL, else\n"
    "$PROMETHEUS_URL, else http://localhost:9090) and prints each series as\n"
    "promtool query does: name{labels} => value @[time]; with --range DUR, a range\n"
    "query over the last DUR every --step (default DUR/60, at least 1s). The\n"
    "server's warnings go to stderr; its errors (errorType: error) exit 1. A long\n"
    "expression is sent as a form (POST), as Prometheus takes it.\n"
    "\n"
    "series lists the series that match any SELECTOR (metric{label=\"v\"}), one\n"
    "a line, as /api/v1/series answers: over --range DUR up to now, else over\n"
    "what the server keeps.\n"
    "\n"
    "  --prometheus URL       http(s)://host:port; user:password@ in it is basic auth\n"
    "  --token-file FILE      a bearer token (https only), read at each request\n"
    "  --cacert FILE          the CA that signed the server's certificate\n"
    "\n"
    "gpus lists this machine's NVIDIA GPUs through the driver's NVML library\n"
    "(libnvidia-ml.so.1, found as the dynamic linker finds it; podpilot does not\n"
    "need it otherwise): utilization, memory and, where the driver samples them,\n"
    "each process's SM utilization; --json a JSON line per GPU. Without the\n"
    "library or a loaded driver it says so and exits 1.\n"
    "\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 clean, 1 problems or an unreadable input, 2 a usage error.\n";

#define MAX_URL_BYTES (64u << 20)
#define MAX_FILE_BYTES (1024u << 20)

static size_t on_body(char *p, size_t size, size_t n, void *ctx) {
    struct buf *b = ctx;
    if (b->len + size * n > MAX_URL_BYTES)
        return 0; /* libcurl stops: CURLE_WRITE_ERROR */
    buf_put(b, p, size * n);
    return size * n;
}

static bool fetch(const char *url, struct buf *out) {
    CURL *c = curl_easy_init();
    if (!c)
        return false;
    char err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "podpilot/" PODPILOT_VERSION);
    struct curl_slist *h = curl_slist_append(
        NULL, "Accept: text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc == CURLE_WRITE_ERROR && out->len + 1 > MAX_URL_BYTES / 2) {
        fprintf(stderr, "podpilot: %s: the answer is larger than %u MiB; not read\n", url,
                MAX_URL_BYTES >> 20);
        return false;
    }
    if (rc != CURLE_OK) {
        fprintf(stderr, "podpilot: %s: %s\n", url, err[0] ? err : curl_easy_strerror(rc));
        return false;
    }
    if (status < 200 || status > 299) {
        fprintf(stderr, "podpilot: %s: HTTP %ld\n", url, status);
        return false;
    }
    return true;
}

static bool slurp(FILE *f, const char *name, struct buf *out) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len + n > MAX_FILE_BYTES) {
            fprintf(stderr, "podpilot: %s: larger than %u MiB; not read\n", name,
                    MAX_FILE_BYTES >> 20);
            return false;
        }
        buf_put(out, chunk, n);
    }
    if (ferror(f)) {
        fprintf(stderr, "podpilot: %s: %s\n", name, strerror(errno));
        return false;
    }
    return true;
}

static bool is_url(const char *src) {
    return strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) == 0;
}

static bool read_input(const char *src, struct buf *out) {
    if (is_url(src))
        return fetch(src, out);
    if (strcmp(src, "-") == 0)
        return slurp(stdin, "(stdin)", out);
    FILE *f = fopen(src, "rb");
    if (!f) {
        fprintf(stderr, "podpilot: %s: %s\n", src, strerror(errno));
        return false;
    }
    const bool ok = slurp(f, src, out);
    fclose(f);
    return ok;
}

static void json_span(struct buf *b, struct promtext_span s) {
    char small[512];
    char *t = s.n < sizeof(small) ? small : xmalloc(s.n + 1);
    memcpy(t, s.p, s.n);
    t[s.n] = '\0';
    buf_string(b, t);
    if (t != small)
        free(t);
}

/* One sample as a JSON line on stdout; the line buffer is reused. */
static bool print_json(void *ctx, const struct promtext_sample *s) {
    struct buf *b = ctx;
    b->len = 0;
    buf_put(b, "{\"name\":", 8);
    json_span(b, s->name);
    buf_put(b, ",\"labels\":{", 11);
    size_t at = 0, i = 0;
    struct promtext_label l;
    while (promtext_label(s, &at, &l)) {
        if (i++)
            buf_put(b, ",", 1);
        json_span(b, l.name);
        buf_put(b, ":", 1);
        char small[1024];
        char *v = l.value.n < sizeof(small) ? small : xmalloc(l.value.n + 1);
        promtext_unescape(l.value, v, l.value.n + 1);
        buf_string(b, v);
        if (v != small)
            free(v);
    }
    buf_put(b, "},\"value\":", 10);
    if (isnan(s->value))
        buf_put(b, "\"NaN\"", 5);
    else if (isinf(s->value))
        buf_put(b, s->value > 0 ? "\"+Inf\"" : "\"-Inf\"", 6);
    else { /* the shortest text that reads back as the same double */
        char num[32];
        snprintf(num, sizeof(num), "%.15g", s->value);
        if (strtod(num, NULL) != s->value)
            snprintf(num, sizeof(num), "%.17g", s->value);
        buf_printf(b, "%s", num);
    }
    if (s->has_timestamp)
        buf_printf(b, ",\"timestamp\":%lld", (long long)s->timestamp_ms);
    buf_put(b, "}\n", 2);
    fwrite(b->p, 1, b->len, stdout);
    return true;
}

static void summary(const char *src, const struct promtext_result *r) {
    printf("%s: %zu families (", src, r->families);
    bool first = true;
    for (int t = 0; t < PROMTEXT_N_TYPES; t++)
        if (r->by_type[t]) {
            printf("%s%zu %s", first ? "" : ", ", r->by_type[t],
                   promtext_type_name((enum promtext_type)t));
            first = false;
        }
    printf("%s), %zu samples, %s\n", first ? "none" : "", r->samples,
           r->openmetrics ? "OpenMetrics text" : "text format 0.0.4");
}

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The exporter's figures in src: a rate from a second reading of a URL. */
static int figures(const char *src, const char *name, const struct buf *in, double read_at,
                   enum exporter_kind k, const char *pod) {
    struct exporter_reading *r = xcalloc(2, sizeof(*r));
    exporter_read(k, in->p ? in->p : "", in->len, pod, &r[0], NULL);
    const struct exporter_figure *fig;
    const size_t n = exporter_figures(k, &fig);
    bool rates = false;
    for (size_t i = 0; i < n; i++)
        rates |= fig[i].fold == EXPORTER_RATE;
    double v[EXPORTER_FIGURES], dt = 0;
    const struct exporter_reading *now = &r[0], *prev = NULL;
    if (rates && is_url(src)) {
        const struct timespec pause = {2, 0};
        nanosleep(&pause, NULL);
        struct buf again = {0};
        if (!read_input(src, &again)) {
            buf_free(&again);
            free(r);
            return 1;
        }
        dt = mono_s() - read_at;
        exporter_read(k, again.p ? again.p : "", again.len, pod, &r[1], NULL);
        buf_free(&again);
        prev = &r[0];
        now = &r[1];
    }
    exporter_values(k, now, prev, dt, v);
    printf("%s: %s%s%s:", name, exporter_name(k), pod ? " pod " : "", pod ? pod : "");
    for (size_t i = 0; i < n; i++) {
        printf("%s %s ", i ? "," : "", fig[i].name);
        if (!isnan(v[i]))
            printf("%.6g%s", v[i], fig[i].unit);
        else if (fig[i].fold == EXPORTER_RATE && !prev)
            printf("- (a rate: needs two readings)");
        else
            printf("- (no %s)", fig[i].alt[0]);
    }
    if (now->era)
        printf(" (Knative %s names)", now->era == 118 ? "<= 1.18 revision_*" : ">= 1.19 kn_*");
    printf("\n");
    free(r);
    return 0;
}

static int check(const char *src, bool json, const enum exporter_kind *k, const char *pod) {
    struct buf in = {0}, line = {0};
    const double read_at = mono_s();
    if (!read_input(src, &in)) {
        buf_free(&in);
        return 1;
    }
    struct promtext_result *r = xmalloc(sizeof(*r));
    promtext_parse(in.p ? in.p : "", in.len, json ? print_json : NULL, &line, r);
    fflush(stdout);
    const char *name = strcmp(src, "-") == 0 ? "(stdin)" : src;
    const size_t kept =
        r->n_problems < PROMTEXT_MAX_PROBLEMS ? r->n_problems : PROMTEXT_MAX_PROBLEMS;
    for (size_t i = 0; i < kept; i++)
        fprintf(stderr, "%s:%d:%d: %s\n", name, r->problems[i].line, r->problems[i].column,
                r->problems[i].message);
    if (r->n_problems > kept)
        fprintf(stderr, "%s: %zu more problems not shown\n", name, r->n_problems - kept);
    if (!json && r->n_problems == 0)
        summary(name, r);
    int rc = r->n_problems ? 1 : 0;
    if (k && !json && figures(src, name, &in, read_at, *k, pod) != 0)
        rc = 1;
    free(r);
    buf_free(&line);
    buf_free(&in);
    return rc;
}

/* A sample value as Prometheus writes it: NaN, +Inf, -Inf. */
static const char *value_text(double v, char *buf, size_t size) {
    if (isnan(v))
        return "NaN";
    if (isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    snprintf(buf, size, "%.15g", v);
    return buf;
}

static void print_result(const struct promapi_result *r) {
    char v[40];
    for (size_t i = 0; i < r->n_series; i++) {
        const struct promapi_series *s = &r->series[i];
        if (r->type == PROMAPI_SERIES) {
            printf("%s\n", s->labels);
            continue;
        }
        if (r->type == PROMAPI_STRING) {
            printf("string: \"%s\" @[%.3f]\n", r->string, s->points[0].t);
            continue;
        }
        if (r->type == PROMAPI_MATRIX) {
            printf("%s =>\n", s->labels);
            for (size_t k = 0; k < s->n_points; k++)
                printf("%s @[%.3f]\n", value_text(s->points[k].v, v, sizeof(v)), s->points[k].t);
            continue;
        }
        if (r->type == PROMAPI_SCALAR)
            printf("scalar: %s @[%.3f]\n", value_text(s->points[0].v, v, sizeof(v)),
                   s->points[0].t);
        else
            printf("%s => %s @[%.3f]\n", s->labels, value_text(s->points[0].v, v, sizeof(v)),
                   s->points[0].t);
    }
}

/* query EXPR, or series SELECTOR... (series: true). */
static int query(int argc, char **argv, int i, bool series) {
    struct promapi_options o = {.url = getenv("PROMETHEUS_URL")};
    const char *expr = NULL, *range = NULL, *step = NULL;
    const char *match[64];
    size_t n_match = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--prometheus") == 0   ? &o.url
                            : strcmp(a, "--token-file") == 0 ? &o.token_file
                            : strcmp(a, "--cacert") == 0     ? &o.ca_file
                            : strcmp(a, "--range") == 0      ? &range
                            : strcmp(a, "--step") == 0       ? &step
                                                             : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (slot) {
            if (i + 1 >= argc)
                return cli_fail(prog, "%s needs a value", a);
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const known[] = {
                "--prometheus", "--token-file", "--cacert", "--range", "--step", "--help", NULL};
            return cli_unknown(prog, a, known);
        } else if (series) {
            if (n_match == sizeof(match) / sizeof(match[0]))
                return cli_fail(prog, "at most %zu selectors at a time",
                                sizeof(match) / sizeof(match[0]));
            match[n_match++] = a;
            expr = a;
        } else if (!expr) {
            expr = a;
        } else {
            return cli_fail(prog, "one expression at a time (quote it)");
        }
    }
    if (!expr)
        return cli_fail(prog, series ? "which series? a selector, e.g. 'up{job=\"x\"}'"
                                     : "query what? a PromQL expression");
    if (series && step)
        return cli_fail(prog, "--step is for a --range query, not series");
    pp_time dur = 0, every = 0;
    char msg[200];
    if (range && !goparse_duration_msg(range, &dur, msg, sizeof(msg)))
        return cli_fail(prog, "--range: %s", msg);
    if (step && !goparse_duration_msg(step, &every, msg, sizeof(msg)))
        return cli_fail(prog, "--step: %s", msg);
    if (step && !range)
        return cli_fail(prog, "--step is for a --range query");
    if (!o.url || !o.url[0])
        o.url = "http://localhost:9090";
    struct pp_error err = {0};
    struct promapi *c = promapi_create(&o, &err);
    if (!c) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        return 1;
    }
    struct promapi_result r;
    enum pp_status st;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (series) {
        /* without --range: Prometheus's default span, its whole retention */
        const double span = range ? (double)dur / PP_NS_PER_SEC : 0;
        st = promapi_series(c, match, n_match, range ? now - span : 0, range ? now : 0, &r, &err);
    } else if (range) {
        const double end = now;
        const double span = (double)dur / PP_NS_PER_SEC;
        double by = every ? (double)every / PP_NS_PER_SEC : span / 60;
        by = by < 1 ? 1 : by;
        st = promapi_query_range(c, expr, end - span, end, by, &r, &err);
    } else {
        st = promapi_query(c, expr, 0, &r, &err);
    }
    if (st != PP_OK) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        promapi_destroy(c);
        return 1;
    }
    if (r.warnings[0])
        fprintf(stderr, "podpilot: warning from Prometheus: %s\n", r.warnings);
    print_result(&r);
    char version[64];
    char shown[512];
    promapi_redact(o.url, shown, sizeof(shown));
    if (r.n_series == 0) /* say who answered nothing */
        fprintf(stderr, "podpilot: no series (Prometheus %s at %s)\n",
                promapi_buildinfo(c, version, sizeof(version), &err) == PP_OK
                    ? version
                    : "of unknown version",
                shown);
    promapi_result_fini(&r);
    promapi_destroy(c);
    return 0;
}

static void gpu_json(const struct nvml_gpu *g) {
    struct buf b = {0};
    buf_printf(&b, "{\"index\":%u,\"name\":", g->index);
    buf_string(&b, g->name);
    buf_put(&b, ",\"uuid\":", 8);
    buf_string(&b, g->uuid);
    if (g->util_ok)
        buf_printf(&b, ",\"util\":%u,\"mem_util\":%u", g->util_gpu, g->util_mem);
    else
        buf_printf(&b, ",\"util\":null,\"mem_util\":null");
    if (g->mem_ok)
        buf_printf(&b, ",\"memory_used\":%llu,\"memory_total\":%llu", g->mem_used, g->mem_total);
    buf_put(&b, ",\"processes\":[", 14);
    for (size_t i = 0; i < g->n_procs; i++)
        buf_printf(&b, "%s{\"pid\":%u,\"sm_util\":%u,\"mem_util\":%u}", i ? "," : "",
                   g->procs[i].pid, g->procs[i].sm_util, g->procs[i].mem_util);
    buf_put(&b, "]", 1);
    if (g->note[0]) {
        buf_put(&b, ",\"note\":", 8);
        buf_string(&b, g->note);
    }
    buf_put(&b, "}\n", 2);
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
}

static int gpus(bool json) {
    struct pp_error err = {0};
    struct nvml *n = nvml_open(NULL, &err);
    if (!n) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        return 1;
    }
    struct nvml_gpu *g = xcalloc(NVML_MAX_GPUS, sizeof(*g));
    size_t hidden = 0;
    const size_t k = nvml_read(n, g, NVML_MAX_GPUS, &hidden, &err);
    int rc = 0;
    if (err.message[0]) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        rc = 1;
    }
    if (!json && k)
        printf("%-3s %-24s %5s %8s %17s  %s\n", "GPU", "NAME", "UTIL", "MEM-UTIL", "MEMORY",
               "UUID");
    for (size_t i = 0; i < k; i++) {
        if (json) {
            gpu_json(&g[i]);
            continue;
        }
        char util[16] = "-", mu[16] = "-", mem[40] = "-";
        if (g[i].util_ok) {
            snprintf(util, sizeof(util), "%u%%", g[i].util_gpu);
            snprintf(mu, sizeof(mu), "%u%%", g[i].util_mem);
        }
        if (g[i].mem_ok)
            snprintf(mem, sizeof(mem), "%.1f/%.1f GiB", (double)g[i].mem_used / (1u << 30),
                     (double)g[i].mem_total / (1u << 30));
        printf("%-3u %-24.24s %5s %8s %17s  %s%s%s%s\n", g[i].index, g[i].name, util, mu, mem,
               g[i].uuid, g[i].note[0] ? " (" : "", g[i].note, g[i].note[0] ? ")" : "");
        for (size_t p = 0; p < g[i].n_procs; p++)
            printf("    pid %-8u SM %u%%, memory %u%%\n", g[i].procs[p].pid, g[i].procs[p].sm_util,
                   g[i].procs[p].mem_util);
    }
    if (hidden)
        fprintf(stderr, "podpilot: %zu GPU%s this user may not read\n", hidden,
                hidden == 1 ? "" : "s");
    if (k == 0 && !rc)
        fprintf(stderr, "podpilot: no GPU the driver lets this user read\n");
    free(g);
    nvml_close(n);
    return rc;
}

int metrics_main(int argc, char **argv) {
    const char *verb = NULL, *src = NULL, *exporter = NULL, *pod = NULL;
    bool json = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--exporter") == 0 || strcmp(a, "--pod") == 0) {
            if (i + 1 >= argc)
                return cli_fail(prog, "%s needs a value", a);
            *(a[2] == 'e' ? &exporter : &pod) = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const known[] = {"--json", "--exporter", "--pod", "--help", NULL};
            return cli_unknown(prog, a, known);
        } else if (!verb) {
            verb = a;
            if (strcmp(verb, "query") == 0 || strcmp(verb, "series") == 0)
                return query(argc, argv, i + 1, verb[1] == 'e');
        } else if (!src) {
            src = a;
        } else {
            return cli_fail(prog, "one source at a time; got \"%s\" after \"%s\"", a, src);
        }
    }
    if (!verb)
        return cli_fail(prog, "which? podpilot metrics check FILE|URL|- (see --help)");
    if (strcmp(verb, "gpus") == 0) {
        if (src || exporter || pod)
            return cli_fail(prog, "gpus takes only --json");
        return gpus(json);
    }
    if (strcmp(verb, "check") != 0)
        return cli_fail(prog, "unknown command \"%s\"; there are check, query, series and gpus",
                        verb);
    if (!src)
        return cli_fail(prog, "check what? a FILE, an http(s) URL, or - for standard input");
    enum exporter_kind k;
    if (exporter && !exporter_parse(exporter, &k))
        return cli_fail(prog,
                        "--exporter: unknown \"%s\"; there are vllm, ovms, queue-proxy, seldon "
                        "and dcgm",
                        exporter);
    if (pod && !exporter)
        return cli_fail(prog, "--pod is for an --exporter's series");
    if (exporter && json)
        return cli_fail(prog, "--exporter prints figures; --json prints samples: one of them");
    return check(src, json, exporter ? &k : NULL, pod);
}
