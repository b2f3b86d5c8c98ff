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

static const char *const ignored_with_value[] = {"-H", "-A", "-d", "-D", "-T",
                                                 "-U", "-a", "-x", "-o", "-cpus"};
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
    static const char *const valued[] = {"-n", "-c",    "-q",     "-z",      "-t",
                                         "-m", "-host", "--rate", "--trace", "--after"};
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
