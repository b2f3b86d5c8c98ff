#include "loadgen/hey.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
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

static const char *const ignored_with_value[] = {
    "-H", "-A", "-d", "-D", "-T", "-U", "-a", "-x", "-o", "-cpus", "--cacert", "--reconnect-after"};
static const char *const ignored_bool[] = {
    "-h2",   "-disable-compression", "-disable-keepalive", "-disable-redirects", "-k", "--insecure",
    "--json"};

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

/* -H's "Name: value" (hey: ^([\w-]+):\s*(.+)). */
static bool header_ok(const char *v) {
    const char *p = v;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
        p++;
    if (p == v || *p != ':')
        return false;
    p++;
    while (isspace((unsigned char)*p))
        p++;
    return *p != '\0';
}

static enum pp_status read_body(struct hey_http *h, const char *path, struct pp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return pp_fail(err, PP_ERR_IO, "-D", "%s: %s", path, strerror(errno));
    free(h->body);
    h->body = NULL;
    h->body_len = 0;
    size_t cap = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (h->body_len + n > (64u << 20)) {
            fclose(f);
            return pp_fail(err, PP_ERR_INVALID, "-D", "%s: larger than 64 MiB", path);
        }
        if (h->body_len + n > cap) {
            cap = (h->body_len + n) * 2;
            h->body = xrealloc(h->body, cap);
        }
        memcpy(h->body + h->body_len, chunk, n);
        h->body_len += n;
    }
    const bool bad = ferror(f);
    fclose(f);
    if (bad)
        return pp_fail(err, PP_ERR_IO, "-D", "%s: %s", path, strerror(errno));
    return PP_OK;
}

static void set(char **slot, const char *v) {
    free(*slot);
    *slot = xstrdup(v);
}

/* A request or transport flag, or podpilot's: 1 taken (with v), 0 not one,
 * -1 failed. */
static int http_flag(struct hey_http *h, const char *f, const char *v, struct pp_error *err) {
    if (strcmp(f, "-H") == 0) {
        if (!header_ok(v)) {
            pp_fail(err, PP_ERR_PARSE, f, "%s", v);
            return -1;
        }
        if (h->n_headers == HEY_MAX_HEADERS) {
            pp_fail(err, PP_ERR_INVALID, f, "at most %d -H headers", HEY_MAX_HEADERS);
            return -1;
        }
        h->headers[h->n_headers++] = xstrdup(v);
    } else if (strcmp(f, "-A") == 0) {
        set(&h->accept, v);
    } else if (strcmp(f, "-T") == 0) {
        set(&h->content_type, v);
    } else if (strcmp(f, "-U") == 0) {
        set(&h->user_agent, v);
    } else if (strcmp(f, "-a") == 0) {
        const char *colon = strchr(v, ':');
        if (!colon || colon == v || !colon[1] || isspace((unsigned char)colon[1])) {
            pp_fail(err, PP_ERR_PARSE, f, "%s", v); /* hey: ^(.+):([^\s].+) */
            return -1;
        }
        set(&h->auth, v);
    } else if (strcmp(f, "-x") == 0) {
        set(&h->proxy, v);
    } else if (strcmp(f, "--cacert") == 0) {
        set(&h->cacert, v);
    } else if (strcmp(f, "-d") == 0) {
        free(h->body);
        h->body = xstrdup(v);
        h->body_len = strlen(v);
    } else if (strcmp(f, "-D") == 0) {
        return read_body(h, v, err) == PP_OK ? 1 : -1;
    } else if (strcmp(f, "-o") == 0) {
        if (strcmp(v, "csv") != 0) {
            pp_fail(err, PP_ERR_INVALID, f, "-o: only csv (hey's Go templates are not supported)");
            return -1;
        }
        snprintf(h->output, sizeof(h->output), "csv");
    } else if (strcmp(f, "-cpus") == 0) {
        int64_t x;
        if (!int_arg(v, &x) || x < 1 || x > 1024) {
            bad_value(err, f, v);
            return -1;
        }
        h->cpus = (int)x;
    } else if (strcmp(f, "--reconnect-after") == 0) {
        int64_t x;
        pp_time d;
        if (int_arg(v, &x) && x > 0) {
            h->reconnect_n = x;
        } else if (goparse_duration(v, &d) && d > 0) {
            h->reconnect_d = d;
        } else {
            pp_fail(err, PP_ERR_PARSE, f, "expected a count of requests or a duration, got \"%s\"",
                    v);
            return -1;
        }
    } else {
        return 0;
    }
    return 1;
}

