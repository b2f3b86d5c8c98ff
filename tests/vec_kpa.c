/* KPA vectors: replays a scenario through the decider and the PodAutoscaler
 * reconciler with the simulator conventions of tests/vectors/kpa/README.md
 * and compares every scale and pa line with Knative's own. */
#include "tests/vec.h"

#include "engine/kpa.h"
#include "engine/pa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPOCH 1700000000

struct run {
    struct kpa *kpa;
    struct pa_state pa;
    const struct kpa_config *cfg;
    int32_t ready;
    cJSON *out; /* array of produced lines */
    cJSON *last_pa;
};

static pp_time at(int t) { return PP_SEC((int64_t)EPOCH + t); }

static int int_field(const cJSON *o, const char *name, int dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

static double num_field(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void emit_scale(struct run *r, int t, const char *src, const struct kpa_scale_result *s) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "scale");
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddStringToObject(o, "src", src);
    cJSON_AddNumberToObject(o, "ready_pods", r->ready);
    cJSON_AddBoolToObject(o, "scale_valid", s->valid);
    cJSON_AddNumberToObject(o, "desired_pod_count", s->valid ? s->desired : 0);
    cJSON_AddNumberToObject(o, "excess_burst_capacity", s->valid ? s->ebc : 0);
    cJSON_AddNumberToObject(o, "observed_stable", s->valid ? s->stable : 0);
    cJSON_AddNumberToObject(o, "observed_panic", s->valid ? s->panic : 0);
    cJSON_AddBoolToObject(o, "panic_mode", s->panic_mode);
    cJSON_AddNumberToObject(o, "decider_desired", kpa_desired(r->kpa));
    cJSON_AddNumberToObject(o, "decider_ebc", kpa_ebc(r->kpa));
    cJSON_AddItemToArray(r->out, o);
}

static cJSON *pa_line(const struct run *r, int t) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "pa");
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(o, "want", r->pa.want);
    cJSON_AddNumberToObject(o, "replicas", r->pa.replicas);
    cJSON_AddStringToObject(o, "active", pa_active_name(r->pa.active));
    cJSON_AddStringToObject(o, "sks_mode", r->pa.sks_mode == SKS_MODE_PROXY ? "Proxy" : "Serve");
    cJSON_AddBoolToObject(o, "activator_in_path", r->pa.activator_in_path);
    cJSON_AddNumberToObject(o, "num_activators", r->pa.num_activators);
    cJSON_AddBoolToObject(o, "scale_target_initialized", r->pa.scale_target_initialized);
    return o;
}

static void emit_pa_if_changed(struct run *r, int t) {
    cJSON *o = pa_line(r, t);
    if (r->last_pa) {
        cJSON *prev = cJSON_Duplicate(r->last_pa, true);
        cJSON_ReplaceItemInObject(prev, "t", cJSON_CreateNumber(t));
        bool same = cJSON_Compare(prev, o, true);
        cJSON_Delete(prev);
        if (same) {
            cJSON_Delete(o);
            return;
        }
    }
    cJSON_AddItemToArray(r->out, o);
    r->last_pa = o;
}

static void reconcile(struct run *r, int t) {
    pa_reconcile(&r->pa, r->cfg, kpa_desired(r->kpa), kpa_ebc(r->kpa), r->ready, at(t));
}

static void scale(struct run *r, int t, const char *src) {
    struct kpa_scale_result s = kpa_scale(r->kpa, at(t), r->ready);
    emit_scale(r, t, src, &s);
    reconcile(r, t);
}

static struct kpa_stat stat_of(const cJSON *o, bool activator) {
    struct kpa_stat s = {
        .concurrency = num_field(o, "c"),
        .rps = num_field(o, "rps"),
    };
    if (!activator) {
        s.proxied_concurrency = num_field(o, "pc");
        s.proxied_rps = num_field(o, "prps");
    }
    return s;
}

