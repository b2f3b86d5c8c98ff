/* The Knative Pod Autoscaler's decider: the collector's windows, Scale() with
 * panic mode, rate limits, activation scale and scale-down delay, decision for
 * decision as pkg/autoscaler does it. Pure: time comes in as `now`. */
#ifndef PODPILOT_KPA_H
#define PODPILOT_KPA_H

#include "engine/common.h"
#include "engine/kpa_config.h"

/* One queue-proxy (or activator) report, per second. */
struct kpa_stat {
    double concurrency;         /* AverageConcurrentRequests */
    double proxied_concurrency; /* AverageProxiedConcurrentRequests */
    double rps;                 /* RequestCount per second */
    double proxied_rps;         /* ProxiedRequestCount per second */
};

/* Why the decision differs from what the windows alone ask for. */
enum kpa_limit {
    KPA_LIMIT_SCALE_UP_RATE = 1u << 0,   /* max-scale-up-rate */
    KPA_LIMIT_SCALE_DOWN_RATE = 1u << 1, /* max-scale-down-rate */
    KPA_LIMIT_ACTIVATION_SCALE = 1u << 2,
    KPA_LIMIT_PANIC_HOLD = 1u << 3,       /* no scale-down while panicking */
    KPA_LIMIT_SCALE_DOWN_DELAY = 1u << 4, /* scale-down-delay window */
};

struct kpa_scale_result {
    bool valid; /* false: no data yet, the decision is ignored */
    int32_t desired;
    int32_t ebc;   /* excess burst capacity: negative keeps the activator in path */
    double stable; /* observed revision totals Scale used */
    double panic;
    bool panic_mode;
    int32_t recommended; /* ceil(observed / target) before rates, panic and delay */
    unsigned limits;     /* enum kpa_limit bits */
};

struct kpa;

/* ready_at_creation > 1 starts the decider in panic, as an autoscaler
 * restart does upstream (newAutoscaler). */
struct kpa *kpa_create(const struct kpa_config *cfg, int32_t ready_at_creation, pp_time now);
void kpa_destroy(struct kpa *k);

/* Scraper pod sampling (stats_scraper.go, sample_size.go): how many of n
 * ready pods are scraped, and the revision stat extrapolated from the first
 * sample_size of them (sum / sample × n). */
uint32_t kpa_sample_size(uint32_t pods);
struct kpa_stat kpa_scrape_combine(const struct kpa_stat *pods, uint32_t n);

/* A decider for cfg that carries on from old (which it frees): the windows
 * keep the seconds that fit (Knative's ResizeWindow), panic state, desired
 * scale and EBC carry over, the scale-down-delay history when its size
 * is unchanged. */
struct kpa *kpa_reconfigure(struct kpa *old, const struct kpa_config *cfg);
/* Records a stat at now into all four windows (collector.record). */
void kpa_record(struct kpa *k, pp_time now, const struct kpa_stat *stat);
/* True when an activator stat should run Scale at once (MultiScaler.Poke). */
bool kpa_wants_poke(const struct kpa *k, const struct kpa_stat *stat);
/* Scale(now) with `ready` ready pods; a valid result updates the status. */
struct kpa_scale_result kpa_scale(struct kpa *k, pp_time now, int32_t ready);

/* Decider status: desired scale (-1 until the first valid Scale) and EBC. */
int32_t kpa_desired(const struct kpa *k);
int32_t kpa_ebc(const struct kpa *k);
const struct kpa_config *kpa_config(const struct kpa *k);
/* Bytes this decider holds, for the memory budget. */
size_t kpa_footprint(const struct kpa *k);

#endif
