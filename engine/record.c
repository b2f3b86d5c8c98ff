#include "engine/record.h"

#include "engine/buf.h"
#include "engine/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- writing ---- */

struct record_writer {
    int fd;
    pp_time start;
    size_t n_services, n_obs;
    struct buf lines, obs;
    bool failed;
    char problem[300];
    char path[256];
};

static bool write_all(struct record_writer *w, const char *p, size_t n) {
    while (n > 0) {
        const ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (!w->failed)
                snprintf(w->problem, sizeof(w->problem), "%s: %s", w->path,
                         k < 0 ? strerror(errno) : "short write");
            w->failed = true;
            return false;
        }
        p += k;
        n -= (size_t)k;
    }
    return true;
}

struct record_writer *record_create(const char *path, const cJSON *header, pp_time start,
                                    size_t n_services, struct pp_error *err) {
    /* a regular file only: --record /dev/null as root must not chmod the
     * device, and a FIFO would block the open */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        pp_fail(err, PP_ERR_IO, "--record", "%s: not a regular file; a recording is written to one",
                path);
        return NULL;
    }
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        pp_fail(err, PP_ERR_IO, "--record", "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fchmod(fd, 0600) != 0) {
        pp_fail(err, PP_ERR_IO, "--record", "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    struct record_writer *w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->start = start;
    w->n_services = n_services;
    snprintf(w->path, sizeof(w->path), "%s", path);
    char *text = cJSON_PrintUnformatted(header);
    buf_printf(&w->lines, "{\"podpilot_recording\":%d,", RECORD_FORMAT);
    buf_printf(&w->lines, "\"start_ns\":\"%" PRId64 "\"%s%s\n", (int64_t)start,
               text && strlen(text) > 2 ? "," : "}", text && strlen(text) > 2 ? text + 1 : "");
    free(text);
    if (!write_all(w, w->lines.p, w->lines.len)) {
        pp_fail(err, PP_ERR_IO, "--record", "%s", w->problem);
        close(fd);
        buf_free(&w->lines);
        free(w);
        return NULL;
    }
    w->lines.len = 0;
    return w;
}

void record_output(struct record_writer *w, const char *line, size_t len) {
    buf_put(&w->lines, line, len);
}

void record_command(struct record_writer *w, double t, const char *text) {
    buf_put(&w->lines, "{\"command\":", 11);
    buf_string(&w->lines, text);
    buf_put(&w->lines, ",\"t\":", 5);
    buf_double(&w->lines, t);
    buf_put(&w->lines, "}\n", 2);
}

/* A pod's state besides readiness, as a live cluster has it; 0 (left out)
 * for a running pod with a Ready condition that has started, as every
 * simulated pod is: bits 0-1 the phase, then deleting, no Ready condition,
 * Ready Unknown, not started. */
static unsigned pod_flags(const struct hpa_pod *p) {
    return (unsigned)p->phase | (p->deleting ? 4u : 0) | (p->has_ready_condition ? 0 : 8u) |
           (p->ready_unknown ? 16u : 0) | (p->started ? 0 : 32u);
}

static void obs_hpa(struct buf *b, const struct loop_obs *o, pp_time start) {
    buf_put(b, "\"hpa\":{\"pods\":[", 15);
    for (size_t i = 0; i < o->n_pods; i++) {
        const struct hpa_pod *p = &o->hpa_pods[i];
        buf_printf(b, "%s[%d,%" PRId64 ",%" PRId64, i ? "," : "", p->ready ? 1 : 0,
                   (int64_t)(p->ready_transition - start), (int64_t)(p->start_time - start));
        const unsigned f = pod_flags(p);
        buf_printf(b, f ? ",%u]" : "]", f);
    }
    buf_put(b, "],\"m\":[", 7);
    for (size_t k = 0; k < o->n_metrics; k++) {
        const struct hpa_metric_obs *m = &o->metrics[k];
        buf_put(b, k ? ",{" : "{", k ? 2 : 1);
        if (m->error) {
            buf_put(b, "\"e\":", 4);
            buf_string(b, m->error);
            buf_put(b, "}", 1);
            continue;
        }
        buf_printf(b, "\"x\":%" PRId64, m->value_milli);
        if (m->pod_milli) {
            buf_put(b, ",\"v\":[", 6);
            for (size_t i = 0; i < o->n_pods; i++)
                buf_printf(b, "%s%" PRId64, i ? "," : "", m->pod_milli[i]);
            buf_put(b, "]", 1);
        }
        if (m->present) {
            buf_put(b, ",\"p\":[", 6);
            for (size_t i = 0; i < o->n_pods; i++)
                buf_put(b, i ? (m->present[i] ? ",1" : ",0") : (m->present[i] ? "1" : "0"),
                        i ? 2 : 1);
            buf_put(b, "]", 1);
        }
        buf_put(b, "}", 1);
    }
    buf_put(b, "]}", 2);
}

void record_obs(struct record_writer *w, size_t svc, const struct loop_obs *o, pp_time now) {
    (void)svc; /* services come in order, one per tick */
    struct buf *b = &w->obs;
    buf_printf(b, "%s[%d,%d,", w->n_obs++ ? "," : "", o->ready, o->starting);
    const double v[] = {o->demand,
                        o->rps,
                        o->busy,
                        o->gpu_util,
                        o->pods.concurrency,
                        o->pods.rps,
                        o->activator.concurrency,
                        o->activator.rps};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (i)
            buf_put(b, ",", 1);
        buf_double(b, v[i]);
    }
    /* what the scalers read besides the figures: one object, its members
     * in this order */
    const bool extra = o->hpa || o->n_lag > 0 || o->keda || o->live;
    if (extra)
        buf_put(b, ",{", 2);
    if (o->hpa)
        obs_hpa(b, o, w->start);
    if (o->n_lag > 0) {
        /* Ops of the second that ended at `now`, relative to its start. */
        const int64_t base = LOOP_LAG_OP(now / PP_NS_PER_SEC - 1, 0, false);
        buf_put(b, o->hpa ? ",\"lag\":[" : "\"lag\":[", o->hpa ? 8 : 7);
        for (size_t i = 0; i < o->n_lag; i++)
            buf_printf(b, "%s%" PRId64, i ? "," : "", o->lag_ops[i] - base);
        buf_put(b, "]", 1);
    }
    if (o->keda) {
        const bool after = o->hpa || o->n_lag > 0;
        buf_put(b, after ? ",\"keda\":[" : "\"keda\":[", after ? 9 : 8);
        for (size_t i = 0; i < o->n_keda; i++) {
            if (i)
                buf_put(b, ",", 1);
            buf_double(b, o->keda_values[i]); /* null: the scaler failed */
        }
        buf_put(b, "]", 1);
    }
    if (o->live) {
        buf_printf(b, "%s\"live\":[%d,%d,", o->hpa || o->n_lag > 0 || o->keda ? "," : "",
                   o->target_replicas, o->cluster_desired);
        buf_double(b, o->cluster_metric); /* null: none */
        if (o->scrape_error) {
            buf_put(b, ",", 1);
            buf_string(b, o->scrape_error);
        }
        buf_put(b, "]", 1);
    }
    if (extra)
        buf_put(b, "}", 1);
    buf_put(b, "]", 1);
}

