/* The overview: one row per service, k9s-style: a NAMESPACE column when
 * the services are in more than one, the namespace in the header when in
 * one; the name column as wide as the names need, and never so narrow
 * that two rows read the same when the width allows it. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_service(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The name part of "namespace/name", and the namespace's length. */
static const char *name_of(const char *service) {
    const char *slash = strchr(service, '/');
    return slash ? slash + 1 : service;
}

static size_t ns_len(const char *service) {
    const char *slash = strchr(service, '/');
    return slash ? (size_t)(slash - service) : 0;
}

static bool same_ns(const char *a, const char *b) {
    return ns_len(a) == ns_len(b) && strncmp(a, b, ns_len(a)) == 0;
}

/* Once: the longest namespace and name, and the narrowest cut that keeps
 * names apart. layout_fit keeps w-1 characters and a "~": two names cut
 * at w look alike when both are longer than w and share w-1 characters,
 * so a pair needs min(common + 2, the shorter length); in sorted order the
 * longest common prefixes are between neighbours. */
static void measure_names(struct tui *t) {
    const struct snapshot *s = t->snap;
    const char **v = xcalloc(s->n ? s->n : 1, sizeof(*v));
    int longest_ns = 0, longest = 0, unique = 0;
    bool several = false;
    for (size_t i = 0; i < s->n; i++) {
        v[i] = s->svcs[i].view.service;
        const int ns = (int)ns_len(v[i]), name = (int)strlen(name_of(v[i]));
        longest_ns = ns > longest_ns ? ns : longest_ns;
        longest = name > longest ? name : longest;
        several |= !same_ns(v[i], v[0]);
    }
    qsort(v, s->n, sizeof(*v), by_service);
    for (size_t i = 1; i < s->n; i++) {
        if (several && !same_ns(v[i - 1], v[i]))
            continue; /* the NAMESPACE column tells these apart */
        const char *a = name_of(v[i - 1]), *b = name_of(v[i]);
        int common = 0;
        while (a[common] && a[common] == b[common])
            common++;
        const int la = (int)strlen(a), lb = (int)strlen(b);
        int need = common + 2;
        need = need < la ? need : la;
        need = need < lb ? need : lb;
        unique = need > unique ? need : unique;
    }
    free(v);
    t->names =
        (struct layout_needs){.ns = several ? longest_ns : 0, .name = longest, .unique = unique};
    t->only_ns[0] = '\0';
    if (!several && s->n)
        snprintf(t->only_ns, sizeof(t->only_ns), "%.*s", (int)ns_len(s->svcs[0].view.service),
                 s->svcs[0].view.service);
    t->names_known = true;
}

/* Row i's cells; the PANIC cell's number is `panic_len` bytes, the mark
 * after it goes first when the column is narrow; METRIC's target is the
 * last `target_len` bytes. */
struct row {
    char text[COL_COUNT][256];
    int panic_len, target_len;
};

static void row_text(const struct tui *t, size_t i, struct row *r) {
    const struct loop_view *v = &t->snap->svcs[i].view;
    char(*text)[256] = r->text;
    snprintf(text[COL_MARK], sizeof(text[0]), "%c%c%c%c", t->marked[i] ? '*' : ' ',
             v->pinned ? 'P' : ' ', v->paused ? 'Z' : ' ', v->loads_running ? 'L' : ' ');
    snprintf(text[COL_NAMESPACE], sizeof(text[0]), "%.*s", (int)ns_len(v->service), v->service);
    snprintf(text[COL_SERVICE], sizeof(text[0]), "%s", name_of(v->service));
    snprintf(text[COL_CLASS], sizeof(text[0]), "%s", svc_class_label(v->cls));
    char a[40], b[40];
    tui_fmt_value(v->target, a, sizeof(a));
    if (v->metric && v->metric[0]) {
        snprintf(text[COL_METRIC], sizeof(text[0]), "%s %s", v->metric, a);
        r->target_len = (int)strlen(a);
    } else { /* no autoscaler: nothing to aim at */
        snprintf(text[COL_METRIC], sizeof(text[0]), "-");
        r->target_len = 1;
    }
    tui_fmt_value(v->stable, text[COL_STABLE], sizeof(text[0]));
    tui_fmt_value(v->panic, b, sizeof(b));
    r->panic_len = (int)strlen(b);
    snprintf(text[COL_PANIC], sizeof(text[0]), "%s%s", b, v->panic_mode ? " PANIC" : "");
    snprintf(text[COL_REPLICAS], sizeof(text[0]), "%d/%d/%d", v->ready, v->actual, v->desired);
    if (v->cluster >= 0) /* ~: podpilot has not yet seen a stabilization window */
        snprintf(text[COL_CLUSTER], sizeof(text[0]), "%d%s", v->cluster, v->warming ? "~" : "");
    else
        snprintf(text[COL_CLUSTER], sizeof(text[0]), "-");
    tui_fmt_value(v->gpu_util, text[COL_GPU], sizeof(text[0]));
    /* a KEDA service's own loop says more than its HPA while it is not active */
    const bool keda = v->cls == SVC_KEDA && v->keda[0] && strncmp(v->keda, "active", 6) != 0;
    snprintf(text[COL_CONDITION], sizeof(text[0]), "%s",
             v->override[0] ? v->override
             : keda         ? v->keda
                            : v->reason);
}

