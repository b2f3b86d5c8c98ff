/* Lag vectors (specs/lag-spec.md §0 and §7): one model on one Server, stats
 * tick by stats tick; compares the cluster transitions, the agents'
 * triggers, the scheduler's decisions and the state after each tick. */
#include "tests/vec.h"

#include "engine/lag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int num(const cJSON *o, const char *name, int dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

static bool flag(const cJSON *o, const char *name) {
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

struct tick_out {
    cJSON *sim, *events, *decisions;
};

static const char *const event_names[] = {
    [LAG_LOAD_REQUESTED] = "load_requested",
    [LAG_REPLICA_AVAILABLE_EV] = "replica_available",
    [LAG_UNLOAD_REQUESTED] = "unload_requested",
    [LAG_REPLICA_UNLOADED_EV] = "replica_unloaded",
    [LAG_SCHEDULE_FAILED_EV] = "schedule_failed",
    [LAG_SCHEDULED_WITH_MIN] = "scheduled_with_min_replicas",
    [LAG_SERVER_SCALE_REQUEST] = "server_scale_request",
    [LAG_SERVER_SCALE_UP_SKIPPED] = "server_scale_up_skipped",
    [LAG_SERVER_REPLICA_CONNECTED] = "server_replica_connected",
    [LAG_SERVER_REPLICA_REMOVED] = "server_replica_removed",
};

static void on_record(void *ctx, const struct lag_record *r) {
    struct tick_out *out = ctx;
    cJSON *o = cJSON_CreateObject();
    if (r->kind == LAG_TRIGGER) {
        cJSON_AddNumberToObject(o, "replica", r->replica);
        cJSON_AddStringToObject(o, "trigger", lag_trigger_name(r->trigger));
        cJSON_AddNumberToObject(o, "amount", (double)r->amount);
        cJSON_AddItemToArray(out->events, o);
        return;
    }
    if (r->kind == LAG_DECISION) {
        const struct lag_decision *d = r->decision;
        cJSON_AddNumberToObject(o, "replica", r->replica);
        cJSON_AddStringToObject(o, "trigger", lag_trigger_name(r->trigger));
        cJSON_AddNumberToObject(o, "replicas_before", r->replicas_before);
        cJSON_AddStringToObject(o, "result", d->reject == LAG_ACCEPTED ? "accepted" : "rejected");
        if (d->reject != LAG_ACCEPTED) {
            cJSON_AddStringToObject(o, "reason", lag_reject_name(d->reject));
            cJSON_AddStringToObject(o, "message", d->message);
        }
        cJSON_AddNumberToObject(o, "replicas_after", d->target);
        cJSON_AddItemToArray(out->decisions, o);
        return;
    }
    cJSON_AddStringToObject(o, "event", event_names[r->kind]);
    cJSON_AddNumberToObject(o, "t", (double)r->t);
    switch (r->kind) {
    case LAG_SCHEDULE_FAILED_EV:
        cJSON_AddNumberToObject(o, "desired", r->desired);
        cJSON_AddNumberToObject(o, "server_replicas", r->server_replicas);
        cJSON_AddStringToObject(o, "why", r->why);
        break;
    case LAG_SCHEDULED_WITH_MIN:
        cJSON_AddNumberToObject(o, "desired", r->desired);
        cJSON_AddNumberToObject(o, "placed", r->placed);
        break;
    case LAG_SERVER_SCALE_REQUEST:
        cJSON_AddStringToObject(o, "direction", r->up ? "up" : "down");
        cJSON_AddNumberToObject(o, "from_replicas", r->from_replicas);
        cJSON_AddNumberToObject(o, "to_replicas", r->to_replicas);
        cJSON_AddBoolToObject(o, "accepted_by_operator", r->accepted);
        break;
    case LAG_SERVER_SCALE_UP_SKIPPED:
        cJSON_AddStringToObject(o, "reason", r->why);
        break;
    default:
        cJSON_AddNumberToObject(o, "replica", r->replica);
        break;
    }
    cJSON_AddItemToArray(out->sim, o);
}

static cJSON *after(const struct lag *l) {
    struct lag_status st;
    lag_status(l, &st);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "replicas", st.replicas);
    cJSON_AddNumberToObject(o, "available", st.available);
    cJSON_AddStringToObject(o, "model_state", lag_state_name(st.state));
    cJSON_AddNumberToObject(o, "state_changed_at", (double)st.state_changed_at);
    cJSON *placement = cJSON_AddObjectToObject(o, "placement");
    cJSON *agents = cJSON_CreateObject();
    for (int32_t i = 0; i < lag_replica_capacity(l); i++) {
        char key[16];
        snprintf(key, sizeof(key), "%d", (int)i);
        enum lag_replica_state rs = lag_replica(l, i);
        if (rs != LAG_REPLICA_NONE && rs != LAG_REPLICA_UNLOADED)
            cJSON_AddStringToObject(placement, key, lag_replica_state_name(rs));
        int64_t lag, used;
        if (lag_agent(l, i, &lag, &used)) {
            cJSON *a = cJSON_AddObjectToObject(agents, key);
            cJSON_AddNumberToObject(a, "lag", (double)lag);
            cJSON_AddNumberToObject(a, "last_used", (double)used);
        }
    }
    cJSON_AddNumberToObject(o, "server_replicas", st.server_replicas);
    cJSON_AddNumberToObject(o, "server_connected", st.server_connected);
    cJSON_AddItemToObject(o, "agents", agents);
    return o;
}

