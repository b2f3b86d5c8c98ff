/* One KPA-scaled service on simulated pods: each second the pods report,
 * the activator reports while it is in the path, Scale runs every 2 s, and
 * the PodAutoscaler reconciler sets the replicas the pods follow. */
#ifndef PODPILOT_KPA_SERVICE_H
#define PODPILOT_KPA_SERVICE_H

#include "engine/kpa.h"
#include "engine/pa.h"
#include "engine/sim.h"

struct kpa_service;

/* What a reader sees after a step. */
struct kpa_service_view {
    bool decided; /* Scale ran this second */
    struct kpa_scale_result scale;
    int32_t desired;  /* decider status */
    int32_t replicas; /* Deployment spec.replicas (actual) */
    int32_t ready;
    int32_t want;
    bool activator_in_path;
    enum pa_active active;
    enum pa_why why;
};

struct kpa_service *kpa_service_create(const struct kpa_config *cfg, int32_t ready,
                                       pp_time cold_start, pp_time now);
void kpa_service_destroy(struct kpa_service *s);

/* Advances one second at `now` with `concurrency` requests in flight and
 * `rps` arrivals per second offered to the service. */
void kpa_service_step(struct kpa_service *s, pp_time now, double concurrency, double rps,
                      struct kpa_service_view *out);

/* Upstream's words for the rules in enum kpa_limit bits, joined by ", ". */
void kpa_limits_text(unsigned limits, char *buf, size_t size);

#endif
