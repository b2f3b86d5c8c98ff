/* A store of one resource's objects by "namespace/name", as client-go's
 * cache.Store keeps them: a dense array under an open-addressing index, so
 * a put, a get and a delete cost the same at 100 objects and at 100,000;
 * each object carries the store's clock at its last put, and deletions
 * leave a tombstone, so a mirror can follow with only what changed. */
#ifndef PODPILOT_KSTORE_H
#define PODPILOT_KSTORE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KSTORE_MAX_TOMBSTONES 4096

struct kstore {
    cJSON **objs;
    char **keys;
    uint64_t *seqs; /* the clock at each object's last put */
    size_t n, cap;
    size_t *index; /* tcap slots: 0 empty, else position + 1 */
    size_t tcap;
    uint64_t clock;      /* counts puts and deletes */
    uint64_t generation; /* changes when the store is replaced whole (a relist) */
    char **tomb_keys;    /* deletions since the last replacement, in order */
    uint64_t *tomb_seqs;
    size_t n_tombs;
};

/* obj under key (copied); the store takes obj, replacing what was there. */
void kstore_put(struct kstore *s, const char *key, cJSON *obj);
/* False when key was not there. */
bool kstore_delete(struct kstore *s, const char *key);
/* NULL when key is not there. */
cJSON *kstore_get(const struct kstore *s, const char *key);
/* Empties the store, as a new generation. */
void kstore_clear(struct kstore *s);
/* a becomes b and b a (a relist built aside, then swapped in); the
 * generation moves on. */
void kstore_swap(struct kstore *a, struct kstore *b);
void kstore_fini(struct kstore *s);

/* What a sync changed in a mirror. */
enum kstore_change {
    KSTORE_CHANGED = 1u << 0, /* some object */
    KSTORE_MEMBERS = 1u << 1, /* which objects there are, where they stand, or their labels */
};

/* Brings mirror to what s holds, duplicating only what changed since
 * *seen (the clock of s at the last sync; the whole store when its
 * generation moved on). Returns enum kstore_change bits; 0: nothing. */
unsigned kstore_sync(const struct kstore *s, struct kstore *mirror, uint64_t *seen,
                     uint64_t *seen_generation);

/* "namespace/name" of obj into out (an object without a name, as a metric
 * value is, by its position at). */
void kstore_key(const cJSON *obj, size_t at, char *out, size_t size);

#endif
