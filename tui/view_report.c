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
    tui_page_text(t, 2, 1, s->report);
}
