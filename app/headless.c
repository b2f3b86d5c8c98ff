#include "app/headless.h"

#include "engine/loop.h"
#include "loadgen/hey.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct printer {
    FILE *out;
    const struct svc_set *set;
    const struct loop *loop;
    double *scratch;
    size_t scratch_cap;
};

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void json_number(FILE *out, const char *name, double v) {
    char buf[40];
    if (isnan(v) || isinf(v)) {
        fprintf(out, ",\"%s\":null", name);
        return;
    }
    pp_format_double(v, buf, sizeof(buf));
    fprintf(out, ",\"%s\":%s", name, buf);
}

static void head(FILE *out, double t, const char *service) {
    char buf[40];
    pp_format_double(t, buf, sizeof(buf));
    fprintf(out, "{\"t\":%s,\"service\":", buf);
    json_string(out, service);
}

static void conditions(FILE *out, const struct hpa_status *st) {
    fputs(",\"conditions\":[", out);
    for (size_t i = 0; st && i < st->n_conditions; i++) {
        const struct hpa_condition *c = &st->conditions[i];
        fprintf(out, "%s{\"type\":\"%s\",\"status\":\"%s\",\"reason\":", i ? "," : "",
                hpa_cond_type_name(c->type), hpa_cond_status_name(c->status));
        json_string(out, c->reason);
        fputs(",\"message\":", out);
        json_string(out, c->message);
        fputc('}', out);
    }
    fputc(']', out);
}

static void decision(struct printer *p, const struct loop_record *r) {
    const struct loop_view *v = r->view;
    FILE *out = p->out;
    head(out, r->t, v->service);
    fprintf(out, ",\"class\":\"%s\",\"metric\":", svc_class_name(v->cls));
    json_string(out, v->metric);
    json_number(out, "target", v->target);
    json_number(out, "stable", v->stable);
    json_number(out, "panic", v->panic);
    fprintf(out, ",\"panic_mode\":%s,\"recommended\":%d,\"desired\":%d,\"actual\":%d,\"ready\":%d",
            v->panic_mode ? "true" : "false", v->recommended, v->desired, v->actual, v->ready);
    json_number(out, "gpu_util", v->gpu_util);
    if (v->cls == SVC_HPA)
        conditions(out, v->hpa);
    fputs(",\"reason\":", out);
    json_string(out, v->reason);
    fputs("}\n", out);
}

static void event(struct printer *p, const struct loop_record *r) {
    head(p->out, r->t, loop_view(p->loop, r->svc)->service);
    fprintf(p->out, ",\"event\":");
    json_string(p->out, r->reason);
    fprintf(p->out, ",\"type\":\"%s\",\"message\":", r->warning ? "Warning" : "Normal");
    json_string(p->out, r->message);
    fputs("}\n", p->out);
}

static void load_done(struct printer *p, const struct loop_record *r) {
    const struct sim_load_result *res = r->result;
    if (res->n_lat > p->scratch_cap) {
        p->scratch_cap = res->n_lat;
        p->scratch = xrealloc(p->scratch, p->scratch_cap * sizeof(double));
    }
    const struct hey_results hr = {
        .total_s = (double)(res->finished - res->started) / 1e9,
        .lat_s = res->lat_s,
        .n_lat = res->n_lat,
        .n_ok = res->n_ok,
        .status = 200,
        .n_errors = res->n_timeout,
        .error = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
    };
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    hey_report(mem, &hr, p->scratch);
    fclose(mem);
    const size_t n = res->n_lat;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p->scratch[i];
    double pct[HEY_PERCENTILES];
    hey_percentiles(p->scratch, n, pct);
    head(p->out, r->t, loop_view(p->loop, r->svc)->service);
    fputs(",\"load\":", p->out);
    json_string(p->out, r->load_spec->text);
    fprintf(p->out, ",\"requests\":%zu,\"errors\":%zu", res->n_ok, res->n_timeout);
    json_number(p->out, "total", hr.total_s);
    json_number(p->out, "rps", hr.total_s > 0 ? (double)(res->n_ok + res->n_timeout) / hr.total_s
                                              : NAN);
    json_number(p->out, "fastest", n ? p->scratch[0] : NAN);
    json_number(p->out, "average", n ? sum / (double)n : NAN);
    json_number(p->out, "slowest", n ? p->scratch[n - 1] : NAN);
    json_number(p->out, "p50", n ? pct[2] : NAN);
    json_number(p->out, "p99", n ? pct[6] : NAN);
    fputs(",\"report\":", p->out);
    json_string(p->out, text);
    fputs("}\n", p->out);
    free(text);
}

static void on_record(void *ctx, const struct loop_record *r) {
    struct printer *p = ctx;
    switch (r->kind) {
    case LOOP_DECISION:
        decision(p, r);
        break;
    case LOOP_EVENT:
        event(p, r);
        break;
    case LOOP_LOAD_DONE:
        load_done(p, r);
        break;
    case LOOP_COMMAND:
    case LOOP_OBS:
    case LOOP_TICK_END:
        break;
    }
}

int64_t headless_default_duration(const struct svc_set *set) {
    if (set->duration > 0)
        return set->duration / PP_NS_PER_SEC;
    int64_t end = 0;
    for (size_t i = 0; i < set->n_loads; i++) {
        const struct sim_load *l = &set->loads[i].load;
        pp_time e = l->start + (l->duration ? l->duration : PP_SEC(60));
        if (l->kind == SIM_LOAD_TRACE && l->n_trace)
            e = l->start + (pp_time)((l->trace[l->n_trace - 1].at_s + 1) * 1e9);
        if (e / PP_NS_PER_SEC > end)
            end = e / PP_NS_PER_SEC;
    }
    return end + 360 > 300 ? end + 360 : 300;
}

static void pace(double speed) {
    if (speed <= 0)
        return;
    const double secs = 1.0 / speed;
    struct timespec ts = {(time_t)secs, (long)((secs - floor(secs)) * 1e9)};
    nanosleep(&ts, NULL);
}

int headless_run(const struct svc_set *set, const struct headless_options *opt, FILE *out) {
    struct printer p = {.out = out, .set = set};
    struct pp_error err = {0};
    struct loop *l = loop_create(set, on_record, &p, &err);
    if (!l) {
        char msg[1024];
        pp_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "podpilot: %s\n", msg);
        return 1;
    }
    p.loop = l;
    const int64_t duration = opt->duration_s > 0 ? opt->duration_s : headless_default_duration(set);
    for (int64_t t = 0; t < duration && !ferror(out); t++) {
        loop_tick(l);
        fflush(out);
        pace(opt->speed);
    }
    loop_destroy(l);
    free(p.scratch);
    return ferror(out) ? 1 : 0;
}
