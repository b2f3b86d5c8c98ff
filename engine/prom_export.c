#include "engine/prom_export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct agreement {
    int64_t agree_s, disagree_s;
};

struct prom_export {
    const struct svc_set *set;
    char version[64], source[32];
    struct agreement *svcs;
    struct buf text;
    /* every service's namespace, name and class labels, escaped once:
     * service i's are labels.p[label_at[i] .. label_at[i + 1]) */
    struct buf labels;
    size_t *label_at;
};

/* A label value as the exposition format escapes it: \\, \" and \n. */
static void label_value(struct buf *b, const char *s) {
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            buf_put(b, "\\", 1);
        if (*s == '\n')
            buf_put(b, "\\n", 2);
        else
            buf_put(b, s, 1);
    }
}

struct prom_export *prom_export_create(const struct svc_set *set, const char *version,
                                       const char *source) {
    struct prom_export *e = xcalloc(1, sizeof(*e));
    e->set = set;
    snprintf(e->version, sizeof(e->version), "%s", version);
    snprintf(e->source, sizeof(e->source), "%s", source);
    e->svcs = xcalloc(set->n ? set->n : 1, sizeof(*e->svcs));
    e->label_at = xcalloc(set->n + 1, sizeof(*e->label_at));
    for (size_t i = 0; i < set->n; i++) {
        const struct svc_config *c = &set->svcs[i];
        buf_put(&e->labels, "namespace=\"", 11);
        label_value(&e->labels, c->namespace_);
        buf_put(&e->labels, "\",name=\"", 8);
        label_value(&e->labels, c->name);
        buf_printf(&e->labels, "\",class=\"%s\"", svc_class_name(c->cls));
        e->label_at[i + 1] = e->labels.len;
    }
    return e;
}

void prom_export_destroy(struct prom_export *e) {
    if (!e)
        return;
    buf_free(&e->text);
    buf_free(&e->labels);
    free(e->svcs);
    free(e->label_at);
    free(e);
}

const struct buf *prom_export_text(const struct prom_export *e) { return &e->text; }

