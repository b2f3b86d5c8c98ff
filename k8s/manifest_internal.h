/* The manifest reader's own parts, shared by manifest.c (loading, the
 * build driver, what every reader needs) and one file per kind it reads:
 * manifest_isvc.c, manifest_knative.c, manifest_hpa.c, manifest_keda.c,
 * manifest_seldon.c, manifest_cron.c, manifest_sim.c. Nothing outside k8s/manifest*.c includes it.
 */
#ifndef PODPILOT_MANIFEST_INTERNAL_H
#define PODPILOT_MANIFEST_INTERNAL_H

#include "k8s/manifest.h"
#include "k8s/yamldoc.h"

#include "engine/sim.h"

#define KN "autoscaling.knative.dev/"
#define MAX_KV 64

struct doc {
    struct ydoc yd; /* its file name is owned by the manifest */
    const char *api, *kind, *name;
    bool used;
};

struct manifest {
    struct doc *docs; /* one per object: a List's items are docs of their own */
    size_t n, cap;
    yaml_document_t **yaml; /* what was parsed; docs point into these */
    size_t n_yaml;
    char **files;
    size_t n_files;
    char **warnings;
    size_t n_warnings;
};

struct build {
    struct manifest *m;
    struct svc_set *set;
    struct pp_error *err;
    struct pod_spec default_spec;       /* the Simulation's defaults: */
    struct sim_pod_model default_model; /* every service starts from them */
    bool start_ready;
};

/* "file:line: message", kept for manifest_warnings. */
void manifest_warn(struct manifest *m, const struct doc *d, const yaml_node_t *n, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
bool manifest_api_group(const char *api, const char *group);
const char *manifest_namespace(struct doc *d);
/* The name of d's owner of that kind (metadata.ownerReferences, as the
 * cluster returns objects), or NULL. */
const char *manifest_owner(const struct doc *d, const char *kind);
/* Whether the files hold an object of that kind, name and namespace. */
bool manifest_has(const struct manifest *m, const char *kind, const char *ns, const char *name);
void manifest_set_origin(struct svc_config *c, const struct doc *d, const yaml_node_t *n);
/* A new service for the document's workload; fails on a name taken. */
enum pp_status manifest_add_service(struct build *b, struct doc *d, const yaml_node_t *at,
                                    const char *name, struct svc_config **out);
enum pp_status manifest_scan_resources(struct build *b, struct doc *d, const yaml_node_t *n,
                                       const char *path, struct pod_spec *pm, bool *cpu_set,
                                       int depth);
enum pp_status manifest_named_service(struct build *b, struct doc *d, const yaml_node_t **spec,
                                      struct svc_config **s);
struct svc_config *manifest_target_service(struct build *b, struct doc *d, const char *kind,
                                           const char *name);

/* behavior.scaleUp or scaleDown at n (path names it in errors). */
enum pp_status manifest_hpa_rules(struct build *b, struct doc *d, const yaml_node_t *n,
                                  const char *path, struct hpa_rules *r);
/* InferenceService component s with autoscalerClass keda: the ScaledObject
 * KServe generates from the component at node (path), min and max its
 * minReplicas (-1 unset) and maxReplicas. */
enum pp_status manifest_isvc_keda(struct build *b, struct doc *d, struct svc_config *s,
                                  const yaml_node_t *node, const char *path, int64_t min,
                                  int64_t max);

/* Whether d is part of a Knative Service the files hold (its
 * serving.knative.dev/service label names the Service, or an
 * InferenceService's component): a Revision's Deployment, say. */
bool manifest_knative_part(const struct manifest *m, struct doc *d);

/* The readers: one document of their kind each. */
enum pp_status manifest_read_deployment(struct build *b, struct doc *d);
enum pp_status manifest_read_isvc(struct build *b, struct doc *d);
enum pp_status manifest_read_seldon(struct build *b, struct doc *d);
enum pp_status manifest_read_ksvc(struct build *b, struct doc *d);
enum pp_status manifest_read_knative_part(struct build *b, struct doc *d);
enum pp_status manifest_read_scaledobject(struct build *b, struct doc *d);
enum pp_status manifest_read_hpa(struct build *b, struct doc *d);
enum pp_status manifest_read_cron(struct build *b, struct doc *d);
enum pp_status manifest_read_sim_globals(struct build *b, struct doc *d);
enum pp_status manifest_read_sim_services(struct build *b, struct doc *d);

#endif
