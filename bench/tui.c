/* bench/tui: the console's overview with 1,000 services — time to render a
 * frame on a new snapshot, and bytes written to the terminal per frame and
 * per idle frame (nothing new). The terminal is xterm-256color, 200x50,
 * writing to a file. */
#include "bench/common.h"
#include "engine/runner.h"
#include "tui/tui.h"

#include <stdio.h>

#define SERVICES 1000
#define FRAMES 200

int main(void) {
    struct svc_set set;
    bench_kpa_services(&set, SERVICES, 5, PP_SEC(3600));
    const struct runner_options ro = {.speed = 0, .duration_s = FRAMES + 10};
    struct runner *r = runner_start(&set, &ro, NULL, NULL, NULL);
    if (!r)
        return 1;
    const struct tui_options to = {0};
    struct tui_bench b;
    const int rc = tui_bench(r, &to, 200, 50, FRAMES, &b);
    runner_stop(r);
    svc_set_fini(&set);
    if (rc != 0) {
        fprintf(stderr, "bench/tui: cannot open a terminal (xterm-256color terminfo?)\n");
        return 1;
    }
    printf("bench/tui: overview of %d KPA services, 200x50, %d frames\n", SERVICES, FRAMES);
    printf("  render per frame     %.3f ms (a new snapshot each)\n", b.frame_ms);
    printf("  bytes per frame      %.0f\n", b.frame_bytes);
    printf("  bytes per idle frame %zu\n", b.idle_bytes);
    return 0;
}
