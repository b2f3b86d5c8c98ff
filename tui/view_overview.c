/* The overview: one row per service, k9s-style. */
#include "tui/tui_internal.h"

#include "tui/layout.h"

#include <stdio.h>

void tui_overview(struct tui *t) {
    struct layout lay;
    layout_overview(COLS, &lay);
    char cell[256];
    static const enum col sorted_col[] = {[SORT_NONE] = COL_COUNT,
                                          [SORT_NAME] = COL_SERVICE,
                                          [SORT_CLASS] = COL_CLASS,
                                          [SORT_STABLE] = COL_STABLE,
                                          [SORT_REPLICAS] = COL_REPLICAS};
    attron(tui_role(t, R_TITLE));
    for (int c = 0; c < COL_COUNT; c++)
        if (lay.shown[c]) {
            const bool sorted = (enum col)c == sorted_col[t->sort];
            const char *arrow = t->opt->ascii  ? (t->sort_desc ? "v" : "^")
                                : t->sort_desc ? "↓"
                                               : "↑";
            char title[64];
            layout_fit(layout_title((enum col)c), lay.width[c] - (sorted ? 1 : 0), false, title,
                       sizeof(title));
            snprintf(cell, sizeof(cell), "%s%s", title, sorted ? arrow : "");
            mvaddstr(1, lay.x[c], cell);
        }
    attroff(tui_role(t, R_TITLE));
    const int body = LINES - 3;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + (size_t)body)
        t->top = t->sel - (size_t)body + 1;
    for (int r = 0; r < body && t->top + (size_t)r < t->n_rows; r++) {
        const size_t i = t->rows[t->top + (size_t)r];
        const struct loop_view *v = &t->snap->svcs[i].view;
        const int y = 2 + r;
        const bool sel = t->top + (size_t)r == t->sel;
        const attr_t base = sel ? tui_role(t, R_SELECT) : A_NORMAL;
        if (sel)
            tui_fill_line(y, base);
        char text[COL_COUNT][256];
        snprintf(text[COL_MARK], sizeof(text[0]), "%c%c%c%c", t->marked[i] ? '*' : ' ',
                 v->pinned ? 'P' : ' ', v->paused ? 'Z' : ' ', v->loads_running ? 'L' : ' ');
        snprintf(text[COL_SERVICE], sizeof(text[0]), "%s", v->service);
        snprintf(text[COL_CLASS], sizeof(text[0]), "%s", tui_class_name(v->cls));
        char a[40], b[40];
        tui_fmt_value(v->target, a, sizeof(a));
        snprintf(text[COL_METRIC], sizeof(text[0]), "%s %s", v->metric ? v->metric : "", a);
        tui_fmt_value(v->stable, text[COL_STABLE], sizeof(text[0]));
        tui_fmt_value(v->panic, b, sizeof(b));
        snprintf(text[COL_PANIC], sizeof(text[0]), "%s%s", b, v->panic_mode ? " PANIC" : "");
        snprintf(text[COL_REPLICAS], sizeof(text[0]), "%d/%d/%d", v->ready, v->actual, v->desired);
        tui_fmt_value(v->gpu_util, text[COL_GPU], sizeof(text[0]));
        snprintf(text[COL_CONDITION], sizeof(text[0]), "%s",
                 v->override[0] ? v->override : v->reason);
        for (int c = 0; c < COL_COUNT; c++) {
            if (!lay.shown[c])
                continue;
            layout_fit(text[c], lay.width[c], false, cell, sizeof(cell));
            attr_t at = base;
            if (!sel && c == COL_PANIC && v->panic_mode)
                at = tui_role(t, R_PANIC);
            if (!sel && (c == COL_MARK || c == COL_CONDITION) && v->override[0])
                at = tui_role(t, R_OVERRIDE);
            tui_put(y, lay.x[c], at, cell);
        }
    }
    if (t->n_rows == 0)
        tui_put(3, 2, tui_role(t, R_DIM),
                t->filter[0] ? "no service matches the filter" : "no services");
}
