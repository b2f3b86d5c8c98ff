/* Cron vectors (specs/cron-spec.md §0): starts the CronHPA at `from` in the
 * controller's zone, takes every activation up to `to`, and compares parse
 * results, fires and single Next() probes with the upstream code's. The
 * decision-table file (cases[]) checks ScaleHPA's HPA interplay. */
#include "tests/vec.h"

#include "app/zone.h"
#include "engine/cron.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int num(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valueint : 0;
}

/* "YYYY-MM-DDThh:mm:ss" in zone z, or with a trailing Z an absolute instant. */
static bool parse_time(const char *s, const struct tz *z, const struct tz *utc, int64_t *out) {
    int y, mo, d, h, mi, se;
    char zulu = 0;
    if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &se, &zulu) < 6)
        return false;
    *out = tz_date(zulu == 'Z' ? utc : z, y, mo, d, h, mi, se);
    return true;
}

static void format_local(const struct tz *z, int64_t t, char *buf, size_t size) {
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    struct tz_fields f;
    tz_fields(z, t, &f);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d %s %s", f.year, f.month, f.day, f.hour,
             f.minute, f.second, wd[f.wday], f.abbrev);
}

static void format_utc(const struct tz *utc, int64_t t, char *buf, size_t size) {
    struct tz_fields f;
    tz_fields(utc, t, &f);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour, f.minute,
             f.second);
}

static const char *result_name(enum cron_result r) {
    switch (r) {
    case CRON_SCALED:
        return "scaled";
    case CRON_SKIPPED:
        return "skipped_excluded";
    case CRON_NOT_RUN_ONCE:
        return "not_run_job_removed_after_run_once";
    }
    return "?";
}

static bool run_cases(const cJSON *cases, char *diag, size_t size) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "input");
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, "expected");
        struct cron_hpa_in hin = {
            .target_size = num(in, "target_size"),
            .hpa_min = num(in, "hpa_min"),
            .hpa_max = num(in, "hpa_max"),
            .hpa_current = num(in, "hpa_status_current_replicas"),
            .scale_replicas = num(in, "scale_spec_replicas"),
            .hpa_name = "web-hpa",
            .hpa_namespace = "default",
        };
        struct cron_hpa_out out;
        cron_scale_hpa(&hin, &out);
        char status[512];
        cron_status_message("job", out.message, status, sizeof(status));
        cJSON *got = cJSON_CreateObject();
        cJSON_AddBoolToObject(got, "hpa_updated", out.hpa_updated);
        cJSON_AddNumberToObject(got, "hpa_min_after", out.hpa_min);
        cJSON_AddNumberToObject(got, "hpa_max_after", out.hpa_max);
        cJSON_AddBoolToObject(got, "target_scaled", out.target_scaled);
        cJSON_AddNumberToObject(got, "target_replicas_after", out.replicas);
        cJSON_AddStringToObject(got, "message", out.message);
        cJSON_AddStringToObject(got, "status_message", status);
        char field[768];
        bool ok = vec_same(want, got, NULL, field, sizeof(field));
        cJSON_Delete(got);
        if (!ok) {
            snprintf(diag, size, "case %s: %s", str(c, "case") ? str(c, "case") : "?", field);
            return false;
        }
    }
    return true;
}

static cJSON *probe_answer(const cJSON *p, const struct tz *z, const struct tz *utc) {
    cJSON *got = cJSON_CreateObject();
    struct cron_schedule s;
    char msg[512];
    if (!cron_parse(str(p, "schedule"), &s, msg, sizeof(msg))) {
        cJSON_AddStringToObject(got, "error", msg);
        return got;
    }
    int64_t after;
    if (!parse_time(str(p, "after"), z, utc, &after)) {
        cJSON_AddStringToObject(got, "error", "bad probe time");
        return got;
    }
    int64_t t = cron_next(&s, z, after);
    if (t == CRON_NEVER) {
        cJSON_AddStringToObject(got, "next", "never (zero time: nothing within 5 years)");
        return got;
    }
    char buf[64];
    format_local(z, t, buf, sizeof(buf));
    cJSON_AddStringToObject(got, "next", buf);
    format_utc(utc, t, buf, sizeof(buf));
    cJSON_AddStringToObject(got, "next_utc", buf);
    return got;
}

/* Fills spec from the scenario's cronhpa object; arrays point into `jobs`
 * and `excl`, which the caller frees. */