enum pp_status record_end_tick(struct record_writer *w, int64_t t, struct pp_error *err) {
    buf_printf(&w->lines, "{\"tick\":%" PRId64 ",\"obs\":[", t);
    buf_put(&w->lines, w->obs.p ? w->obs.p : "", w->obs.len);
    buf_put(&w->lines, "]}\n", 3);
    w->obs.len = 0;
    w->n_obs = 0;
    const bool ok = !w->failed && write_all(w, w->lines.p, w->lines.len);
    w->lines.len = 0;
    if (!ok)
        return pp_fail(err, PP_ERR_IO, "--record", "%s", w->problem);
    return PP_OK;
}

enum pp_status record_close(struct record_writer *w, struct pp_error *err) {
    if (!w)
        return PP_OK;
    bool ok = !w->failed;
    if (w->lines.len > 0 && ok)
        ok = write_all(w, w->lines.p, w->lines.len); /* a tick that never ended */
    if (close(w->fd) != 0 && ok) {
        snprintf(w->problem, sizeof(w->problem), "%s: %s", w->path, strerror(errno));
        ok = false;
    }
    enum pp_status st = PP_OK;
    if (!ok)
        st = pp_fail(err, PP_ERR_IO, "--record", "%s", w->problem);
    buf_free(&w->lines);
    buf_free(&w->obs);
    free(w);
    return st;
}

