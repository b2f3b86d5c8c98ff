/* Operator overrides of one service: a pinned replica count, a pause, a
 * target in place of the manifest's, and scaler settings changed at run
 * time. The scaler keeps computing under a pin or a pause; only the
 * decision handed to the actuator changes. */
#ifndef PODPILOT_OVERRIDE_H
#define PODPILOT_OVERRIDE_H

#include "engine/service.h"

#define OVERRIDE_MAX_KNOBS 12

struct override_knob {
    char key[96];
    char value[256];
};

struct override {
    bool pinned;
    int32_t pin;
    bool paused;
    int32_t hold; /* replicas when paused */
    bool target_set;
    double target;
    size_t n_knobs; /* in the order given; a later one replaces an earlier */
    struct override_knob knobs[OVERRIDE_MAX_KNOBS];
};

/* The scaler settings the manifest and the overrides make, for c's class:
 * kpa (KPA), hpa (HPA; min/max start from hpa_min/hpa_max, where a CronHPA
 * may have moved them, when hpa_min > 0), lag (lag). Validated as upstream
 * validates an edit (Knative's webhook, the HPA's API validation, Seldon's
 * env parsing); err names the knob. */
struct override_config {
    struct kpa_config kpa;
    struct hpa_spec hpa;
    struct lag_config lag;
};
enum pp_status override_build(const struct svc_config *c, const struct override *ov,
                              int32_t hpa_min, int32_t hpa_max, struct override_config *out,
                              struct pp_error *err);

/* Adds or replaces knob key in ov; PP_ERR_LIMIT when ov is full. */
enum pp_status override_set_knob(struct override *ov, const char *key, const char *value,
                                 struct pp_error *err);

/* The replicas the actuator gets when the scaler decided `decided`. */
int32_t override_replicas(const struct override *ov, int32_t decided);

/* "pinned 3; target 5 (manifest 10); window=30s", "" when none. */
void override_text(const struct override *ov, double manifest_target, char *buf, size_t size);

/* Whether a KPA knob is a per-revision annotation (autoscaling.knative.dev/KEY)
 * rather than a config-autoscaler key. */
bool override_is_annotation(const char *key);

#endif
