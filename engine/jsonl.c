#include "engine/jsonl.h"

#include "engine/hey_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void number(struct jsonl *j, const char *name, double v) {
    buf_printf(&j->b, ",\"%s\":", name);
    buf_double(&j->b, v); /* null when not finite */
}

static void head(struct jsonl *j, double t, const char *service) {
    char buf[40];
    pp_format_double(t, buf, sizeof(buf));
    buf_printf(&j->b, "{\"t\":%s,\"service\":", buf);
    buf_string(&j->b, service);
}

static void conditions(struct jsonl *j, const struct hpa_status *st) {
    buf_put(&j->b, ",\"conditions\":[", 15);
    for (size_t i = 0; st && i < st->n_conditions; i++) {
        const struct hpa_condition *c = &st->conditions[i];
        buf_printf(&j->b, "%s{\"type\":\"%s\",\"status\":\"%s\",\"reason\":", i ? "," : "",
                   hpa_cond_type_name(c->type), hpa_cond_status_name(c->status));
        buf_string(&j->b, c->reason);
        buf_put(&j->b, ",\"message\":", 11);
        buf_string(&j->b, c->message);
        buf_put(&j->b, "}", 1);
    }
    buf_put(&j->b, "]", 1);
}

static void decision(struct jsonl *j, const struct loop_record *r) {
    const struct loop_view *v = r->view;
    head(j, r->t, v->service);
    buf_printf(&j->b, ",\"class\":\"%s\",\"metric\":", svc_class_name(v->cls));
    buf_string(&j->b, v->metric);
    number(j, "target", v->target);
    number(j, "stable", v->stable);
    number(j, "panic", v->panic);
    buf_printf(&j->b,
               ",\"panic_mode\":%s,\"recommended\":%d,\"desired\":%d,\"actual\":%d,"
               "\"ready\":%d",
               v->panic_mode ? "true" : "false", v->recommended, v->desired, v->actual, v->ready);
    number(j, "gpu_util", v->gpu_util);
    if (svc_class_has_hpa(v->cls))
        conditions(j, v->hpa);
    if (v->cls == SVC_KEDA) {
        buf_put(&j->b, ",\"keda\":", 8);
        buf_string(&j->b, v->keda);
    }
    buf_put(&j->b, ",\"reason\":", 10);
    buf_string(&j->b, v->reason);
    if (v->cluster >= 0) {
        buf_printf(&j->b, ",\"cluster\":%d,\"agree\":%s%s", v->cluster,
                   v->cluster == v->desired ? "true" : "false",
                   v->warming ? ",\"warming\":true" : "");
        if (v->disagreement[0]) {
            buf_put(&j->b, ",\"disagreement\":", 16);
            buf_string(&j->b, v->disagreement);
        }
    }
    if (v->override[0]) {
        buf_put(&j->b, ",\"override\":", 12);
        buf_string(&j->b, v->override);
    }
    buf_put(&j->b, "}\n", 2);
}

static void event(struct jsonl *j, const struct loop_record *r, const char *service) {
    head(j, r->t, service);
    buf_put(&j->b, ",\"event\":", 9);
    buf_string(&j->b, r->reason);
    buf_printf(&j->b, ",\"type\":\"%s\",\"message\":", r->warning ? "Warning" : "Normal");
    buf_string(&j->b, r->message);
    buf_put(&j->b, "}\n", 2);
}

/* hey's report of a finished load (malloc'd); j->scratch holds its
 * latencies sorted afterwards. */
static char *report_text(struct jsonl *j, const struct load_result *res, struct hey_results *out) {
    if (res->n_lat > j->scratch_cap) {
        j->scratch_cap = res->n_lat;
        j->scratch = xrealloc(j->scratch, j->scratch_cap * sizeof(double));
    }
    if (res->real)
        *out = *res->real;
    else
        *out = (struct hey_results){
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
    if (mem) {
        hey_report(mem, out, j->scratch);
        fclose(mem);
    }
    return text;
}

char *jsonl_load_report(struct jsonl *j, const struct loop_record *r) {
    struct hey_results hr;
    return report_text(j, r->result, &hr);
}

static void load_done(struct jsonl *j, const struct loop_record *r, const char *service) {
    const struct load_result *res = r->result;
    struct hey_results hr;
    char *text = report_text(j, res, &hr);
    const size_t n = res->n_lat;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += j->scratch[i];
    double pct[HEY_PERCENTILES];
    hey_percentiles(j->scratch, n, pct);
    head(j, r->t, service);
    buf_put(&j->b, ",\"load\":", 8);
    buf_string(&j->b, r->load_spec->text);
    buf_printf(&j->b, ",\"requests\":%zu,\"errors\":%zu", res->n_ok, res->n_timeout);
    number(j, "total", hr.total_s);
    number(j, "rps", hr.total_s > 0 ? (double)(res->n_ok + res->n_timeout) / hr.total_s : NAN);
    number(j, "fastest", n ? j->scratch[0] : NAN);
    number(j, "average", n ? sum / (double)n : NAN);
    number(j, "slowest", n ? j->scratch[n - 1] : NAN);
    number(j, "p50", n ? pct[2] : NAN);
    number(j, "p99", n ? pct[6] : NAN);
    buf_put(&j->b, ",\"report\":", 10);
    buf_string(&j->b, text);
    buf_put(&j->b, "}\n", 2);
    free(text);
}

const char *jsonl_format(struct jsonl *j, const struct loop_record *r, const char *service) {
    buf_clear(&j->b);
    switch (r->kind) {
    case LOOP_DECISION:
        decision(j, r);
        return j->b.p;
    case LOOP_EVENT:
        event(j, r, service);
        return j->b.p;
    case LOOP_LOAD_DONE:
        load_done(j, r, service);
        return j->b.p;
    case LOOP_COMMAND:
    case LOOP_OBS:
    case LOOP_TICK_END:
        break;
    }
    return NULL;
}

void jsonl_free(struct jsonl *j) {
    buf_free(&j->b);
    free(j->scratch);
    *j = (struct jsonl){0};
}
