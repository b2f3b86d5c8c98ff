/* Every key, the marks, and the commands as the command table words them. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const keys[] = {
    "Keys (k9s and htop habits)",
    "",
    "  ?          this help                 esc        back (closes a prompt too)",
    "  enter      detail of the service     l          event log",
    "  /          filter (regex, any case)  :          a command (below)",
    "  on the : line: Tab completes, up/down earlier lines, left right ^A ^E move,",
    "    ^U ^K kill to the start/end, ^W a word, ^D or Delete the character",
    "  j k  up dn move the selection; in help, describe, events, a report: scroll",
    "  PgDn PgUp  ^F ^B a page, ^D ^U half a page    g G  Home End  first, last",
    "  (in help, describe, events, a report space pages too)",
    "  space      mark a row (s u t z b act on marked rows)   U  clear the marks",
    "  s          pin replicas              u          unpin",
    "  t          override the target       z          pause/resume scaling (asks)",
    "  b          load test (hey flags; report when it ends)  B  the last report",
    "  Z          freeze the display",
    "  r          start/stop recording (from the first tick: replays exactly)",
    "  d          describe (an HPA, as kubectl describe hpa prints it)",
    "  N C S R    sort by name, class, stable, replicas (ascending; again: reverse)",
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
    "[ ] previous/next marker (a command, a panic's start or end),",
    ", . a tick back/forward.",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Line i of the help: the keys, the command table, replay's keys. */
static attr_t help_line(const struct tui *t, size_t i, char *buf, size_t size) {
    if (i < COUNT(keys)) {
        snprintf(buf, size, "%s", keys[i]);
        return i == 0 ? tui_role(t, R_TITLE) : A_NORMAL;
    }
    i -= COUNT(keys);
    if (i == 0) {
        snprintf(buf, size, "Commands (the : line, or a command file)");
        return tui_role(t, R_TITLE);
    }
    i--;
    if (i < command_count) {
        snprintf(buf, size, "  %-24s %s", command_table[i].usage, command_table[i].help);
        return A_NORMAL;
    }
    snprintf(buf, size, "%s", replay[i - command_count]);
    return A_NORMAL;
}

void tui_help(struct tui *t) {
    size_t first;
    const size_t n = COUNT(keys) + 1 + command_count + COUNT(replay);
    const size_t shown = tui_page(t, 1, n, &first);
    char line[256];
    for (size_t i = first; i < first + shown; i++) {
        const attr_t a = help_line(t, i, line, sizeof(line));
        tui_put_cols(1 + (int)(i - first), 1, a, line, strlen(line), COLS - 1);
    }
}
