/* Every key, and the commands. */
#include "tui/tui_internal.h"

static const char *const help_lines[] = {
    "Keys (k9s and htop habits)",
    "",
    "  ?          this help                 esc        back (closes a prompt too)",
    "  enter      detail of the service     l          event log",
    "  /          filter by name            :          command (pin, unpin, target,",
    "  j k  up dn move                      g G        first, last    pause, resume,",
    "  space      mark a row (s u t z b act on marked rows)          set, load, stop)",
    "  s          pin replicas              u          unpin",
    "  t          override the target       z          pause/resume scaling (confirm)",
    "  b          load test (hey flags; its report opens when it ends, B again)",
    "  Z          freeze the display",
    "  r          start/stop recording (the session from its first tick, replayable)",
    "  d          describe (an HPA, as kubectl describe hpa prints it)",
    "  N C S R    sort by name, class, stable, replicas (again: reverse)",
    "  1 2 3 4 5  chart span 1m 5m 15m 30m 1h",
    "  q          quit (asks while a load test runs)",
    "",
    "Commands (:) are the headless command file's: pin SVC N, unpin SVC,",
    "target SVC VALUE|reset, pause SVC, resume SVC, set SVC KNOB VALUE,",
    "load SVC HEY-FLAGS, stop SVC.",
    "",
    "Replay (podpilot replay FILE): space play/pause, left/right 5 s, + - speed,",
    "[ ] previous/next marker (a command, a panic start or end), , . a tick back/forward.",
    "",
    "Marks: * marked  P pinned  Z paused  L load test running",
    "Replicas: ready/actual/desired. WHY: the rule between recommendation and",
    "decision in upstream's words, or the operator's override.",
};

void tui_help(struct tui *t) {
    for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]) && (int)i + 1 < LINES - 1;
         i++)
        tui_put((int)i + 1, 1, i == 0 ? tui_role(t, R_TITLE) : A_NORMAL, help_lines[i]);
}

