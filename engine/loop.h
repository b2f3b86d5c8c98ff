/* The control loop: each second it advances the source (the simulated
 * cluster), runs every scaler whose period is due (KPA 2 s, HPA 15 s, lag its
 * stats period, cron its schedule), hands decisions to the actuator and
 * publishes a snapshot. Decisions, events and load reports go to a callback. */
#ifndef PODPILOT_LOOP_H
#define PODPILOT_LOOP_H

#include "engine/service.h"

enum loop_rec_kind { LOOP_DECISION, LOOP_EVENT, LOOP_LOAD_DONE };

/* One service as of the last tick: what the console and the printer read. */
struct loop_view {
    const char *service; /* namespace/name */
    enum svc_class cls;
    const char *metric; /* "concurrency", "rps", "cpu", a metric name, "inference_lag", "schedule" */
    double target;
    double stable, panic; /* observed values; NaN where the scaler has none */
    bool panic_mode;
    int32_t recommended; /* what the scaler wants, before rates, windows and bounds */
    int32_t desired;     /* the decision */
    int32_t actual;      /* replicas asked of the cluster */
    int32_t ready;
    double gpu_util;     /* mean over ready pods, percent; NaN without GPUs */
    char reason[200];    /* the rule between recommendation and decision, upstream's words */
    const struct hpa_status *hpa; /* HPA services: conditions and metrics */
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
};

typedef void (*loop_emit_fn)(void *ctx, const struct loop_record *r);

struct loop;

/* Builds the cluster and the scalers from set (which must outlive the loop)
 * and starts its loads. Fails, naming the service and field, on a config a
 * scaler refuses. */
struct loop *loop_create(const struct svc_set *set, loop_emit_fn emit, void *ctx,
                         struct pp_error *err);
void loop_destroy(struct loop *l);

/* One tick: the second from the previous tick to the next. */
void loop_tick(struct loop *l);
/* Seconds since the start, as of the last tick. */
int64_t loop_elapsed(const struct loop *l);
/* True once every load has finished. */
bool loop_loads_done(const struct loop *l);

size_t loop_service_count(const struct loop *l);
const struct loop_view *loop_view(const struct loop *l, size_t svc);

#endif
