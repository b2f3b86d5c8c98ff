/* Reads the manifests users already have — KServe InferenceServices (both API
 * groups), autoscaling/v2 HPAs, Deployments, Seldon Models, CronHPAs — and
 * podpilot's own Simulation document into the services the engine runs. */
#ifndef PODPILOT_MANIFEST_H
#define PODPILOT_MANIFEST_H

#include "engine/service.h"

struct manifest;

struct manifest *manifest_create(void);
void manifest_destroy(struct manifest *m);

/* Adds every document of a multi-document YAML file (or of text in memory,
 * `name` standing for the file in messages). Fails on YAML that does not
 * parse, a duplicate key, or a document without apiVersion/kind. */
/* A manifest file's text, NUL-terminated (free it); NULL with err naming
 * the file when it cannot be read. */
char *manifest_read_file(const char *path, size_t *len, struct pp_error *err);
enum pp_status manifest_add_file(struct manifest *m, const char *path, struct pp_error *err);
enum pp_status manifest_add_text(struct manifest *m, const char *name, const char *text, size_t len,
                                 struct pp_error *err);

/* Turns the documents into services, scalers, pod models and loads in set
 * (which must be freshly initialized). Cross-references (an HPA's
 * scaleTargetRef, a CronHPA's target, a Simulation's service names) are
 * resolved here. A Simulation's loads keep their hey flags as text, with
 * where they were written, for the app to parse. On failure err says file:line:column, the field
 * and what is wrong, and set holds nothing usable. */
enum pp_status manifest_build(struct manifest *m, struct svc_set *set, struct pp_error *err);

/* Things accepted that a cluster would treat differently, or documents that
 * were skipped, as "file:line: message" lines. Valid until destroy. */
size_t manifest_warnings(const struct manifest *m, const char *const **lines);

#endif