/* ---- reading ---- */

struct svc_store {
    struct hpa_pod *pods;
    size_t cap_pods;
    struct hpa_metric_obs m[HPA_MAX_METRICS];
    int64_t *vals[HPA_MAX_METRICS];
    bool *present[HPA_MAX_METRICS];
    char errors[HPA_MAX_METRICS][200];
    int64_t *ops;
    size_t cap_ops;
    double keda[KEDA_MAX_TRIGGERS];
    char scrape_error[240];
    double *scratch; /* one metric's numbers as read, cap_pods of them */
};

struct record_reader {
    char path[256];
    char *data;
    size_t size, pos;
    int line;
    cJSON *header;
    pp_time start;
    int format;
    size_t n;
    struct loop_obs *obs;
    struct svc_store *store;
    const char **outputs;
    size_t *lens;
    size_t n_out, cap_out;
    char **commands;
    size_t n_cmd, cap_cmd;
    int64_t last_tick;
    char problem[400];
    bool corrupt; /* the problem is the file's, not a crash's */
};

static char *read_file(const char *path, size_t *size, struct pp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        pp_fail(err, PP_ERR_IO, "recording", "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, len = 0;
    char *data = xmalloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            data = xrealloc(data, cap);
        }
        const size_t k = fread(data + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    const bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        pp_fail(err, PP_ERR_IO, "recording", "%s: read error", path);
        return NULL;
    }
    data = xrealloc(data, len + 1);
    data[len] = '\0';
    *size = len;
    return data;
}

/* The next line, NUL-terminated in place; NULL at the end. *complete is
 * false for a last line without its newline. */
static char *next_line(struct record_reader *r, size_t *len, bool *complete) {
    if (r->pos >= r->size)
        return NULL;
    char *s = r->data + r->pos;
    char *nl = memchr(s, '\n', r->size - r->pos);
    *complete = nl != NULL;
    *len = nl ? (size_t)(nl - s) : r->size - r->pos;
    s[*len] = '\0';
    r->pos += *len + 1;
    r->line++;
    return s;
}

struct record_reader *record_open(const char *path, struct pp_error *err) {
    size_t size = 0;
    char *data = read_file(path, &size, err);
    if (!data)
        return NULL;
    struct record_reader *r = xcalloc(1, sizeof(*r));
    snprintf(r->path, sizeof(r->path), "%s", path);
    r->data = data;
    r->size = size;
    size_t len;
    bool complete;
    char *line = next_line(r, &len, &complete);
    r->header = line && complete ? cJSON_ParseWithLength(line, len) : NULL;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(r->header, "podpilot_recording");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(r->header, "start_ns");
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(r->header, "services");
    if (!cJSON_IsNumber(fmt) || !cJSON_IsString(start) || !cJSON_IsArray(svcs)) {
        pp_fail(err, PP_ERR_PARSE, "recording",
                "%s:1: not a podpilot recording (the first line must be its header)", path);
        record_reader_close(r);
        return NULL;
    }
    if (fmt->valueint < RECORD_FORMAT_OLDEST || fmt->valueint > RECORD_FORMAT) {
        pp_fail(err, PP_ERR_PARSE, "recording",
                "%s:1: recording format %d; this podpilot reads formats %d to %d", path,
                fmt->valueint, RECORD_FORMAT_OLDEST, RECORD_FORMAT);
        record_reader_close(r);
        return NULL;
    }
    char *end;
    errno = 0;
    const long long start_ns = strtoll(start->valuestring, &end, 10);
    /* engine times add durations of up to a week to it: within 1970..2200 */
    if (errno || *end || end == start->valuestring || start_ns < 0 ||
        start_ns > 7258118400LL * PP_NS_PER_SEC) {
        pp_fail(err, PP_ERR_PARSE, "recording", "%s:1: start_ns: not a time from 1970 to 2200",
                path);
        record_reader_close(r);
        return NULL;
    }
    r->start = (pp_time)start_ns;
    r->format = fmt->valueint;
    r->n = (size_t)cJSON_GetArraySize(svcs);
    r->obs = xcalloc(r->n ? r->n : 1, sizeof(*r->obs));
    r->store = xcalloc(r->n ? r->n : 1, sizeof(*r->store));
    return r;
}

