/* The event log, newest first. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

void tui_events(struct tui *t) {
    tui_put(1, 0, tui_role(t, R_TITLE), " Events (newest first)");
    tui_put(2, 0, tui_role(t, R_TITLE),
            " AGE      SERVICE                          REASON             MESSAGE");
    const struct snapshot *s = t->snap;
    char line[512], age[32];
    size_t first;
    const size_t shown = tui_page(t, 3, s->n_events, &first);
    int y = 3;
    for (size_t k = first; k < first + shown; k++) {
        const struct snap_event *ev = &s->events[s->n_events - 1 - k];
        tui_age(t, ev->t, age, sizeof(age));
        snprintf(line, sizeof(line), " %-8s %-32.32s %-18s %s", age, s->svcs[ev->svc].view.service,
                 ev->reason, ev->message);
        tui_put_cols(y++, 0, tui_role(t, ev->warning ? R_WARN : R_NORMAL), line, strlen(line),
                     COLS);
    }
}
