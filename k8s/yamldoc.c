#include "k8s/yamldoc.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

yaml_node_t *ydoc_child(const struct ydoc *d, int id) {
    /* libyaml's getter is not const-correct; it only reads. */
    return yaml_document_get_node((yaml_document_t *)&d->y, id);
}

const char *ydoc_scalar(const yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool ydoc_is_null(const yaml_node_t *n) {
    if (!n)
        return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = ydoc_scalar(n);
    return !*s || strcmp(s, "null") == 0 || strcmp(s, "~") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

yaml_node_t *ydoc_get(const struct ydoc *d, const yaml_node_t *map, const char *key) {
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = ydoc_scalar(ydoc_child(d, p->key));
        if (k && strcmp(k, key) == 0) {
            yaml_node_t *v = ydoc_child(d, p->value);
            return ydoc_is_null(v) ? NULL : v;
        }
    }
    return NULL;
}

size_t ydoc_seq_len(const yaml_node_t *n) {
    return n && n->type == YAML_SEQUENCE_NODE
               ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
               : 0;
}

yaml_node_t *ydoc_seq_at(const struct ydoc *d, const yaml_node_t *n, size_t i) {
    return ydoc_child(d, n->data.sequence.items.start[i]);
}

enum pp_status ydoc_fail(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                         const char *field, const char *fmt, ...) {
    if (!err)
        return PP_ERR_INVALID;
    memset(err, 0, sizeof(*err));
    snprintf(err->file, sizeof(err->file), "%s", d ? d->file : "");
    const yaml_node_t *at = n ? n : d ? d->root : NULL;
    if (at) {
        err->line = (int)at->start_mark.line + 1;
        err->column = (int)at->start_mark.column + 1;
    }
    va_list ap;
    va_start(ap, fmt);
    pp_vfail(err, PP_ERR_INVALID, field, fmt, ap);
    va_end(ap);
    return PP_ERR_INVALID;
}

const yaml_node_t *ydoc_find(const struct ydoc *d, const char *path) {
    const yaml_node_t *n = d->root;
    const char *p = path;
    while (*p && n) {
        char key[128];
        size_t k = 0;
        while (*p && *p != '.' && *p != '[' && k + 1 < sizeof(key))
            key[k++] = *p++;
        key[k] = '\0';
        const yaml_node_t *next = k ? ydoc_get(d, n, key) : n;
        while (next && *p == '[') {
            const size_t i = (size_t)strtoul(p + 1, NULL, 10);
            p = strchr(p, ']');
            p = p ? p + 1 : "";
            next = i < ydoc_seq_len(next) ? ydoc_seq_at(d, next, i) : NULL;
        }
        if (!next)
            return n;
        n = next;
        if (*p == '.')
            p++;
    }
    return n;
}

enum pp_status ydoc_want_map(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                             const char *field) {
    if (n && n->type != YAML_MAPPING_NODE)
        return ydoc_fail(err, d, n, field, "expected a mapping");
    return PP_OK;
}

enum pp_status ydoc_get_str(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, const char **out) {
    const yaml_node_t *n = ydoc_get(d, map, key);
    *out = NULL;
    if (!n)
        return PP_OK;
    if (n->type != YAML_SCALAR_NODE)
        return ydoc_fail(err, d, n, field, "expected a string");
    *out = ydoc_scalar(n);
    return PP_OK;
}

enum pp_status ydoc_get_int(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, int64_t lo, int64_t hi,
                            int64_t *out, bool *present) {
    const yaml_node_t *n = ydoc_get(d, map, key);
    if (present)
        *present = n != NULL;
    if (!n)
        return PP_OK;
    const char *s = ydoc_scalar(n);
    int64_t v;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !goparse_int64(s, &v))
        return ydoc_fail(err, d, n, field, "expected an integer, got %s%s%s", s ? "\"" : "",
                         s ? s : "a collection", s ? "\"" : "");
    if (v < lo || v > hi)
        return ydoc_fail(err, d, n, field, "must be between %lld and %lld, got %lld", (long long)lo,
                         (long long)hi, (long long)v);
    *out = v;
    return PP_OK;
}

