#include "k8s/pod_index.h"

#include "engine/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pod_key {
    size_t at; /* into text: "ns\x1fkey=value" */
    size_t svc;
    size_t next; /* the next service with the same first pair, + 1 */
};

struct pair {
    size_t svc, pod;
};

static const char *str(const cJSON *o, const char *k) {
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Whether labels hold every pair of want (a non-empty matchLabels). */
static bool holds(const cJSON *labels, const cJSON *want) {
    const cJSON *kv;
    cJSON_ArrayForEach(kv, want) {
        const char *have = str(labels, kv->string);
        if (!have || !cJSON_IsString(kv) || strcmp(have, kv->valuestring) != 0)
            return false;
    }
    return true;
}

static uint64_t hash(const char *p) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return h;
}

/* "ns\x1fkey=value" into out; false when it does not fit. */
static bool key_text(char *out, size_t size, const char *ns, const char *k, const char *v) {
    const size_t a = strlen(ns), b = strlen(k), c = strlen(v);
    if (a + b + c + 3 > size)
        return false;
    memcpy(out, ns, a);
    out[a] = '\x1f';
    memcpy(out + a + 1, k, b);
    out[a + 1 + b] = '=';
    memcpy(out + a + 2 + b, v, c + 1);
    return true;
}

/* The first service keyed by text, + 1; 0 when none is. */
static size_t lookup(const struct pod_index *x, const char *text) {
    for (size_t i = (size_t)hash(text) & (x->tcap - 1); x->table[i]; i = (i + 1) & (x->tcap - 1))
        if (strcmp(x->text + x->keys[x->table[i] - 1].at, text) == 0)
            return x->table[i];
    return 0;
}

/* Each service's first matchLabels pair, hashed; services that share one chained. */
static void index_selectors(struct pod_index *x, const cJSON *const *sels, const char *const *nss,
                            size_t n_svcs) {
    size_t n_keys = 0, used = 0;
    while (x->tcap < 2 * n_svcs + 2)
        x->tcap = x->tcap ? 2 * x->tcap : 64;
    x->table = xrealloc(x->table, x->tcap * sizeof(*x->table));
    memset(x->table, 0, x->tcap * sizeof(*x->table));
    for (size_t i = 0; i < n_svcs; i++) {
        const cJSON *first = cJSON_GetObjectItemCaseSensitive(sels[i], "matchLabels");
        first = first ? first->child : NULL;
        char key[1024];
        if (!first || !cJSON_IsString(first) || !first->string ||
            !key_text(key, sizeof(key), nss[i], first->string, first->valuestring))
            continue; /* an empty selector selects nothing podpilot should guess at */
        const size_t len = strlen(key) + 1;
        if (used + len > x->cap_text) {
            x->cap_text = 2 * (used + len);
            x->text = xrealloc(x->text, x->cap_text);
        }
        memcpy(x->text + used, key, len);
        x->keys[n_keys] = (struct pod_key){.at = used, .svc = i};
        used += len;
        const size_t had = lookup(x, key);
        if (had) { /* after the first of its pair */
            x->keys[n_keys].next = x->keys[had - 1].next;
            x->keys[had - 1].next = n_keys + 1;
        } else {
            size_t t = (size_t)hash(key) & (x->tcap - 1);
            while (x->table[t])
                t = (t + 1) & (x->tcap - 1);
            x->table[t] = n_keys + 1;
        }
        n_keys++;
    }
}

/* Every (service, pod) whose selector the pod's labels hold, in pod order. */
static size_t match(struct pod_index *x, const struct kstore *pods, const cJSON *const *sels) {
    size_t n = 0;
    char key[1024];
    for (size_t p = 0; p < pods->n; p++) {
        const cJSON *meta = cJSON_GetObjectItemCaseSensitive(pods->objs[p], "metadata");
        const char *ns = str(meta, "namespace");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels"), *kv;
        cJSON_ArrayForEach(kv, labels) {
            if (!cJSON_IsString(kv) || !kv->string ||
                !key_text(key, sizeof(key), ns ? ns : "", kv->string, kv->valuestring))
                continue;
            for (size_t k = lookup(x, key); k; k = x->keys[k - 1].next) {
                const size_t svc = x->keys[k - 1].svc;
                if (!holds(labels, cJSON_GetObjectItemCaseSensitive(sels[svc], "matchLabels")))
                    continue;
                if (n == x->cap_pairs) {
                    x->cap_pairs = x->cap_pairs ? 2 * x->cap_pairs : 1024;
                    x->pairs = xrealloc(x->pairs, x->cap_pairs * sizeof(*x->pairs));
                }
                x->pairs[n++] = (struct pair){svc, p};
            }
        }
    }
    return n;
}

void pod_index_build(struct pod_index *x, const struct kstore *pods, const cJSON *const *sels,
                     const char *const *nss, size_t n_svcs) {
    if (x->n_svcs != n_svcs) {
        x->n_svcs = n_svcs;
        x->start = xrealloc(x->start, (n_svcs + 1) * sizeof(*x->start));
        x->keys = xrealloc(x->keys, (n_svcs ? n_svcs : 1) * sizeof(*x->keys));
    }
    index_selectors(x, sels, nss, n_svcs);
    const size_t n = match(x, pods, sels);
    /* a counting sort by service keeps each service's pods in store order */
    memset(x->start, 0, (n_svcs + 1) * sizeof(*x->start));
    for (size_t i = 0; i < n; i++)
        x->start[x->pairs[i].svc + 1]++;
    for (size_t i = 0; i < n_svcs; i++)
        x->start[i + 1] += x->start[i];
    if (n > x->cap_pods) {
        x->cap_pods = n;
        x->pods = xrealloc(x->pods, n * sizeof(*x->pods));
    }
    for (size_t i = 0; i < n; i++) { /* start[svc] walks up, then is put back */
        const size_t svc = x->pairs[i].svc;
        x->pods[x->start[svc]++] = x->pairs[i].pod;
    }
    for (size_t i = n_svcs; i > 0; i--)
        x->start[i] = x->start[i - 1];
    x->start[0] = 0;
}

size_t pod_index_get(const struct pod_index *x, size_t svc, const size_t **out) {
    if (svc >= x->n_svcs) {
        *out = NULL;
        return 0;
    }
    *out = x->pods + x->start[svc];
    return x->start[svc + 1] - x->start[svc];
}

void pod_index_fini(struct pod_index *x) {
    free(x->start);
    free(x->pods);
    free(x->keys);
    free(x->pairs);
    free(x->table);
    free(x->text);
    *x = (struct pod_index){0};
}
