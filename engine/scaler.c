#include "engine/scaler.h"

#include <stddef.h>

/* The scaler of each class; SVC_CRON services are the CronHPA alone. */
static const struct scaler_ops *const by_class[] = {
    [SVC_KPA] = &scaler_kpa, [SVC_HPA] = &scaler_hpa,  [SVC_LAG] = &scaler_lag,
    [SVC_CRON] = NULL,       [SVC_KEDA] = &scaler_hpa, [SVC_NONE] = NULL,
};

size_t scaler_stack(const struct svc_config *c, const struct scaler_ops **out) {
    size_t n = 0;
    if (c->cron.set)
        out[n++] = &scaler_cron;
    if (c->cls == SVC_KEDA)
        out[n++] = &scaler_keda;
    if ((size_t)c->cls < sizeof(by_class) / sizeof(by_class[0]) && by_class[c->cls])
        out[n++] = by_class[c->cls];
    return n;
}
