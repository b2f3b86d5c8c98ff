/* `kubectl describe hpa` text for an engine HPA, byte for byte as kubectl
 * prints it (describeHorizontalPodAutoscalerV2 through Go's tabwriter). */
#ifndef PODPILOT_HPA_DESCRIBE_H
#define PODPILOT_HPA_DESCRIBE_H

#include "engine/common.h"
#include "engine/hpa.h"

/* What the engine does not keep: object metadata. Labels and annotations
 * are "key=value" / "key: value" lines already sorted by key. */
struct hpa_meta {
    const char *name, *namespace;
    const char *const *labels; /* "app=web" */
    size_t n_labels;
    const char *const *annotations; /* "serving.kserve.io/deploymentMode: RawDeployment" */
    size_t n_annotations;
    const char *creation; /* RFC 1123Z text, "Sat, 11 May 2024 17:15:47 +0800" */
    const char *target_kind, *target_name;
    const char *const *target_text; /* spec.metrics[i] target as written ("50"), or NULL */
};

/* Writes the text into buf (NUL-terminated, truncated to size) and returns
 * its full length. Event ages are relative to `now`. */
size_t hpa_describe(const struct hpa *h, const struct hpa_meta *meta, pp_time now, char *buf,
                    size_t size);

/* Go's text/tabwriter with kubectl's settings (minwidth 0, padding 2,
 * spaces): cells end at '\t', a column is aligned over each run of
 * consecutive lines that have it. Returns the formatted length. */
size_t hpa_tabwrite(const char *in, size_t len, char *out, size_t size);

/* apimachinery's duration.HumanDuration: 45s, 6m2s, 38m, 3h10m, 5d. */
void hpa_human_duration(pp_time d, char *buf, size_t size);

#endif