static void read_spec(const cJSON *cr, struct cron_spec *spec, struct cron_job_spec **jobs,
                      const char ***excl) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(cr, "scaleTargetRef");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(cr, "jobs");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(cr, "excludeDates");
    size_t nj = (size_t)cJSON_GetArraySize(js), ne = (size_t)cJSON_GetArraySize(ex);
    *jobs = xcalloc(nj ? nj : 1, sizeof(**jobs));
    *excl = xcalloc(ne ? ne : 1, sizeof(**excl));
    size_t i = 0;
    const cJSON *j;
    cJSON_ArrayForEach(j, js) {
        (*jobs)[i].name = str(j, "name");
        (*jobs)[i].schedule = str(j, "schedule");
        (*jobs)[i].target_size = num(j, "targetSize");
        (*jobs)[i].run_once = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "runOnce"));
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(j, ex) { (*excl)[i++] = cJSON_IsString(j) ? j->valuestring : ""; }
    *spec = (struct cron_spec){
        .target_api_version = str(ref, "apiVersion"),
        .target_kind = str(ref, "kind"),
        .target_name = str(ref, "name"),
        .jobs = *jobs,
        .n_jobs = nj,
        .exclude_dates = *excl,
        .n_exclude_dates = ne,
    };
}

static bool run_schedule(const cJSON *sc, char *diag, size_t size) {
    struct pp_error err = {0};
    const char *zone_name = str(sc, "tz");
    struct tz *z = zone_load(zone_name, &err);
    if (!z) {
        char m[1024];
        pp_error_format(&err, m, sizeof(m));
        snprintf(diag, size, "tz: %s", m);
        return false;
    }
    struct tz *utc = tz_utc();
    struct cron_spec spec;
    struct cron_job_spec *jobs;
    const char **excl;
    read_spec(cJSON_GetObjectItemCaseSensitive(sc, "cronhpa"), &spec, &jobs, &excl);
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(sc, "expected");
    bool ok = true;

    cJSON *parse = cJSON_CreateArray();
    for (size_t i = 0; i < spec.n_jobs; i++) {
        struct cron_schedule s;
        char msg[512];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "job", jobs[i].name ? jobs[i].name : "");
        cJSON_AddStringToObject(o, "schedule", jobs[i].schedule ? jobs[i].schedule : "");
        bool parsed = cron_parse(jobs[i].schedule, &s, msg, sizeof(msg));
        cJSON_AddBoolToObject(o, "ok", parsed);
        if (!parsed)
            cJSON_AddStringToObject(o, "error", msg);
        cJSON_AddItemToArray(parse, o);
    }
    ok = vec_same_list("parse", cJSON_GetObjectItemCaseSensitive(want, "parse"), parse, NULL, diag,
                       size);
    cJSON_Delete(parse);

    int64_t from = 0, to = 0;
    if (ok &&
        (!parse_time(str(sc, "from"), z, utc, &from) || !parse_time(str(sc, "to"), z, utc, &to))) {
        snprintf(diag, size, "from/to: expected YYYY-MM-DDThh:mm:ss");
        ok = false;
    }
    if (ok) {
        struct cron *c = cron_create(&spec, z, CRON_EXCLUDE_UPSTREAM, from);
        cJSON *fires = cJSON_CreateArray();
        struct cron_fire f;
        for (int n = 0; n < 100000 && cron_take(c, to, &f); n++) {
            char buf[64], msg[512] = "";
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "job", jobs[f.job].name);
            format_local(z, f.at, buf, sizeof(buf));
            cJSON_AddStringToObject(o, "local", buf);
            format_utc(utc, f.at, buf, sizeof(buf));
            cJSON_AddStringToObject(o, "utc", buf);
            cJSON_AddNumberToObject(o, "target_size", f.target_size);
            cJSON_AddBoolToObject(o, "runs", f.result != CRON_NOT_RUN_ONCE);
            cJSON_AddStringToObject(o, "result", result_name(f.result));
            if (f.result == CRON_SKIPPED)
                snprintf(msg, sizeof(msg), "%s", cron_job_message(c, f.job));
            cJSON_AddStringToObject(o, "message", msg);
            cJSON_AddItemToArray(fires, o);
        }
        ok = vec_same_list("fires", cJSON_GetObjectItemCaseSensitive(want, "fires"), fires, NULL,
                           diag, size);
        cJSON_Delete(fires);
        cron_destroy(c);
    }

    const cJSON *p;
    int i = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(sc, "probes")) {
        if (!ok)
            break;
        cJSON *got = probe_answer(p, z, utc);
        cJSON *expect = cJSON_CreateObject();
        static const char *const keys[] = {"next", "next_utc", "error"};
        for (size_t k = 0; k < 3; k++) {
            const char *v = str(p, keys[k]);
            if (v)
                cJSON_AddStringToObject(expect, keys[k], v);
        }
        char field[768];
        if (!vec_same(expect, got, NULL, field, sizeof(field))) {
            snprintf(diag, size, "probes[%d] \"%s\" after %s: %s", i, str(p, "schedule"),
                     str(p, "after"), field);
            ok = false;
        }
        cJSON_Delete(expect);
        cJSON_Delete(got);
        i++;
    }
    free(jobs);
    free(excl);
    tz_destroy(utc);
    tz_destroy(z);
    return ok;
}

bool vec_cron_run(const char *path, char *diag, size_t size) {
    cJSON *sc = vec_read_json(path, diag, size);
    if (!sc)
        return false;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(sc, "cases");
    bool ok = cases ? run_cases(cases, diag, size) : run_schedule(sc, diag, size);
    cJSON_Delete(sc);
    return ok;
}