static int http_bool(struct hey_http *h, const char *f) {
    bool *slot = strcmp(f, "-h2") == 0                                  ? &h->h2
                 : strcmp(f, "-disable-compression") == 0               ? &h->disable_compression
                 : strcmp(f, "-disable-keepalive") == 0                 ? &h->disable_keepalive
                 : strcmp(f, "-disable-redirects") == 0                 ? &h->disable_redirects
                 : strcmp(f, "-k") == 0 || strcmp(f, "--insecure") == 0 ? &h->insecure
                 : strcmp(f, "--json") == 0                             ? &h->json
                                                                        : NULL;
    if (!slot)
        return 0;
    *slot = true;
    return 1;
}

static enum pp_status parse_words(char **w, size_t n, bool need_url, struct hey_args *out,
                                  struct hey_http *http, struct pp_error *err) {
    *out = (struct hey_args){.n = 200, .c = 50, .t = 20};
    snprintf(out->method, sizeof(out->method), "GET");
    for (size_t i = 0; i < n; i++) {
        const char *f = w[i];
        if (f[0] != '-' || f[1] == '\0') {
            if (out->url[0])
                return pp_fail(err, PP_ERR_PARSE, "url", "more than one URL: \"%s\" and \"%s\"",
                               out->url, f);
            if (strlen(f) >= sizeof(out->url))
                return pp_fail(err, PP_ERR_INVALID, "url", "a URL of at most %zu characters",
                               sizeof(out->url) - 1);
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
        if (http && !eq && http_bool(http, name))
            continue;
        if (in(name, ignored_bool, sizeof(ignored_bool) / sizeof(ignored_bool[0])))
            continue;
        const bool ours =
            http && (strcmp(name, "--reconnect-after") == 0 || strcmp(name, "--cacert") == 0);
        if (!takes_value(name) && !ours)
            return pp_fail(err, PP_ERR_PARSE, name, "flag provided but not defined: %s", name);
        if (eq)
            v = eq + 1;
        else if (i + 1 < n)
            v = w[++i];
        else
            return pp_fail(err, PP_ERR_PARSE, name, "flag needs an argument: %s", name);
        if (http) {
            const int taken = http_flag(http, name, v, err);
            if (taken < 0)
                return PP_ERR_PARSE;
            if (taken)
                continue;
        }
        if ((strcmp(name, "-m") == 0 && strlen(v) >= sizeof(out->method)) ||
            (strcmp(name, "-host") == 0 && strlen(v) >= sizeof(out->host)))
            return pp_fail(err, PP_ERR_INVALID, name, "%s: at most %zu characters", name,
                           name[1] == 'm' ? sizeof(out->method) - 1 : sizeof(out->host) - 1);
        enum pp_status st = one_flag(out, name, v, err);
        if (st != PP_OK)
            return st;
    }
    return check(out, need_url, err);
}

enum pp_status hey_parse(const char *line, bool need_url, struct hey_args *out,
                         struct pp_error *err) {
    char buf[2048];
    char *w[MAX_WORDS];
    if (strlen(line) >= sizeof(buf))
        return pp_fail(err, PP_ERR_INVALID, "load", "hey's flags: at most %zu characters",
                       sizeof(buf) - 1);
    const size_t n = split(line, buf, sizeof(buf), w, MAX_WORDS);
    return parse_words(w, n, need_url, out, NULL, err);
}

enum pp_status hey_parse_line(const char *line, bool need_url, struct hey_args *out,
                              struct hey_http *http, struct pp_error *err) {
    char buf[2048];
    char *w[MAX_WORDS];
    *http = (struct hey_http){0};
    if (strlen(line) >= sizeof(buf))
        return pp_fail(err, PP_ERR_INVALID, "load", "hey's flags: at most %zu characters",
                       sizeof(buf) - 1);
    const size_t n = split(line, buf, sizeof(buf), w, MAX_WORDS);
    const enum pp_status st = parse_words(w, n, need_url, out, http, err);
    if (st != PP_OK)
        hey_http_fini(http);
    return st;
}

enum pp_status hey_parse_argv(int argc, char **argv, bool need_url, struct hey_args *out,
                              struct hey_http *http, struct pp_error *err) {
    *http = (struct hey_http){0};
    const enum pp_status st = parse_words(argv, (size_t)argc, need_url, out, http, err);
    if (st != PP_OK)
        hey_http_fini(http);
    return st;
}

void hey_http_fini(struct hey_http *h) {
    for (size_t i = 0; i < h->n_headers; i++)
        free(h->headers[i]);
    free(h->accept);
    free(h->content_type);
    free(h->user_agent);
    free(h->auth);
    free(h->proxy);
    free(h->cacert);
    free(h->body);
    *h = (struct hey_http){0};
}
