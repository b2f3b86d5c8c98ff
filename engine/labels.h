/* Label selectors as Kubernetes prints them: Go's %+v of a
 * *metav1.LabelSelector (its generated String()), which the HPA controller
 * puts in metric names and errors: "nil", or
 * &LabelSelector{MatchLabels:map[string]string{k:
 * v,},MatchExpressions:[]LabelSelectorRequirement{},} */
#ifndef PODPILOT_LABELS_H
#define PODPILOT_LABELS_H

#include "engine/common.h"

struct label_requirement {
    const char *key, *op; /* In, NotIn, Exists, DoesNotExist */
    const char *const *values;
    size_t n_values;
};

struct label_selector {
    const char *const *keys; /* matchLabels, in any order (printed sorted by key) */
    const char *const *values;
    size_t n_labels;
    const struct label_requirement *exprs; /* matchExpressions, in order */
    size_t n_exprs;
};

/* The text into buf (NUL-terminated, cut to size); returns the full length. */
size_t label_selector_text(const struct label_selector *s, char *buf, size_t size);

#endif
