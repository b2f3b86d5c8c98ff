/* bench/sim: how much faster than real time the engine runs a cluster.
 * 100 KPA services at 50 rps each (Poisson) for one simulated hour, through
 * the whole loop (simulated pods, queue-proxy scrapes, KPA and reconciler). */
#include "bench/common.h"
#include "engine/loop.h"
#include "engine/source_sim.h"

#include <stdio.h>
#include <time.h>

#define SERVICES 100
#define SECONDS 3600

static void count(void *ctx, const struct loop_record *r) {
    size_t *n = ctx;
    (*n) += r->kind == LOOP_DECISION;
}

int main(void) {
    struct svc_set set;
    bench_kpa_services(&set, SERVICES, 50, PP_SEC(SECONDS));
    size_t decisions = 0;
    struct source *src = source_sim_create(&set, NULL);
    struct loop *l = loop_create(&set, src, count, &decisions, NULL);
    const double t0 = bench_wall();
    for (int t = 0; t < SECONDS; t++)
        loop_tick(l);
    const double dt = bench_wall() - t0;
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
    const double requests = (double)SERVICES * 50 * SECONDS;
    printf("bench/sim: %d KPA services x 50 rps, %d simulated s\n", SERVICES, SECONDS);
    printf("  wall time            %.2f s\n", dt);
    printf("  speed                %.0fx real time\n", SECONDS / dt);
    printf("  per request          %.0f ns (%.1fM requests)\n", dt * 1e9 / requests,
           requests / 1e6);
    printf("  per service-second   %.0f ns (%zu decisions)\n",
           dt * 1e9 / (SERVICES * (double)SECONDS), decisions);
    return 0;
}
