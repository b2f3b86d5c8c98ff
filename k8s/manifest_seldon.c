/* Seldon Core 2 Models on their Server: lag-based autoscaling. */
#include "k8s/manifest_internal.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Seldon Model ---- */

enum pp_status manifest_read_seldon(struct build *b, struct doc *d) {
    const yaml_node_t *spec = NULL;
    struct svc_config *s;
    if (manifest_named_service(b, d, &spec, &s) != PP_OK)
        return PP_ERR_INVALID;
    s->cls = SVC_LAG;
    snprintf(s->owner, sizeof(s->owner), "%s", d->name);
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", d->name);
    struct lag_model_spec *m = &s->lag_model;
    m->name = d->name;
    m->version = 1;
    if (ydoc_get_i32(b->err, &d->yd, spec, "replicas", "spec.replicas", INT32_MIN, &m->replicas,
                     NULL) ||
        ydoc_get_i32(b->err, &d->yd, spec, "minReplicas", "spec.minReplicas", INT32_MIN,
                     &m->min_replicas, NULL) ||
        ydoc_get_i32(b->err, &d->yd, spec, "maxReplicas", "spec.maxReplicas", INT32_MIN,
                     &m->max_replicas, NULL))
        return PP_ERR_INVALID;
    struct lag_model_spec check = *m;
    struct pp_error e = {0};
    if (lag_model_validate(&check, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    int32_t need = check.replicas;
    if (check.max_replicas > need)
        need = check.max_replicas;
    s->lag_server.replicas = need;
    s->replicas = s->initial_ready = check.replicas;
    return PP_OK;
}