static struct lag *create(const cJSON *sc) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(sc, "config");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(sc, "model");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(sc, "server");
    const cJSON *sim = cJSON_GetObjectItemCaseSensitive(sc, "sim");
    const cJSON *init = cJSON_GetObjectItemCaseSensitive(sc, "initial");
    struct lag_config cfg;
    lag_config_helm_defaults(&cfg);
    cfg.lag_threshold = num(c, "lag_threshold", cfg.lag_threshold);
    cfg.inactive_seconds = num(c, "inactive_seconds", cfg.inactive_seconds);
    cfg.stats_period_s = num(c, "stats_period_s", cfg.stats_period_s);
    cfg.stable_seconds = num(c, "stable_seconds", cfg.stable_seconds);
    cfg.model_autoscaling_enabled = flag(c, "model_autoscaling_enabled");
    cfg.server_autoscaling_enabled = flag(c, "server_autoscaling_enabled");
    cfg.load_delay_s = num(sim, "load_delay_s", 0);
    cfg.unload_delay_s = num(sim, "unload_delay_s", 0);
    cfg.server_start_delay_s = num(sim, "server_start_delay_s", 0);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
    struct lag_model_spec model = {
        .name = cJSON_IsString(name) ? name->valuestring : "m",
        .version = num(m, "version", 1),
        .replicas = num(m, "replicas", 0),
        .min_replicas = num(m, "min_replicas", 0),
        .max_replicas = num(m, "max_replicas", 0),
    };
    struct lag_server_spec server = {num(s, "replicas", 1), num(s, "min_replicas", 0),
                                     num(s, "max_replicas", 0)};
    const cJSON *reps = cJSON_GetObjectItemCaseSensitive(init, "replicas");
    size_t n = (size_t)cJSON_GetArraySize(reps), i = 0;
    struct lag_initial_replica *ir = xcalloc(n ? n : 1, sizeof(*ir));
    const cJSON *r;
    cJSON_ArrayForEach(r, reps) {
        ir[i++] = (struct lag_initial_replica){num(r, "idx", 0), num(r, "lag", 0),
                                               num(r, "last_used", 0), num(r, "available_at", 0)};
    }
    struct lag *l = lag_create(&cfg, &model, &server, ir, n, num(init, "state_changed_at", 0));
    free(ir);
    return l;
}

static void traffic(struct lag *l, const cJSON *entry, int64_t t) {
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(entry, "agents")) {
        int32_t replica = num(a, "replica", -1);
        int started = num(a, "started", 0), completed = num(a, "completed", 0);
        int64_t last = num(a, "last_start", (int)t);
        for (int k = 0; k < started && k < 1000000; k++)
            lag_request_start(l, replica, last);
        for (int k = 0; k < completed && k < 1000000; k++)
            lag_request_end(l, replica);
    }
}

bool vec_lag_run(const char *path, char *diag, size_t size) {
    cJSON *sc = vec_read_json(path, diag, size);
    if (!sc)
        return false;
    struct lag *l = create(sc);
    const cJSON *timeline = cJSON_GetObjectItemCaseSensitive(sc, "timeline");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(sc, "expected");
    bool ok = cJSON_GetArraySize(timeline) == cJSON_GetArraySize(want);
    if (!ok)
        snprintf(diag, size, "timeline and expected differ in length");
    const cJSON *entry = timeline ? timeline->child : NULL;
    const cJSON *w = want ? want->child : NULL;
    for (; ok && entry && w; entry = entry->next, w = w->next) {
        int64_t t = num(entry, "t", 0);
        struct tick_out out = {cJSON_CreateArray(), cJSON_CreateArray(), cJSON_CreateArray()};
        lag_advance(l, t, on_record, &out);
        traffic(l, entry, t);
        lag_tick(l, t, on_record, &out);
        cJSON *got_after = after(l);
        char d[900] = "";
        ok = vec_same_list("sim_events", cJSON_GetObjectItemCaseSensitive(w, "sim_events"), out.sim,
                           NULL, d, sizeof(d)) &&
             vec_same_list("events", cJSON_GetObjectItemCaseSensitive(w, "events"), out.events,
                           NULL, d, sizeof(d)) &&
             vec_same_list("decisions", cJSON_GetObjectItemCaseSensitive(w, "decisions"),
                           out.decisions, NULL, d, sizeof(d)) &&
             vec_same(cJSON_GetObjectItemCaseSensitive(w, "after"), got_after, NULL, d, sizeof(d));
        if (!ok)
            snprintf(diag, size, "t=%lld: %s", (long long)t, d);
        cJSON_Delete(got_after);
        cJSON_Delete(out.sim);
        cJSON_Delete(out.events);
        cJSON_Delete(out.decisions);
    }
    lag_destroy(l);
    cJSON_Delete(sc);
    return ok;
}