static void scrape(struct run *r, const cJSON *tick, int t) {
    if (r->cfg->target_burst_capacity == -1)
        return; /* Knative creates no scraper with TBC -1 */
    const cJSON *scraped = cJSON_GetObjectItemCaseSensitive(tick, "scraped");
    const cJSON *pods = cJSON_GetObjectItemCaseSensitive(tick, "pods");
    struct kpa_stat s;
    if (cJSON_IsObject(scraped)) {
        s = stat_of(scraped, false);
    } else if (cJSON_IsArray(pods) && cJSON_GetArraySize(pods) > 0) {
        uint32_t n = (uint32_t)cJSON_GetArraySize(pods);
        struct kpa_stat *each = xcalloc(n, sizeof(*each));
        for (uint32_t i = 0; i < n; i++)
            each[i] = stat_of(cJSON_GetArrayItem(pods, (int)i), false);
        s = kpa_scrape_combine(each, n);
        free(each);
    } else {
        return;
    }
    kpa_record(r->kpa, at(t), &s);
}

static void activator(struct run *r, const cJSON *tick, int t) {
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(tick, "activator")) {
        struct kpa_stat s = stat_of(a, true);
        kpa_record(r->kpa, at(t), &s);
        if (kpa_wants_poke(r->kpa, &s))
            scale(r, t, "poke");
    }
}

static bool config_map(const cJSON *cfg, struct kpa_config *out, char *diag, size_t size) {
    size_t n = (size_t)cJSON_GetArraySize(cfg);
    struct pp_kv *kv = xcalloc(n ? n : 1, sizeof(*kv));
    char(*bufs)[64] = xcalloc(n ? n : 1, sizeof(*bufs));
    size_t i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cfg) {
        kv[i].key = c->string;
        kv[i].value = vec_scalar_text(c, bufs[i], sizeof(bufs[i]));
        i++;
    }
    struct pp_error err = {0};
    enum pp_status s = kpa_config_resolve(kv, n, out, &err);
    if (s) {
        char msg[768];
        pp_error_format(&err, msg, sizeof(msg));
        snprintf(diag, size, "config: %s", msg);
    }
    free(kv);
    free(bufs);
    return s == PP_OK;
}

static enum pa_active active_of(const char *s) {
    if (s && strcmp(s, "True") == 0)
        return PA_ACTIVE_TRUE;
    if (s && strcmp(s, "False") == 0)
        return PA_ACTIVE_FALSE;
    return PA_ACTIVE_UNKNOWN;
}

static void initial_state(struct run *r, const cJSON *init) {
    r->ready = int_field(init, "ready_pods", 0);
    pa_init(&r->pa, r->cfg, at(0));
    r->pa.replicas = int_field(init, "replicas", r->cfg->deployment_replicas);
    const cJSON *active = cJSON_GetObjectItemCaseSensitive(init, "pa_active");
    r->pa.active = active_of(cJSON_IsString(active) ? active->valuestring : NULL);
    r->pa.reason = r->pa.active == PA_ACTIVE_TRUE    ? PA_REASON_NONE
                   : r->pa.active == PA_ACTIVE_FALSE ? PA_REASON_NO_TRAFFIC
                                                     : PA_REASON_QUEUED;
    r->pa.active_since = at(int_field(init, "pa_active_since", 0));
    r->pa.scale_target_initialized =
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(init, "scale_target_initialized"));
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(init, "sks_mode");
    r->pa.sks_mode = cJSON_IsString(mode) && strcmp(mode->valuestring, "Serve") == 0
                         ? SKS_MODE_SERVE
                         : SKS_MODE_PROXY;
    r->pa.activator_in_path = r->pa.sks_mode == SKS_MODE_PROXY || r->ready == 0;
    r->pa.in_path_since = at(int_field(init, "activator_in_path_since", 0));
}

