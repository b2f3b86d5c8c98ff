/* Seldon Core 2 (v2.9.1) model autoscaling on inference lag: the agents'
 * per-replica lag gauge and last-used time, the stats pass that turns them
 * into SCALE_UP / SCALE_DOWN triggers, the scheduler's one-step decision,
 * placement on the Server's replicas, the model state and timestamps that
 * gate the next decision, and the server autoscaling it sets off.
 * One model on one Server, as specs/lag-spec.md §7 fixes the determinism.
 * Times are whole seconds on the engine's clock. */
#ifndef PODPILOT_LAG_H
#define PODPILOT_LAG_H

#include "engine/common.h"

struct lag_config {
    /* agent (per Server, env of the agent container) */
    int32_t lag_threshold;    /* SELDON_MODEL_INFERENCE_LAG_THRESHOLD */
    int32_t inactive_seconds; /* SELDON_MODEL_INACTIVE_SECONDS_THRESHOLD */
    int32_t stats_period_s;   /* SELDON_SCALING_STATS_PERIOD_SECONDS */
    /* scheduler */
    int32_t stable_seconds;          /* modelScalingCoolingDownSeconds: a constant, 60 */
    bool model_autoscaling_enabled;  /* --enable-model-autoscaling (ENABLE_MODEL_AUTOSCALING) */
    bool server_autoscaling_enabled; /* --enable-server-autoscaling (ENABLE_SERVER_AUTOSCALING) */
    /* the simulated cluster's timing: not upstream logic */
    int32_t load_delay_s;
    int32_t unload_delay_s;
    int32_t server_start_delay_s;
};

/* The agent binary's own defaults (5 s period, threshold 30, 30 s idle),
 * what runs when nothing sets the env. Model autoscaling is on here because
 * a user asking podpilot to run the lag scaler wants it on; upstream's flag
 * defaults to off. */
void lag_config_agent_defaults(struct lag_config *cfg);
/* The Helm chart's (20 s period, threshold 30, 600 s idle). */
void lag_config_helm_defaults(struct lag_config *cfg);

/* Applies settings under Seldon's names over cfg: the three SELDON_* env
 * variables, ENABLE_MODEL_AUTOSCALING, ENABLE_SERVER_AUTOSCALING, and
 * podpilot's sim keys "loadDelay", "unloadDelay", "serverStartDelay"
 * (Go durations). "defaults: agent|helm" first resets to that set. Unknown
 * keys and bad values fail with the key named. */
enum pp_status lag_config_resolve(const struct pp_kv *kv, size_t n, struct lag_config *cfg,
                                  struct pp_error *err);

/* Whether a Seldon Core 2 version ("v2.9.1", "2.10.0") still runs model
 * autoscaling: 2.10 force-disabled it in agent and scheduler. False also
 * for text that is not a version. */
bool lag_upstream_runs(const char *version);

struct lag_model_spec {
    const char *name;
    int32_t version;
    int32_t replicas;                   /* 0: unset (the CR default is minReplicas, else 1) */
    int32_t min_replicas, max_replicas; /* 0: unset; both unset = no autoscaling */
};

/* The Server replicas one model's scheduler places at most: the simulated
 * cluster's pods a service (SIM_MAX_PODS). */
#define LAG_MAX_SLOTS 1024

struct lag_server_spec {
    int32_t replicas;
    int32_t min_replicas, max_replicas; /* for server autoscaling */
};

/* GetValidatedScalingSpec: fills the replicas default and refuses
 * replicas < minReplicas, replicas > maxReplicas (when set) and negatives,
 * naming the field ("spec.replicas"). */
enum pp_status lag_model_validate(struct lag_model_spec *m, struct pp_error *err);

enum lag_trigger { LAG_SCALE_UP, LAG_SCALE_DOWN };

enum lag_model_state { LAG_AVAILABLE, LAG_PROGRESSING, LAG_SCHEDULE_FAILED };

enum lag_reject {
    LAG_ACCEPTED,
    LAG_NOT_AVAILABLE,  /* "Cannot scale model version m" */
    LAG_NOT_STABLE,     /* "Model m has changed status recently, skip scaling" */
    LAG_NO_AUTOSCALING, /* "No autoscaling for model m" */
    LAG_VIOLATES_MIN,   /* "Violating min replicas 1 / 0 for model m" */
    LAG_VIOLATES_MAX,   /* "Violating max replicas 3 / 4 for model m" */
};

/* What the scheduler knows when a trigger arrives. */
struct lag_view {
    const char *model;
    int32_t replicas, min_replicas, max_replicas;
    enum lag_model_state state;
    int64_t state_changed_at;
};

struct lag_decision {
    enum lag_reject reject;
    int32_t target; /* replicas after: ±1, or unchanged when rejected */
    char message[160];
};

