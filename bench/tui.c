/* bench/tui [SERVICES [FRAMES]]: the console's overview with SERVICES KPA
 * services (default 1,000) — time to render a frame on a new snapshot,
 * bytes written to the terminal per frame and per idle frame (nothing
 * new), and memory: what the console keeps per service and the
 * snapshots it reads, beside the process's resident size before the
 * console starts (the engine and the simulated cluster) and its peak after
 * FRAMES frames (default 200; 3,700 fill an hour of chart history). The
 * terminal is xterm-256color, 200x50, writing to a
 * file. */
#include "bench/common.h"
#include "engine/runner.h"
#include "tui/tui.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const int services = argc > 1 ? atoi(argv[1]) : 1000;
    const int frames = argc > 2 ? atoi(argv[2]) : 200;
    if (services < 1 || frames < 1) {
        fprintf(stderr, "usage: bench/tui [SERVICES [FRAMES]]\n");
        return 2;
    }
    struct svc_set set;
    bench_kpa_services(&set, services, 5, PP_SEC(3600 * 2));
    const struct runner_options ro = {.speed = 0, .duration_s = frames + 10};
    struct runner *r = runner_start(&set, &ro, NULL, NULL, NULL);
    if (!r)
        return 1;
    const long before = bench_rss_kb();
    const struct tui_options to = {0};
    struct tui_bench b;
    const int rc = tui_bench(r, &to, 200, 50, frames, &b);
    const long after = bench_rss_kb();
    const size_t snapshots = runner_snapshot_bytes(r);
    runner_stop(r);
    svc_set_fini(&set);
    if (rc != 0) {
        fprintf(stderr, "bench/tui: cannot open a terminal (xterm-256color terminfo?)\n");
        return 1;
    }
    printf("bench/tui: overview of %d KPA services, 200x50, %d frames\n", services, frames);
    printf("  render per frame     %.3f ms (a new snapshot each)\n", b.frame_ms);
    printf("  bytes per frame      %.0f\n", b.frame_bytes);
    printf("  bytes per idle frame %zu\n", b.idle_bytes);
    printf("  RSS before console   %.1f MB (engine and simulated cluster)\n", before / 1e3);
    printf("  RSS after, peak      %.1f MB, %.1f MB\n", after / 1e3,
           (double)bench_peak_rss_kb() / 1e3);
    printf("  console per service  %.2f KB it keeps (charts' history, marks, rows) + %.2f KB of "
           "snapshots\n",
           (double)b.console_bytes / services / 1e3, (double)snapshots / services / 1e3);
    return 0;
}