static void simulate(struct run *r, const cJSON *scenario) {
    const cJSON *sim = cJSON_GetObjectItemCaseSensitive(scenario, "sim");
    const int duration = int_field(sim, "duration", 0);
    const cJSON *phase = cJSON_GetObjectItemCaseSensitive(sim, "scale_phase");
    const bool before = cJSON_IsString(phase) && strcmp(phase->valuestring, "before_records") == 0;
    const cJSON *ticks = cJSON_GetObjectItemCaseSensitive(scenario, "ticks");
    const cJSON *next = ticks ? ticks->child : NULL;

    for (int t = 0; t < duration; t++) {
        const cJSON *tick = NULL;
        if (next && int_field(next, "t", -1) == t) {
            tick = next;
            next = next->next;
        }
        const bool scale_tick = t > 0 && t % 2 == 0;
        if (tick && cJSON_GetObjectItemCaseSensitive(tick, "ready_pods"))
            r->ready = int_field(tick, "ready_pods", r->ready);
        if (before && scale_tick)
            scale(r, t, "tick");
        if (tick) {
            scrape(r, tick, t);
            activator(r, tick, t);
        }
        if (!before && scale_tick)
            scale(r, t, "tick");
        reconcile(r, t);
        emit_pa_if_changed(r, t);
    }
}

static bool compare(const cJSON *got, const char *expected_path, char *diag, size_t size) {
    char *text = vec_read_file(expected_path, NULL);
    if (!text) {
        snprintf(diag, size, "cannot read %s", expected_path);
        return false;
    }
    static const char *const approx[] = {"observed_stable", "observed_panic", NULL};
    bool ok = true;
    const cJSON *g = got->child;
    int lineno = 0;
    for (char *line = strtok(text, "\n"); line && ok; line = strtok(NULL, "\n")) {
        lineno++;
        cJSON *want = cJSON_Parse(line);
        if (!want) {
            snprintf(diag, size, "%s:%d: not valid JSON", expected_path, lineno);
            ok = false;
            break;
        }
        char field[512];
        const cJSON *wt = cJSON_GetObjectItemCaseSensitive(want, "t");
        const cJSON *wk = cJSON_GetObjectItemCaseSensitive(want, "kind");
        if (!g) {
            snprintf(diag, size, "t=%d: expected a %s line, podpilot produced none",
                     wt ? wt->valueint : -1, wk ? wk->valuestring : "?");
            ok = false;
        } else if (!vec_same(want, g, approx, field, sizeof(field))) {
            snprintf(diag, size, "t=%d %s line (expected line %d): %s", wt ? wt->valueint : -1,
                     wk ? wk->valuestring : "?", lineno, field);
            ok = false;
        }
        cJSON_Delete(want);
        if (g)
            g = g->next;
    }
    if (ok && g) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(g, "t");
        snprintf(diag, size, "t=%d: podpilot produced an extra line past the expected ones",
                 t ? t->valueint : -1);
        ok = false;
    }
    free(text);
    return ok;
}

bool vec_kpa_run(const char *path, char *diag, size_t size) {
    cJSON *scenario = vec_read_json(path, diag, size);
    if (!scenario)
        return false;
    struct kpa_config cfg;
    bool ok = config_map(cJSON_GetObjectItemCaseSensitive(scenario, "config"), &cfg, diag, size);
    if (ok) {
        const cJSON *init = cJSON_GetObjectItemCaseSensitive(scenario, "initial");
        struct run r = {.cfg = &cfg, .out = cJSON_CreateArray()};
        r.kpa = kpa_create(&cfg, int_field(init, "ready_pods_at_creation", 0), at(0));
        initial_state(&r, init);
        simulate(&r, scenario);

        char expected[4096];
        size_t n = strlen(path);
        snprintf(expected, sizeof(expected), "%.*s.expected.jsonl", (int)(n - 5), path);
        ok = compare(r.out, expected, diag, size);
        cJSON_Delete(r.out);
        kpa_destroy(r.kpa);
    }
    cJSON_Delete(scenario);
    return ok;
}
