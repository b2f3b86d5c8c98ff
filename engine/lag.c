#include "engine/lag.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration ---- */

static void common_defaults(struct lag_config *cfg) {
    cfg->lag_threshold = 30;
    cfg->stable_seconds = 60;
    cfg->model_autoscaling_enabled = true;
    cfg->server_autoscaling_enabled = true;
    cfg->load_delay_s = 10;
    cfg->unload_delay_s = 0;
    cfg->server_start_delay_s = 40;
}

void lag_config_agent_defaults(struct lag_config *cfg) {
    common_defaults(cfg);
    cfg->inactive_seconds = 30;
    cfg->stats_period_s = 5;
}

void lag_config_helm_defaults(struct lag_config *cfg) {
    common_defaults(cfg);
    cfg->inactive_seconds = 600;
    cfg->stats_period_s = 20;
}

static enum pp_status int_at_least(const char *key, const char *v, int32_t min, int32_t *out,
                                   struct pp_error *err) {
    int32_t x;
    if (!goparse_int32(v, &x))
        return pp_fail(err, PP_ERR_PARSE, key, "expected a whole number, got \"%s\"", v);
    if (x < min)
        return pp_fail(err, PP_ERR_INVALID, key, "must be at least %d, got %d", (int)min, (int)x);
    *out = x;
    return PP_OK;
}

static enum pp_status seconds(const char *key, const char *v, int32_t *out, struct pp_error *err) {
    pp_time d;
    if (!goparse_duration(v, &d))
        return pp_fail(err, PP_ERR_PARSE, key, "expected a duration like 10s or 1m, got \"%s\"", v);
    if (d < 0 || d % PP_NS_PER_SEC != 0 || d / PP_NS_PER_SEC > INT32_MAX)
        return pp_fail(err, PP_ERR_INVALID, key,
                       "must be a non-negative whole number of seconds, got \"%s\"", v);
    *out = (int32_t)(d / PP_NS_PER_SEC);
    return PP_OK;
}

enum pp_status lag_config_resolve(const struct pp_kv *kv, size_t n, struct lag_config *cfg,
                                  struct pp_error *err) {
    const char *defaults = pp_kv_get(kv, n, "defaults");
    if (defaults) {
        if (strcmp(defaults, "agent") == 0)
            lag_config_agent_defaults(cfg);
        else if (strcmp(defaults, "helm") == 0)
            lag_config_helm_defaults(cfg);
        else
            return pp_fail(err, PP_ERR_INVALID, "defaults", "expected agent or helm, got \"%s\"",
                           defaults);
    }
    for (size_t i = 0; i < n; i++) {
        const char *k = kv[i].key, *v = kv[i].value ? kv[i].value : "";
        enum pp_status s = PP_OK;
        if (strcmp(k, "defaults") == 0)
            continue;
        if (strcmp(k, "SELDON_MODEL_INFERENCE_LAG_THRESHOLD") == 0)
            s = int_at_least(k, v, 1, &cfg->lag_threshold, err);
        else if (strcmp(k, "SELDON_MODEL_INACTIVE_SECONDS_THRESHOLD") == 0)
            s = int_at_least(k, v, 0, &cfg->inactive_seconds, err);
        else if (strcmp(k, "SELDON_SCALING_STATS_PERIOD_SECONDS") == 0)
            s = int_at_least(k, v, 1, &cfg->stats_period_s, err);
        else if (strcmp(k, "ENABLE_MODEL_AUTOSCALING") == 0 ||
                 strcmp(k, "ENABLE_SERVER_AUTOSCALING") == 0) {
            bool b;
            if (!goparse_bool(v, &b))
                return pp_fail(err, PP_ERR_PARSE, k, "expected true or false, got \"%s\"", v);
            if (strcmp(k, "ENABLE_MODEL_AUTOSCALING") == 0)
                cfg->model_autoscaling_enabled = b;
            else
                cfg->server_autoscaling_enabled = b;
        } else if (strcmp(k, "loadDelay") == 0)
            s = seconds(k, v, &cfg->load_delay_s, err);
        else if (strcmp(k, "unloadDelay") == 0)
            s = seconds(k, v, &cfg->unload_delay_s, err);
        else if (strcmp(k, "serverStartDelay") == 0)
            s = seconds(k, v, &cfg->server_start_delay_s, err);
        else
            return pp_fail(err, PP_ERR_INVALID, k,
                           "unknown setting (known: SELDON_MODEL_INFERENCE_LAG_THRESHOLD, "
                           "SELDON_MODEL_INACTIVE_SECONDS_THRESHOLD, "
                           "SELDON_SCALING_STATS_PERIOD_SECONDS, ENABLE_MODEL_AUTOSCALING, "
                           "ENABLE_SERVER_AUTOSCALING, defaults, loadDelay, unloadDelay, "
                           "serverStartDelay)");
        if (s != PP_OK)
            return s;
    }
    return PP_OK;
}

