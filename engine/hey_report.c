#include "engine/hey_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the report (requester/print.go defaultTmpl) ---- */

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void histogram(FILE *out, const double *lat, size_t n) {
    const double fastest = lat[0], slowest = lat[n - 1];
    const double bs = (slowest - fastest) / 10;
    double marks[11];
    size_t counts[11] = {0};
    for (int i = 0; i < 10; i++)
        marks[i] = fastest + bs * i;
    marks[10] = slowest;
    size_t bi = 0, max = 0;
    for (size_t i = 0; i < n;) {
        if (lat[i] <= marks[bi]) {
            i++;
            counts[bi]++;
        } else if (bi < 10) {
            bi++;
        } else {
            break;
        }
    }
    for (int i = 0; i < 11; i++)
        if (counts[i] > max)
            max = counts[i];
    for (int i = 0; i < 11; i++) {
        const size_t bar = max ? (counts[i] * 40 + max / 2) / max : 0;
        fprintf(out, "  %4.3f [%zu]\t|", marks[i], counts[i]);
        for (size_t k = 0; k < bar; k++)
            fputs("\xe2\x96\xa0", out);
        fputc('\n', out);
    }
}

static const int pctls[HEY_PERCENTILES] = {10, 25, 50, 75, 90, 95, 99};

void hey_percentiles(const double *sorted, size_t n, double out[HEY_PERCENTILES]) {
    size_t j = 0;
    for (size_t k = 0; k < HEY_PERCENTILES; k++)
        out[k] = 0;
    for (size_t i = 0; i < n && j < HEY_PERCENTILES; i++)
        if (i * 100 / n >= (size_t)pctls[j])
            out[j++] = sorted[i];
}

static void percentiles(FILE *out, const double *lat, size_t n) {
    double data[HEY_PERCENTILES];
    hey_percentiles(lat, n, data);
    for (int i = 0; i < HEY_PERCENTILES; i++)
        fprintf(out, "  %d%% in %4.4f secs\n", data[i] > 0 ? pctls[i] : 0, data[i]);
}

/* Go's %4.4f: NaN prints as " NaN" where C would print "nan". */
static const char *num(double v, char *buf, size_t size) {
    if (isnan(v))
        snprintf(buf, size, " NaN");
    else
        snprintf(buf, size, "%4.4f", v);
    return buf;
}

void hey_report(FILE *out, const struct hey_results *r, double *sorted) {
    const size_t n = r->n_lat;
    if (n)
        memcpy(sorted, r->lat_s, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    const double avg = n ? sum / (double)n : NAN;
    const double fastest = n ? sorted[0] : 0, slowest = n ? sorted[n - 1] : 0;
    const double rps = r->total_s > 0 ? (double)(r->n_ok + r->n_errors) / r->total_s : 0;
    const double zero = n ? 0.0 : NAN;
    char a[32], b[32], c[32];
    fprintf(out,
            "\nSummary:\n  Total:\t%4.4f secs\n  Slowest:\t%4.4f secs\n"
            "  Fastest:\t%4.4f secs\n  Average:\t%s secs\n  Requests/sec:\t%4.4f\n  \n",
            r->total_s, slowest, fastest, num(avg, a, sizeof(a)), rps);
    if (r->size_total > 0)
        fprintf(out, "  Total data:\t%lld bytes\n  Size/request:\t%lld bytes\n",
                (long long)r->size_total, (long long)(n ? r->size_total / (int64_t)n : 0));
    fputs("\nResponse time histogram:\n", out);
    if (n)
        histogram(out, sorted, n);
    fputs("\n\nLatency distribution:\n", out);
    if (n)
        percentiles(out, sorted, n);
    fputs("\nDetails (average, fastest, slowest):\n", out);
    static const char *const phases[] = {"DNS+dialup", "DNS-lookup", "req write", "resp wait",
                                         "resp read"};
    for (int i = 0; i < 5; i++) {
        if (r->phases) {
            const struct hey_phase *p = &r->phases[i];
            fprintf(out, "  %s:\t%s secs, %s secs, %s secs\n", phases[i],
                    num(n ? p->sum / (double)n : NAN, a, sizeof(a)), num(p->fastest, b, sizeof(b)),
                    num(p->slowest, c, sizeof(c)));
            continue;
        }
        const bool wait = i == 3;
        fprintf(out, "  %s:\t%s secs, %s secs, %s secs\n", phases[i],
                num(wait ? avg : zero, a, sizeof(a)), num(wait ? fastest : 0, b, sizeof(b)),
                num(wait ? slowest : 0, c, sizeof(c)));
    }
    fputs("\nStatus code distribution:\n", out);
    if (r->codes) {
        for (size_t i = 0; i < r->n_codes; i++)
            fprintf(out, "  [%d]\t%zu responses\n", r->codes[i].code, r->codes[i].n);
    } else if (r->n_ok) {
        fprintf(out, "  [%d]\t%zu responses\n", r->status ? r->status : 200, r->n_ok);
    }
    /* hey's template: a blank line, the errors when there are any, each on
     * a line of its own after the title, then two newlines (the template's
     * last and the one printed after it) */
    fputc('\n', out);
    if (r->errors && r->n_error_kinds) {
        fputs("Error distribution:", out);
        for (size_t i = 0; i < r->n_error_kinds; i++)
            fprintf(out, "\n  [%zu]\t%s", r->errors[i].n, r->errors[i].message);
    } else if (!r->errors && r->n_errors) {
        fprintf(out, "Error distribution:\n  [%zu]\t%s", r->n_errors,
                r->error ? r->error : "error");
    }
    fputs("\n\n", out);
}
