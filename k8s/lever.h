/* Which object an operator's override of a live service writes, and what
 * it writes there: each autoscaler's own lever, never an object its
 * controller would revert (live-mode spec §2.6). A plain HPA's min/max and
 * behavior; a KServe-owned HPA's InferenceService; a Knative Revision's
 * autoscaling.knative.dev annotations (>= 1.21) or its PodAutoscaler's
 * (before); a ScaledObject's autoscaling.keda.sh pause annotations; a
 * Seldon Model's replicas; a bare Deployment's /scale.
 *
 * Every plan keeps what it changes in the object's podpilot.io/original
 * annotation (JSON: pointer -> the value before, null = absent), so that
 * unpin, resume and `target reset` put back exactly what was there, even
 * after podpilot restarts. Pure: objects in, request bodies out; the I/O
 * is k8s/steer's. */
#ifndef PODPILOT_LEVER_H
#define PODPILOT_LEVER_H

#include "engine/command.h"
#include "engine/service.h"

struct cJSON;

#define LEVER_ORIGINAL "podpilot.io/original"

enum lever_kind {
    LEVER_HPA,      /* autoscaling/v2 HorizontalPodAutoscaler */
    LEVER_ISVC,     /* serving.kserve.io InferenceService */
    LEVER_REVISION, /* serving.knative.dev Revision (Knative >= 1.21) */
    LEVER_PA,       /* autoscaling.internal.knative.dev PodAutoscaler (< 1.21) */
    LEVER_KEDA,     /* keda.sh ScaledObject */
    LEVER_MODEL,    /* mlops.seldon.io Model */
    LEVER_SCALE,    /* apps/v1 Deployment, replicas through /scale */
};

/* Where a write goes. */
struct lever_object {
    enum lever_kind kind;
    const char *api;       /* "autoscaling/v2" (static) */
    const char *resource;  /* "horizontalpodautoscalers" (static) */
    const char *kind_name; /* "HorizontalPodAutoscaler" (static) */
    const char *label;     /* "HPA", as the why column says it (static) */
    char ns[64], name[SVC_NAME_MAX];
};

#define LEVER_KINDS (LEVER_SCALE + 1)

void lever_object_init(struct lever_object *o, enum lever_kind kind, const char *ns,
                       const char *name);

/* The API path of o (its /scale when scale), as the client sends it. */
void lever_path(const struct lever_object *o, bool scale, char *out, size_t size);
/* The group of o's API, "" for the core group ("autoscaling"). */
void lever_group(const struct lever_object *o, char *out, size_t size);

/* The lever for service c. scaler: the object c's scaler reads (its HPA,
 * ScaledObject, Model, PodAutoscaler; NULL for a bare Deployment); its
 * ownerReferences say whether KServe owns it. knative_minor: the cluster's
 * Knative Serving 1.x minor (-1: unknown, which a KPA service needs). */
enum pp_status lever_for(const struct svc_config *c, const struct cJSON *scaler, int knative_minor,
                         struct lever_object *out, struct pp_error *err);

#define LEVER_EDITS 12

/* One field: its JSON pointer (RFC 6901) and its new value (NULL: remove it). */
struct lever_edit {
    char ptr[192];
    struct cJSON *value;
};

struct lever_plan {
    struct lever_object obj;
    size_t n;
    struct lever_edit e[LEVER_EDITS]; /* the original annotation's last */
    bool scale; /* LEVER_SCALE's replicas: a PUT of /scale after the annotation */
    int32_t replicas;
    char what[200]; /* "min=max=3", "paused-replicas=3" */
};

/* The plan for cmd on obj (the lever's object as just read). current: the
 * replicas the service has (pause holds there where the lever has no
 * pause of its own). Restoring verbs (unpin, resume, target reset) take
 * the values from the original annotation; a refusal names why ("KEDA has
 * no target on trigger 0 (cpu)"). */
enum pp_status lever_plan(const struct lever_object *o, const struct cJSON *obj,
                          const struct command *cmd, int32_t current, struct lever_plan *out,
                          struct pp_error *err);
/* Every value the original annotation holds put back, the annotation
 * removed (podpilot restore). False when obj holds none. */
bool lever_plan_restore_all(const struct lever_object *o, const struct cJSON *obj,
                            struct lever_plan *out, struct pp_error *err);
void lever_plan_fini(struct lever_plan *p);

/* The request body for p on obj with obj's resourceVersion as the
 * precondition: a merge patch (RFC 7386), or a JSON patch (RFC 6902)
 * when an edit is an array element. *content_type is static. malloc'd. */
char *lever_render(const struct lever_plan *p, const struct cJSON *obj, const char **content_type);

/* The original annotation of obj, parsed (NULL: none or not JSON). */
struct cJSON *lever_originals(const struct cJSON *obj);

/* The value at pointer ptr in obj, or NULL. */
const struct cJSON *lever_at(const struct cJSON *obj, const char *ptr);

#endif