bool lag_upstream_runs(const char *version) {
    if (!version)
        return false;
    const char *p = version;
    if (*p == 'v' || *p == 'V')
        p++;
    long part[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        if (!isdigit((unsigned char)*p))
            return false;
        char *end;
        part[i] = strtol(p, &end, 10);
        p = end;
        if (i == 0) {
            if (*p != '.')
                return false;
            p++;
        }
    }
    if (*p && *p != '.' && *p != '-' && *p != '+')
        return false;
    return part[0] == 2 && part[1] < 10;
}

enum pp_status lag_model_validate(struct lag_model_spec *m, struct pp_error *err) {
    if (m->min_replicas < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicas", "must be >= 0, got %d",
                       (int)m->min_replicas);
    if (m->max_replicas < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.maxReplicas", "must be >= 0, got %d",
                       (int)m->max_replicas);
    if (m->replicas < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.replicas", "must be >= 0, got %d",
                       (int)m->replicas);
    if (m->max_replicas > 0 && m->min_replicas > m->max_replicas)
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicas",
                       "minReplicas %d is above maxReplicas %d", (int)m->min_replicas,
                       (int)m->max_replicas);
    if (m->replicas == 0)
        m->replicas = m->min_replicas > 0 ? m->min_replicas : 1;
    if (m->replicas < m->min_replicas)
        return pp_fail(err, PP_ERR_INVALID, "spec.replicas", "replicas %d is below minReplicas %d",
                       (int)m->replicas, (int)m->min_replicas);
    if (m->max_replicas > 0 && m->replicas > m->max_replicas)
        return pp_fail(err, PP_ERR_INVALID, "spec.replicas", "replicas %d is above maxReplicas %d",
                       (int)m->replicas, (int)m->max_replicas);
    return PP_OK;
}

/* ---- the scheduler's decision ---- */

void lag_decide(const struct lag_view *v, enum lag_trigger trigger, int64_t now,
                int32_t stable_seconds, struct lag_decision *out) {
    out->target = v->replicas;
    out->message[0] = '\0';
    if (trigger == LAG_SCALE_UP && v->state != LAG_AVAILABLE) {
        out->reject = LAG_NOT_AVAILABLE;
        snprintf(out->message, sizeof(out->message), "Cannot scale model version %s", v->model);
        return;
    }
    if (trigger == LAG_SCALE_DOWN && !(v->state_changed_at < now - stable_seconds)) {
        out->reject = LAG_NOT_STABLE;
        snprintf(out->message, sizeof(out->message),
                 "Model %s has changed status recently, skip scaling", v->model);
        return;
    }
    int32_t target = v->replicas + (trigger == LAG_SCALE_UP ? 1 : -1);
    if (v->min_replicas == 0 && v->max_replicas == 0) {
        out->reject = LAG_NO_AUTOSCALING;
        snprintf(out->message, sizeof(out->message), "No autoscaling for model %s", v->model);
        return;
    }
    if (target < v->min_replicas || target < 1) {
        out->reject = LAG_VIOLATES_MIN;
        snprintf(out->message, sizeof(out->message), "Violating min replicas %d / %d for model %s",
                 (int)v->min_replicas, (int)target, v->model);
        return;
    }
    if (v->max_replicas > 0 && target > v->max_replicas) {
        out->reject = LAG_VIOLATES_MAX;
        snprintf(out->message, sizeof(out->message), "Violating max replicas %d / %d for model %s",
                 (int)v->max_replicas, (int)target, v->model);
        return;
    }
    out->reject = LAG_ACCEPTED;
    out->target = target;
}

