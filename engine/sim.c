#include "engine/sim.h"

#include <string.h>

void sim_pods_init(struct sim_pods *p, int32_t ready, pp_time cold_start) {
    memset(p, 0, sizeof(*p));
    p->cold_start = cold_start;
    p->ready = ready < 0 ? 0 : ready > SIM_MAX_PODS ? SIM_MAX_PODS : ready;
}

void sim_pods_advance(struct sim_pods *p, pp_time now) {
    int32_t done = 0;
    while (done < p->starting && p->ready_at[done] <= now)
        done++;
    if (!done)
        return;
    p->ready += done;
    p->starting -= done;
    memmove(p->ready_at, p->ready_at + done, sizeof(pp_time) * (size_t)p->starting);
}

void sim_pods_scale(struct sim_pods *p, int32_t replicas, pp_time now) {
    if (replicas < 0)
        replicas = 0;
    if (replicas > SIM_MAX_PODS)
        replicas = SIM_MAX_PODS;
    while (sim_pods_total(p) < replicas)
        p->ready_at[p->starting++] = now + p->cold_start;
    /* Kubernetes removes pods that are not ready before ready ones. */
    while (sim_pods_total(p) > replicas) {
        if (p->starting > 0)
            p->starting--;
        else
            p->ready--;
    }
}

int32_t sim_pods_total(const struct sim_pods *p) {
    return p->ready + p->starting;
}
