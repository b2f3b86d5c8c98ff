/* bench/engine: the KPA workload Knative's Go code was measured on (issue 2):
 * 10,000 services × 10 pods, per-pod concurrency 5 + 3·sin(t/10) with one
 * 15 s burst of +25 per 10 minutes (staggered), pod stats combined as the
 * scraper does, one record per service per second, Scale every 2 s,
 * 600 simulated seconds, linear windows, defaults with containerConcurrency 10.
 * Then the CronHPA, Seldon lag and HPA engines at the same scale.
 * Prints figures; asserts nothing. */
#include "app/zone.h"
#include "bench/common.h"
#include "engine/cron.h"
#include "engine/hpa.h"
#include "engine/kpa.h"
#include "engine/lag.h"
#include "engine/pa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static double pod_concurrency(int service, int t, int pod) {
    const int offset = (service * 37) % 600;
    const bool burst = ((t - offset) % 600 + 600) % 600 < 15;
    return 5 + 3 * sin(t / 10.0 + service) + (burst ? 25 : 0) + 0.01 * pod;
}

static int bench_kpa(int services) {
    const struct pp_kv kv[] = {{"containerConcurrency", "10"}};
    struct kpa_config cfg;
    if (kpa_config_resolve(kv, 1, &cfg, NULL) != PP_OK)
        return 1;

    long rss_before = bench_rss_kb();
    struct kpa **k = xcalloc((size_t)services, sizeof(*k));
    struct pa_state *pa = xcalloc((size_t)services, sizeof(*pa));
    for (int i = 0; i < services; i++) {
        k[i] = kpa_create(&cfg, 0, PP_SEC(T0));
        pa_init(&pa[i], &cfg, PP_SEC(T0));
    }
    long rss_services = bench_rss_kb() - rss_before;

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
    printf("  peak RSS:                             %8.1f MB\n", bench_peak_rss_kb() / 1024.0);
    printf("  (checksum of decisions: %lld)\n", (long long)checksum);
    for (int i = 0; i < services; i++)
        kpa_destroy(k[i]);
    free(k);
    free(pa);
    free(pods);
    return 0;
}

/* CronHPA: CronHPAs (a tenth of the services) in Asia/Shanghai with the seeds' two daily jobs
 * and a 15-second one, ticked every simulated second for a day. */
static int bench_cron(int n) {
    struct pp_error err = {0};
    struct tz *zone = zone_load("Asia/Shanghai", &err);
    if (!zone) {
        fprintf(stderr, "bench/engine: %s\n", err.message);
        return 1;
    }
    static const struct cron_job_spec jobs[] = {
        {"scale-up", "0 30 10 * * *", 2, false},
        {"scale-down", "0 0 12 * * *", 1, false},
        {"pulse", "*/15 * * * * *", 3, false},
    };
    static const char *const exclude[] = {"* * * * * 6"};
    const struct cron_spec spec = {"apps/v1", "Deployment", "web", jobs, 3, exclude, 1};
    struct cron **c = xmalloc((size_t)n * sizeof(*c));
    const int64_t t0 = T0;
    for (int i = 0; i < n; i++)
        c[i] = cron_create(&spec, zone, CRON_EXCLUDE_UPSTREAM, t0);

    struct cron_schedule s;
    cron_parse("0 30 10 * * MON-FRI", &s, NULL, 0);
    const int probes = 200000;
    int64_t sum = 0;
    double a = now_ns();
    for (int i = 0; i < probes; i++)
        sum += cron_next(&s, zone, t0 + (int64_t)i * 997);
    double t_next = now_ns() - a;

    const int day = 86400;
    long fires = 0;
    double t_take = 0;
    struct cron_fire f;
    for (int t = 1; t <= day; t++) {
        double b = now_ns();
        for (int i = 0; i < n; i++) {
            while (cron_take(c[i], t0 + t, &f))
                fires++;
        }
        t_take += now_ns() - b;
    }
    printf("bench/engine: CronHPA, %d CronHPAs x 3 jobs + 1 excludeDate, Asia/Shanghai, 1 day\n",
           n);
    printf("  Next() of \"0 30 10 * * MON-FRI\":      %8.1f ns per call\n", t_next / probes);
    printf("  tick (all jobs checked, fires run):   %8.1f ns per CronHPA per second\n",
           t_take / ((double)n * day));
    printf("  fires:                                %8ld (%.1f ns each, tick share incl.)\n", fires,
           t_take / (double)fires);
    printf("  (checksum: %lld)\n", (long long)(sum % 1000003));
    for (int i = 0; i < n; i++)
        cron_destroy(c[i]);
    free(c);
    tz_destroy(zone);
    return 0;
}

/* Seldon lag: models on 4-replica Servers, 20 s stats period (Helm), every
 * replica serving 50 requests per period; ticks for one simulated hour. */
static int bench_lag(int n) {
    struct lag_config cfg;
    lag_config_helm_defaults(&cfg);
    struct lag_model_spec m = {"m", 1, 2, 1, 4};
    const struct lag_server_spec server = {4, 0, 0};
    const struct lag_initial_replica init[] = {{0, 1, 0, -1000}, {1, 1, 0, -1000}};
    struct lag **l = xmalloc((size_t)n * sizeof(*l));
    for (int i = 0; i < n; i++)
        l[i] = lag_create(&cfg, &m, &server, init, 2, -1000);
    double t_req = 0, t_tick = 0;
    long requests = 0, ticks = 0;
    for (int t = 20; t <= 3600; t += 20) {
        double a = now_ns();
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 4; r++) {
                for (int k = 0; k < 50; k++) {
                    lag_request_start(l[i], r, t);
                    if (k % 8 != 0) /* some stay in flight: the gauge climbs */
                        lag_request_end(l[i], r);
                }
            }
        }
        double b = now_ns();
        for (int i = 0; i < n; i++)
            lag_tick(l[i], t, NULL, NULL);
        double c = now_ns();
        t_req += b - a;
        t_tick += c - b;
        requests += (long)n * 4 * 50;
        ticks += n;
    }
    struct lag_status st;
    lag_status(l[0], &st);
    printf("bench/engine: Seldon lag, %d models x 4 server replicas, 20 s period, 1 h\n", n);
    printf("  request start+end (agent gauge):      %8.1f ns per request\n", t_req / requests);
    printf("  stats period (pass + decisions):      %8.1f ns per model per period\n",
           t_tick / ticks);
    printf("  (model 0 ends at %d replicas, %s)\n", (int)st.replicas, lag_state_name(st.state));
    for (int i = 0; i < n; i++)
        lag_destroy(l[i]);
    free(l);
    return 0;
}

