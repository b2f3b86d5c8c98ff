/* The loop's own state, shared by its two files: loop.c (creation and
 * ticks) and loop_command.c (operator commands). Nothing else includes it. */
#ifndef PODPILOT_LOOP_INTERNAL_H
#define PODPILOT_LOOP_INTERNAL_H

#include "engine/loop.h"

#include <pthread.h>

#define QUEUE_CAP 256

struct layer {
    const struct scaler_ops *ops;
    void *st;
    struct scaler_ref below; /* ops NULL: the last of the stack */
};

struct rt {
    struct loop *l;
    size_t idx;
    const struct svc_config *cfg;
    char service[SVC_NAME_MAX + 66];
    struct loop_view view;
    int32_t replicas; /* what the actuator last asked of the cluster */
    struct override ov;
    double base_target; /* the manifest's */
    struct layer layers[SCALER_STACK_MAX];
    size_t n_layers;
    struct scaler_sink sink;
    pp_time disagree_since; /* live: when podpilot and the cluster last began to differ */
    char written[200];      /* active mode: where the overrides in force were written */
};

struct loop {
    const struct svc_set *set;
    struct source *src;
    const struct source_ops *so;
    loop_emit_fn emit;
    void *ctx;
    struct rt *rts;
    size_t n;
    int64_t elapsed;
    pp_time now;
    struct loop_obs *obs; /* per service, this tick's */
    int32_t *running;     /* per service, load tests running */
    /* commands: submitted from any thread, applied at the start of a tick */
    pthread_mutex_t mu;
    struct command *queue;
    size_t q_head, q_len;
    struct command applying;
};

static inline double elapsed_s(const struct loop *l) { return (double)l->elapsed; }

/* loop.c: the pieces of a tick that commands use too. */
/* loop_command.c: the finished writes of active mode, applied. */
void loop_reap_writes(struct loop *l);
void loop_emit_event(struct loop *l, size_t svc, bool warning, const char *reason,
                     const char *message);
void loop_actuate(struct loop *l, size_t svc, int32_t replicas);
/* The scaler of the service's class: the last of its stack, or NULL. */
const struct layer *loop_main_layer(const struct rt *r);

/* loop_command.c: the queue's commands, applied at the start of a tick. */
void loop_apply_commands(struct loop *l);

#endif
