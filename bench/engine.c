/* bench/engine: the KPA workload Knative's Go code was measured on (issue 2):
 * 10,000 services × 10 pods, per-pod concurrency 5 + 3·sin(t/10) with one
 * 15 s burst of +25 per 10 minutes (staggered), pod stats combined as the
 * scraper does, one record per service per second, Scale every 2 s,
 * 600 simulated seconds, linear windows, defaults with containerConcurrency 10.
 * Prints figures; asserts nothing. */
#include "engine/kpa.h"
#include "engine/pa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define SERVICES 10000
#define PODS 10
#define SECONDS 600
#define T0 1700000000

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long peak_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static long current_rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * 4;
}

static double pod_concurrency(int service, int t, int pod) {
    const int offset = (service * 37) % 600;
    const bool burst = ((t - offset) % 600 + 600) % 600 < 15;
    return 5 + 3 * sin(t / 10.0 + service) + (burst ? 25 : 0) + 0.01 * pod;
}

int main(int argc, char **argv) {
    int services = argc > 1 ? atoi(argv[1]) : SERVICES;
    if (services <= 0)
        services = SERVICES;
    const struct pp_kv kv[] = {{"containerConcurrency", "10"}};
    struct kpa_config cfg;
    if (kpa_config_resolve(kv, 1, &cfg, NULL) != PP_OK)
        return 1;

    long rss_before = current_rss_kb();
    struct kpa **k = xcalloc((size_t)services, sizeof(*k));
    struct pa_state *pa = xcalloc((size_t)services, sizeof(*pa));
    for (int i = 0; i < services; i++) {
        k[i] = kpa_create(&cfg, 0, PP_SEC(T0));
        pa_init(&pa[i], &cfg, PP_SEC(T0));
    }
    long rss_services = current_rss_kb() - rss_before;

    struct kpa_stat *pods = xcalloc((size_t)services * PODS, sizeof(*pods));
    double t_record = 0, t_scale = 0, t_reconcile = 0;
    long records = 0, decisions = 0;
    int64_t checksum = 0;
    for (int t = 0; t < SECONDS; t++) {
        for (int i = 0; i < services; i++) {
            for (int p = 0; p < PODS; p++)
                pods[i * PODS + p] =
                    (struct kpa_stat){.concurrency = pod_concurrency(i, t, p), .rps = 20};
        }
        const pp_time now = PP_SEC(T0 + t);
        double a = now_ns();
        for (int i = 0; i < services; i++) {
            struct kpa_stat s = kpa_scrape_combine(&pods[i * PODS], PODS);
            kpa_record(k[i], now, &s);
        }
        double b = now_ns();
        t_record += b - a;
        records += services;
        if (t > 0 && t % 2 == 0) {
            for (int i = 0; i < services; i++)
                checksum += kpa_scale(k[i], now, PODS).desired;
            double c = now_ns();
            for (int i = 0; i < services; i++)
                pa_reconcile(&pa[i], &cfg, kpa_desired(k[i]), kpa_ebc(k[i]), PODS, now);
            t_reconcile += now_ns() - c;
            t_scale += c - b;
            decisions += services;
        }
    }
    const double ticks = (double)decisions;
    printf("bench/engine: KPA, %d services x %d pods, %d simulated s, linear, cc 10\n", services,
           PODS, SECONDS);
    printf("  record (scraper combine + 4 windows): %8.1f ns per record\n", t_record / records);
    printf("  decision (Scale):                     %8.1f ns per decision\n", t_scale / ticks);
    printf("  service-tick (2 records + 1 Scale):   %8.1f ns per service per 2 s tick\n",
           (t_record + t_scale) / ticks);
    printf("  PA reconcile (fixpoint):              %8.1f ns per reconcile\n", t_reconcile / ticks);
    printf("  decider footprint:                    %8zu bytes per service\n",
           kpa_footprint(k[0]) + sizeof(struct pa_state));
    printf("  RSS for the services:                 %8.0f bytes per service\n",
           rss_services * 1024.0 / services);
    printf("  peak RSS:                             %8.1f MB\n", peak_rss_kb() / 1024.0);
    printf("  (checksum of decisions: %lld)\n", (long long)checksum);
    for (int i = 0; i < services; i++)
        kpa_destroy(k[i]);
    free(k);
    free(pa);
    free(pods);
    return 0;
}
