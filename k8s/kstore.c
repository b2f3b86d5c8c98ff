#include "k8s/kstore.h"

#include "engine/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *k) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (uint8_t)*k) * 1099511628211ull;
    return h;
}

/* The slot that holds key, or the empty slot where it would go. */
static size_t slot_of(const struct kstore *s, const char *key) {
    size_t i = (size_t)hash(key) & (s->tcap - 1);
    while (s->index[i] && strcmp(s->keys[s->index[i] - 1], key) != 0)
        i = (i + 1) & (s->tcap - 1);
    return i;
}

static void reindex(struct kstore *s, size_t tcap) {
    free(s->index);
    s->tcap = tcap;
    s->index = xcalloc(tcap, sizeof(*s->index));
    for (size_t p = 0; p < s->n; p++)
        s->index[slot_of(s, s->keys[p])] = p + 1;
}

cJSON *kstore_get(const struct kstore *s, const char *key) {
    if (!s->tcap)
        return NULL;
    const size_t i = slot_of(s, key);
    return s->index[i] ? s->objs[s->index[i] - 1] : NULL;
}

void kstore_put(struct kstore *s, const char *key, cJSON *obj) {
    if (2 * (s->n + 1) > s->tcap)
        reindex(s, s->tcap ? 2 * s->tcap : 64);
    const size_t i = slot_of(s, key);
    s->clock++;
    if (s->index[i]) {
        const size_t p = s->index[i] - 1;
        cJSON_Delete(s->objs[p]);
        s->objs[p] = obj;
        s->seqs[p] = s->clock;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->objs = xrealloc(s->objs, s->cap * sizeof(*s->objs));
        s->keys = xrealloc(s->keys, s->cap * sizeof(*s->keys));
        s->seqs = xrealloc(s->seqs, s->cap * sizeof(*s->seqs));
    }
    s->objs[s->n] = obj;
    s->keys[s->n] = xstrdup(key);
    s->seqs[s->n] = s->clock;
    s->index[i] = ++s->n;
}

static void tombstone(struct kstore *s, const char *key) {
    if (s->n_tombs == KSTORE_MAX_TOMBSTONES) { /* a mirror then takes the store whole */
        for (size_t t = 0; t < s->n_tombs; t++)
            free(s->tomb_keys[t]);
        s->n_tombs = 0;
        s->generation++;
    }
    if (!s->tomb_keys) {
        s->tomb_keys = xmalloc(KSTORE_MAX_TOMBSTONES * sizeof(*s->tomb_keys));
        s->tomb_seqs = xmalloc(KSTORE_MAX_TOMBSTONES * sizeof(*s->tomb_seqs));
    }
    s->tomb_keys[s->n_tombs] = xstrdup(key);
    s->tomb_seqs[s->n_tombs++] = s->clock;
}

bool kstore_delete(struct kstore *s, const char *key) {
    if (!s->tcap)
        return false;
    size_t i = slot_of(s, key);
    if (!s->index[i])
        return false;
    const size_t p = s->index[i] - 1;
    s->clock++;
    tombstone(s, key);
    cJSON_Delete(s->objs[p]);
    free(s->keys[p]);
    /* backward-shift deletion keeps every probe chain whole */
    for (size_t j = (i + 1) & (s->tcap - 1); s->index[j]; j = (j + 1) & (s->tcap - 1)) {
        const size_t home = (size_t)hash(s->keys[s->index[j] - 1]) & (s->tcap - 1);
        if (((j - home) & (s->tcap - 1)) >= ((j - i) & (s->tcap - 1))) {
            s->index[i] = s->index[j];
            i = j;
        }
    }
    s->index[i] = 0;
    if (p != --s->n) { /* the last object fills the hole */
        s->objs[p] = s->objs[s->n];
        s->keys[p] = s->keys[s->n];
        s->seqs[p] = s->seqs[s->n];
        s->index[slot_of(s, s->keys[p])] = p + 1;
    }
    return true;
}

static void drop_all(struct kstore *s) {
    for (size_t p = 0; p < s->n; p++) {
        cJSON_Delete(s->objs[p]);
        free(s->keys[p]);
    }
    for (size_t t = 0; t < s->n_tombs; t++)
        free(s->tomb_keys[t]);
    s->n = s->n_tombs = 0;
    if (s->index)
        memset(s->index, 0, s->tcap * sizeof(*s->index));
}

void kstore_clear(struct kstore *s) {
    drop_all(s);
    s->clock++;
    s->generation++;
}

void kstore_swap(struct kstore *a, struct kstore *b) {
    const uint64_t clock = (a->clock > b->clock ? a->clock : b->clock) + 1;
    const uint64_t generation = (a->generation > b->generation ? a->generation : b->generation) + 1;
    const struct kstore t = *a;
    *a = *b;
    *b = t;
    a->clock = b->clock = clock;
    a->generation = b->generation = generation;
}

void kstore_fini(struct kstore *s) {
    drop_all(s);
    free(s->objs);
    free(s->keys);
    free(s->seqs);
    free(s->index);
    free(s->tomb_keys);
    free(s->tomb_seqs);
    *s = (struct kstore){0};
}

static const cJSON *labels_of(const cJSON *o) {
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "metadata"),
                                            "labels");
}

unsigned kstore_sync(const struct kstore *s, struct kstore *mirror, uint64_t *seen,
                     uint64_t *seen_generation) {
    if (*seen_generation == s->generation && *seen == s->clock)
        return 0;
    unsigned change = KSTORE_CHANGED;
    uint64_t since = *seen;
    if (*seen_generation != s->generation) {
        drop_all(mirror);
        since = 0;
        change |= KSTORE_MEMBERS;
    } else {
        for (size_t t = 0; t < s->n_tombs; t++)
            if (s->tomb_seqs[t] > since && kstore_delete(mirror, s->tomb_keys[t]))
                change |= KSTORE_MEMBERS;
    }
    for (size_t p = 0; p < s->n; p++) {
        if (s->seqs[p] <= since)
            continue;
        const cJSON *had = kstore_get(mirror, s->keys[p]);
        if (!had || !cJSON_Compare(labels_of(had), labels_of(s->objs[p]), true))
            change |= KSTORE_MEMBERS;
        kstore_put(mirror, s->keys[p], cJSON_Duplicate(s->objs[p], true));
    }
    *seen = s->clock;
    *seen_generation = s->generation;
    return change;
}

void kstore_key(const cJSON *obj, size_t at, char *out, size_t size) {
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "namespace"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "name"));
    if (name)
        snprintf(out, size, "%s/%s", ns ? ns : "", name);
    else
        snprintf(out, size, "#%zu", at);
}
