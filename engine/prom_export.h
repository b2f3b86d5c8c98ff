/* The session as Prometheus metrics: each service's decision, windows and,
 * in shadow mode, the cluster's decision and whether they agree, in the
 * text exposition format 0.0.4 (what `--metrics-addr` serves at /metrics).
 * Rebuilt after every tick into a buffer that is reused, so a steady state
 * allocates nothing. Pure: the HTTP side is app/metrics_http.
 *
 * Metrics (labels namespace, name, class; the value ones add metric):
 *   podpilot_info{version,source}                     1
 *   podpilot_session_seconds                          gauge
 *   podpilot_recommended_replicas, _desired_replicas, _actual_replicas,
 *   podpilot_ready_pods                               gauge
 *   podpilot_target, podpilot_stable_value, podpilot_panic_value  gauge
 *   podpilot_panic_mode                               gauge 0/1
 *   podpilot_gpu_utilization_percent                  gauge
 *   podpilot_cluster_desired_replicas, podpilot_agreement, podpilot_warming
 *                                                     gauge (shadow mode)
 *   podpilot_agreement_seconds_total{...,agree}       counter (shadow mode)
 * A sample whose value is unknown (NaN, a recommendation not made yet) is
 * left out, as an exporter leaves out what it cannot read. */
#ifndef PODPILOT_PROM_EXPORT_H
#define PODPILOT_PROM_EXPORT_H

#include "engine/buf.h"
#include "engine/loop.h"

struct prom_export;

/* source: "sim", "cluster", ... (podpilot_info's label). */
struct prom_export *prom_export_create(const struct svc_set *set, const char *version,
                                       const char *source);
void prom_export_destroy(struct prom_export *e);

/* After a tick: counts it and rebuilds the text from l's views. */
void prom_export_tick(struct prom_export *e, const struct loop *l);

/* The text as of the last tick (valid until the next prom_export_tick). */
const struct buf *prom_export_text(const struct prom_export *e);

#endif
