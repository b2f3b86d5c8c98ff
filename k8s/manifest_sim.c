/* podpilot's Simulation document: seed, start, duration, pod models,
 * loads, per-service overrides of the simulated cluster. */
#include "k8s/manifest_internal.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- podpilot's Simulation ---- */

/* pods: of the Simulation, into what the pods do (pm) and, where the
 * simulation overrides it, what their template says (spec). */
static enum pp_status pod_model(struct build *b, struct doc *d, const yaml_node_t *n,
                                const char *path, struct sim_pod_model *pm, struct pod_spec *spec,
                                int32_t *ready) {
    char f[200];
#define FIELD(key) (snprintf(f, sizeof(f), "%s.%s", path, key), f)
    pp_time st = (pp_time)(pm->service_time_s * 1e9);
    if (ydoc_get_duration(b->err, &d->yd, n, "serviceTime", FIELD("serviceTime"), &st) != PP_OK)
        return PP_ERR_INVALID;
    pm->service_time_s = (double)st / 1e9;
    const char *dist = ydoc_scalar(ydoc_get(&d->yd, n, "serviceTimeDistribution"));
    if (dist) {
        if (strcmp(dist, "lognormal") == 0)
            pm->dist = SIM_DIST_LOGNORMAL;
        else if (strcmp(dist, "exponential") == 0)
            pm->dist = SIM_DIST_EXPONENTIAL;
        else if (strcmp(dist, "constant") == 0)
            pm->dist = SIM_DIST_CONSTANT;
        else
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "serviceTimeDistribution"),
                             FIELD("serviceTimeDistribution"),
                             "expected lognormal, exponential or constant, got \"%s\"", dist);
    }
    const yaml_node_t *cv = ydoc_get(&d->yd, n, "serviceTimeCV");
    if (cv && !goparse_float(ydoc_scalar(cv) ? ydoc_scalar(cv) : "", &pm->service_cv))
        return ydoc_fail(b->err, &d->yd, cv, FIELD("serviceTimeCV"), "expected a number");
    if (ydoc_get_duration(b->err, &d->yd, n, "coldStart", FIELD("coldStart"), &pm->cold_start) ||
        ydoc_get_i32(b->err, &d->yd, n, "streams", FIELD("streams"), 1, &pm->streams, NULL) ||
        ydoc_get_i32(b->err, &d->yd, n, "gpus", FIELD("gpus"), 0, &spec->gpus, NULL) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuRequest", FIELD("cpuRequest"),
                          &spec->cpu_request_milli) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuIdle", FIELD("cpuIdle"), &pm->cpu_idle_milli) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuPerStream", FIELD("cpuPerStream"),
                          &pm->cpu_stream_milli))
        return PP_ERR_INVALID;
    if (ready) {
        bool start_ready = true;
        if (ydoc_get_bool(b->err, &d->yd, n, "startReady", FIELD("startReady"), &start_ready) !=
            PP_OK)
            return PP_ERR_INVALID;
        if (!start_ready)
            *ready = 0;
    }
    struct pp_error e = {0};
    if (sim_pod_model_validate(pm, &e) != PP_OK || pod_spec_validate(spec, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd,
                         ydoc_get(&d->yd, n, e.field) ? ydoc_get(&d->yd, n, e.field) : n,
                         FIELD(e.field), "%s", e.message);
#undef FIELD
    return PP_OK;
}

static enum pp_status sim_env(struct build *b, struct doc *d, const yaml_node_t *n,
                              const char *path, struct svc_config *s) {
    struct pp_kv kv[MAX_KV] = {{0}};
    const yaml_node_t *nodes[MAX_KV] = {0};
    size_t k = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top && k < MAX_KV; p++) {
        nodes[k] = ydoc_child(&d->yd, p->value);
        kv[k] = (struct pp_kv){ydoc_scalar(ydoc_child(&d->yd, p->key)), ydoc_scalar(nodes[k])};
        k++;
    }
    struct pp_error e = {0};
    enum pp_status st = lag_config_resolve(kv, k, &s->lag, &e);
    for (size_t i = 0; st != PP_OK && i < k; i++)
        if (kv[i].key && strcmp(kv[i].key, e.field) == 0)
            return ydoc_fail(b->err, &d->yd, nodes[i], path, "%s: %s", e.field, e.message);
    if (st != PP_OK)
        return ydoc_fail(b->err, &d->yd, n, path, "%s: %s", e.field, e.message);
    return PP_OK;
}

static enum pp_status sim_service(struct build *b, struct doc *d, const yaml_node_t *n,
                                  size_t idx) {
    char path[64];
    snprintf(path, sizeof(path), "services[%zu]", idx);
    const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "name"));
    if (!name)
        return ydoc_fail(b->err, &d->yd, n, path, "name: not set");
    size_t svc;
    struct pp_error e = {0};
    if (svc_set_resolve(b->set, name, path, &svc, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "name"), path, "name: %s", e.message);
    for (size_t i = svc; i < b->set->n; i++) { /* an owner's components: each of them */
        if (!svc_same_target(b->set, svc, name, i))
            continue;
        struct svc_config *s = &b->set->svcs[i];
        int32_t ready = s->initial_ready;
        if (pod_model(b, d, n, path, &b->set->sim_pods[i], &s->pods, &ready) != PP_OK)
            return PP_ERR_INVALID;
        s->initial_ready = ready;
        char f[96];
        snprintf(f, sizeof(f), "%s.serverReplicas", path);
        if (ydoc_get_i32(b->err, &d->yd, n, "serverReplicas", f, 1, &s->lag_server.replicas,
                         NULL) != PP_OK)
            return PP_ERR_INVALID;
        const yaml_node_t *env = ydoc_get(&d->yd, n, "seldon");
        snprintf(f, sizeof(f), "%s.seldon", path);
        if (env && (ydoc_want_map(b->err, &d->yd, env, f) || sim_env(b, d, env, f, s)))
            return PP_ERR_INVALID;
    }
    return PP_OK;
}