const char *lag_state_name(enum lag_model_state s) {
    switch (s) {
    case LAG_AVAILABLE:
        return "Available";
    case LAG_PROGRESSING:
        return "Progressing";
    case LAG_SCHEDULE_FAILED:
        return "ScheduleFailed";
    }
    return "?";
}

const char *lag_reject_name(enum lag_reject r) {
    static const char *const names[] = {"accepted",       "not_available", "not_stable",
                                        "no_autoscaling", "violates_min",  "violates_max"};
    return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *lag_trigger_name(enum lag_trigger t) {
    return t == LAG_SCALE_UP ? "SCALE_UP" : "SCALE_DOWN";
}

const char *lag_replica_state_name(enum lag_replica_state s) {
    static const char *const names[] = {"", "LoadRequested", "Available", "UnloadRequested",
                                        "Unloaded"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- one model on one Server ---- */

struct replica {
    bool connected;
    bool connecting; /* a new server pod, connects at connect_at */
    int64_t connect_at;
    uint64_t connect_seq;
    enum lag_replica_state st;
    bool has_ts; /* the replica state's timestamp, kept after Unloaded */
    int64_t ts;
    int64_t due; /* when LoadRequested / UnloadRequested completes */
    uint64_t seq;
    bool stats; /* the agent keeps lag and last-used for the model */
    int64_t lag, last_used;
};

struct trigger {
    int32_t replica;
    enum lag_trigger trigger;
    int64_t amount;
};

struct lag {
    struct lag_config cfg;
    char *name;
    int32_t replicas, min_replicas, max_replicas;
    bool stats_enabled; /* flag && AutoscalingEnabled(min, max) */
    int32_t server_expected, server_min, server_max;
    enum lag_model_state state;
    int64_t state_ts, base_ts;
    int32_t cap;
    struct replica *r;
    struct trigger *triggers; /* 2 per replica: one stats pass */
    bool *pick;               /* place()'s scratch, one per replica */
    uint64_t seq;
    lag_emit_fn emit;
    void *ctx;
};

static bool hosting(const struct replica *r) {
    return r->st == LAG_REPLICA_LOAD_REQUESTED || r->st == LAG_REPLICA_AVAILABLE;
}

static void emit(struct lag *l, struct lag_record rec) {
    if (l->emit)
        l->emit(l->ctx, &rec);
}

static struct lag_record record(enum lag_record_kind kind, int64_t t, int32_t replica) {
    return (struct lag_record){.kind = kind, .t = t, .replica = replica};
}

static int32_t count_available(const struct lag *l) {
    int32_t n = 0;
    for (int32_t i = 0; i < l->cap; i++)
        n += l->r[i].st == LAG_REPLICA_AVAILABLE;
    return n;
}

static int32_t count_connected(const struct lag *l) {
    int32_t n = 0;
    for (int32_t i = 0; i < l->cap; i++)
        n += l->r[i].connected;
    return n;
}

/* updateModelState: Available when every desired replica is, or when a
 * minReplicas is set and met; the timestamp is the latest of any replica's. */
static void recompute(struct lag *l) {
    int32_t avail = count_available(l);
    l->state = avail == l->replicas || (l->min_replicas > 0 && avail >= l->min_replicas)
                   ? LAG_AVAILABLE
                   : LAG_PROGRESSING;
    int64_t ts = l->base_ts;
    for (int32_t i = 0; i < l->cap; i++) {
        if (l->r[i].has_ts && l->r[i].ts > ts)
            ts = l->r[i].ts;
    }
    l->state_ts = ts;
}

static void set_state(struct lag *l, int32_t i, enum lag_replica_state st, int64_t now,
                      int64_t due) {
    struct replica *r = &l->r[i];
    r->st = st;
    r->has_ts = true;
    r->ts = now;
    r->due = due;
    r->seq = ++l->seq;
}

/* The scheduler asks the operator for `want` server replicas; the operator
 * applies it only within the Server's min and max (isValidScalingEvent). */
static bool server_request(struct lag *l, int64_t now, bool up, int32_t want) {
    struct lag_record rec = record(LAG_SERVER_SCALE_REQUEST, now, -1);
    rec.up = up;
    rec.from_replicas = l->server_expected;
    rec.to_replicas = want;
    rec.accepted = l->server_min <= want && want <= l->server_max;
    emit(l, rec);
    return rec.accepted;
}

/* The SERVER_SCALE_UP handler (shouldScaleUp). */
static void server_scale_up(struct lag *l, int64_t now) {
    if (!l->cfg.server_autoscaling_enabled)
        return;
    struct lag_record rec = record(LAG_SERVER_SCALE_UP_SKIPPED, now, -1);
    if (l->server_max < 1) {
        rec.why = "server maxReplicas not set";
        emit(l, rec);
        return;
    }
    int32_t hosted = l->replicas; /* MaxNumReplicaHostedModels: one model here */
    if (hosted <= l->server_expected) {
        rec.why = "server replicas already requested";
        emit(l, rec);
        return;
    }
    int32_t want = hosted < l->server_max ? hosted : l->server_max;
    if (!server_request(l, now, true, want))
        return;
    for (int32_t i = l->server_expected; i < want && i < l->cap; i++) {
        struct replica *r = &l->r[i];
        if (r->connected || r->connecting)
            continue;
        r->connecting = true;
        r->connect_at = now + l->cfg.server_start_delay_s;
        r->connect_seq = ++l->seq;
    }
    l->server_expected = want;
}

/* UpdateLoadedModels: replicas hosting the model first, then the lowest
 * indexes; loads and unloads requested in index order. */
static void place(struct lag *l, int32_t k, int64_t now) {
    int32_t chosen = 0;
    bool *pick = l->pick;
    memset(pick, 0, (size_t)l->cap * sizeof(*pick));
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t i = 0; i < l->cap && chosen < k; i++) {
            const struct replica *r = &l->r[i];
            if (r->connected && !pick[i] && hosting(r) == (pass == 0)) {
                pick[i] = true;
                chosen++;
            }
        }
    }
    for (int32_t i = 0; i < l->cap; i++) {
        struct replica *r = &l->r[i];
        if (pick[i] && !hosting(r)) {
            set_state(l, i, LAG_REPLICA_LOAD_REQUESTED, now, now + l->cfg.load_delay_s);
            emit(l, record(LAG_LOAD_REQUESTED, now, i));
        } else if (!pick[i] && hosting(r)) {
            set_state(l, i, LAG_REPLICA_UNLOAD_REQUESTED, now, now + l->cfg.unload_delay_s);
            emit(l, record(LAG_UNLOAD_REQUESTED, now, i));
        }
    }
    recompute(l);
}

static void schedule(struct lag *l, int64_t now, const char *why) {
    int32_t desired = l->replicas, suitable = count_connected(l);
    if (desired <= suitable) {
        place(l, desired, now);
        return;
    }
    server_scale_up(l, now);
    if (l->min_replicas > 0 && suitable >= l->min_replicas) {
        struct lag_record rec = record(LAG_SCHEDULED_WITH_MIN, now, -1);
        rec.desired = desired;
        rec.placed = suitable;
        emit(l, rec);
        place(l, suitable, now);
        return;
    }
    struct lag_record rec = record(LAG_SCHEDULE_FAILED_EV, now, -1);
    rec.desired = desired;
    rec.server_replicas = suitable;
    rec.why = why;
    emit(l, rec);
    l->state = LAG_SCHEDULE_FAILED;
    l->state_ts = now;
}

/* ScheduleFailedModels: after an agent connects or a replica goes away. */
static void schedule_failed_models(struct lag *l, int64_t now) {
    if (l->state == LAG_SCHEDULE_FAILED ||
        (l->state == LAG_AVAILABLE && count_available(l) < l->replicas))
        schedule(l, now, "reschedule");
}

/* The SERVER_SCALE_DOWN handler (shouldScaleDown, packing off) and the
 * operator; the StatefulSet removes the highest indexes. */
static void server_scale_down(struct lag *l, int64_t now) {
    if (!l->cfg.server_autoscaling_enabled)
        return;
    int32_t empty = 0;
    for (int32_t i = 0; i < l->cap; i++) {
        const struct replica *r = &l->r[i];
        empty += r->connected && (r->st == LAG_REPLICA_NONE || r->st == LAG_REPLICA_UNLOADED);
    }
    if (empty == 0 || l->server_expected <= 1)
        return;
    int32_t floor = l->server_min > 0 ? l->server_min : 1;
    int32_t want = l->server_expected - empty;
    if (want < floor)
        want = floor;
    if (!server_request(l, now, false, want))
        return;
    l->server_expected = want;
    bool lost = false;
    for (int32_t i = want; i < l->cap; i++) {
        struct replica *r = &l->r[i];
        if (!r->connected && !r->connecting)
            continue;
        r->connected = r->connecting = false;
        r->stats = false;
        if (hosting(r) || r->st == LAG_REPLICA_UNLOAD_REQUESTED) {
            set_state(l, i, LAG_REPLICA_UNLOADED, now, now);
            lost = true;
        }
        emit(l, record(LAG_SERVER_REPLICA_REMOVED, now, i));
    }
    if (lost)
        recompute(l);
    schedule_failed_models(l, now);
}

/* Applies cluster transitions due at or before now, earliest first. */
static void apply_due(struct lag *l, int64_t now) {
    for (int guard = 0; guard < 16 * l->cap + 16; guard++) {
        int32_t best = -1;
        bool connect = false;
        int64_t at = 0;
        uint64_t seq = 0;
        for (int32_t i = 0; i < l->cap; i++) {
            const struct replica *r = &l->r[i];
            if ((r->st == LAG_REPLICA_LOAD_REQUESTED || r->st == LAG_REPLICA_UNLOAD_REQUESTED) &&
                r->due <= now && (best < 0 || r->due < at || (r->due == at && r->seq < seq))) {
                best = i;
                connect = false;
                at = r->due;
                seq = r->seq;
            }
            if (r->connecting && r->connect_at <= now &&
                (best < 0 || r->connect_at < at || (r->connect_at == at && r->connect_seq < seq))) {
                best = i;
                connect = true;
                at = r->connect_at;
                seq = r->connect_seq;
            }
        }
        if (best < 0)
            return;
        struct replica *r = &l->r[best];
        if (connect) {
            r->connecting = false;
            r->connected = true;
            emit(l, record(LAG_SERVER_REPLICA_CONNECTED, at, best));
            schedule_failed_models(l, at);
        } else if (r->st == LAG_REPLICA_LOAD_REQUESTED) {
            set_state(l, best, LAG_REPLICA_AVAILABLE, at, at);
            if (l->stats_enabled) { /* AddModel: a fresh keeper starts at 1 */
                r->stats = true;
                r->lag = 1;
                r->last_used = at;
            }
            emit(l, record(LAG_REPLICA_AVAILABLE_EV, at, best));
            recompute(l);
        } else {
            set_state(l, best, LAG_REPLICA_UNLOADED, at, at);
            r->stats = false; /* DeleteModel */
            emit(l, record(LAG_REPLICA_UNLOADED_EV, at, best));
            recompute(l);
            server_scale_down(l, at);
        }
    }
}

struct lag *lag_create(const struct lag_config *cfg, const struct lag_model_spec *model,
                       const struct lag_server_spec *server,
                       const struct lag_initial_replica *initial, size_t n_initial,
                       int64_t state_changed_at) {
    struct lag *l = xcalloc(1, sizeof(*l));
    l->cfg = *cfg;
    l->name = xstrdup(model->name ? model->name : "");
    l->replicas = model->replicas;
    l->min_replicas = model->min_replicas;
    l->max_replicas = model->max_replicas;
    l->stats_enabled =
        cfg->model_autoscaling_enabled && (model->min_replicas != 0 || model->max_replicas != 0);
    l->server_expected = server->replicas;
    l->server_min = server->min_replicas;
    l->server_max = server->max_replicas;
    int32_t cap = server->replicas;
    if (server->max_replicas > cap)
        cap = server->max_replicas;
    /* slots for the replicas the Server can hold: a maxReplicas of 2^31-1
     * would ask 160 GB up front; the simulated cluster places LAG_MAX_SLOTS */
    if (cap > LAG_MAX_SLOTS)
        cap = LAG_MAX_SLOTS;
    l->cap = cap > 0 ? cap : 1;
    l->r = xcalloc((size_t)l->cap, sizeof(*l->r));
    l->triggers = xcalloc(2 * (size_t)l->cap, sizeof(*l->triggers));
    l->pick = xcalloc((size_t)l->cap, sizeof(*l->pick));
    for (int32_t i = 0; i < server->replicas; i++)
        l->r[i].connected = true;
    for (size_t k = 0; k < n_initial; k++) {
        const struct lag_initial_replica *in = &initial[k];
        if (in->idx < 0 || in->idx >= server->replicas)
            continue;
        struct replica *r = &l->r[in->idx];
        r->st = LAG_REPLICA_AVAILABLE;
        r->has_ts = true;
        r->ts = in->available_at;
        r->stats = l->stats_enabled;
        r->lag = in->lag;
        r->last_used = in->last_used;
    }
    l->base_ts = state_changed_at;
    recompute(l);
    return l;
}

void lag_destroy(struct lag *l) {
    if (!l)
        return;
    free(l->name);
    free(l->r);
    free(l->triggers);
    free(l->pick);
    free(l);
}

void lag_request_start(struct lag *l, int32_t replica, int64_t now) {
    if (replica < 0 || replica >= l->cap || !l->r[replica].stats)
        return;
    l->r[replica].lag++;
    l->r[replica].last_used = now;
}

void lag_request_end(struct lag *l, int32_t replica) {
    if (replica < 0 || replica >= l->cap || !l->r[replica].stats)
        return;
    if (l->r[replica].lag > 0)
        l->r[replica].lag--;
}

void lag_set_config(struct lag *l, const struct lag_config *cfg) { l->cfg = *cfg; }

void lag_advance(struct lag *l, int64_t now, lag_emit_fn fn, void *ctx) {
    l->emit = fn;
    l->ctx = ctx;
    apply_due(l, now);
    l->emit = NULL;
}

void lag_tick(struct lag *l, int64_t now, lag_emit_fn fn, void *ctx) {
    l->emit = fn;
    l->ctx = ctx;
    apply_due(l, now);

    size_t n = 0;
    for (int32_t i = 0; i < l->cap; i++) {
        struct replica *r = &l->r[i];
        if (!r->stats)
            continue;
        if (r->lag >= l->cfg.lag_threshold) {
            l->triggers[n++] = (struct trigger){i, LAG_SCALE_UP, r->lag};
            r->lag = 0; /* reported: reset, whatever the scheduler does with it */
        }
        if (r->last_used <= now - l->cfg.inactive_seconds)
            l->triggers[n++] = (struct trigger){i, LAG_SCALE_DOWN, r->last_used};
    }
    for (size_t k = 0; k < n; k++) {
        struct lag_record rec = record(LAG_TRIGGER, now, l->triggers[k].replica);
        rec.trigger = l->triggers[k].trigger;
        rec.amount = l->triggers[k].amount;
        emit(l, rec);
    }
    for (size_t k = 0; k < n; k++) {
        const struct trigger *tr = &l->triggers[k];
        struct lag_view v = {l->name,         l->replicas, l->min_replicas,
                             l->max_replicas, l->state,    l->state_ts};
        struct lag_decision d;
        lag_decide(&v, tr->trigger, now, l->cfg.stable_seconds, &d);
        struct lag_record rec = record(LAG_DECISION, now, tr->replica);
        rec.trigger = tr->trigger;
        rec.amount = tr->amount;
        rec.decision = &d;
        rec.replicas_before = l->replicas;
        emit(l, rec);
        if (d.reject == LAG_ACCEPTED) {
            l->replicas = d.target;
            schedule(l, now, "scaling_event");
        }
    }
    apply_due(l, now);
    l->emit = NULL;
}

void lag_status(const struct lag *l, struct lag_status *out) {
    out->replicas = l->replicas;
    out->available = count_available(l);
    out->state = l->state;
    out->state_changed_at = l->state_ts;
    out->server_replicas = l->server_expected;
    out->server_connected = count_connected(l);
}

int32_t lag_replica_capacity(const struct lag *l) { return l->cap; }

enum lag_replica_state lag_replica(const struct lag *l, int32_t idx) {
    return idx >= 0 && idx < l->cap ? l->r[idx].st : LAG_REPLICA_NONE;
}

bool lag_agent(const struct lag *l, int32_t idx, int64_t *lag, int64_t *last_used) {
    if (idx < 0 || idx >= l->cap || !l->r[idx].stats)
        return false;
    *lag = l->r[idx].lag;
    *last_used = l->r[idx].last_used;
    return true;
}
