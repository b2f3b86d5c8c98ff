/* bench/replay: `podpilot replay` on a one-hour recording of 100 services.
 * Records the session first (100 KPA InferenceServices at 50 rps, Poisson),
 * then times reading alone and the whole replay (scalers re-run, lines
 * formatted and compared with the recording). */
#include "app/build.h"
#include "app/headless.h"
#include "app/replay.h"
#include "bench/common.h"
#include "engine/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SERVICES 100
#define SECONDS 3600

static char *manifests(size_t *len) {
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    for (int i = 0; i < SERVICES; i++)
        fprintf(f,
                "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                "metadata: {name: svc-%03d}\nspec:\n  predictor:\n    scaleTarget: 1\n"
                "    scaleMetric: concurrency\n    model: {modelFormat: {name: sklearn}}\n---\n",
                i);
    fprintf(f, "apiVersion: podpilot.io/v1alpha1\nkind: Simulation\nduration: %ds\nloads:\n",
            SECONDS);
    for (int i = 0; i < SERVICES; i++)
        fprintf(f, "  - {service: svc-%03d, hey: \"--rate 50 -z %ds\"}\n", i, SECONDS);
    fclose(f);
    return text;
}

int main(void) {
    char path[64];
    snprintf(path, sizeof(path), "/tmp/podpilot-bench-replay-%d.jsonl", (int)getpid());
    size_t len;
    char *text = manifests(&len);
    struct sources src = {0};
    sources_add_text(&src, "bench.yaml", text, len);
    free(text);
    struct svc_set set;
    svc_set_init(&set);
    if (build_set(&src, true, &set, NULL) != 0)
        return 1;
    cJSON *header = build_header(&src, &set);
    FILE *devnull = fopen("/dev/null", "w");
    const struct headless_options plain = {0};
    double t0 = bench_wall();
    int rc = headless_run(&set, &plain, devnull);
    const double t_plain = bench_wall() - t0;
    const struct headless_options opt = {.record_path = path, .header = header};
    t0 = bench_wall();
    rc |= headless_run(&set, &opt, devnull);
    const double t_record = bench_wall() - t0;
    fclose(devnull);
    cJSON_Delete(header);
    svc_set_fini(&set);
    sources_free(&src);
    if (rc != 0)
        return 1;

    t0 = bench_wall();
    struct record_reader *r = record_open(path, NULL);
    struct record_tick tick;
    int64_t ticks = 0;
    while (r && record_next(r, &tick) == 1)
        ticks++;
    const double t_read = bench_wall() - t0;
    const double mb = r ? (double)record_bytes(r) / 1e6 : 0;
    record_reader_close(r);

    /* The command as a user runs it, its output to /dev/null. */
    fflush(stdout);
    const int saved = dup(STDOUT_FILENO);
    if (!freopen("/dev/null", "w", stdout))
        return 1;
    char *argv[] = {"podpilot", "replay", path, NULL};
    t0 = bench_wall();
    const int replay_rc = replay_main(3, argv);
    const double t_replay = bench_wall() - t0;
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    unlink(path);

    printf("bench/replay: %d KPA services x 50 rps, %d s recorded (%lld ticks)\n", SERVICES,
           SECONDS, (long long)ticks);
    printf("  the session          %.2f s headless, %.2f s with --record (%+.1f %% per tick)\n",
           t_plain, t_record, 100 * (t_record - t_plain) / t_plain);
    printf("  recording size       %.1f MB\n", mb);
    printf("  read alone           %.3f s  (%.0f MB/s)\n", t_read, mb / t_read);
    printf("  podpilot replay      %.3f s  (%.0f MB/s, scalers re-run, lines compared)%s\n",
           t_replay, mb / t_replay, replay_rc == 0 ? "" : "  REPLAY DIFFERED");
    return replay_rc;
}
