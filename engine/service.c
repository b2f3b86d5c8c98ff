#include "engine/service.h"

#include "engine/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_START INT64_C(1767600000) /* 2026-01-05T08:00:00Z, a Monday */

void svc_set_init(struct svc_set *set) {
    *set = (struct svc_set){.seed = 1, .start = PP_SEC(DEFAULT_START)};
}

void svc_set_fini(struct svc_set *set) {
    for (size_t i = 0; i < set->n_strings; i++)
        free(set->strings[i]);
    for (size_t i = 0; i < set->n_traces; i++)
        free(set->traces[i]);
    for (size_t i = 0; i < set->n; i++)
        tz_destroy(set->svcs[i].cron_tz);
    free(set->strings);
    free(set->traces);
    free(set->svcs);
    free(set->sim_pods);
    free(set->loads);
    *set = (struct svc_set){0};
}

static void *grow(void *v, size_t *cap, size_t n, size_t size) {
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 8;
    return xrealloc(v, *cap * size);
}

struct svc_config *svc_set_add(struct svc_set *set, const char *name, const char *ns) {
    size_t cap = set->cap;
    set->sim_pods = grow(set->sim_pods, &cap, set->n, sizeof(*set->sim_pods));
    set->svcs = grow(set->svcs, &set->cap, set->n, sizeof(*set->svcs));
    sim_pod_model_default(&set->sim_pods[set->n]);
    struct svc_config *c = &set->svcs[set->n++];
    *c = (struct svc_config){.cls = SVC_KPA, .replicas = 1, .initial_ready = 1};
    snprintf(c->name, sizeof(c->name), "%s", name);
    snprintf(c->namespace_, sizeof(c->namespace_), "%s", ns && *ns ? ns : "default");
    kpa_config_default(&c->kpa);
    lag_config_agent_defaults(&c->lag);
    c->pods = pod_spec_default();
    return c;
}

struct svc_config *svc_set_find(struct svc_set *set, const char *ns, const char *name) {
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->svcs[i].name, name) == 0 && strcmp(set->svcs[i].namespace_, ns) == 0)
            return &set->svcs[i];
    return NULL;
}

/* 2: name is s's workload, 1: the InferenceService or Model it came from,
 * 0: neither; bare or as namespace/name. */
static int match(const struct svc_config *s, const char *name) {
    const char *slash = strchr(name, '/');
    if (slash) { /* namespace/name: the namespace first */
        const size_t ns = (size_t)(slash - name);
        if (strlen(s->namespace_) != ns || strncmp(name, s->namespace_, ns) != 0)
            return 0;
        name = slash + 1;
    }
    return strcmp(s->name, name) == 0 ? 2 : s->owner[0] && strcmp(s->owner, name) == 0 ? 1 : 0;
}

bool svc_matches(const struct svc_config *s, const char *name) { return match(s, name) > 0; }

/* The services name means, the best first: a workload's name beats an
 * owner's; *ambiguous when they are in more than one namespace (an
 * owner's components in one namespace are one thing named: the first,
 * its predictor, stands for it). */
static size_t best(const struct svc_set *set, const char *name, bool *ambiguous) {
    size_t first = set->n;
    int kind = 0;
    for (size_t i = 0; i < set->n; i++) {
        const int k = match(&set->svcs[i], name);
        if (k > kind) {
            kind = k;
            first = i;
        }
    }
    *ambiguous = false;
    for (size_t i = 0; first < set->n && i < set->n; i++)
        if (match(&set->svcs[i], name) == kind &&
            strcmp(set->svcs[i].namespace_, set->svcs[first].namespace_) != 0)
            *ambiguous = true;
    return first;
}

size_t svc_set_match(const struct svc_set *set, const char *name) {
    bool ambiguous;
    const size_t i = best(set, name, &ambiguous);
    return ambiguous ? set->n : i;
}

bool svc_same_target(const struct svc_set *set, size_t svc, const char *name, size_t i) {
    const struct svc_config *a = &set->svcs[svc], *b = &set->svcs[i];
    return match(b, name) == match(a, name) && strcmp(a->namespace_, b->namespace_) == 0;
}

/* Appends "ns/name" to a list of at most size bytes, with ", " between;
 * "..." once it is full. */
static void list_add(char *list, size_t size, size_t *used, const struct svc_config *c) {
    if (*used + 4 >= size)
        return;
    const int k =
        snprintf(list + *used, size - *used, "%s%s/%s", *used ? ", " : "", c->namespace_, c->name);
    if (k < 0 || *used + (size_t)k >= size - 4) {
        snprintf(list + *used, size - *used, "%s...", *used ? ", " : "");
        *used = size;
        return;
    }
    *used += (size_t)k;
}

enum pp_status svc_set_resolve(const struct svc_set *set, const char *name, const char *field,
                               size_t *svc, struct pp_error *err) {
    bool ambiguous;
    const size_t first = best(set, name, &ambiguous);
    *svc = ambiguous ? set->n : first;
    char list[400] = "";
    size_t used = 0;
    if (first == set->n) {
        for (size_t i = 0; i < set->n; i++)
            list_add(list, sizeof(list), &used, &set->svcs[i]);
        return pp_fail(err, PP_ERR_INVALID, field, "no service \"%s\" (services: %s)", name, list);
    }
    if (!ambiguous)
        return PP_OK;
    const int kind = match(&set->svcs[first], name);
    for (size_t i = 0; i < set->n; i++)
        if (match(&set->svcs[i], name) == kind)
            list_add(list, sizeof(list), &used, &set->svcs[i]);
    return pp_fail(err, PP_ERR_INVALID, field,
                   "\"%s\" is in more than one namespace: %s; say which as namespace/name", name,
                   list);
}

struct svc_load *svc_set_add_load(struct svc_set *set, size_t svc) {
    set->loads = grow(set->loads, &set->loads_cap, set->n_loads, sizeof(*set->loads));
    struct svc_load *l = &set->loads[set->n_loads++];
    *l = (struct svc_load){.svc = svc};
    return l;
}

const char *svc_set_strdup(struct svc_set *set, const char *s) {
    set->strings = grow(set->strings, &set->strings_cap, set->n_strings, sizeof(*set->strings));
    char *copy = xstrdup(s);
    set->strings[set->n_strings++] = copy;
    return copy;
}

const struct load_trace_point *svc_set_trace(struct svc_set *set, const struct load_trace_point *p,
                                             size_t n) {
    set->traces = grow(set->traces, &set->traces_cap, set->n_traces, sizeof(*set->traces));
    struct load_trace_point *copy = xmalloc((n ? n : 1) * sizeof(*copy));
    memcpy(copy, p, n * sizeof(*copy));
    set->traces[set->n_traces++] = copy;
    return copy;
}

const char *svc_class_label(enum svc_class c) {
    static const char *const labels[] = {"KPA", "HPA", "LAG", "CRON", "KEDA", "-"};
    return (unsigned)c < sizeof(labels) / sizeof(*labels) ? labels[c] : "?";
}

const char *svc_class_name(enum svc_class c) {
    switch (c) {
    case SVC_KPA:
        return "kpa";
    case SVC_HPA:
        return "hpa";
    case SVC_LAG:
        return "lag";
    case SVC_CRON:
        return "cron";
    case SVC_KEDA:
        return "keda";
    case SVC_NONE:
        return "none";
    }
    return "?";
}

bool svc_class_has_hpa(enum svc_class c) { return c == SVC_HPA || c == SVC_KEDA; }