void record_reader_close(struct record_reader *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        struct svc_store *s = &r->store[i];
        free(s->pods);
        for (size_t k = 0; k < HPA_MAX_METRICS; k++) {
            free(s->vals[k]);
            free(s->present[k]);
        }
        free(s->ops);
        free(s->scratch);
    }
    for (size_t i = 0; i < r->n_cmd; i++)
        free(r->commands[i]);
    free(r->commands);
    free(r->outputs);
    free(r->lens);
    free(r->obs);
    free(r->store);
    cJSON_Delete(r->header);
    free(r->data);
    free(r);
}

const cJSON *record_header(const struct record_reader *r) { return r->header; }
size_t record_services(const struct record_reader *r) { return r->n; }
int record_format(const struct record_reader *r) { return r->format; }
pp_time record_start(const struct record_reader *r) { return r->start; }
size_t record_bytes(const struct record_reader *r) { return r->size; }
bool record_corrupt(const struct record_reader *r) { return r->corrupt; }

const char *record_problem(const struct record_reader *r) { return r->problem; }

/* A recorded number as an integer, 0 when it is not a finite number in
 * range: a damaged file must not reach an undefined conversion. */
static int64_t whole(double v, double lo, double hi) {
    return isfinite(v) && v >= lo && v <= hi ? (int64_t)v : 0;
}

#define BIG 9.0e15 /* below 2^53: every integer up to here is exact */

