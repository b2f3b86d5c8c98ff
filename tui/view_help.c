/* Every key, the marks, and the commands as the command table words them. */
#include "tui/tui_internal.h"

#include <stdio.h>

static const char *const keys[] = {
    "Keys (k9s and htop habits)",
    "",
    "  ?          this help                 esc        back (closes a prompt too)",
    "  enter      detail of the service     l          event log",
    "  /          filter by name            :          a command (below)",
    "  j k  up dn move                      g G        first, last",
    "  space      mark a row (s u t z b act on marked rows)",
    "  s          pin replicas              u          unpin",
    "  t          override the target       z          pause/resume scaling (confirm)",
    "  b          load test (hey flags; its report opens when it ends, B again)",
    "  Z          freeze the display",
    "  r          start/stop recording (the session from its first tick, replayable)",
    "  d          describe (an HPA, as kubectl describe hpa prints it)",
    "  N C S R    sort by name, class, stable, replicas (again: reverse)",
    "  1 2 3 4 5  chart span 1m 5m 15m 30m 1h",
    "  q  :q  ^C  quit (asks while a load test runs or a recording is open)",
    "",
    "Marks: * marked  P pinned  Z paused  L load test running",
    "Replicas: ready/actual/desired. WHY: the rule between recommendation and",
    "decision in upstream's words, or the operator's override.",
    "",
};

static const char *const replay[] = {
    "",
    "Replay (podpilot replay FILE): space play/pause, left/right 5 s, + - speed,",
    "[ ] previous/next marker (a command, a panic start or end), , . a tick back/forward.",
};

void tui_help(struct tui *t) {
    int y = 1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && y < LINES - 1; i++)
        tui_put(y++, 1, i == 0 ? tui_role(t, R_TITLE) : A_NORMAL, keys[i]);
    if (y < LINES - 1)
        tui_put(y++, 1, tui_role(t, R_TITLE), "Commands (the : line, or a command file)");
    char line[256];
    for (size_t i = 0; i < command_count && y < LINES - 1; i++) {
        snprintf(line, sizeof(line), "  %-24s %s", command_table[i].usage, command_table[i].help);
        tui_put(y++, 1, A_NORMAL, line);
    }
    for (size_t i = 0; i < sizeof(replay) / sizeof(replay[0]) && y < LINES - 1; i++)
        tui_put(y++, 1, A_NORMAL, replay[i]);
}