/* Server.applyModelScaling for one trigger, pure: at most one replica up or
 * down; up only while Available; down only when the state is older than
 * the stable window (strictly); within min (and at least 1) and max. */
void lag_decide(const struct lag_view *v, enum lag_trigger trigger, int64_t now,
                int32_t stable_seconds, struct lag_decision *out);

const char *lag_state_name(enum lag_model_state s);
const char *lag_reject_name(enum lag_reject r); /* "not_stable", ... */
const char *lag_trigger_name(enum lag_trigger t);

/* ---- one model on one Server ---- */

enum lag_replica_state {
    LAG_REPLICA_NONE,
    LAG_REPLICA_LOAD_REQUESTED,
    LAG_REPLICA_AVAILABLE,
    LAG_REPLICA_UNLOAD_REQUESTED,
    LAG_REPLICA_UNLOADED,
};
const char *lag_replica_state_name(enum lag_replica_state s); /* "LoadRequested" */

/* A model replica already loaded when the engine starts. */
struct lag_initial_replica {
    int32_t idx;
    int64_t lag;
    int64_t last_used;
    int64_t available_at;
};

enum lag_record_kind {
    /* cluster transitions */
    LAG_LOAD_REQUESTED,
    LAG_REPLICA_AVAILABLE_EV,
    LAG_UNLOAD_REQUESTED,
    LAG_REPLICA_UNLOADED_EV,
    LAG_SCHEDULE_FAILED_EV,
    LAG_SCHEDULED_WITH_MIN,
    LAG_SERVER_SCALE_REQUEST,
    LAG_SERVER_SCALE_UP_SKIPPED,
    LAG_SERVER_REPLICA_CONNECTED,
    LAG_SERVER_REPLICA_REMOVED,
    /* an agent's trigger, then the scheduler's handling of it */
    LAG_TRIGGER,
    LAG_DECISION,
};

struct lag_record {
    enum lag_record_kind kind;
    int64_t t;
    int32_t replica; /* server replica index, -1 when none */
    /* LAG_TRIGGER / LAG_DECISION */
    enum lag_trigger trigger;
    int64_t amount; /* lag (up) or last-used second (down) */
    const struct lag_decision *decision;
    int32_t replicas_before;
    /* schedule and server events */
    int32_t desired, placed, server_replicas;
    int32_t from_replicas, to_replicas;
    bool up, accepted;
    const char *why; /* "scaling_event" | "reschedule", or a skip reason */
};

typedef void (*lag_emit_fn)(void *ctx, const struct lag_record *r);

struct lag;

/* The model must have passed lag_model_validate. Copies what it keeps.
 * Initial replicas outside the Server's replicas are ignored. */
struct lag *lag_create(const struct lag_config *cfg, const struct lag_model_spec *model,
                       const struct lag_server_spec *server,
                       const struct lag_initial_replica *initial, size_t n_initial,
                       int64_t state_changed_at);
void lag_destroy(struct lag *l);

/* Requests on server replica `replica` (the agent's reverse proxy): each
 * start adds 1 to the lag and stamps last-used, each end takes 1 off but
 * never below 0. Ignored where the model has no stats. */
/* A run-time change of the agent's and scheduler's settings; replica state
 * carries over. */
void lag_set_config(struct lag *l, const struct lag_config *cfg);
void lag_request_start(struct lag *l, int32_t replica, int64_t now);
void lag_request_end(struct lag *l, int32_t replica);

/* Applies the cluster transitions (loads, unloads, server pods connecting)
 * due at or before `now`, emitting them. lag_tick starts with this too; a
 * caller that feeds requests calls it first so that requests reach replicas
 * that became available meanwhile. */
void lag_advance(struct lag *l, int64_t now, lag_emit_fn emit, void *ctx);

/* One stats period ending at `now`: due cluster transitions, every agent's
 * stats pass (lag, then last-used; agents by index), the scheduler on each
 * trigger in turn, transitions that became due meanwhile. Every record goes
 * to emit in order. Allocates nothing. */
void lag_tick(struct lag *l, int64_t now, lag_emit_fn emit, void *ctx);

/* Read-only view after a tick. */
struct lag_status {
    int32_t replicas; /* the scheduler's desired replicas */
    int32_t available;
    enum lag_model_state state;
    int64_t state_changed_at;
    int32_t server_replicas;  /* Server spec replicas */
    int32_t server_connected; /* agents connected */
};
void lag_status(const struct lag *l, struct lag_status *out);
int32_t lag_replica_capacity(const struct lag *l);
enum lag_replica_state lag_replica(const struct lag *l, int32_t idx);
/* false when that agent keeps no stats for the model */
bool lag_agent(const struct lag *l, int32_t idx, int64_t *lag, int64_t *last_used);

#endif
