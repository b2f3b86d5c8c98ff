/* A live cluster as a source, in shadow mode: what the watched objects say
 * of each service's pods and metrics, handed to podpilot's scalers, and
 * what the cluster's own autoscaler decided beside it. Nothing is written
 * to the cluster (scale is NULL). */
#ifndef PODPILOT_SOURCE_KUBE_H
#define PODPILOT_SOURCE_KUBE_H

#include "engine/source.h"
#include "k8s/watch.h"

/* Which of the watcher's resources hold what. */
struct source_kube_index {
    size_t deployments, hpas, pods, pod_metrics;
};

/* The objects are copied from w at each tick's begin (when they changed):
 * the engine thread reads only its copies. */
struct source *source_kube_create(const struct svc_set *set, struct kube_watcher *w,
                                  const struct source_kube_index *idx, struct pp_error *err);

/* An RFC 3339 time ("2026-12-01T10:00:00Z", fractions and offsets too) as
 * engine time; false when it is not one. */
bool source_kube_time(const char *s, pp_time *out);

#endif