/* HPA: the workload upstream's reconcileAutoscaler was measured on (issue
 * 14): n HPAs (min 1, max 20, cpu Utilization 50), 10 Running pods each
 * (ready since -3500 s, started -3600 s, one container requesting 1 cpu),
 * 40 syncs at t = 15k s in index order, usage of pod p of HPA h at sync k
 * 200 + (13h + 37k + 11p) % 600 millicores sampled at t - 5 s over 15 s,
 * and an open loop (the scale reads 10 whatever was decided). Upstream's
 * checksums: 4,499,377 desired replicas and 148,684 rescales with
 * behavior {}, 5,747,010 and 364,795 without a behavior. */
static void bench_hpa_variant(int n, bool behavior) {
    enum { PODS_PER = 10, SYNCS = 40 };
    struct hpa_controller ctl;
    hpa_controller_defaults(&ctl);
    struct hpa_spec spec = {.min_set = true,
                            .min_replicas = 1,
                            .max_replicas = 20,
                            .n_metrics = 1,
                            .behavior_set = behavior};
    spec.metrics[0] = (struct hpa_metric_spec){
        .type = HPA_RESOURCE, .name = "cpu", .target = HPA_TARGET_UTILIZATION, .utilization = 50};
    struct hpa **h = xmalloc((size_t)n * sizeof(*h));
    for (int i = 0; i < n; i++)
        h[i] = hpa_create(&spec, &ctl);
    const struct hpa_container container = {.name = "model", .cpu_milli = 1000, .memory_milli = -1};
    struct hpa_pod pods[PODS_PER];
    for (int p = 0; p < PODS_PER; p++)
        pods[p] = (struct hpa_pod){.containers = &container,
                                   .n_containers = 1,
                                   .phase = HPA_POD_RUNNING,
                                   .has_ready_condition = true,
                                   .ready = true,
                                   .started = true,
                                   .start_time = PP_SEC(T0 - 3600),
                                   .ready_transition = PP_SEC(T0 - 3500)};
    int64_t usage[PODS_PER];
    struct hpa_metric_obs m = {.pod_milli = usage, .window = PP_SEC(15)};
    const struct hpa_obs obs = {.spec_replicas = 10,
                                .status_replicas = 10,
                                .pods = pods,
                                .n_pods = PODS_PER,
                                .metrics = &m};
    double elapsed = 0;
    long checksum = 0, rescales = 0;
    uint64_t allocs = 0;
    for (int k = 0; k < SYNCS; k++) {
        const pp_time now = PP_SEC(T0 + 15 * k);
        m.timestamp = now - PP_SEC(5);
        const uint64_t a0 = pp_allocations();
        const double t0 = now_ns();
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < PODS_PER; p++)
                usage[p] = 200 + (i * 13 + k * 37 + p * 11) % 600;
            int32_t replicas;
            const struct hpa_status *st = hpa_sync(h[i], &obs, now, &replicas);
            checksum += st->desired_replicas;
            rescales += st->scaled;
        }
        elapsed += now_ns() - t0;
        if (k > 0) /* the first sync sizes each HPA's recommendation history */
            allocs += pp_allocations() - a0;
    }
    const double syncs = (double)n * SYNCS;
    printf("  %-13s %8.1f ns per sync, %.3f allocations per sync after the first, "
           "checksum %ld desired, %ld rescales\n",
           behavior ? "behavior {}:" : "no behavior:", elapsed / syncs,
           (double)allocs / ((double)n * (SYNCS - 1)), checksum, rescales);
    for (int i = 0; i < n; i++)
        hpa_destroy(h[i]);
    free(h);
}

static int bench_hpa(int n) {
    printf("bench/engine: HPA, %d HPAs x 10 pods, cpu Utilization 50, 40 syncs each, open loop\n",
           n);
    bench_hpa_variant(n, true);
    bench_hpa_variant(n, false);
    printf("  (upstream: 4499377 desired, 148684 rescales with behavior {}; 5747010 and 364795 "
           "without)\n");
    return 0;
}

/* bench/engine [SERVICES] [kpa|cron|lag|hpa]: all parts, or one. */
int main(int argc, char **argv) {
    int services = argc > 1 ? atoi(argv[1]) : SERVICES;
    if (services <= 0)
        services = SERVICES;
    const char *only = argc > 2 ? argv[2] : "";
    int rc = 0;
    if (!*only || strcmp(only, "kpa") == 0)
        rc = bench_kpa(services);
    if (rc == 0 && (!*only || strcmp(only, "cron") == 0))
        rc = bench_cron(services / 10 > 0 ? services / 10 : 1);
    if (rc == 0 && (!*only || strcmp(only, "lag") == 0))
        rc = bench_lag(services);
    if (rc == 0 && (!*only || strcmp(only, "hpa") == 0))
        rc = bench_hpa(services);
    return rc;
}
