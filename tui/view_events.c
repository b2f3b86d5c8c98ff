/* The event log, newest first. */
#include "tui/tui_internal.h"

#include <stdio.h>

void tui_events(struct tui *t) {
    tui_put(1, 0, tui_role(t, R_TITLE), " Events (newest first)");
    tui_put(2, 0, tui_role(t, R_TITLE),
            " AGE      SERVICE                          REASON             MESSAGE");
    const struct snapshot *s = t->snap;
    int y = 3;
    char line[512], age[32];
    for (size_t e = s->n_events; e-- > 0 && y < LINES - 1;) {
        const struct snap_event *ev = &s->events[e];
        tui_age(t, ev->t, age, sizeof(age));
        snprintf(line, sizeof(line), " %-8s %-32.32s %-18s %s", age, s->svcs[ev->svc].view.service,
                 ev->reason, ev->message);
        tui_put(y++, 0, tui_role(t, ev->warning ? R_WARN : R_NORMAL), line);
    }
}
