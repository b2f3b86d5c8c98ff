/* The custom and external metrics APIs as the HPA controller reads them
 * (k8s.io/metrics' custom_metrics and external_metrics clients):
 *   Pods      GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/NS/pods/x/METRIC
 *                 ?labelSelector=TARGET'S SELECTOR[&metricLabelSelector=SEL]  (x: *)
 *   Object    GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/NS/RESOURCE/NAME/METRIC
 *                 [?metricLabelSelector=SEL]   (RESOURCE: the kind's plural[.group])
 *   External  GET /apis/external.metrics.k8s.io/v1beta1/namespaces/NS/METRIC
 *                 [?labelSelector=SEL]
 * Selectors as labels.Selector prints them: requirements sorted by key,
 * "k=v", "k in (a,b)", "k notin (a,b)", "k", "!k"; escaped for a query. */
#ifndef PODPILOT_CUSTOM_METRICS_H
#define PODPILOT_CUSTOM_METRICS_H

#include "engine/hpa.h"

#include <cjson/cJSON.h>

/* A LabelSelector object ({matchLabels, matchExpressions}) as a selector
 * string; "" for none. Returns the full length (out holds size-1). */
size_t custom_metrics_selector(const cJSON *sel, char *out, size_t size);

/* The path to poll for metric i of hpa (an autoscaling/v2 object), whose
 * target's pods are selected by target_selector; false when the metric is
 * not a Pods, Object or External one, or is malformed. */
bool custom_metrics_path(const cJSON *hpa, size_t i, const cJSON *target_selector, char *out,
                         size_t size);

/* An answer (the list's items; NULL after a failed poll, with `error`) into
 * what the HPA reads for a metric of type t: a Pods metric one sample per
 * pod (vals/present index-aligned with names, window 60 s where the adapter
 * gives none), an Object metric the one value, an External one the sum.
 * errbuf holds an error the answer itself makes (an Object answer that is
 * not exactly one value). */
void custom_metrics_obs(enum hpa_metric_type t, const cJSON *items, const char *error,
                        const char *const *names, size_t n_pods, int64_t *vals, bool *present,
                        pp_time now, char *errbuf, size_t errsize, struct hpa_metric_obs *out);

#endif