enum pp_status ydoc_get_i32(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, int32_t lo, int32_t *out,
                            bool *present) {
    int64_t v = *out;
    enum pp_status s = ydoc_get_int(err, d, map, key, field, lo, INT32_MAX, &v, present);
    *out = (int32_t)v;
    return s;
}

enum pp_status ydoc_get_bool(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                             const char *key, const char *field, bool *out) {
    const yaml_node_t *n = ydoc_get(d, map, key);
    return n ? ydoc_bool(err, d, n, field, out) : PP_OK;
}

enum pp_status ydoc_bool(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                         const char *field, bool *out) {
    const char *s = ydoc_scalar(n);
    if (s && strcmp(s, "true") == 0)
        *out = true;
    else if (s && strcmp(s, "false") == 0)
        *out = false;
    else
        return ydoc_fail(err, d, n, field, "expected true or false, got \"%s\"", s ? s : "");
    return PP_OK;
}

enum pp_status ydoc_get_duration(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                                 const char *key, const char *field, pp_time *out) {
    const yaml_node_t *n = ydoc_get(d, map, key);
    if (!n)
        return PP_OK;
    const char *s = ydoc_scalar(n);
    char msg[160];
    if (!s || !goparse_duration_msg(s, out, msg, sizeof(msg)))
        return ydoc_fail(err, d, n, field, "expected a duration like 10s or 2m: %s",
                         s ? msg : "not a string");
    if (*out < 0)
        return ydoc_fail(err, d, n, field, "must not be negative");
    return PP_OK;
}

bool ydoc_quantity_milli(const char *s, int64_t *milli) {
    static const struct {
        const char *suffix;
        double mult;
    } units[] = {{"Ki", 1024.0},
                 {"Mi", 1048576.0},
                 {"Gi", 1073741824.0},
                 {"Ti", 1099511627776.0},
                 {"Pi", 1125899906842624.0},
                 {"m", 1e-3},
                 {"k", 1e3},
                 {"M", 1e6},
                 {"G", 1e9},
                 {"T", 1e12},
                 {"P", 1e15},
                 {"", 1}};
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0 || *s == '+' || isspace((unsigned char)*s))
        return false;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        const double m = ceil(v * units[i].mult * 1000 - 1e-6);
        if (m > 9.2e18)
            return false;
        *milli = (int64_t)m;
        return true;
    }
    return false;
}

enum pp_status ydoc_get_quantity(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                                 const char *key, const char *field, int64_t *out) {
    const yaml_node_t *n = ydoc_get(d, map, key);
    if (!n)
        return PP_OK;
    const char *s = ydoc_scalar(n);
    if (!s || !ydoc_quantity_milli(s, out))
        return ydoc_fail(err, d, n, field, "expected a quantity like 500m, 1, 2Gi, got \"%s\"",
                         s ? s : "");
    return PP_OK;
}

void ydoc_explain_tabs(struct pp_error *err, const char *text, size_t len) {
    if (!err || err->line < 1)
        return;
    size_t at = 0;
    for (int line = 1; line < err->line && at < len; at++)
        line += text[at] == '\n';
    size_t k = at;
    while (k < len && text[k] == ' ')
        k++;
    if (k >= len || text[k] != '\t')
        return;
    err->column = (int)(k - at) + 1;
    snprintf(err->message, sizeof(err->message),
             "tabs are not allowed for indentation in YAML; indent with spaces");
}

enum pp_status ydoc_parse_error(struct pp_error *err, const char *file, const yaml_parser_t *p) {
    const struct ydoc tmp = {.file = file};
    if (p->error == YAML_MEMORY_ERROR)
        ydoc_fail(err, &tmp, NULL, "", "YAML: out of memory reading it (too large or too deep)");
    else
        ydoc_fail(err, &tmp, NULL, "", "YAML: %s%s%s", p->problem ? p->problem : "error",
                  p->context ? " " : "", p->context ? p->context : "");
    if (err) {
        err->line = (int)p->problem_mark.line + 1;
        err->column = (int)p->problem_mark.column + 1;
    }
    return PP_ERR_PARSE;
}
