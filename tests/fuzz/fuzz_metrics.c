/* libFuzzer: any bytes as what a cluster sends about custom and external
 * metrics: as an HPA object, every metric's query path and selector; as a
 * metrics API's answer, read as each metric type reads it. */
#include <stdint.h>
#include <stdlib.h>

#include "k8s/custom_metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (!j)
        return 0;
    char out[2048];
    custom_metrics_selector(j, out, sizeof(out));
    for (size_t i = 0; i < 8; i++)
        custom_metrics_path(j, i, cJSON_GetObjectItemCaseSensitive(j, "selector"), out,
                            sizeof(out));
    const char *const names[] = {"p-1", "p-2", NULL};
    int64_t vals[3];
    bool present[3];
    char err[200];
    struct hpa_metric_obs o;
    const cJSON *items = cJSON_IsArray(j) ? j : cJSON_GetObjectItemCaseSensitive(j, "items");
    static const enum hpa_metric_type types[] = {HPA_PODS, HPA_OBJECT, HPA_EXTERNAL};
    for (size_t t = 0; t < 3; t++)
        custom_metrics_obs(types[t], items, NULL, names, 3, vals, present, 0, err, sizeof(err), &o);
    cJSON_Delete(j);
    return 0;
}
