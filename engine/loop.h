/* The control loop: each second it advances the source (the simulated
 * cluster), runs every scaler whose period is due (KPA 2 s, HPA 15 s, lag its
 * stats period, cron its schedule), hands decisions to the actuator and
 * publishes a snapshot. Decisions, events and load reports go to a callback. */
#ifndef PODPILOT_LOOP_H
#define PODPILOT_LOOP_H

#include "engine/command.h"
#include "engine/kpa.h"
#include "engine/service.h"

enum loop_rec_kind {
    LOOP_DECISION,  /* a scaler decided: view */
    LOOP_EVENT,     /* reason, message, warning */
    LOOP_LOAD_DONE, /* a load test finished: load_spec, result */
    LOOP_COMMAND,   /* an operator command took effect this tick: cmd */
    LOOP_OBS,       /* what the source saw of svc this tick: obs */
    LOOP_TICK_END,  /* the tick is over: everything for it has been emitted */
};

/* One service as of the last tick: what the console and the printer read. */
struct loop_view {
    const char *service; /* namespace/name */
    enum svc_class cls;
    const char *metric; /* "concurrency", "rps", "cpu", a metric name, "inference_lag", "schedule" */
    double target;
    double panic_threshold; /* KPA: panic when the panic window reaches this × target × ready */
    double stable, panic; /* observed values; NaN where the scaler has none */
    bool panic_mode;
    int32_t recommended; /* what the scaler wants, before rates, windows and bounds */
    int32_t desired;     /* the scaler's decision */
    int32_t actual;      /* replicas asked of the cluster (after overrides) */
    int32_t ready;
    double gpu_util;     /* mean over ready pods, percent; NaN without GPUs */
    char reason[200];    /* the rule between recommendation and decision, upstream's words */
    const struct hpa_status *hpa; /* HPA services: conditions and metrics */
    bool pinned, paused;
    int32_t loads_running;
    char override[240]; /* the operator's overrides in force, "" when none */
};

/* A request start or end at a Seldon agent (second, server replica). */
#define LOOP_LAG_OP(sec, slot, end) ((int64_t)(sec) * 8192 + (int64_t)(slot) * 2 + ((end) ? 1 : 0))
#define LOOP_LAG_OP_SEC(op) ((op) / 8192)
#define LOOP_LAG_OP_SLOT(op) ((int32_t)(((op) % 8192) / 2))
#define LOOP_LAG_OP_END(op) (((op) % 2) == 1)

/* What the source saw of one service in one tick: exactly what its scaler
 * consumed, so that a recording of these replays every decision. */
struct loop_obs {
    int32_t ready, starting; /* pods */
    double demand;   /* requests in flight, time-averaged: in pods and held by the activator */
    double rps;      /* arrivals per second */
    double busy;     /* executing streams, time-averaged */
    double gpu_util; /* mean percent over ready pods; NaN without GPUs */
    struct kpa_stat pods;      /* KPA: the pods' reports as the scraper combines them */
    struct kpa_stat activator; /* KPA: what the activator saw (held plus proxied) */
    /* HPA services on a sync tick: the pods and metrics the controller read */
    bool hpa;
    size_t n_pods;
    const struct hpa_pod *hpa_pods;
    size_t n_metrics;
    const struct hpa_metric_obs *metrics;
    /* or, from a model of the pods (what-if), their samples: the loop reads
     * pods and metrics from them as from the simulated cluster's */
    const struct sim_pod_sample *hpa_samples;
    size_t n_samples;
    /* lag services: request starts and ends at the agents, in order */
    size_t n_lag;
    const int64_t *lag_ops; /* LOOP_LAG_OP */
};

struct loop_record {
    enum loop_rec_kind kind;
    double t; /* seconds since the start */
    size_t svc;
    const struct loop_view *view; /* LOOP_DECISION */
    bool warning;                 /* LOOP_EVENT */
    const char *reason;
    const char *message;
    size_t load; /* LOOP_LOAD_DONE */
    const struct svc_load *load_spec;
    const struct sim_load_result *result;
    const struct command *cmd;  /* LOOP_COMMAND */
    const struct loop_obs *obs; /* LOOP_OBS */
};

typedef void (*loop_emit_fn)(void *ctx, const struct loop_record *r);

struct loop;

/* Builds the simulated cluster and the scalers from set (which must outlive
 * the loop) and starts its loads. Fails, naming the service and field, on a
 * config a scaler refuses. */
struct loop *loop_create(const struct svc_set *set, loop_emit_fn emit, void *ctx,
                         struct pp_error *err);
/* The same scalers with no cluster: each tick's observations come from the
 * caller (loop_tick_observed), decisions go nowhere. Replay and what-if. */
struct loop *loop_create_observed(const struct svc_set *set, loop_emit_fn emit, void *ctx,
                                  struct pp_error *err);
void loop_destroy(struct loop *l);

/* Queues an operator command for the next tick. Checks it against the
 * services first: an unknown service, a knob the scaler does not have or a
 * value upstream would refuse fails here, and nothing changes. Safe to call
 * from another thread than the one that ticks. */
enum pp_status loop_submit(struct loop *l, const struct command *cmd, struct pp_error *err);
/* loop_submit's checks alone: nothing is queued. */
enum pp_status loop_check(const struct loop *l, const struct command *cmd, struct pp_error *err);

/* One tick: the second from the previous tick to the next. */
void loop_tick(struct loop *l);
/* One tick of a loop_create_observed loop; obs holds one entry per service. */
void loop_tick_observed(struct loop *l, const struct loop_obs *obs);
/* Whether the next tick runs svc's HPA sync (and so reads obs.hpa). */
bool loop_hpa_due(const struct loop *l, size_t svc);

/* Seconds since the start, as of the last tick. */
int64_t loop_elapsed(const struct loop *l);
/* True once every load has finished. */
bool loop_loads_done(const struct loop *l);

size_t loop_service_count(const struct loop *l);
/* The GPU utilization (percent) of each ready pod of svc as of the last
 * tick, from the simulated cluster; 0 pods without GPUs or in replay. */
size_t loop_pod_gpu(const struct loop *l, size_t svc, double *out, size_t cap);
/* `kubectl describe hpa` for an HPA service, as of the last tick; "" and 0
 * for other classes. Returns the full length (buf holds size-1 of it). */
size_t loop_describe(const struct loop *l, size_t svc, char *buf, size_t size);
const struct loop_view *loop_view(const struct loop *l, size_t svc);

#endif
