/* Which pods each service's selector selects, built in one pass over the
 * pods (each pod's labels looked up in a hash of the selectors' first pairs)
 * instead of every service scanning every pod: shadow mode at 10,000
 * services and 100,000 pods. Rebuilt when the pods or the selectors change. */
#ifndef PODPILOT_POD_INDEX_H
#define PODPILOT_POD_INDEX_H

#include "k8s/kstore.h"

struct pod_index {
    size_t n_svcs;
    size_t *start; /* n_svcs + 1 offsets into pods */
    size_t *pods;  /* positions in the pod store, each service's in store order */
    size_t cap_pods;
    /* scratch, kept between builds: the selectors' first pairs, hashed */
    struct pod_key *keys;
    size_t *table, tcap;
    char *text;
    size_t cap_text;
    struct pair *pairs; /* (service, pod) matches */
    size_t cap_pairs;
};

/* sels[i]: service i's LabelSelector ({matchLabels}; NULL or empty selects
 * nothing, as podpilot will not guess), in namespace nss[i]. */
void pod_index_build(struct pod_index *x, const struct kstore *pods, const cJSON *const *sels,
                     const char *const *nss, size_t n_svcs);
/* Service svc's pods: *out points at their positions in the pod store. */
size_t pod_index_get(const struct pod_index *x, size_t svc, const size_t **out);
void pod_index_fini(struct pod_index *x);

#endif
