/* A service's ready pods as the engine thread hands them to a scraper's
 * thread: names, and per pod an IP or a flag where the scraper needs one,
 * copied only when they changed (a version says so), the buffers reused. */
#ifndef PODPILOT_POD_PLAN_H
#define PODPILOT_POD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POD_PLAN_NAME 254
#define POD_PLAN_IP 64

struct pod_plan {
    char ns[64];
    size_t n, cap;
    char (*names)[POD_PLAN_NAME];
    char (*ips)[POD_PLAN_IP]; /* "" where not given */
    bool *flags;              /* false where not given */
    uint64_t version;         /* up by one at each change */
};

/* p becomes ns and the n pods (ips and flags may be NULL); true when that
 * changed it. */
bool pod_plan_set(struct pod_plan *p, const char *ns, const char *const *names,
                  const char *const *ips, const bool *flags, size_t n);
/* dst becomes a copy of src, version too. */
void pod_plan_copy(struct pod_plan *dst, const struct pod_plan *src);
void pod_plan_fini(struct pod_plan *p);

#endif
