#include "metrics/exporter.h"

#include <math.h>
#include <string.h>

/* The series each kind's figures read (metrics-sources.md §1a, 2, 3, 4, 5). */
static const struct exporter_figure vllm[] = {
    {"waiting", "", {"vllm:num_requests_waiting", NULL}, NULL, 1, EXPORTER_SUM},
    {"running", "", {"vllm:num_requests_running", NULL}, NULL, 1, EXPORTER_SUM},
    /* renamed in 0.9; older servers have only the first name */
    {"KV cache",
     "%",
     {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"},
     NULL,
     100,
     EXPORTER_MEAN},
};
static const struct exporter_figure ovms[] = {
    /* the prometheus-adapter rule of the OVMS autoscaling guide: > 1 queues */
    {"streams ratio", "", {"ovms_current_requests", NULL}, "ovms_streams", 1, EXPORTER_RATIO},
    {"requests", "", {"ovms_current_requests", NULL}, NULL, 1, EXPORTER_SUM},
    {"streams", "", {"ovms_streams", NULL}, NULL, 1, EXPORTER_SUM},
};
static const struct exporter_figure queue_proxy[] = {
    {"queue depth", "", {"revision_queue_depth", "kn_serving_queue_depth"}, NULL, 1, EXPORTER_SUM},
    {"requests",
     "/s",
     {"revision_request_count", "kn_serving_invocation_duration_seconds_count"},
     NULL,
     1,
     EXPORTER_RATE},
};
static const struct exporter_figure seldon[] = {
    {"inferences", "/s", {"seldon_model_infer_total", NULL}, NULL, 1, EXPORTER_RATE},
    {"models loaded", "", {"seldon_loaded_model_gauge", NULL}, NULL, 1, EXPORTER_SUM},
};
static const struct exporter_figure dcgm[] = {
    {"GPU util", "%", {"DCGM_FI_DEV_GPU_UTIL", NULL}, NULL, 1, EXPORTER_MEAN},
    /* the better load signal, when a custom counters file enables it */
    {"SM active", "%", {"DCGM_FI_PROF_SM_ACTIVE", NULL}, NULL, 100, EXPORTER_MEAN},
    {"FB used", "MiB", {"DCGM_FI_DEV_FB_USED", NULL}, NULL, 1, EXPORTER_SUM},
};

static const struct {
    const char *name;
    const struct exporter_figure *fig;
    size_t n;
    int port;
} kinds[EXPORTER_N_KINDS] = {
    [EXPORTER_VLLM] = {"vllm", vllm, 3, 8000},
    [EXPORTER_OVMS] = {"ovms", ovms, 3, 8888},
    [EXPORTER_QUEUE_PROXY] = {"queue-proxy", queue_proxy, 2, 9091},
    [EXPORTER_SELDON] = {"seldon", seldon, 2, 9006},
    [EXPORTER_DCGM] = {"dcgm", dcgm, 3, 0},
};

const char *exporter_name(enum exporter_kind k) {
    return k < EXPORTER_N_KINDS ? kinds[k].name : "?";
}

bool exporter_parse(const char *name, enum exporter_kind *out) {
    for (int k = 0; k < EXPORTER_N_KINDS; k++)
        if (strcmp(name, kinds[k].name) == 0) {
            *out = (enum exporter_kind)k;
            return true;
        }
    return false;
}

size_t exporter_figures(enum exporter_kind k, const struct exporter_figure **out) {
    *out = kinds[k].fig;
    return kinds[k].n;
}

int exporter_default_port(enum exporter_kind k) { return kinds[k].port; }

static bool span_is(struct promtext_span s, const char *want) {
    return want && strlen(want) == s.n && memcmp(s.p, want, s.n) == 0;
}

struct read_ctx {
    enum exporter_kind k;
    const char *pod;
    struct exporter_reading *r;
};

static bool pod_matches(const struct promtext_sample *s, const char *pod) {
    const struct promtext_span *exported = NULL, *plain = NULL;
    for (size_t i = 0; i < s->n_labels; i++) {
        const struct promtext_label *l = &s->label[i];
        if (span_is(l->name, "exported_pod"))
            exported = &l->value;
        else if (span_is(l->name, "pod") || span_is(l->name, "pod_name"))
            plain = &l->value;
    }
    /* Prometheus renames the exporter's pod label when its target has one */
    const struct promtext_span *v = exported ? exported : plain;
    if (!v)
        return false;
    char buf[256];
    const size_t n = promtext_unescape(*v, buf, sizeof(buf));
    return n < sizeof(buf) && strcmp(buf, pod) == 0;
}

static bool on_sample(void *ctx, const struct promtext_sample *s) {
    struct read_ctx *c = ctx;
    const struct exporter_figure *fig = kinds[c->k].fig;
    bool matched = false;
    for (size_t f = 0; f < kinds[c->k].n; f++) {
        for (int a = 0; a < 2; a++)
            if (span_is(s->name, fig[f].alt[a])) {
                if (!matched && c->pod && !pod_matches(s, c->pod))
                    return true;
                matched = true;
                if (!isnan(s->value)) {
                    c->r->sum[f][a] += s->value;
                    c->r->n[f][a]++;
                }
                if (c->k == EXPORTER_QUEUE_PROXY)
                    c->r->era = s->name.p[0] == 'r' ? 118 : 119;
            }
        if (span_is(s->name, fig[f].den)) {
            if (!matched && c->pod && !pod_matches(s, c->pod))
                return true;
            matched = true;
            if (!isnan(s->value)) {
                c->r->den[f] += s->value;
                c->r->n_den[f]++;
            }
        }
    }
    return true;
}

void exporter_read(enum exporter_kind k, const char *buf, size_t len, const char *pod,
                   struct exporter_reading *r, struct promtext_result *res) {
    struct promtext_result scratch;
    *r = (struct exporter_reading){0};
    struct read_ctx c = {k, pod, r};
    promtext_parse(buf, len, on_sample, &c, res ? res : &scratch);
}

/* The alternative a reading has (the first present), or -1. */
static int alt_of(const struct exporter_reading *r, size_t f) {
    return r->n[f][0] > 0 ? 0 : r->n[f][1] > 0 ? 1 : -1;
}

void exporter_values(enum exporter_kind k, const struct exporter_reading *now,
                     const struct exporter_reading *prev, double dt, double out[EXPORTER_FIGURES]) {
    const struct exporter_figure *fig = kinds[k].fig;
    for (size_t f = 0; f < EXPORTER_FIGURES; f++)
        out[f] = NAN;
    for (size_t f = 0; f < kinds[k].n; f++) {
        const int a = alt_of(now, f);
        if (a < 0)
            continue;
        const double v = now->sum[f][a];
        switch (fig[f].fold) {
        case EXPORTER_SUM:
            out[f] = v * fig[f].scale;
            break;
        case EXPORTER_MEAN:
            out[f] = v / now->n[f][a] * fig[f].scale;
            break;
        case EXPORTER_RATIO:
            if (now->n_den[f] > 0 && now->den[f] != 0)
                out[f] = v / now->den[f] * fig[f].scale;
            break;
        case EXPORTER_RATE:
            if (prev && alt_of(prev, f) == a && dt > 0) {
                const double was = prev->sum[f][a];
                out[f] = (v >= was ? v - was : v) / dt * fig[f].scale;
            }
            break;
        }
    }
}

void exporter_fold_init(struct exporter_folded *f) { *f = (struct exporter_folded){0}; }

void exporter_fold_add(enum exporter_kind k, struct exporter_folded *f,
                       const double v[EXPORTER_FIGURES]) {
    for (size_t i = 0; i < kinds[k].n; i++)
        if (isfinite(v[i])) {
            f->sum[i] += v[i];
            f->n[i]++;
        }
}

void exporter_fold_values(enum exporter_kind k, const struct exporter_folded *f,
                          double out[EXPORTER_FIGURES]) {
    const struct exporter_figure *fig = kinds[k].fig;
    for (size_t i = 0; i < EXPORTER_FIGURES; i++) {
        out[i] = NAN;
        if (i >= kinds[k].n || f->n[i] == 0)
            continue;
        const bool mean = fig[i].fold == EXPORTER_MEAN || fig[i].fold == EXPORTER_RATIO;
        out[i] = mean ? f->sum[i] / f->n[i] : f->sum[i];
    }
}
