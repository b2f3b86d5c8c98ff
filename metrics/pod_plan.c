#include "metrics/pod_plan.h"

#include "engine/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(struct pod_plan *p, size_t n) {
    if (n <= p->cap)
        return;
    p->cap = n;
    p->names = xrealloc(p->names, n * sizeof(*p->names));
    p->ips = xrealloc(p->ips, n * sizeof(*p->ips));
    p->flags = xrealloc(p->flags, n * sizeof(*p->flags));
}

bool pod_plan_set(struct pod_plan *p, const char *ns, const char *const *names,
                  const char *const *ips, const bool *flags, size_t n) {
    bool same = p->version && p->n == n && strncmp(p->ns, ns, sizeof(p->ns)) == 0;
    for (size_t i = 0; same && i < n; i++)
        same = strncmp(p->names[i], names[i], POD_PLAN_NAME) == 0 &&
               strncmp(p->ips[i], ips && ips[i] ? ips[i] : "", POD_PLAN_IP) == 0 &&
               p->flags[i] == (flags && flags[i]);
    if (same)
        return false;
    reserve(p, n);
    snprintf(p->ns, sizeof(p->ns), "%s", ns);
    for (size_t i = 0; i < n; i++) {
        snprintf(p->names[i], POD_PLAN_NAME, "%s", names[i]);
        snprintf(p->ips[i], POD_PLAN_IP, "%s", ips && ips[i] ? ips[i] : "");
        p->flags[i] = flags && flags[i];
    }
    p->n = n;
    p->version++;
    return true;
}

void pod_plan_copy(struct pod_plan *dst, const struct pod_plan *src) {
    reserve(dst, src->n);
    memcpy(dst->ns, src->ns, sizeof(dst->ns));
    if (src->n) {
        memcpy(dst->names, src->names, src->n * sizeof(*dst->names));
        memcpy(dst->ips, src->ips, src->n * sizeof(*dst->ips));
        memcpy(dst->flags, src->flags, src->n * sizeof(*dst->flags));
    }
    dst->n = src->n;
    dst->version = src->version;
}

void pod_plan_fini(struct pod_plan *p) {
    free(p->names);
    free(p->ips);
    free(p->flags);
    *p = (struct pod_plan){0};
}