static enum pp_status sim_loads(struct build *b, struct doc *d, const yaml_node_t *loads) {
    for (size_t i = 0; i < ydoc_seq_len(loads); i++) {
        const yaml_node_t *n = ydoc_seq_at(&d->yd, loads, i);
        char f[64];
        snprintf(f, sizeof(f), "loads[%zu].service", i);
        const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "service"));
        if (!name)
            return ydoc_fail(b->err, &d->yd, n, f, "not set");
        size_t svc;
        struct pp_error e = {0};
        if (svc_set_resolve(b->set, name, f, &svc, &e) != PP_OK)
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "service"), f, "%s", e.message);
        snprintf(f, sizeof(f), "loads[%zu].hey", i);
        const char *hey = ydoc_scalar(ydoc_get(&d->yd, n, "hey"));
        if (!hey)
            return ydoc_fail(b->err, &d->yd, n, f, "not set: hey's flags, e.g. \"-z 30s -c 5\"");
        /* hey's flags are parsed by the app (loadgen), which names this place */
        struct svc_load *l = svc_set_add_load(b->set, svc);
        snprintf(l->text, sizeof(l->text), "%s", hey);
        ydoc_fail(&l->where, &d->yd, ydoc_get(&d->yd, n, "hey"), f, "%s", "");
        const char *slash = strrchr(d->yd.file, '/');
        if (slash)
            snprintf(l->dir, sizeof(l->dir), "%.*s", (int)(slash - d->yd.file), d->yd.file);
    }
    return PP_OK;
}

enum pp_status manifest_read_sim_globals(struct build *b, struct doc *d) {
    int64_t seed = (int64_t)b->set->seed;
    if (ydoc_get_int(b->err, &d->yd, d->yd.root, "seed", "seed", 0, INT64_MAX, &seed, NULL) !=
        PP_OK)
        return PP_ERR_INVALID;
    b->set->seed = (uint64_t)seed;
    const yaml_node_t *start = ydoc_get(&d->yd, d->yd.root, "start");
    if (start) {
        int y, mo, da, h, mi, s;
        char z = 0;
        const char *t = ydoc_scalar(start);
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &da, &h, &mi, &s, &z) != 7 ||
            z != 'Z')
            return ydoc_fail(b->err, &d->yd, start, "start",
                             "expected an RFC 3339 UTC time like 2026-01-05T10:29:00Z");
        const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (mo < 1 || mo > 12 || da < 1 || da > days[mo - 1] + (mo == 2 && leap) || h > 23 ||
            mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0)
            return ydoc_fail(b->err, &d->yd, start, "start", "\"%s\" is not a date and time", t);
        if (y < 1970 || y > 2200) /* engine time is int64 nanoseconds: up to 2262 */
            return ydoc_fail(b->err, &d->yd, start, "start",
                             "the simulated cluster starts between 1970 and 2200, got %d", y);
        struct tz *utc = tz_utc();
        b->set->start = PP_SEC(tz_date(utc, y, mo, da, h, mi, s));
        tz_destroy(utc);
    }
    if (ydoc_get_duration(b->err, &d->yd, d->yd.root, "duration", "duration", &b->set->duration) !=
        PP_OK)
        return PP_ERR_INVALID;
    if (b->set->duration > PP_SEC(86400 * 7) || b->set->duration < 0) /* as --duration */
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "duration"), "duration",
                         "from 0 to 168h");
    const yaml_node_t *defs = ydoc_get(&d->yd, d->yd.root, "defaults");
    if (defs && (ydoc_want_map(b->err, &d->yd, defs, "defaults") ||
                 pod_model(b, d, defs, "defaults", &b->default_model, &b->default_spec, NULL)))
        return PP_ERR_INVALID;
    return PP_OK;
}

enum pp_status manifest_read_sim_services(struct build *b, struct doc *d) {
    const yaml_node_t *svcs = ydoc_get(&d->yd, d->yd.root, "services");
    for (size_t i = 0; i < ydoc_seq_len(svcs); i++)
        if (sim_service(b, d, ydoc_seq_at(&d->yd, svcs, i), i) != PP_OK)
            return PP_ERR_INVALID;
    const char *zone = ydoc_scalar(ydoc_get(&d->yd, d->yd.root, "cronTimeZone"));
    for (size_t i = 0; zone && i < b->set->n; i++)
        snprintf(b->set->svcs[i].cron.zone, sizeof(b->set->svcs[i].cron.zone), "%s", zone);
    return sim_loads(b, d, ydoc_get(&d->yd, d->yd.root, "loads"));
}