static double num(const cJSON *a, int i) {
    const cJSON *x = cJSON_GetArrayItem(a, i);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* The first n items of a as numbers, NaN where one is missing or not a
 * number: one walk of the list (cJSON_GetArrayItem walks from the head
 * each time, quadratic over a thousand pods). */
static void nums(const cJSON *a, size_t n, double *out) {
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) {
        if (i == n)
            break;
        out[i++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    }
    for (; i < n; i++)
        out[i] = NAN;
}

static bool grow(void **p, size_t *cap, size_t want, size_t size) {
    if (want <= *cap)
        return true;
    size_t c = *cap ? *cap : 16;
    while (c < want)
        c *= 2;
    *p = xrealloc(*p, c * size);
    *cap = c;
    return true;
}

static bool parse_hpa(struct record_reader *r, size_t svc, const cJSON *h, struct loop_obs *o) {
    struct svc_store *s = &r->store[svc];
    const cJSON *pods = cJSON_GetObjectItemCaseSensitive(h, "pods");
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(h, "m");
    if (!cJSON_IsArray(pods) || !cJSON_IsArray(ms))
        return false;
    const size_t n = (size_t)cJSON_GetArraySize(pods);
    const size_t old_cap = s->cap_pods;
    grow((void **)&s->pods, &s->cap_pods, n, sizeof(*s->pods));
    if (s->cap_pods != old_cap)
        for (size_t k = 0; k < HPA_MAX_METRICS; k++) {
            s->vals[k] = xrealloc(s->vals[k], s->cap_pods * sizeof(int64_t));
            s->present[k] = xrealloc(s->present[k], s->cap_pods * sizeof(bool));
        }
    if (s->cap_pods != old_cap)
        s->scratch = xrealloc(s->scratch, s->cap_pods * sizeof(double));
    size_t i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, pods) {
        const unsigned f = (unsigned)whole(num(p, 3), 0, 63);
        s->pods[i++] = (struct hpa_pod){
            .phase = (enum hpa_pod_phase)(f & 3u),
            .deleting = f & 4u,
            .has_ready_condition = !(f & 8u),
            .ready = num(p, 0) == 1,
            .ready_unknown = f & 16u,
            .ready_transition = r->start + whole(num(p, 1), -BIG, BIG),
            .started = !(f & 32u),
            .start_time = r->start + whole(num(p, 2), -BIG, BIG),
        };
    }
    size_t k = 0;
    const cJSON *m;
    const pp_time now = r->start + PP_SEC(r->last_tick);
    cJSON_ArrayForEach(m, ms) {
        if (k == HPA_MAX_METRICS)
            return false;
        struct hpa_metric_obs *mo = &s->m[k];
        *mo = (struct hpa_metric_obs){.timestamp = now, .window = PP_SEC(15)};
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(m, "e");
        if (cJSON_IsString(e)) {
            snprintf(s->errors[k], sizeof(s->errors[k]), "%s", e->valuestring);
            mo->error = s->errors[k++];
            continue;
        }
        mo->value_milli =
            whole(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "x")), -BIG, BIG);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "v");
        const cJSON *pr = cJSON_GetObjectItemCaseSensitive(m, "p");
        if (cJSON_IsArray(v)) {
            nums(v, n, s->scratch);
            for (i = 0; i < n; i++)
                s->vals[k][i] = whole(s->scratch[i], -BIG, BIG);
            mo->pod_milli = s->vals[k];
        }
        if (cJSON_IsArray(pr)) {
            nums(pr, n, s->scratch);
            for (i = 0; i < n; i++)
                s->present[k][i] = s->scratch[i] == 1;
            mo->present = s->present[k];
        }
        k++;
    }
    o->hpa = true;
    o->n_pods = n;
    o->hpa_pods = s->pods;
    o->n_metrics = k;
    o->metrics = s->m;
    return true;
}

/* A service's optional last element: HPA inputs, Seldon request ops. */
static bool parse_extra(struct record_reader *r, size_t svc, const cJSON *extra,
                        struct loop_obs *o) {
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(extra, "hpa");
    if (h && !parse_hpa(r, svc, h, o))
        return false;
    const cJSON *lag = cJSON_GetObjectItemCaseSensitive(extra, "lag");
    if (cJSON_IsArray(lag)) {
        struct svc_store *s = &r->store[svc];
        const size_t n = (size_t)cJSON_GetArraySize(lag);
        grow((void **)&s->ops, &s->cap_ops, n, sizeof(*s->ops));
        const pp_time now = r->start + PP_SEC(r->last_tick);
        const int64_t base = LOOP_LAG_OP(now / PP_NS_PER_SEC - 1, 0, false);
        size_t i = 0;
        const cJSON *op;
        cJSON_ArrayForEach(op, lag) s->ops[i++] = base + whole(op->valuedouble, 0, 1e9);
        o->n_lag = n;
        o->lag_ops = s->ops;
    }
    const cJSON *live = cJSON_GetObjectItemCaseSensitive(extra, "live");
    if (cJSON_IsArray(live) && cJSON_GetArraySize(live) >= 2) {
        o->live = true;
        o->target_replicas = (int32_t)whole(num(live, 0), 0, 1e6);
        o->cluster_desired = (int32_t)whole(num(live, 1), -1, 1e6);
        o->cluster_metric = num(live, 2); /* NaN: none, or a recording from before it */
        const char *e = cJSON_GetStringValue(cJSON_GetArrayItem(live, 3));
        if (e) {
            struct svc_store *s = &r->store[svc];
            snprintf(s->scrape_error, sizeof(s->scrape_error), "%s", e);
            o->scrape_error = s->scrape_error;
        }
    }
    const cJSON *keda = cJSON_GetObjectItemCaseSensitive(extra, "keda");
    if (cJSON_IsArray(keda)) {
        struct svc_store *s = &r->store[svc];
        size_t i = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, keda) {
            if (i == KEDA_MAX_TRIGGERS)
                return false;
            s->keda[i++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        }
        o->keda = true;
        o->n_keda = i;
        o->keda_values = s->keda;
    }
    return true;
}

