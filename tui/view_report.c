/* The last finished load test's report, as hey prints it. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

void tui_report(struct tui *t) {
    const struct snapshot *s = t->snap;
    char line[512];
    snprintf(line, sizeof(line), " Load test on %s",
             s->report_svc < s->n ? s->svcs[s->report_svc].view.service : "?");
    tui_put(1, 0, tui_role(t, R_TITLE), line);
    int y = 2;
    for (const char *p = s->report; *p && y < LINES - 1;) {
        const size_t n = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), p);
        mvaddnstr(y++, 1, line, COLS - 1);
        p += n + (p[n] == '\n');
    }
}
