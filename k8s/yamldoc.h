/* A parsed YAML document and typed reads of its nodes that fail with
 * file:line:column, the field and what is wrong: the one way podpilot reads
 * YAML (manifests, themes; kubeconfig next). */
#ifndef PODPILOT_YAMLDOC_H
#define PODPILOT_YAMLDOC_H

#include "engine/common.h"

#include <yaml.h>

struct ydoc {
    yaml_document_t y;
    const char *file; /* as messages name it */
    yaml_node_t *root;
};

yaml_node_t *ydoc_child(const struct ydoc *d, int id);
/* A scalar's text; NULL for a collection or no node. */
const char *ydoc_scalar(const yaml_node_t *n);
/* No node, or a plain null (empty, ~, null, Null, NULL). */
bool ydoc_is_null(const yaml_node_t *n);
/* map[key], NULL when absent or null. */
yaml_node_t *ydoc_get(const struct ydoc *d, const yaml_node_t *map, const char *key);
size_t ydoc_seq_len(const yaml_node_t *n);
yaml_node_t *ydoc_seq_at(const struct ydoc *d, const yaml_node_t *n, size_t i);
/* The node a dotted path with [i] indices names, or the deepest one found. */
const yaml_node_t *ydoc_find(const struct ydoc *d, const char *path);

/* Fills err with the file, n's line and column (the root's when n is NULL),
 * the field and the message; returns PP_ERR_INVALID. */
enum pp_status ydoc_fail(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                         const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* libyaml's parse error, at its mark. */
enum pp_status ydoc_parse_error(struct pp_error *err, const char *file, const yaml_parser_t *p);
/* When line `line` (1-based) of text is indented with a tab, rewrites
 * err (from ydoc_parse_error) to say so at the tab's column: libyaml only
 * says "found character that cannot start any token". */
void ydoc_explain_tabs(struct pp_error *err, const char *text, size_t len);

/* Typed fields of map: absent leaves *out alone and succeeds. */
enum pp_status ydoc_want_map(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                             const char *field);
enum pp_status ydoc_get_str(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, const char **out);
/* Plain YAML integers only, as the API server's JSON decoding wants ("1"
 * in quotes is a string there), within lo..hi. */
enum pp_status ydoc_get_int(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, int64_t lo, int64_t hi,
                            int64_t *out, bool *present);
enum pp_status ydoc_get_i32(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                            const char *key, const char *field, int32_t lo, int32_t *out,
                            bool *present);
enum pp_status ydoc_get_bool(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                             const char *key, const char *field, bool *out);
/* n itself as true or false. */
enum pp_status ydoc_bool(struct pp_error *err, const struct ydoc *d, const yaml_node_t *n,
                         const char *field, bool *out);
/* A Go duration (10s, 2m), not negative. */
enum pp_status ydoc_get_duration(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                                 const char *key, const char *field, pp_time *out);
/* A Kubernetes quantity, in milli-units. */
enum pp_status ydoc_get_quantity(struct pp_error *err, const struct ydoc *d, const yaml_node_t *map,
                                 const char *key, const char *field, int64_t *out);

/* A Kubernetes quantity ("500m", "1", "12Gi", "1.5k") in milli-units,
 * rounded up as Quantity.MilliValue() does. */
bool ydoc_quantity_milli(const char *s, int64_t *milli);

#endif
