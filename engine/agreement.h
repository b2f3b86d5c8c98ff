/* Shadow mode's judgement of a disagreement: when podpilot's decision is
 * not the cluster's, the likeliest reason, in the order of how often each
 * explains one (../shared/specs/live-mode.md, "what shadow mode can and
 * cannot see"):
 *   1. warming up: upstream's stabilization window holds recommendations
 *      from before podpilot watched;
 *   2. a metric podpilot could not read (its HPA's ScalingActive is False),
 *      which the cluster's HPA may read;
 *   3. the cluster read another value: its status.currentMetrics differs
 *      from podpilot's beyond the tolerance (stale: it is not updated
 *      while a metric fails, kubernetes/kubernetes#119788; or another
 *      sample of the same metric);
 *   4. timing: it has lasted less than one sync period (each HPA syncs
 *      every 15 s at a phase podpilot cannot see);
 *   5. none of these: podpilot cannot explain it.
 * A KPA service has its own list: warming up (the stable window holds
 * stats from before podpilot watched), the pods' stats not scraped,
 * the activator's load (which only the cluster's autoscaler sees),
 * within one decision (every 2 s), unexplained. A CronHPA on a Deployment
 * (whose spec.replicas is its decision): within a second of a fire, or
 * the replicas set by someone else since. */
#ifndef PODPILOT_AGREEMENT_H
#define PODPILOT_AGREEMENT_H

#include "engine/scaler.h"

/* How long podpilot must watch a service before its decisions carry all
 * the history upstream's do: an HPA's longest stabilization window, a
 * KPA's stable window. */
pp_time agreement_warmup(const struct svc_config *c);

/* The reason for v's disagreement into out ("" when it agrees or the
 * cluster's decision is unknown). o: the tick's observation (its
 * cluster_metric: the first metric's value in the cluster's
 * status.currentMetrics, in the units of v->stable, NaN when none; its
 * scrape_error); watched: how long podpilot has watched; lasted: how long
 * this disagreement has lasted. */
void agreement_reason(const struct loop_view *v, const struct svc_config *c,
                      const struct loop_obs *o, pp_time watched, pp_time lasted, char *out,
                      size_t size);

#endif
