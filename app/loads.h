/* Loads from hey's flags: "-z 30s -c 5", plus podpilot's --rate RPS (Poisson),
 * --trace FILE (seconds,rps lines) and --after D, turned into the simulated
 * cluster's loads. Reading trace files is I/O, so it lives here, not in k8s/. */
#ifndef PODPILOT_LOADS_H
#define PODPILOT_LOADS_H

#include "engine/service.h"

/* Adds a load on a built set; service is a workload, InferenceService or
 * Model name, optionally namespace/name. Parsed at once. */
enum pp_status loads_add(struct svc_set *set, const char *service, const char *hey,
                         struct pp_error *err);

/* hey's flags (and --rate, --trace, --after) into a load; a trace's points
 * live in the set. */
enum pp_status loads_parse_flags(struct svc_set *set, const char *hey, struct load_spec *out,
                                 struct pp_error *err);

/* Parses every load the manifests left as text; err names where it was
 * written ("file:line:column: loads[0].hey: -n cannot be less than -c."). */
enum pp_status loads_resolve(struct svc_set *set, struct pp_error *err);

#endif
