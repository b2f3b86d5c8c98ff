#include "metrics/promapi.h"

#include "engine/buf.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (256u << 20)

struct promapi {
    struct promapi_options o;
    char *url, *token_file, *ca_file;
    char shown[512]; /* the URL without userinfo */
    CURL *curl;
};

void promapi_redact(const char *url, char *out, size_t size) {
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *slash = strchr(host, '/');
    const char *at = strchr(host, '@');
    if (at && (!slash || at < slash))
        snprintf(out, size, "%.*s%s", (int)(host - url), url, at + 1);
    else
        snprintf(out, size, "%s", url);
}

struct promapi *promapi_create(const struct promapi_options *o, struct pp_error *err) {
    if (!o->url || (strncmp(o->url, "http://", 7) != 0 && strncmp(o->url, "https://", 8) != 0)) {
        pp_fail(err, PP_ERR_INVALID, "--prometheus", "expected an http:// or https:// URL");
        return NULL;
    }
    struct promapi *c = xcalloc(1, sizeof(*c));
    c->o = *o;
    c->url = xstrdup(o->url);
    const size_t n = strlen(c->url);
    if (n && c->url[n - 1] == '/')
        c->url[n - 1] = '\0';
    c->token_file = o->token_file ? xstrdup(o->token_file) : NULL;
    c->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
    promapi_redact(c->url, c->shown, sizeof(c->shown));
    if (c->token_file && strncmp(c->url, "http://", 7) == 0) {
        pp_fail(err, PP_ERR_INVALID, "--prometheus",
                "%s: a token is not sent over plain http://; use https://", c->shown);
        promapi_destroy(c);
        return NULL;
    }
    if (!(c->curl = curl_easy_init())) {
        pp_fail(err, PP_ERR_IO, "--prometheus", "libcurl could not start");
        promapi_destroy(c);
        return NULL;
    }
    return c;
}

void promapi_destroy(struct promapi *c) {
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->url);
    free(c->token_file);
    free(c->ca_file);
    free(c);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx) {
    struct buf *b = ctx;
    if (b->len + size * n > MAX_ANSWER)
        return 0;
    buf_put(b, p, size * n);
    return size * n;
}

/* The bearer token's header line, read fresh from the file. */
static struct curl_slist *auth_header(const struct promapi *c, struct pp_error *err, bool *ok) {
    *ok = true;
    if (!c->token_file)
        return NULL;
    FILE *f = fopen(c->token_file, "r");
    char token[4096] = "";
    if (!f || !fgets(token, sizeof(token), f)) {
        pp_fail(err, PP_ERR_IO, "--prometheus-token-file", "%s: %s", c->token_file,
                f ? "empty" : strerror(errno));
        if (f)
            fclose(f);
        *ok = false;
        return NULL;
    }
    fclose(f);
    token[strcspn(token, "\r\n")] = '\0';
    char line[4200];
    snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
    struct curl_slist *h = curl_slist_append(NULL, line);
    memset(line, 0, sizeof(line));
    memset(token, 0, sizeof(token));
    return h;
}

/* Prometheus's own words for a failure: errorType and error. */
static enum pp_status api_error(const struct promapi *c, const cJSON *root, long status,
                                const char *path, struct pp_error *err) {
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "errorType"));
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "error"));
    if (msg)
        return pp_fail(err, PP_ERR_IO, "prometheus", "%s%s: %s%s%s", c->shown, path,
                       type ? type : "", type ? ": " : "", msg);
    return pp_fail(err, PP_ERR_IO, "prometheus", "%s%s: HTTP %ld, not a Prometheus API answer",
                   c->shown, path, status);
}

