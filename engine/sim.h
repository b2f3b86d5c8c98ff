/* The simulated cluster's pods for one service: created when replicas grow,
 * ready after a cold start, removed not-ready first when replicas shrink.
 * Deterministic; time comes in as `now`. */
#ifndef PODPILOT_SIM_H
#define PODPILOT_SIM_H

#include "engine/common.h"

#define SIM_MAX_PODS 1024

struct sim_pods {
    pp_time cold_start;
    int32_t ready;
    int32_t starting;
    pp_time ready_at[SIM_MAX_PODS]; /* of the starting pods, oldest first */
};

void sim_pods_init(struct sim_pods *p, int32_t ready, pp_time cold_start);
/* Moves pods whose cold start has passed to ready. */
void sim_pods_advance(struct sim_pods *p, pp_time now);
/* Brings the pod count (ready + starting) to replicas, capped at SIM_MAX_PODS. */
void sim_pods_scale(struct sim_pods *p, int32_t replicas, pp_time now);
int32_t sim_pods_total(const struct sim_pods *p);

#endif
