#include "tests/vec.h"

#include "engine/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *vec_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

cJSON *vec_read_json(const char *path, char *diag, size_t size) {
    char *text = vec_read_file(path, NULL);
    if (!text) {
        snprintf(diag, size, "cannot read %s", path);
        return NULL;
    }
    cJSON *j = cJSON_Parse(text);
    if (!j)
        snprintf(diag, size, "%s: not valid JSON near \"%.20s\"", path,
                 cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "");
    free(text);
    return j;
}

const char *vec_scalar_text(const cJSON *v, char *buf, size_t size) {
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        pp_format_double(v->valuedouble, buf, size);
        return buf;
    }
    return NULL;
}

static bool listed(const char *name, const char *const *list) {
    for (; list && *list; list++) {
        if (strcmp(*list, name) == 0)
            return true;
    }
    return false;
}

static void describe(const cJSON *v, char *buf, size_t size) {
    if (!v) {
        snprintf(buf, size, "(missing)");
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    snprintf(buf, size, "%s", s ? s : "?");
    free(s);
}

static bool same_value(const cJSON *w, const cJSON *g, bool approx) {
    if (!g)
        return false;
    if (cJSON_IsNumber(w) && cJSON_IsNumber(g)) {
        double a = w->valuedouble, b = g->valuedouble;
        if (approx)
            return fabs(a - b) <= 1e-9 * fmax(1, fabs(a));
        return a == b;
    }
    if (cJSON_IsBool(w) || cJSON_IsBool(g))
        return cJSON_IsBool(w) && cJSON_IsBool(g) && cJSON_IsTrue(w) == cJSON_IsTrue(g);
    if (cJSON_IsString(w) && cJSON_IsString(g))
        return strcmp(w->valuestring, g->valuestring) == 0;
    if (cJSON_IsNull(w))
        return cJSON_IsNull(g);
    return cJSON_Compare(w, g, true);
}

bool vec_same(const cJSON *want, const cJSON *got, const char *const *approx, char *diag,
              size_t size) {
    const cJSON *w;
    cJSON_ArrayForEach(w, want) {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        if (!same_value(w, g, listed(w->string, approx))) {
            char a[256], b[256];
            describe(w, a, sizeof(a));
            describe(g, b, sizeof(b));
            snprintf(diag, size, "%s: expected %s, got %s", w->string, a, b);
            return false;
        }
    }
    return true;
}

bool vec_same_list(const char *what, const cJSON *want, const cJSON *got, const char *const *approx,
                   char *diag, size_t size) {
    int nw = cJSON_GetArraySize(want), ng = cJSON_GetArraySize(got);
    const cJSON *w = want ? want->child : NULL, *g = got ? got->child : NULL;
    for (int i = 0; w && g; i++, w = w->next, g = g->next) {
        char field[768];
        if (!vec_same(w, g, approx, field, sizeof(field))) {
            char *s = cJSON_PrintUnformatted(w);
            snprintf(diag, size, "%s[%d] %s: %s", what, i, s ? s : "", field);
            free(s);
            return false;
        }
    }
    if (nw != ng) {
        const cJSON *extra = w ? w : g;
        char *s = cJSON_PrintUnformatted(extra);
        snprintf(diag, size, "%s: expected %d entries, podpilot gave %d; first %s: %s", what, nw,
                 ng, w ? "missing" : "extra", s ? s : "");
        free(s);
        return false;
    }
    return true;
}
