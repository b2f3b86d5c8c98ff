/* A service as the engine runs it — its name, its scaler's configuration and
 * what the simulated cluster knows of its pods — and the set of them that one
 * run reads from manifests, with the loads to put on them. */
#ifndef PODPILOT_SERVICE_H
#define PODPILOT_SERVICE_H

#include "engine/common.h"
#include "engine/cron.h"
#include "engine/hpa.h"
#include "engine/keda.h"
#include "engine/kpa_config.h"
#include "engine/lag.h"
#include "engine/load.h"
#include "engine/pod_spec.h"
#include "engine/tz.h"

#define SVC_NAME_MAX 160
#define SVC_MAX_JOBS 32
#define SVC_MAX_EXCLUDES 32
#define SVC_MAX_KV 64

/* SVC_NONE: a workload no scaler acts on (yet): fixed replicas. SVC_KEDA:
 * a ScaledObject and the HPA it generates (svc_config.hpa). */
enum svc_class { SVC_KPA, SVC_HPA, SVC_LAG, SVC_CRON, SVC_KEDA, SVC_NONE };

/* Whether the class's decisions come from an HPA (its own or KEDA's). */
bool svc_class_has_hpa(enum svc_class c);

/* A CronHorizontalPodAutoscaler acting on the service. */
struct svc_cron {
    bool set;
    char name[SVC_NAME_MAX];
    char zone[64]; /* the controller's time zone, "" = UTC */
    struct cron_spec spec;
    struct cron_job_spec jobs[SVC_MAX_JOBS];
    const char *excludes[SVC_MAX_EXCLUDES];
};

struct svc_config {
    char name[SVC_NAME_MAX]; /* the scaled workload: "flowers-sample-predictor" */
    char namespace_[64];
    char origin[SVC_NAME_MAX + 64]; /* "file.yaml:3" where it was declared */
    char scaler_name[SVC_NAME_MAX]; /* the HPA / Model / PodAutoscaler object */
    char owner[SVC_NAME_MAX];       /* the InferenceService or Model it came from */
    char url[320];                  /* where a load test goes: the predictor's predict URL from the
                                     * InferenceService's status.url, a Knative Service's; "" */
    enum svc_class cls;
    struct kpa_config kpa;
    /* what kpa was resolved from (annotations, config-autoscaler keys), so a
     * run-time change can be validated as the webhook would */
    struct pp_kv kpa_kv[SVC_MAX_KV];
    size_t n_kpa_kv;
    struct hpa_spec hpa;
    struct keda_spec keda; /* SVC_KEDA: hpa is the HPA it generates */
    struct lag_config lag;
    struct lag_model_spec lag_model;
    struct lag_server_spec lag_server;
    struct svc_cron cron;
    struct tz *cron_tz;    /* loaded from cron.zone by the caller; owned by the set */
    int32_t replicas;      /* replicas before any scaler acts (Deployment spec) */
    int32_t initial_ready; /* of those, ready at the start; the rest cold-start */
    struct pod_spec pods;  /* the pod template's requests, GPUs, containerConcurrency */
};

/* A load on a service from the start of the run (hey flags, Poisson, trace). */
struct svc_load {
    size_t svc;
    char text[256];        /* what the user wrote, for reports */
    struct pp_error where; /* file, line, column and field it was written at */
    char dir[256];         /* a trace file's path is relative to this */
    bool parsed;           /* load holds text's meaning */
    struct load_spec load;
};

struct sim_pod_model; /* the simulated cluster's (engine/sim.h) */

struct svc_set {
    struct svc_config *svcs;
    size_t n, cap;
    /* per service, how its pods behave in the simulated cluster: a live
     * cluster's services do not read it */
    struct sim_pod_model *sim_pods;
    struct svc_load *loads;
    size_t n_loads, loads_cap;
    uint64_t seed;
    pp_time start;    /* engine time of t = 0 */
    pp_time duration; /* how long to run; 0 = the caller's default */
    char **strings;   /* owned by the set: names the configs point at */
    size_t n_strings, strings_cap;
    struct load_trace_point **traces;
    size_t n_traces, traces_cap;
};

void svc_set_init(struct svc_set *set);
void svc_set_fini(struct svc_set *set);
/* A new service with the engine's defaults for every scaler and pod. */
struct svc_config *svc_set_add(struct svc_set *set, const char *name, const char *ns);
/* The workload ns/name, or NULL. */
struct svc_config *svc_set_find(struct svc_set *set, const char *ns, const char *name);
/* Whether name means s: its workload name or the InferenceService or Model
 * it came from, bare or as namespace/name. */
bool svc_matches(const struct svc_config *s, const char *name);
/* The service name means, or set->n when none does or the name is in
 * several namespaces. A workload's name beats an owner's; an owner with
 * several components (predictor, transformer) means the first. */
size_t svc_set_match(const struct svc_set *set, const char *name);
/* Whether name means service i as it means svc (resolved): the same kind
 * of match in the same namespace, e.g. the other components of an owner. */
bool svc_same_target(const struct svc_set *set, size_t svc, const char *name, size_t i);
/* svc_set_match with a message on failure (field: where name came
 * from): no such service lists the services; a bare name in several
 * namespaces lists the candidates as namespace/name. */
enum pp_status svc_set_resolve(const struct svc_set *set, const char *name, const char *field,
                               size_t *svc, struct pp_error *err);
struct svc_load *svc_set_add_load(struct svc_set *set, size_t svc);
/* Copies s into the set; the copy lives as long as the set. */
const char *svc_set_strdup(struct svc_set *set, const char *s);
/* Copies n trace points into the set. */
const struct load_trace_point *svc_set_trace(struct svc_set *set, const struct load_trace_point *p,
                                             size_t n);

const char *svc_class_name(enum svc_class c); /* "kpa", "hpa", "lag", "cron" */
/* As a column shows it: "KPA", "HPA", "LAG", "CRON", "-" (none). */
const char *svc_class_label(enum svc_class c);

#endif
