/* One KPA-scaled revision: the autoscaler (decider, Scale every 2 s, activator
 * pokes) and the PodAutoscaler reconciler, fed each second with what the pods
 * and the activator report. Where the reports come from is the caller's. */
#ifndef PODPILOT_KPA_SERVICE_H
#define PODPILOT_KPA_SERVICE_H

#include "engine/kpa.h"
#include "engine/pa.h"

struct kpa_service;

/* What a reader sees after a step. */
struct kpa_service_view {
    bool decided; /* Scale ran this second */
    struct kpa_scale_result scale;
    int32_t desired;  /* decider status */
    int32_t replicas; /* Deployment spec.replicas (actual) */
    int32_t want;
    bool activator_in_path;
    enum pa_active active;
    enum pa_why why;
};

struct kpa_service *kpa_service_create(const struct kpa_config *cfg, pp_time now);
void kpa_service_destroy(struct kpa_service *s);
const struct kpa_config *kpa_service_config(const struct kpa_service *s);

/* Advances one second at `now`. `pods` is the queue-proxy reports of the
 * `ready` ready pods as the scraper combines them (kpa_scrape_combine);
 * `activator` what the activator saw (requests it held or proxied), NULL when
 * nothing went through it. While the activator is in the path the pods'
 * reports count as proxied, so the scraper nets them out. Allocates nothing. */
void kpa_service_step(struct kpa_service *s, pp_time now, const struct kpa_stat *pods,
                      int32_t ready, const struct kpa_stat *activator,
                      struct kpa_service_view *out);

/* A run-time change of the revision's settings (cfg as kpa_config_resolve
 * made it): the decider carries on with its windows resized. */
void kpa_service_reconfigure(struct kpa_service *s, const struct kpa_config *cfg);

/* Upstream's words for the rules in enum kpa_limit bits, joined by ", ". */
void kpa_limits_text(unsigned limits, char *buf, size_t size);

#endif