static void family(struct buf *b, const char *name, const char *type, const char *help) {
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Every family's samples, one service after another: each family's lines
 * must be together, so the text is written family by family. */
enum field {
    F_RECOMMENDED,
    F_DESIRED,
    F_ACTUAL,
    F_READY,
    F_TARGET,
    F_STABLE,
    F_PANIC,
    F_PANIC_MODE,
    F_GPU,
    F_CLUSTER,
    F_AGREEMENT,
    F_WARMING,
    N_FIELDS
};

static const struct {
    const char *name, *help;
    bool metric_label; /* carries the scaler's metric */
} fields[N_FIELDS] = {
    [F_RECOMMENDED] = {"podpilot_recommended_replicas",
                       "What the scaler alone asks for, before rates, windows and bounds.", false},
    [F_DESIRED] = {"podpilot_desired_replicas",
                   "The decision of podpilot's copy of upstream's autoscaler.", false},
    [F_ACTUAL] = {"podpilot_actual_replicas",
                  "Replicas asked of the cluster (shadow mode: the target's spec.replicas).",
                  false},
    [F_READY] = {"podpilot_ready_pods", "Ready pods.", false},
    [F_TARGET] = {"podpilot_target",
                  "The scaler's target for its metric (KPA: per pod, after utilization).", true},
    [F_STABLE] = {"podpilot_stable_value",
                  "The observed value: the KPA's stable window, the HPA's current metric.", true},
    [F_PANIC] = {"podpilot_panic_value", "The KPA's panic window.", true},
    [F_PANIC_MODE] = {"podpilot_panic_mode", "1 while the KPA is in panic mode.", false},
    [F_GPU] = {"podpilot_gpu_utilization_percent", "Mean GPU utilization of the ready pods.",
               false},
    [F_CLUSTER] = {"podpilot_cluster_desired_replicas",
                   "Shadow mode: what the cluster's own autoscaler decided.", false},
    [F_AGREEMENT] = {"podpilot_agreement",
                     "Shadow mode: 1 when podpilot's decision is the cluster's.", false},
    [F_WARMING] = {"podpilot_warming",
                   "Shadow mode: 1 until podpilot has watched a full stabilization window.", false},
};

/* Field f of view v; false when it has no value to give. */
static bool value_of(enum field f, const struct loop_view *v, double *out) {
    const bool live = v->cluster >= 0;
    switch (f) {
    case F_RECOMMENDED:
        *out = v->recommended;
        return v->recommended >= 0;
    case F_DESIRED:
        *out = v->desired;
        return v->desired >= 0;
    case F_ACTUAL:
        *out = v->actual;
        return true;
    case F_READY:
        *out = v->ready;
        return true;
    case F_TARGET:
        *out = v->target;
        return v->metric && isfinite(v->target);
    case F_STABLE:
        *out = v->stable;
        return v->metric && isfinite(v->stable);
    case F_PANIC:
        *out = v->panic;
        return v->metric && isfinite(v->panic);
    case F_PANIC_MODE:
        *out = v->panic_mode;
        return v->cls == SVC_KPA;
    case F_GPU:
        *out = v->gpu_util;
        return isfinite(v->gpu_util);
    case F_CLUSTER:
        *out = v->cluster;
        return live;
    case F_AGREEMENT:
        *out = v->cluster == v->desired;
        return live;
    case F_WARMING:
        *out = v->warming;
        return live;
    case N_FIELDS:
        break;
    }
    return false;
}

/* v as the shortest text that reads back the same; whole numbers (most
 * samples: replicas, pods, flags) without printf. */
static void value(struct buf *b, double v) {
    if (v == (double)(int64_t)v && v > -1e15 && v < 1e15) {
        char tmp[24], *p = tmp + sizeof(tmp);
        int64_t n = (int64_t)v;
        const bool neg = n < 0;
        uint64_t u = neg ? (uint64_t)-n : (uint64_t)n;
        do
            *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (neg)
            *--p = '-';
        buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
        return;
    }
    buf_double(b, v);
}

/* NAME{service i's labels[,metric="M"][extra]} V */
static void sample(struct prom_export *e, const char *name, size_t i, const char *metric,
                   const char *extra, double v) {
    struct buf *b = &e->text;
    buf_put(b, name, strlen(name));
    buf_put(b, "{", 1);
    buf_put(b, e->labels.p + e->label_at[i], e->label_at[i + 1] - e->label_at[i]);
    if (metric) {
        buf_put(b, ",metric=\"", 9);
        label_value(b, metric);
        buf_put(b, "\"", 1);
    }
    if (extra)
        buf_put(b, extra, strlen(extra));
    buf_put(b, "} ", 2);
    value(b, v);
    buf_put(b, "\n", 1);
}

void prom_export_tick(struct prom_export *e, const struct loop *l) {
    const size_t n = e->set->n;
    for (size_t i = 0; i < n; i++) {
        const struct loop_view *v = loop_view(l, i);
        if (v->cluster >= 0 && !v->warming)
            (v->cluster == v->desired ? &e->svcs[i].agree_s : &e->svcs[i].disagree_s)[0]++;
    }
    struct buf *b = &e->text;
    buf_clear(b);
    family(b, "podpilot_info", "gauge", "podpilot's version and where its observations come from.");
    buf_put(b, "podpilot_info{version=\"", 23);
    label_value(b, e->version);
    buf_put(b, "\",source=\"", 10);
    label_value(b, e->source);
    buf_put(b, "\"} 1\n", 5);
    family(b, "podpilot_session_seconds", "gauge", "Seconds since the session started.");
    buf_printf(b, "podpilot_session_seconds %lld\n", (long long)loop_elapsed(l));
    for (int f = 0; f < N_FIELDS; f++) {
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            const struct loop_view *v = loop_view(l, i);
            double x;
            if (!value_of((enum field)f, v, &x))
                continue;
            if (!any)
                family(b, fields[f].name, "gauge", fields[f].help);
            any = true;
            sample(e, fields[f].name, i, fields[f].metric_label ? v->metric : NULL, NULL, x);
        }
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (loop_view(l, i)->cluster < 0)
            continue;
        if (!any)
            family(b, "podpilot_agreement_seconds_total", "counter",
                   "Shadow mode: seconds past the warm-up with podpilot's decision the "
                   "cluster's (agree=\"true\") or not.");
        any = true;
        sample(e, "podpilot_agreement_seconds_total", i, NULL, ",agree=\"true\"",
               (double)e->svcs[i].agree_s);
        sample(e, "podpilot_agreement_seconds_total", i, NULL, ",agree=\"false\"",
               (double)e->svcs[i].disagree_s);
    }
}
