#include "loadgen/http.h"

#include "engine/buf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_message(const void *a, const void *b) {
    return strcmp(((const struct hey_error_count *)a)->message,
                  ((const struct hey_error_count *)b)->message);
}

void loadgen_results(const struct lg_result *r, struct hey_results *hr,
                     struct hey_code_count *codes, struct hey_error_count *errors) {
    size_t nc = 0, ne = 0;
    for (int c = 0; c < 600; c++)
        if (r->codes[c])
            codes[nc++] = (struct hey_code_count){c, r->codes[c]};
    for (size_t i = 0; i <= LG_MAX_ERROR_KINDS; i++)
        if (r->errors[i].n)
            errors[ne++] = (struct hey_error_count){r->errors[i].message, r->errors[i].n};
    qsort(errors, ne, sizeof(*errors), by_message);
    *hr = (struct hey_results){.total_s = r->total_s,
                               .lat_s = r->lat,
                               .n_lat = r->n_lat,
                               .n_ok = r->n_ok,
                               .n_errors = r->n_errors,
                               .size_total = r->size_total,
                               .codes = codes,
                               .n_codes = nc,
                               .errors = errors,
                               .n_error_kinds = ne,
                               .phases = r->phases};
}

void loadgen_report(FILE *out, const struct lg_result *r) {
    struct hey_results hr;
    struct hey_code_count codes[600];
    struct hey_error_count errors[LG_MAX_ERROR_KINDS + 1];
    loadgen_results(r, &hr, codes, errors);
    double *scratch = xmalloc((r->n_lat ? r->n_lat : 1) * sizeof(*scratch));
    hey_report(out, &hr, scratch);
    free(scratch);
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void loadgen_json(FILE *out, const struct hey_args *a, const struct lg_result *r) {
    double *s = xmalloc((r->n_lat ? r->n_lat : 1) * sizeof(*s));
    if (r->n_lat)
        memcpy(s, r->lat, r->n_lat * sizeof(*s));
    qsort(s, r->n_lat, sizeof(*s), cmp_double);
    double sum = 0, pct[HEY_PERCENTILES];
    for (size_t i = 0; i < r->n_lat; i++)
        sum += s[i];
    hey_percentiles(s, r->n_lat, pct);
    struct buf b = {0};
    buf_put(&b, "{\"url\":", 7);
    buf_string(&b, a->url);
    buf_printf(&b, ",\"method\":");
    buf_string(&b, a->method);
    buf_printf(&b, ",\"total\":");
    buf_double(&b, r->total_s);
    buf_printf(&b,
               ",\"requests\":%zu,\"responses\":%zu,\"errors\":%zu,\"rps\":", r->n_ok + r->n_errors,
               r->n_ok, r->n_errors);
    buf_double(&b, r->total_s > 0 ? (double)(r->n_ok + r->n_errors) / r->total_s : 0);
    buf_put(&b, ",\"fastest\":", 11);
    buf_double(&b, r->n_lat ? s[0] : NAN);
    buf_put(&b, ",\"average\":", 11);
    buf_double(&b, r->n_lat ? sum / (double)r->n_lat : NAN);
    buf_put(&b, ",\"slowest\":", 11);
    buf_double(&b, r->n_lat ? s[r->n_lat - 1] : NAN);
    static const int pcts[HEY_PERCENTILES] = {10, 25, 50, 75, 90, 95, 99};
    for (int i = 0; i < HEY_PERCENTILES; i++) {
        buf_printf(&b, ",\"p%d\":", pcts[i]);
        buf_double(&b, r->n_lat ? pct[i] : NAN);
    }
    buf_printf(&b, ",\"size_total\":%lld,\"status\":{", (long long)r->size_total);
    bool first = true;
    for (int c = 0; c < 600; c++)
        if (r->codes[c]) {
            buf_printf(&b, "%s\"%d\":%zu", first ? "" : ",", c, r->codes[c]);
            first = false;
        }
    buf_put(&b, "},\"error_distribution\":{", 24);
    first = true;
    for (size_t i = 0; i <= LG_MAX_ERROR_KINDS; i++)
        if (r->errors[i].n) {
            if (!first)
                buf_put(&b, ",", 1);
            buf_string(&b, r->errors[i].message);
            buf_printf(&b, ":%zu", r->errors[i].n);
            first = false;
        }
    buf_put(&b, "},\"details\":{", 13);
    static const char *const names[HEY_PHASES] = {"dns_dialup", "dns_lookup", "req_write",
                                                  "resp_wait", "resp_read"};
    for (int i = 0; i < HEY_PHASES; i++) {
        buf_printf(&b, "%s\"%s\":[", i ? "," : "", names[i]);
        buf_double(&b, r->n_ok ? r->phases[i].sum / (double)r->n_ok : NAN);
        buf_put(&b, ",", 1);
        buf_double(&b, r->phases[i].fastest);
        buf_put(&b, ",", 1);
        buf_double(&b, r->phases[i].slowest);
        buf_put(&b, "]", 1);
    }
    buf_printf(&b, "},\"latency_from\":\"%s\",\"interrupted\":%s,\"threads\":%d}\n",
               r->paced ? "intended send time" : "send time", r->interrupted ? "true" : "false",
               r->threads);
    fwrite(b.p, 1, b.len, out);
    buf_free(&b);
    free(s);
}

void loadgen_csv(FILE *out, const struct lg_result *r) {
    fputs("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,"
          "offset\n",
          out);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct lg_row *w = &r->rows[i];
        fprintf(out, "%4.4f,%4.4f,%4.4f,%4.4f,%4.4f,%4.4f,%d,%4.4f\n", (double)w->total,
                (double)w->dial, 0.0, (double)w->write, (double)w->wait, (double)w->read, w->code,
                w->offset);
    }
}