static void set_figures(struct loop_obs *o, const double v[10]) {
    *o = (struct loop_obs){
        .ready = (int32_t)whole(v[0], 0, 1e6),
        .starting = (int32_t)whole(v[1], 0, 1e6),
        .demand = v[2],
        .rps = v[3],
        .busy = v[4],
        .gpu_util = v[5],
        .pods = {.concurrency = v[6], .rps = v[7]},
        .activator = {.concurrency = v[8], .rps = v[9]},
    };
}

static bool parse_obs(struct record_reader *r, const cJSON *arr) {
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != r->n)
        return false;
    size_t svc = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, arr) {
        if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 10)
            return false;
        double v[10];
        for (int i = 0; i < 10; i++)
            v[i] = num(a, i);
        set_figures(&r->obs[svc], v);
        const cJSON *extra = cJSON_GetArrayItem(a, 10);
        if (extra && !parse_extra(r, svc, extra, &r->obs[svc]))
            return false;
        svc++;
    }
    return true;
}

/* ---- the fast path for tick lines: numbers read directly ---- */

/* A JSON number, or null as NaN. Up to 15 digits without an exponent take
 * Clinger's fast path (an exact integer over an exact power of ten, one
 * correctly rounded division: strtod's result); the rest go to strtod. */
static bool read_number(const char **pp, double *out) {
    static const double pow10[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *p = *pp;
    if (strncmp(p, "null", 4) == 0) {
        *out = NAN;
        *pp = p + 4;
        return true;
    }
    const char *start = p;
    const bool neg = *p == '-';
    p += neg;
    uint64_t m = 0;
    int digits = 0, frac = 0;
    while (*p >= '0' && *p <= '9' && digits < 16) {
        m = m * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9' && digits < 16; p++, digits++, frac++)
            m = m * 10 + (uint64_t)(*p - '0');
    if (digits == 0 || digits > 15 || (*p >= '0' && *p <= '9') || *p == 'e' || *p == 'E' ||
        *p == '.') {
        char *end;
        *out = strtod(start, &end);
        if (end == start)
            return false;
        *pp = end;
        return true;
    }
    const double v = frac ? (double)m / pow10[frac] : (double)m;
    *out = neg ? -v : v;
    *pp = p;
    return true;
}

static bool expect(const char **p, const char *text) {
    const size_t n = strlen(text);
    if (strncmp(*p, text, n) != 0)
        return false;
    *p += n;
    return true;
}

/* The end of the JSON object starting at s ('{'), strings respected. */
static const char *object_end(const char *s) {
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                return NULL;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* {"tick":N,"obs":[[...],...]} as this writer writes it; false for anything
 * else (the caller then reads the line with cJSON, which says what is
 * wrong). */
static bool parse_tick_fast(struct record_reader *r, const char *s) {
    const char *p = s;
    double t;
    if (!expect(&p, "{\"tick\":") || !read_number(&p, &t) || !expect(&p, ",\"obs\":["))
        return false;
    r->last_tick = whole(t, 0, BIG);
    for (size_t svc = 0; svc < r->n; svc++) {
        if (svc && !expect(&p, ","))
            return false;
        if (!expect(&p, "["))
            return false;
        double v[10];
        for (int i = 0; i < 10; i++)
            if ((i && !expect(&p, ",")) || !read_number(&p, &v[i]))
                return false;
        set_figures(&r->obs[svc], v);
        if (*p == ',') {
            p++;
            const char *end = *p == '{' ? object_end(p) : NULL;
            if (!end)
                return false;
            cJSON *extra = cJSON_ParseWithLength(p, (size_t)(end - p));
            const bool ok = extra && parse_extra(r, svc, extra, &r->obs[svc]);
            cJSON_Delete(extra);
            if (!ok)
                return false;
            p = end;
        }
        if (!expect(&p, "]"))
            return false;
    }
    return expect(&p, "]}") && *p == '\0';
}

int record_next(struct record_reader *r, struct record_tick *out) {
    for (size_t i = 0; i < r->n_cmd; i++)
        free(r->commands[i]);
    r->n_cmd = 0;
    r->n_out = 0;
    size_t len;
    bool complete;
    char *line;
    while ((line = next_line(r, &len, &complete))) {
        if (!complete) {
            snprintf(r->problem, sizeof(r->problem),
                     "%s:%d: the last line is cut off (%zu bytes); replayed to t=%lld", r->path,
                     r->line, len, (long long)r->last_tick);
            return 0;
        }
        if (len == 0)
            continue;
        if (strncmp(line, "{\"tick\":", 8) == 0) {
            const int64_t prev = r->last_tick;
            bool ok = parse_tick_fast(r, line);
            if (!ok) {
                cJSON *j = cJSON_ParseWithLength(line, len);
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "tick");
                ok = cJSON_IsNumber(t);
                if (ok) {
                    r->last_tick = whole(t->valuedouble, 0, BIG);
                    ok = parse_obs(r, cJSON_GetObjectItemCaseSensitive(j, "obs"));
                }
                cJSON_Delete(j);
            }
            if (!ok) {
                snprintf(r->problem, sizeof(r->problem),
                         "%s:%d: a tick line that does not read as one; replayed to the "
                         "tick before",
                         r->path, r->line);
                return 0;
            }
            if (r->last_tick != prev + 1) { /* the writer numbers them 1, 2, 3... */
                snprintf(r->problem, sizeof(r->problem),
                         "%s:%d: tick %lld after tick %lld: a recording's ticks follow one "
                         "another (was it edited, or two joined?); replayed to t=%lld",
                         r->path, r->line, (long long)r->last_tick, (long long)prev,
                         (long long)prev);
                r->last_tick = prev;
                r->corrupt = true;
                return 0;
            }
            *out = (struct record_tick){.t = r->last_tick,
                                        .n_commands = r->n_cmd,
                                        .commands = (const char *const *)r->commands,
                                        .n_outputs = r->n_out,
                                        .outputs = r->outputs,
                                        .output_lens = r->lens,
                                        .obs = r->obs};
            return 1;
        }
        if (strncmp(line, "{\"command\":", 11) == 0) {
            cJSON *j = cJSON_ParseWithLength(line, len);
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "command");
            const bool is_text = cJSON_IsString(c); /* read before j (and c with it) is freed */
            if (is_text) {
                grow((void **)&r->commands, &r->cap_cmd, r->n_cmd + 1, sizeof(*r->commands));
                r->commands[r->n_cmd++] = xstrdup(c->valuestring);
            }
            cJSON_Delete(j);
            if (!is_text)
                goto bad;
            continue;
        }
        if (strncmp(line, "{\"t\":", 5) == 0) {
            size_t cap = r->cap_out;
            grow((void **)&r->outputs, &r->cap_out, r->n_out + 1, sizeof(*r->outputs));
            if (cap != r->cap_out)
                r->lens = xrealloc(r->lens, r->cap_out * sizeof(*r->lens));
            r->outputs[r->n_out] = line;
            r->lens[r->n_out++] = len;
            continue;
        }
    bad:
        snprintf(r->problem, sizeof(r->problem),
                 "%s:%d: not a line of a podpilot recording; replayed to t=%lld", r->path, r->line,
                 (long long)r->last_tick);
        return 0;
    }
    if (r->n_out > 0 || r->n_cmd > 0)
        snprintf(r->problem, sizeof(r->problem),
                 "%s: ends inside the tick after t=%lld (a crash while writing it); replayed "
                 "to t=%lld",
                 r->path, (long long)r->last_tick, (long long)r->last_tick);
    return 0;
}
