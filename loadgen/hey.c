#include "loadgen/hey.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

/* Splits line into words in buf (blanks separate; quotes group). */
static size_t split(const char *line, char *buf, size_t size, char **words, size_t cap) {
    size_t n = 0, used = 0;
    const char *p = line;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || n == cap)
            break;
        words[n++] = buf + used;
        char quote = 0;
        while (*p && (quote || !isspace((unsigned char)*p))) {
            if (!quote && (*p == '"' || *p == '\'')) {
                quote = *p++;
                continue;
            }
            if (quote && *p == quote) {
                quote = 0;
                p++;
                continue;
            }
            if (used + 1 < size)
                buf[used++] = *p;
            p++;
        }
        buf[used < size ? used++ : size - 1] = '\0';
    }
    return n;
}

static bool int_arg(const char *v, int64_t *out) {
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0')
        return false;
    *out = x;
    return true;
}

/* Go's flag package: "invalid value "x" for flag -c: parse error". */
static enum pp_status bad_value(struct pp_error *err, const char *flag, const char *v) {
    return pp_fail(err, PP_ERR_PARSE, flag, "invalid value \"%s\" for flag %s: parse error", v,
                   flag);
}

static const char *const ignored_with_value[] = {"-H", "-A", "-d", "-D", "-T", "-U", "-a",
                                                 "-x", "-o", "-cpus"};
static const char *const ignored_bool[] = {"-h2", "-disable-compression", "-disable-keepalive",
                                           "-disable-redirects"};

static bool in(const char *w, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

static enum pp_status one_flag(struct hey_args *a, const char *f, const char *v,
                               struct pp_error *err) {
    int64_t x;
    if (strcmp(f, "-n") == 0) {
        if (!int_arg(v, &x))
            return bad_value(err, f, v);
        a->n = x;
    } else if (strcmp(f, "-c") == 0) {
        if (!int_arg(v, &x) || x > INT32_MAX || x < INT32_MIN)
            return bad_value(err, f, v);
        a->c = (int32_t)x;
    } else if (strcmp(f, "-t") == 0) {
        if (!int_arg(v, &x) || x > INT32_MAX || x < INT32_MIN)
            return bad_value(err, f, v);
        a->t = (int32_t)x;
    } else if (strcmp(f, "-q") == 0) {
        if (!goparse_float(v, &a->q))
            return bad_value(err, f, v);
    } else if (strcmp(f, "-z") == 0 || strcmp(f, "--after") == 0) {
        pp_time d;
        if (!goparse_duration(v, &d))
            return bad_value(err, f, v);
        if (f[1] == 'z')
            a->z = d;
        else
            a->after = d;
    } else if (strcmp(f, "-m") == 0) {
        snprintf(a->method, sizeof(a->method), "%s", v);
        for (char *p = a->method; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    } else if (strcmp(f, "-host") == 0) {
        snprintf(a->host, sizeof(a->host), "%s", v);
    } else if (strcmp(f, "--rate") == 0) {
        if (!goparse_float(v, &a->rate) || !(a->rate > 0))
            return pp_fail(err, PP_ERR_PARSE, f, "expected requests per second above 0, got \"%s\"",
                           v);
    } else if (strcmp(f, "--trace") == 0) {
        snprintf(a->trace, sizeof(a->trace), "%s", v);
    }
    return PP_OK;
}

static bool takes_value(const char *f) {
    static const char *const valued[] = {"-n", "-c", "-q", "-z", "-t", "-m", "-host",
                                         "--rate", "--trace", "--after"};
    return in(f, valued, sizeof(valued) / sizeof(valued[0])) ||
           in(f, ignored_with_value, sizeof(ignored_with_value) / sizeof(ignored_with_value[0]));
}

static enum pp_status check(const struct hey_args *a, bool need_url, struct pp_error *err) {
    if (need_url && !a->url[0])
        return pp_fail(err, PP_ERR_PARSE, "url", "Usage: hey [options...] <url>");
    if (a->z > 0) {
        if (a->c <= 0)
            return pp_fail(err, PP_ERR_INVALID, "-c", "-c cannot be smaller than 1.");
    } else if (a->rate <= 0 && !a->trace[0]) {
        if (a->n <= 0 || a->c <= 0)
            return pp_fail(err, PP_ERR_INVALID, "-n", "-n and -c cannot be smaller than 1.");
        if (a->n < a->c)
            return pp_fail(err, PP_ERR_INVALID, "-n", "-n cannot be less than -c.");
    }
    if (a->q < 0)
        return pp_fail(err, PP_ERR_INVALID, "-q", "-q cannot be negative.");
    return PP_OK;
}

enum pp_status hey_parse(const char *line, bool need_url, struct hey_args *out,
                         struct pp_error *err) {
    *out = (struct hey_args){.n = 200, .c = 50, .t = 20};
    snprintf(out->method, sizeof(out->method), "GET");
    char buf[2048];
    char *w[MAX_WORDS];
    const size_t n = split(line, buf, sizeof(buf), w, MAX_WORDS);
    for (size_t i = 0; i < n; i++) {
        const char *f = w[i];
        if (f[0] != '-' || f[1] == '\0') {
            if (out->url[0])
                return pp_fail(err, PP_ERR_PARSE, "url", "more than one URL: \"%s\" and \"%s\"",
                               out->url, f);
            snprintf(out->url, sizeof(out->url), "%s", f);
            continue;
        }
        if (strcmp(f, "-h") == 0)
            return pp_fail(err, PP_ERR_PARSE, f,
                           "Flag '-h' is deprecated, please use '-H' instead.");
        char name[32];
        const char *eq = strchr(f, '=');
        const char *v = NULL;
        snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - f) : (int)strlen(f), f);
        if (in(name, ignored_bool, sizeof(ignored_bool) / sizeof(ignored_bool[0])))
            continue;
        if (!takes_value(name))
            return pp_fail(err, PP_ERR_PARSE, name, "flag provided but not defined: %s", name);
        if (eq)
            v = eq + 1;
        else if (i + 1 < n)
            v = w[++i];
        else
            return pp_fail(err, PP_ERR_PARSE, name, "flag needs an argument: %s", name);
        enum pp_status st = one_flag(out, name, v, err);
        if (st != PP_OK)
            return st;
    }
    return check(out, need_url, err);
}

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
    fprintf(out, "\nSummary:\n  Total:\t%4.4f secs\n  Slowest:\t%4.4f secs\n"
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
        const bool wait = i == 3;
        fprintf(out, "  %s:\t%s secs, %s secs, %s secs\n", phases[i],
                num(wait ? avg : zero, a, sizeof(a)), num(wait ? fastest : 0, b, sizeof(b)),
                num(wait ? slowest : 0, c, sizeof(c)));
    }
    fputs("\nStatus code distribution:\n", out);
    if (r->n_ok)
        fprintf(out, "  [%d]\t%zu responses\n", r->status ? r->status : 200, r->n_ok);
    if (r->n_errors)
        fprintf(out, "\nError distribution:\n  [%zu]\t%s\n", r->n_errors,
                r->error ? r->error : "error");
    fputs("\n\n", out);
}