static int widest(int a, int b) { return a > b ? a : b; }

/* A cell cut to its column, numbers kept: PANIC drops its mark, METRIC
 * cuts the metric's name before its target. */
static void fit_cell(const struct row *r, int c, int width, char *cell, size_t size) {
    const char *s = r->text[c];
    const int len = (int)strlen(s);
    if (len > width && c == COL_PANIC) {
        snprintf(cell, size, "%.*s", r->panic_len, s);
        return;
    }
    if (len > width && c == COL_METRIC && width > r->target_len + 2) {
        snprintf(cell, size, "%.*s~ %s", width - r->target_len - 2, s, s + len - r->target_len);
        return;
    }
    layout_fit(s, width, false, cell, size);
}

void tui_overview(struct tui *t) {
    if (!t->names_known)
        measure_names(t);
    const int body = LINES - 3;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + (size_t)body)
        t->top = t->sel - (size_t)body + 1;
    /* the numbers on screen set their columns' widths */
    struct layout_needs needs = t->names;
    for (size_t i = 0; i < t->snap->n && !needs.cluster; i++)
        needs.cluster = t->snap->svcs[i].view.cluster >= 0;
    struct row row;
    for (int k = 0; k < body && t->top + (size_t)k < t->n_rows; k++) {
        row_text(t, t->rows[t->top + (size_t)k], &row);
        static const enum col numeric[] = {COL_STABLE, COL_REPLICAS, COL_GPU};
        for (size_t c = 0; c < sizeof(numeric) / sizeof(*numeric); c++)
            needs.number[numeric[c]] =
                widest(needs.number[numeric[c]], (int)strlen(row.text[numeric[c]]));
        needs.number[COL_PANIC] = widest(needs.number[COL_PANIC], row.panic_len);
        needs.number[COL_METRIC] = widest(needs.number[COL_METRIC], row.target_len);
    }
    struct layout lay;
    layout_overview(COLS, &needs, &lay);
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
    for (int r = 0; r < body && t->top + (size_t)r < t->n_rows; r++) {
        const size_t i = t->rows[t->top + (size_t)r];
        const struct loop_view *v = &t->snap->svcs[i].view;
        const int y = 2 + r;
        const bool sel = t->top + (size_t)r == t->sel;
        const attr_t base = sel ? tui_role(t, R_SELECT) : A_NORMAL;
        if (sel)
            tui_fill_line(y, base);
        row_text(t, i, &row);
        for (int c = 0; c < COL_COUNT; c++) {
            if (!lay.shown[c])
                continue;
            fit_cell(&row, c, lay.width[c], cell, sizeof(cell));
            attr_t at = base;
            if (!sel && c == COL_PANIC && v->panic_mode)
                at = tui_role(t, R_PANIC);
            if (!sel && (c == COL_MARK || c == COL_CONDITION) && v->override[0])
                at = tui_role(t, R_OVERRIDE);
            if (!sel && c == COL_CLUSTER && v->cluster >= 0 && v->cluster != v->desired)
                at = tui_role(t, v->warming ? R_DIM : R_WARN); /* they disagree */
            tui_put(y, lay.x[c], at, cell);
        }
    }
    if (t->n_rows == 0)
        tui_put(3, 2, tui_role(t, R_DIM),
                t->filter[0] ? "no service matches the filter" : "no services");
}
