/* The simulated cluster as a source: engine/sim's pods under the set's
 * loads, observed as queue-proxy, metrics-server, DCGM and the activator
 * report them, scaled by the loop's decisions. */
#ifndef PODPILOT_SOURCE_SIM_H
#define PODPILOT_SOURCE_SIM_H

#include "engine/source.h"

/* The cluster of set (which must outlive the source), with its seed and
 * loads; fails, naming the load, on a load whose flags were not parsed. */
struct source *source_sim_create(const struct svc_set *set, struct pp_error *err);

#endif
