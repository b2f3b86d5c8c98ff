/* Where a tick's observations come from and where decisions go: the
 * simulated cluster (source_sim), a recording (source_record), recorded
 * demand on what-if pods (source_whatif); a live cluster (k8s/source_kube).
 * The loop drives a source through these operations only. */
#ifndef PODPILOT_SOURCE_H
#define PODPILOT_SOURCE_H

#include "engine/command.h"
#include "engine/hpa.h"
#include "engine/kpa.h"
#include "engine/service.h"

/* A request start or end at a Seldon agent (second, server replica). */
#define LOOP_LAG_OP(sec, slot, end) ((int64_t)(sec)*8192 + (int64_t)(slot)*2 + ((end) ? 1 : 0))
#define LOOP_LAG_OP_SEC(op) ((op) / 8192)
#define LOOP_LAG_OP_SLOT(op) ((int32_t)(((op) % 8192) / 2))
#define LOOP_LAG_OP_END(op) (((op) % 2) == 1)

/* What a scaler reads besides the pod counts and demand (scaler_ops.needs). */
enum source_need {
    NEED_KPA_STATS = 1u << 0, /* the pods' and the activator's queue-proxy reports */
    NEED_HPA_SYNC = 1u << 1,  /* the pods and metrics an HPA sync reads */
    NEED_LAG_OPS = 1u << 2,   /* request starts and ends at the Seldon agents */
    NEED_KEDA_POLL = 1u << 3, /* each KEDA trigger's value, as its scaler answers */
};

/* What the source saw of one service in one tick: exactly what its scaler
 * consumed, so that a recording of these replays every decision. */
struct loop_obs {
    int32_t ready, starting; /* pods */
    double demand;        /* requests in flight, time-averaged: in pods and held by the activator */
    double rps;           /* arrivals per second */
    double busy;          /* executing streams, time-averaged */
    double gpu_util;      /* mean percent over ready pods; NaN without GPUs */
    struct kpa_stat pods; /* NEED_KPA_STATS: the pods' reports as the scraper combines them;
                           * concurrency NaN: no scrape this second */
    struct kpa_stat activator; /* NEED_KPA_STATS: what the activator saw (held plus proxied) */
    /* NEED_HPA_SYNC: the pods and metrics the controller read */
    bool hpa;
    size_t n_pods;
    const struct hpa_pod *hpa_pods;
    size_t n_metrics;
    const struct hpa_metric_obs *metrics;
    /* NEED_LAG_OPS: request starts and ends at the agents, in order */
    size_t n_lag;
    const int64_t *lag_ops; /* LOOP_LAG_OP */
    /* NEED_KEDA_POLL: trigger i's value, NaN where its scaler failed
     * (cpu and memory triggers are not read: their value is unused) */
    bool keda;
    size_t n_keda;
    const double *keda_values;
    /* a live cluster (shadow mode): the target's spec.replicas as the
     * cluster has it, which the scalers read instead of their own last
     * decision, and what the cluster's own autoscaler decided (-1: unknown) */
    bool live;
    int32_t target_replicas;
    int32_t cluster_desired;
    double cluster_metric; /* its first metric in status.currentMetrics, as view.stable; NaN */
    /* KPA: why the pods' stats could not be read this second (then
     * pods.concurrency is NaN and the KPA records nothing); NULL */
    const char *scrape_error;
};

/* A figure a service's own exporter reported (a live cluster: vLLM's
 * queue, OVMS's streams ratio), shown beside what the scalers read. */
struct source_signal {
    const char *name, *unit; /* static text */
    double value;            /* NaN: no pod told */
};

#define SOURCE_SIGNALS 4

struct source_signals {
    size_t n;
    struct source_signal v[SOURCE_SIGNALS];
    const char *exporter; /* "vllm" (static text) */
    char note[480];       /* who told them: ":8000/metrics: 3/3 pods, 2s ago" */
    uint64_t seq;         /* scrapes taken so far: a new one, new figures */
};

