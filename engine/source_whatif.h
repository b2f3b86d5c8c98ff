/* What-if: recorded demand on pods that follow another configuration's
 * decisions, as a source, and the tally that compares two runs.
 *
 * The recording holds what each service's pods saw. Re-running those
 * observations under another scaler needs pods that follow the new
 * decisions: a what-if service keeps its own pods (ready a cold start after
 * they are asked for, as its pod model says; scale-down removes starting
 * pods first) and puts the recorded demand on them — requests in flight,
 * arrivals and busy streams, spread evenly, busy streams capped by what its
 * ready pods can execute. KPA reads the demand as the pods' and the
 * activator's reports; HPA reads CPU, memory, GPU and custom metrics
 * derived from it as the simulated cluster derives them. Seldon's lag
 * scaler gets the recorded request starts and ends, if the recorded
 * service was lag-scaled. Until a service's decisions diverge from the
 * recording, its pods are the recorded ones and a scaler of the recorded
 * class reads the recorded observation itself. */
#ifndef PODPILOT_SOURCE_WHATIF_H
#define PODPILOT_SOURCE_WHATIF_H

#include "engine/source_record.h"

/* Replica-seconds and provisioning over a run, for one service.
 * Under-provisioned: demand above what the ready pods execute at once
 * (requests wait). Over-provisioned: demand below half of it (more than
 * half the ready capacity idle). */
struct replay_tally {
    int64_t seconds;
    double replica_seconds; /* pods that exist, starting or ready */
    int64_t under_s, over_s;
};
void replay_tally_add(struct replay_tally *t, const struct sim_pod_model *m,
                      const struct pod_spec *spec, int32_t pods, int32_t ready, double demand);

/* ---- the what-if pods ---- */

struct whatif;

/* Pods for each service of set (the what-if configuration); none until
 * whatif_start. */
struct whatif *whatif_create(const struct svc_set *set);
/* svc's pods at the start: `replicas` of them, the first `ready` ready. */
void whatif_start(struct whatif *w, size_t svc, int32_t replicas, int32_t ready, pp_time now);
void whatif_destroy(struct whatif *w);
/* svc's pods follow the what-if decision. */
void whatif_actuate(struct whatif *w, size_t svc, int32_t replicas, pp_time now);
/* While the what-if decides as the recording did, its pods are the
 * recorded ones: ready and starting as observed. */
void whatif_mirror(struct whatif *w, size_t svc, int32_t ready, int32_t starting, pp_time now);
int32_t whatif_pods(const struct whatif *w, size_t svc);
int32_t whatif_ready(const struct whatif *w, size_t svc, pp_time now);

/* ---- the source ---- */

/* The services of set (the what-if configuration) on recording's ticks,
 * which must be read first each tick; recorded[i] is the recorded service
 * that set's service i replays. The recorded commands are parsed by cmds
 * for set. */
struct source *source_whatif_create(const struct svc_set *set, const struct svc_set *recorded_set,
                                    const size_t *recorded, const struct source *recording,
                                    const struct source_commands *cmds);
/* From now on svc's decisions differ from the recording's: its pods are
 * its own. */
void source_whatif_diverge(struct source *s, size_t svc);
struct whatif *source_whatif_pods(struct source *s);

#endif