/* GET path?query; the answer's "data" (in *root, which the caller deletes). */
static enum pp_status get(struct promapi *c, const char *path, const char *query, cJSON **root,
                          const cJSON **data, char *warnings, size_t wsize, struct pp_error *err) {
    /* a long query goes as a form (Prometheus takes POST for query,
     * query_range and series): no URL length limit cuts it */
    const bool post = query && strlen(query) > 2048;
    struct buf url = {0};
    buf_printf(&url, "%s%s%s%s", c->url, path, query && !post ? "?" : "",
               query && !post ? query : "");
    bool ok;
    struct curl_slist *h = auth_header(c, err, &ok);
    if (!ok) {
        buf_free(&url);
        return PP_ERR_IO;
    }
    h = curl_slist_append(h, "Accept: application/json");
    struct buf body = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *e = c->curl;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url.p);
    if (post)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, query); /* form-urlencoded */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, c->o.timeout_s > 0 ? c->o.timeout_s : 30L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "podpilot/" PODPILOT_VERSION);
    if (c->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
    const CURLcode rc = curl_easy_perform(e);
    buf_free(&url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        buf_free(&body);
        return pp_fail(err, PP_ERR_IO, "prometheus", "%s%s: %s", c->shown, path,
                       rc == CURLE_PEER_FAILED_VERIFICATION
                           ? "x509: certificate signed by unknown authority"
                           : (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
    }
    *root = cJSON_ParseWithLength(body.p ? body.p : "", body.len);
    buf_free(&body);
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*root, "status"));
    if (!st || strcmp(st, "success") != 0) {
        const enum pp_status s = api_error(c, *root, status, path, err);
        cJSON_Delete(*root);
        *root = NULL;
        return s;
    }
    warnings[0] = '\0';
    size_t used = 0;
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(*root, "warnings")) {
        if (cJSON_IsString(w) && used < wsize)
            used += (size_t)snprintf(warnings + used, wsize - used, "%s%s", used ? "; " : "",
                                     w->valuestring);
    }
    *data = cJSON_GetObjectItemCaseSensitive(*root, "data");
    return PP_OK;
}

static double number(const cJSON *v) {
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    const char *s = cJSON_GetStringValue(v);
    if (!s)
        return NAN;
    char *end;
    const double d = strtod(s, &end); /* "NaN", "+Inf", "-Inf" too */
    return end != s && *end == '\0' ? d : NAN;
}

static int by_name(const void *a, const void *b) {
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* A metric's labels as PromQL prints a series: name{k="v",...}, sorted. */
static char *labels_text(const cJSON *metric) {
    const cJSON *it, *keys[256];
    size_t n = 0;
    cJSON_ArrayForEach(it, metric) if (n < 256 && it->string && strcmp(it->string, "__name__"))
        keys[n++] = it;
    qsort(keys, n, sizeof(*keys), by_name);
    struct buf b = {0};
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(metric, "__name__"));
    buf_printf(&b, "%s{", name ? name : "");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s=", i ? ", " : "", keys[i]->string);
        buf_string(&b, cJSON_GetStringValue(keys[i]) ? keys[i]->valuestring : "");
    }
    buf_put(&b, "}", 2); /* with its NUL */
    return b.p;
}

static void points_of(const cJSON *pairs, bool one, struct promapi_series *s) {
    const size_t n = one ? 1 : (size_t)cJSON_GetArraySize(pairs);
    s->points = xcalloc(n ? n : 1, sizeof(*s->points));
    const cJSON *p = one ? pairs : pairs ? pairs->child : NULL;
    for (size_t i = 0; i < n && p; i++, p = p->next)
        s->points[s->n_points++] = (struct promapi_point){number(cJSON_GetArrayItem(p, 0)),
                                                          number(cJSON_GetArrayItem(p, 1))};
}

/* A series' labels, whole and one by one. */
static void series_labels(struct promapi_series *x, const cJSON *metric) {
    const cJSON *kv;
    x->labels = labels_text(metric);
    const size_t nl = (size_t)cJSON_GetArraySize(metric);
    x->keys = xcalloc(nl ? nl : 1, sizeof(*x->keys));
    x->values = xcalloc(nl ? nl : 1, sizeof(*x->values));
    cJSON_ArrayForEach(kv, metric) if (kv->string && cJSON_IsString(kv)) {
        x->keys[x->n_labels] = xstrdup(kv->string);
        x->values[x->n_labels++] = xstrdup(kv->valuestring);
    }
}

static enum pp_status result_of(const struct promapi *c, const cJSON *data,
                                struct promapi_result *out, struct pp_error *err) {
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "resultType"));
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(data, "result");
    static const char *const types[] = {"vector", "matrix", "scalar", "string"};
    size_t t = 0;
    while (type && t < 4 && strcmp(type, types[t]) != 0)
        t++;
    if (!type || t == 4 || !cJSON_IsArray(res))
        return pp_fail(err, PP_ERR_PARSE, "prometheus", "%s: an answer without a known result",
                       c->shown);
    out->type = (enum promapi_type)t;
    if (out->type == PROMAPI_SCALAR || out->type == PROMAPI_STRING) {
        out->series = xcalloc(1, sizeof(*out->series));
        out->n_series = 1;
        out->series[0].labels = xstrdup(types[t]);
        points_of(res, true, &out->series[0]);
        if (out->type == PROMAPI_STRING)
            out->string = xstrdup(cJSON_GetStringValue(cJSON_GetArrayItem(res, 1))
                                      ? cJSON_GetArrayItem(res, 1)->valuestring
                                      : "");
        return PP_OK;
    }
    const size_t n = (size_t)cJSON_GetArraySize(res);
    out->series = xcalloc(n ? n : 1, sizeof(*out->series));
    const cJSON *s;
    cJSON_ArrayForEach(s, res) {
        struct promapi_series *x = &out->series[out->n_series++];
        series_labels(x, cJSON_GetObjectItemCaseSensitive(s, "metric"));
        if (out->type == PROMAPI_VECTOR)
            points_of(cJSON_GetObjectItemCaseSensitive(s, "value"), true, x);
        else
            points_of(cJSON_GetObjectItemCaseSensitive(s, "values"), false, x);
    }
    return PP_OK;
}