/* How a service starts: what its scaler asks before the first tick. */
struct source_plan {
    unsigned needs;       /* every source_need its scaler may ask */
    int32_t replicas;     /* pods to start with */
    const uint8_t *slots; /* non-NULL: the scaler places its pods itself; slot i ready or not */
    int32_t n_slots;
};

/* Recorded operator commands go back into the loop through this. */
struct source_submit {
    enum pp_status (*submit)(void *ctx, const struct command *cmd, struct pp_error *err);
    void *ctx;
};

/* A finished load test, as the loop reports it (LOOP_LOAD_DONE). */
typedef void (*source_load_done_fn)(void *ctx, size_t load, const struct svc_load *spec,
                                    const struct load_result *result);

/* A write to the cluster finished (active mode): ok, what happened
 * ("HPA ml/x min=max=3 written (merge patch, ...)"), and where it went
 * ("HPA ml/x min=max=3"). */
typedef void (*source_steered_fn)(void *ctx, size_t svc, const struct command *cmd, bool ok,
                                  const char *message, const char *where);

struct source_ops {
    const char *name; /* "sim", "recording", "what-if" */
    /* a cluster watched, not steered (shadow mode): operator overrides are
     * refused; load tests and stop still run */
    bool read_only;
    /* Before the first tick, with one plan per service. May be NULL. */
    enum pp_status (*start)(void *src, const struct source_plan *plans, size_t n,
                            struct pp_error *err);
    /* The tick at now begins: a recording reads it and submits the
     * commands it holds (before the queue's). False: the source has ended
     * and the tick does not happen. May be NULL. */
    bool (*begin)(void *src, pp_time now, const struct source_submit *to);
    /* After the commands: the world moves to now (the sim runs its events).
     * May be NULL. */
    void (*advance)(void *src, pp_time now);
    /* svc's observation at now, with what its scaler needs. Pointers in out
     * stay valid until release (or the next observe of svc). */
    void (*observe)(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *out);
    /* The observation has been used and recorded. May be NULL. */
    void (*release)(void *src, size_t svc);
    /* The actuator: svc to `replicas` pods. NULL: decisions go nowhere. */
    void (*scale)(void *src, size_t svc, int32_t replicas, pp_time now);
    /* A scaler that places its own pods (Seldon's scheduler): slot i of svc
     * ready or not. May be NULL. */
    void (*place)(void *src, size_t svc, const uint8_t *slots, int32_t n, pp_time now);
    /* KPA: requests to svc go through the activator, or straight to pods. May be NULL. */
    void (*route)(void *src, size_t svc, bool activator, pp_time now);
    /* Load tests: start (the command's flags, already parsed), stop svc's
     * (returns how many), and after each tick report the finished ones
     * and count the running ones per service (running[] zeroed by the
     * caller). All NULL where the source cannot load (a recording holds
     * what its loads did). */
    void (*load_start)(void *src, size_t svc, const struct command *cmd, pp_time now);
    int (*load_stop)(void *src, size_t svc, pp_time now);
    void (*loads)(void *src, int32_t *running, source_load_done_fn done, void *ctx);
    /* The GPU utilization of each of svc's ready pods at the last observe. May be NULL. */
    size_t (*pod_gpu)(const void *src, size_t svc, double *out, size_t cap);
    /* svc's exporter figures as of the last observe (n 0 without an
     * exporter). May be NULL. */
    void (*signals)(const void *src, size_t svc, struct source_signals *out);
    /* Active mode (a live cluster steered): an override is not applied
     * to the engine when given but written to the cluster by steer (on a
     * thread of the source's); steered reports the finished writes after
     * each tick's commands, and the loop applies those that landed.
     * steer_check says first whether cmd on svc can be written at all
     * (any thread). All NULL: overrides act on the engine alone. */
    enum pp_status (*steer_check)(void *src, size_t svc, const struct command *cmd,
                                  struct pp_error *err);
    void (*steer)(void *src, size_t svc, const struct command *cmd, int32_t current, pp_time now);
    void (*steered)(void *src, source_steered_fn done, void *ctx);
    void (*destroy)(void *src);
};

/* Every source starts with this; the implementation's state follows. */
struct source {
    const struct source_ops *ops;
};

void source_destroy(struct source *s);

#endif
