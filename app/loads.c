#include "app/loads.h"

#include "loadgen/hey.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads "seconds,rps" lines (a header line is skipped) into the set. */
static enum pp_status read_trace(struct svc_set *set, const char *path, struct load_spec *l,
                                 struct pp_error *err) {
    FILE *f = fopen(path, "r");
    if (!f)
        return pp_fail(err, PP_ERR_IO, "--trace", "cannot open %s: %s", path, strerror(errno));
    struct load_trace_point *pts = NULL;
    size_t n = 0, cap = 0;
    char line[256];
    int lineno = 0;
    enum pp_status st = PP_OK;
    while (st == PP_OK && fgets(line, sizeof(line), f)) {
        lineno++;
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#' || (lineno == 1 && isalpha((unsigned char)*p)))
            continue;
        double t, r;
        if (sscanf(p, "%lf,%lf", &t, &r) != 2 || !(t >= 0) || !(r >= 0) ||
            (n && t <= pts[n - 1].at_s)) { /* NaN fails every comparison */
            st = pp_fail(err, PP_ERR_PARSE, "--trace",
                         "%s:%d: expected \"seconds,rps\" with seconds increasing", path, lineno);
            break;
        }
        if (t > LOAD_MAX_SECONDS || r > LOAD_MAX_RATE) {
            st = pp_fail(err, PP_ERR_LIMIT, "--trace",
                         "%s:%d: the simulated cluster takes times up to %d s and rates up to "
                         "%.0f requests per second",
                         path, lineno, LOAD_MAX_SECONDS, LOAD_MAX_RATE);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            pts = xrealloc(pts, cap * sizeof(*pts));
        }
        pts[n++] = (struct load_trace_point){t, r};
    }
    fclose(f);
    if (st == PP_OK && n == 0)
        st = pp_fail(err, PP_ERR_PARSE, "--trace", "%s: no \"seconds,rps\" lines", path);
    if (st == PP_OK) {
        l->trace = svc_set_trace(set, pts, n);
        l->n_trace = n;
    }
    free(pts);
    return st;
}

static enum pp_status parse_flags(struct svc_set *set, const char *text, const char *dir,
                                  struct load_spec *l, struct pp_error *err) {
    struct hey_args a;
    if (hey_parse(text, false, &a, err) != PP_OK)
        return PP_ERR_PARSE;
    if (a.c > LOAD_MAX_WORKERS)
        return pp_fail(err, PP_ERR_LIMIT, "-c",
                       "the simulated cluster runs at most %d workers, "
                       "got %d",
                       LOAD_MAX_WORKERS, (int)a.c);
    if (!(a.q >= 0)) /* NaN */
        return pp_fail(err, PP_ERR_INVALID, "-q", "expected requests per second, 0 or more");
    if (a.rate > LOAD_MAX_RATE || a.q > LOAD_MAX_RATE)
        return pp_fail(err, PP_ERR_LIMIT, a.rate > LOAD_MAX_RATE ? "--rate" : "-q",
                       "the simulated cluster takes at most %.0f requests per second",
                       LOAD_MAX_RATE);
    *l = (struct load_spec){.start = a.after,
                            .duration = a.z,
                            .requests = a.z ? 0 : a.n,
                            .workers = a.c,
                            .qps = a.q,
                            .timeout = PP_SEC(a.t)};
    if (a.rate > 0) {
        l->kind = LOAD_POISSON;
        l->rate = a.rate;
        l->requests = a.z ? 0 : (strstr(text, "-n") ? a.n : 0);
        if (!a.z && !l->requests)
            return pp_fail(err, PP_ERR_PARSE, "--rate", "needs -z DURATION or -n REQUESTS");
    } else if (a.trace[0]) {
        l->kind = LOAD_TRACE;
        l->requests = 0;
        char path[1024];
        if (a.trace[0] != '/' && dir && dir[0])
            snprintf(path, sizeof(path), "%s/%s", dir, a.trace);
        else
            snprintf(path, sizeof(path), "%s", a.trace);
        return read_trace(set, path, l, err);
    }
    return PP_OK;
}

static enum pp_status parse(struct svc_set *set, struct svc_load *ld, struct pp_error *err) {
    if (parse_flags(set, ld->text, ld->dir, &ld->load, err) != PP_OK)
        return PP_ERR_PARSE;
    ld->parsed = true;
    return PP_OK;
}

enum pp_status loads_parse_flags(struct svc_set *set, const char *hey, struct load_spec *out,
                                 struct pp_error *err) {
    return parse_flags(set, hey, NULL, out, err);
}

enum pp_status loads_add(struct svc_set *set, const char *service, const char *hey,
                         struct pp_error *err) {
    size_t svc;
    if (svc_set_resolve(set, service, "service", &svc, err) != PP_OK)
        return PP_ERR_INVALID;
    struct svc_load *l = svc_set_add_load(set, svc);
    snprintf(l->text, sizeof(l->text), "%s", hey);
    return parse(set, l, err);
}

enum pp_status loads_resolve(struct svc_set *set, struct pp_error *err) {
    for (size_t i = 0; i < set->n_loads; i++) {
        struct svc_load *l = &set->loads[i];
        if (l->parsed)
            continue;
        struct pp_error e = {0};
        if (parse(set, l, &e) == PP_OK)
            continue;
        if (err) {
            *err = l->where;
            const bool says_field = strncmp(e.message, e.field, strlen(e.field)) == 0;
            snprintf(err->message, sizeof(err->message), "%s%s%.300s", says_field ? "" : e.field,
                     says_field || !e.field[0] ? "" : ": ", e.message);
        }
        return PP_ERR_PARSE;
    }
    return PP_OK;
}
