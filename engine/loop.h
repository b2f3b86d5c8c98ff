/* The control loop: one tick per simulated or real second. A tick applies
 * the operator's commands, lets the source move to now, and for each
 * service observes it, steps its scalers (engine/scaler.h) and hands their
 * decision, through the overrides, to the source's actuator. Decisions,
 * events, observations and load reports go to a callback. */
#ifndef PODPILOT_LOOP_H
#define PODPILOT_LOOP_H

#include "engine/scaler.h"

enum loop_rec_kind {
    LOOP_DECISION,  /* a scaler decided: view */
    LOOP_EVENT,     /* reason, message, warning */
    LOOP_LOAD_DONE, /* a load test finished: load_spec, result */
    LOOP_COMMAND,   /* an operator command took effect this tick: cmd */
    LOOP_OBS,       /* what the source saw of svc this tick: obs */
    LOOP_TICK_END,  /* the tick is over: everything for it has been emitted */
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
    const struct load_result *result;
    const struct command *cmd;  /* LOOP_COMMAND */
    const struct loop_obs *obs; /* LOOP_OBS */
};

typedef void (*loop_emit_fn)(void *ctx, const struct loop_record *r);

struct loop;

/* The scalers of set's services on src (both must outlive the loop).
 * Fails, naming the service and field, on a config a scaler refuses. */
struct loop *loop_create(const struct svc_set *set, struct source *src, loop_emit_fn emit,
                         void *ctx, struct pp_error *err);
void loop_destroy(struct loop *l);

/* Queues an operator command for the next tick. Checks it against the
 * services first: an unknown service, a knob the scaler does not have or a
 * value upstream would refuse fails here, and nothing changes. Safe to call
 * from another thread than the one that ticks. */
enum pp_status loop_submit(struct loop *l, const struct command *cmd, struct pp_error *err);
/* loop_submit's checks alone: nothing is queued. */
enum pp_status loop_check(const struct loop *l, const struct command *cmd, struct pp_error *err);

/* One tick: the second from the previous tick to the next. False when the
 * source has ended (a recording's last tick is behind): nothing happened. */
bool loop_tick(struct loop *l);

/* Seconds since the start, as of the last tick. */
int64_t loop_elapsed(const struct loop *l);

/* The GPU utilization (percent) of each ready pod of svc as of the last
 * tick, where the source knows it; 0 pods otherwise. */
size_t loop_pod_gpu(const struct loop *l, size_t svc, double *out, size_t cap);
/* svc's exporter figures where the source has them (a live cluster);
 * none (n 0) otherwise. */
void loop_signals(const struct loop *l, size_t svc, struct source_signals *out);
/* `kubectl describe` of svc's scaler object (an HPA's), as of the last
 * tick; "" and 0 where it has none. Returns the full length (buf holds
 * size-1 of it). */
size_t loop_describe(const struct loop *l, size_t svc, char *buf, size_t size);
const struct loop_view *loop_view(const struct loop *l, size_t svc);
/* What svc's scalers read in the last tick (its pointers may be stale). */
const struct loop_obs *loop_observation(const struct loop *l, size_t svc);

#endif