static enum pp_status run(struct promapi *c, const char *path, const char *query,
                          struct promapi_result *out, struct pp_error *err) {
    *out = (struct promapi_result){0};
    cJSON *root = NULL;
    const cJSON *data = NULL;
    enum pp_status st =
        get(c, path, query, &root, &data, out->warnings, sizeof(out->warnings), err);
    if (st == PP_OK)
        st = result_of(c, data, out, err);
    cJSON_Delete(root);
    return st;
}

enum pp_status promapi_query(struct promapi *c, const char *expr, double at,
                             struct promapi_result *out, struct pp_error *err) {
    char *q = curl_easy_escape(c->curl, expr, 0);
    struct buf query = {0};
    buf_printf(&query, "query=%s", q);
    if (at > 0)
        buf_printf(&query, "&time=%.3f", at);
    curl_free(q);
    const enum pp_status st = run(c, "/api/v1/query", query.p, out, err);
    buf_free(&query);
    return st;
}

enum pp_status promapi_query_range(struct promapi *c, const char *expr, double start, double end,
                                   double step, struct promapi_result *out, struct pp_error *err) {
    char *q = curl_easy_escape(c->curl, expr, 0);
    struct buf query = {0};
    buf_printf(&query, "query=%s&start=%.3f&end=%.3f&step=%g", q, start, end, step);
    curl_free(q);
    const enum pp_status st = run(c, "/api/v1/query_range", query.p, out, err);
    buf_free(&query);
    return st;
}

enum pp_status promapi_series(struct promapi *c, const char *const *match, size_t n, double start,
                              double end, struct promapi_result *out, struct pp_error *err) {
    *out = (struct promapi_result){0};
    struct buf q = {0};
    for (size_t i = 0; i < n; i++) {
        char *m = curl_easy_escape(c->curl, match[i], 0);
        buf_printf(&q, "%smatch%%5B%%5D=%s", i ? "&" : "", m);
        curl_free(m);
    }
    if (start > 0)
        buf_printf(&q, "&start=%.3f", start);
    if (end > 0)
        buf_printf(&q, "&end=%.3f", end);
    cJSON *root = NULL;
    const cJSON *data = NULL;
    enum pp_status st =
        get(c, "/api/v1/series", q.p, &root, &data, out->warnings, sizeof(out->warnings), err);
    buf_free(&q);
    if (st == PP_OK && !cJSON_IsArray(data))
        st = pp_fail(err, PP_ERR_PARSE, "prometheus", "%s: a series answer without a list",
                     c->shown);
    if (st == PP_OK) {
        out->type = PROMAPI_SERIES;
        const size_t k = (size_t)cJSON_GetArraySize(data);
        out->series = xcalloc(k ? k : 1, sizeof(*out->series));
        const cJSON *s;
        cJSON_ArrayForEach(s, data) if (cJSON_IsObject(s))
            series_labels(&out->series[out->n_series++], s);
    }
    cJSON_Delete(root);
    return st;
}

enum pp_status promapi_buildinfo(struct promapi *c, char *version, size_t size,
                                 struct pp_error *err) {
    cJSON *root = NULL;
    const cJSON *data = NULL;
    char warnings[8];
    const enum pp_status st =
        get(c, "/api/v1/status/buildinfo", NULL, &root, &data, warnings, sizeof(warnings), err);
    if (st == PP_OK) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "version"));
        snprintf(version, size, "%s", v ? v : "unknown");
    }
    cJSON_Delete(root);
    return st;
}

void promapi_result_fini(struct promapi_result *r) {
    for (size_t i = 0; i < r->n_series; i++) {
        for (size_t k = 0; k < r->series[i].n_labels; k++) {
            free(r->series[i].keys[k]);
            free(r->series[i].values[k]);
        }
        free(r->series[i].keys);
        free(r->series[i].values);
        free(r->series[i].labels);
        free(r->series[i].points);
    }
    free(r->series);
    free(r->string);
    *r = (struct promapi_result){0};
}
