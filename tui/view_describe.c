/* `kubectl describe` of the selected service's HPA, as the engine renders it. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

void tui_describe(struct tui *t) {
    const struct loop_view *v = tui_selected(t);
    const struct snapshot *s = t->snap;
    if (v && !svc_class_has_hpa(v->cls)) { /* j/k moved to a service with no HPA to describe */
        char line[400];
        snprintf(line, sizeof(line), "%s is not scaled by an HPA; enter shows its detail",
                 v->service);
        tui_put(2, 1, tui_role(t, R_DIM), line);
        return;
    }
    if (!v || s->focus != t->rows[t->sel] || !s->describe[0]) {
        tui_put(2, 1, tui_role(t, R_DIM), "waiting for the next tick...");
        return;
    }
    tui_page_text(t, 1, 0, s->describe);
}
