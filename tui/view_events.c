/* The event log, newest first; the warnings from reading the files are
 * its last rows, in file order. A long message wraps under the SERVICE
 * column, as the pager's lines. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

#define EVENT_INDENT 10 /* continuation lines start under SERVICE */
#define EVENT_LINES 8   /* at most, per event */

/* Row k of the log (0: the newest) as one line; true when a warning. */
static bool event_line(const struct tui *t, size_t k, char *line, size_t size) {
    const struct snapshot *s = t->snap;
    char age[32];
    if (k < s->n_events) {
        const struct snap_event *ev = &s->events[s->n_events - 1 - k];
        tui_age(t, ev->t, age, sizeof(age));
        snprintf(line, size, " %-8s %-32.32s %-18s %s", age, s->svcs[ev->svc].view.service,
                 ev->reason, ev->message);
        return ev->warning;
    }
    tui_age(t, 0, age, sizeof(age));
    snprintf(line, size, " %-8s %-32.32s %-18s %s", age, "(the files)", "ManifestWarning",
             t->opt->notes[k - s->n_events]);
    return true;
}

void tui_events(struct tui *t) {
    tui_put(1, 0, tui_role(t, R_TITLE), " Events (newest first)");
    tui_put(2, 0, tui_role(t, R_TITLE),
            " AGE      SERVICE                          REASON             MESSAGE");
    const size_t rows = t->snap->n_events + t->opt->n_notes;
    const int cont = COLS - EVENT_INDENT;
    char line[1024];
    size_t lens[EVENT_LINES], n_lines = 0;
    for (size_t k = 0; k < rows; k++) {
        event_line(t, k, line, sizeof(line));
        n_lines += tui_wrap(line, COLS, cont, lens, EVENT_LINES);
    }
    size_t first;
    const size_t shown = tui_page(t, 3, n_lines, &first);
    size_t at = 0; /* the pager's line of row k's first line */
    for (size_t k = 0; k < rows && at < first + shown; k++) {
        const attr_t a = tui_role(t, event_line(t, k, line, sizeof(line)) ? R_WARN : R_NORMAL);
        const size_t n = tui_wrap(line, COLS, cont, lens, EVENT_LINES);
        const char *p = line;
        for (size_t i = 0; i < n; i++, at++) {
            if (at >= first && at < first + shown)
                tui_put_cols(3 + (int)(at - first), i ? EVENT_INDENT : 0, a, p, lens[i],
                             i ? cont : COLS);
            p += lens[i];
        }
    }
}
