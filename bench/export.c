/* bench/export: what --metrics-addr costs a tick. 1,000 KPA services under
 * load through the whole loop for 120 simulated seconds, then the
 * Prometheus text rebuilt after each of 600 more ticks: time per rebuild
 * against the tick itself, bytes, and engine allocations per rebuild
 * (the buffers grow to a high-water mark, then none). */
#include "bench/common.h"
#include "engine/loop.h"
#include "engine/prom_export.h"
#include "engine/source_sim.h"

#include <stdio.h>

#define SERVICES 1000
#define WARM 120
#define TICKS 600

static void ignore(void *ctx, const struct loop_record *r) { (void)ctx, (void)r; }

int main(void) {
    struct svc_set set;
    bench_kpa_services(&set, SERVICES, 20, PP_SEC(WARM + TICKS));
    struct source *src = source_sim_create(&set, NULL);
    struct loop *l = loop_create(&set, src, ignore, NULL, NULL);
    struct prom_export *e = prom_export_create(&set, "bench", "sim");
    for (int t = 0; t < WARM; t++) {
        loop_tick(l);
        prom_export_tick(e, l);
    }
    double t_tick = 0, t_export = 0;
    uint64_t allocs = 0;
    for (int t = 0; t < TICKS; t++) {
        const double t0 = bench_wall();
        loop_tick(l);
        const double t1 = bench_wall();
        const uint64_t a0 = pp_allocations();
        prom_export_tick(e, l);
        allocs += pp_allocations() - a0;
        t_export += bench_wall() - t1;
        t_tick += t1 - t0;
    }
    const size_t bytes = prom_export_text(e)->len;
    printf("bench/export: %d KPA services, %d ticks after %d s of warm-up\n", SERVICES, TICKS,
           WARM);
    printf("  loop tick            %.0f us\n", t_tick * 1e6 / TICKS);
    printf("  text rebuild         %.0f us (%.2f of a tick)\n", t_export * 1e6 / TICKS,
           t_export / t_tick);
    printf("  text                 %zu bytes, %.0f MB/s\n", bytes,
           (double)bytes * TICKS / t_export / 1e6);
    printf("  allocations          %llu in %d rebuilds\n", (unsigned long long)allocs, TICKS);
    prom_export_destroy(e);
    loop_destroy(l);
    source_destroy(src);
    svc_set_fini(&set);
    return 0;
}
