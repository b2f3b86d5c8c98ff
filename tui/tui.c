#include "tui/tui.h"

#include "tui/chart.h"
#include "tui/layout.h"

#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HISTORY 3600 /* one hour of ticks per service */
#define MIN_COLS 80
#define MIN_LINES 24

enum role {
    R_NORMAL = 1,
    R_HEADER,
    R_TITLE,
    R_SELECT,
    R_PANIC,
    R_OVERRIDE,
    R_WARN,
    R_DIM,
    R_STABLE,
    R_PANICLINE,
    R_REPLICAS,
};

enum view_kind { V_OVERVIEW, V_DETAIL, V_HELP, V_EVENTS, V_DESCRIBE, V_REPORT };
enum sort_kind { SORT_NONE, SORT_NAME, SORT_CLASS, SORT_STABLE, SORT_REPLICAS };
enum prompt_kind { P_NONE, P_FILTER, P_COMMAND, P_PIN, P_TARGET, P_LOAD, P_CONFIRM_PAUSE, P_CONFIRM_QUIT };

struct history {
    double stable[HISTORY], panic[HISTORY], actual[HISTORY];
    size_t n; /* samples so far (the ring holds the last HISTORY) */
};

struct tui {
    struct runner *runner;
    const struct tui_options *opt;
    const struct snapshot *snap; /* held */
    int64_t last_t;
    struct history *hist; /* per service */
    size_t n;
    bool *marked;
    size_t *rows; /* filtered service indices */
    size_t n_rows;
    size_t sel, top;
    enum view_kind view;
    enum prompt_kind prompt;
    char input[256];
    size_t input_len;
    char filter[256];
    char message[300];
    bool message_error;
    bool frozen;
    enum sort_kind sort;
    bool sort_desc;
    int span_s;
    bool quit;
    uint64_t report_seen;
    char *chart_buf;
};

/* ---- colours ---- */

static const struct theme *theme_of(const struct tui *t) {
    static struct theme builtin;
    if (t->opt->theme)
        return t->opt->theme;
    if (!builtin.name[0])
        theme_default(&builtin);
    return &builtin;
}

static bool monochrome(const struct tui *t) {
    return t->opt->monochrome || theme_of(t)->monochrome || !has_colors();
}

static void colours(const struct tui *t) {
    if (monochrome(t))
        return;
    start_color();
    use_default_colors();
    init_pair(R_NORMAL, -1, -1);
    for (int r = R_HEADER; r <= R_REPLICAS; r++) {
        const struct theme_style *st = &theme_of(t)->roles[r - R_HEADER];
        init_extended_pair(r, theme_terminal_color(&st->fg, COLORS),
                           theme_terminal_color(&st->bg, COLORS));
    }
}

static attr_t style_attrs(const struct theme_style *s) {
    return (s->bold ? A_BOLD : A_NORMAL) | (s->underline ? A_UNDERLINE : A_NORMAL) |
           (s->reverse ? A_REVERSE : A_NORMAL);
}

static attr_t role(const struct tui *t, enum role r) {
    if (r == R_NORMAL)
        return A_NORMAL;
    const struct theme_style *st = &theme_of(t)->roles[r - R_HEADER];
    if (!monochrome(t))
        return COLOR_PAIR(r) | style_attrs(st);
    const attr_t a = style_attrs(st);
    if (a != A_NORMAL)
        return a;
    switch (r) { /* what stays readable with no colour and no theme attributes */
    case R_HEADER:
    case R_SELECT:
        return A_REVERSE;
    case R_PANIC:
    case R_WARN:
    case R_TITLE:
        return A_BOLD;
    case R_OVERRIDE:
        return A_UNDERLINE;
    default:
        return A_NORMAL;
    }
}

static void say(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- snapshots and history ---- */

static void take_snapshot(struct tui *t) {
    const struct snapshot *s = runner_acquire(t->runner);
    if (!s)
        return;
    if (t->snap && s->seq == t->snap->seq) {
        runner_release(t->runner, s);
        return;
    }
    if (!t->hist) {
        t->n = s->n;
        t->hist = calloc(s->n ? s->n : 1, sizeof(*t->hist));
        t->marked = calloc(s->n ? s->n : 1, sizeof(*t->marked));
        t->rows = calloc(s->n ? s->n : 1, sizeof(*t->rows));
        if (!t->hist || !t->marked || !t->rows)
            abort();
    }
    if (s->t != t->last_t || !t->snap) {
        for (size_t i = 0; i < s->n && i < t->n; i++) {
            struct history *h = &t->hist[i];
            const struct loop_view *v = &s->svcs[i].view;
            const size_t k = h->n % HISTORY;
            h->stable[k] = v->stable;
            h->panic[k] = v->panic;
            h->actual[k] = v->actual;
            h->n++;
        }
        t->last_t = s->t;
    }
    runner_release(t->runner, t->snap);
    t->snap = s;
    if (s->report_seq > t->report_seen) { /* a load test finished: its report, as k9s shows it */
        t->report_seen = s->report_seq;
        const char *svc = s->report_svc < s->n ? s->svcs[s->report_svc].view.service : "?";
        if (t->prompt == P_NONE && !t->opt->replay && t->view == V_OVERVIEW) {
            t->view = V_REPORT;
            say(t, false, "load test on %s finished; esc: back", svc);
        } else if (t->prompt == P_NONE) {
            say(t, false, "load test on %s finished; B shows its report", svc);
        }
    }
}

/* The last `want` samples of ring r in order, into out; returns how many. */
static size_t history_tail(const double *r, size_t n, size_t want, double *out) {
    const size_t have = n < HISTORY ? n : HISTORY;
    const size_t k = want < have ? want : have;
    for (size_t i = 0; i < k; i++)
        out[i] = r[(n - k + i) % HISTORY];
    return k;
}

static const struct tui *sorting; /* qsort has no context; the console is one thread */

static int cmp_double(double a, double b) {
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b); /* no value sorts last */
    return (a > b) - (a < b);
}

static int by_sort(const void *pa, const void *pb) {
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const struct loop_view *va = &sorting->snap->svcs[a].view;
    const struct loop_view *vb = &sorting->snap->svcs[b].view;
    int c = 0;
    switch (sorting->sort) {
    case SORT_NAME:
        c = strcmp(va->service, vb->service);
        break;
    case SORT_CLASS:
        c = (int)va->cls - (int)vb->cls;
        break;
    case SORT_STABLE:
        c = cmp_double(va->stable, vb->stable);
        break;
    case SORT_REPLICAS:
        c = (va->actual > vb->actual) - (va->actual < vb->actual);
        break;
    case SORT_NONE:
        break;
    }
    if (sorting->sort_desc)
        c = -c;
    return c ? c : (a > b) - (a < b); /* stable: the manifests' order breaks ties */
}

static void refilter(struct tui *t) {
    t->n_rows = 0;
    for (size_t i = 0; t->snap && i < t->snap->n; i++)
        if (!t->filter[0] || strstr(t->snap->svcs[i].view.service, t->filter))
            t->rows[t->n_rows++] = i;
    if (t->sort != SORT_NONE && t->n_rows > 1) {
        sorting = t;
        qsort(t->rows, t->n_rows, sizeof(*t->rows), by_sort);
    }
    if (t->sel >= t->n_rows)
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
}

static const struct loop_view *selected(const struct tui *t) {
    if (!t->snap || t->n_rows == 0)
        return NULL;
    return &t->snap->svcs[t->rows[t->sel]].view;
}

/* ---- drawing ---- */

static void say(struct tui *t, bool error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof(t->message), fmt, ap);
    va_end(ap);
    t->message_error = error;
}

static void put(int y, int x, attr_t a, const char *s) {
    attron(a);
    mvaddstr(y, x, s);
    attroff(a);
}

static void fill_line(int y, attr_t a) {
    attron(a);
    mvhline(y, 0, ' ', COLS);
    attroff(a);
}

static const char *class_name(enum svc_class c) {
    static const char *const names[] = {"KPA", "HPA", "LAG", "CRON", "-"};
    return names[c];
}

static void fmt_value(double v, char *buf, size_t size) {
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (fabs(v) >= 1000)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.2f", v);
}

static void header(struct tui *t) {
    char left[512];
    const struct snapshot *s = t->snap;
    const int64_t secs = s ? s->t : 0;
    snprintf(left, sizeof(left), " podpilot%s  t=%lld:%02lld:%02lld  services %zu%s%s%s%s",
             t->opt->replay ? " replay" : "", (long long)(secs / 3600),
             (long long)(secs / 60 % 60), (long long)(secs % 60), s ? s->n : 0,
             t->filter[0] ? "  filter /" : "", t->filter, s && s->recording ? "  REC" : "",
             t->frozen                      ? "  FROZEN (Z)"
             : s && s->done && !t->opt->replay ? "  (run ended)"
                                               : "");
    fill_line(0, role(t, R_HEADER));
    put(0, 0, role(t, R_HEADER), left);
}

static void footer(struct tui *t) {
    const int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    if (t->prompt != P_NONE) {
        static const char *const labels[] = {
            [P_FILTER] = "/", [P_COMMAND] = ":", [P_PIN] = "Pin replicas: ",
            [P_TARGET] = "Target: ", [P_LOAD] = "Load test (hey flags): ",
            [P_CONFIRM_PAUSE] = "", [P_CONFIRM_QUIT] = "",
        };
        char line[512];
        if (t->prompt == P_CONFIRM_PAUSE || t->prompt == P_CONFIRM_QUIT)
            snprintf(line, sizeof(line), "%s", t->message);
        else
            snprintf(line, sizeof(line), "%s%.*s", labels[t->prompt], (int)t->input_len,
                     t->input);
        put(y, 0, role(t, R_TITLE), line);
        return;
    }
    if (t->message[0]) {
        put(y, 0, role(t, t->message_error ? R_WARN : R_NORMAL), t->message);
        return;
    }
    if (t->opt->replay && t->snap) {
        const int64_t now = t->snap->t, end = t->opt->replay_end > 0 ? t->opt->replay_end : 1;
        char bar[64 * 3 + 1];
        const int width = 30;
        const int at = (int)(now * width / end);
        size_t used = 0;
        for (int i = 0; i < width; i++) {
            const char *g = t->opt->ascii ? (i < at ? "=" : i == at ? ">" : "-")
                            : i < at     ? "━"
                            : i == at    ? "●"
                                         : "─";
            const size_t n = strlen(g);
            memcpy(bar + used, g, n);
            used += n;
        }
        bar[used] = '\0';
        char line[512];
        snprintf(line, sizeof(line),
                 " %s %lld:%02lld:%02lld / %lld:%02lld:%02lld %s %gx  space:play/pause  "
                 "left/right:5s  +/-:speed  [ ]:marker  , .:tick  ?:help  q:quit",
                 t->snap->paused ? "||" : (t->opt->ascii ? ">" : "▶"), (long long)(now / 3600),
                 (long long)(now / 60 % 60), (long long)(now % 60), (long long)(end / 3600),
                 (long long)(end / 60 % 60), (long long)(end % 60), bar, t->snap->speed);
        put(y, 0, role(t, R_DIM), line);
        return;
    }
    put(y, 0, role(t, R_DIM),
        t->view == V_OVERVIEW
            ? " ?:help  enter:detail  d:describe  /:filter  ::command  s:pin  u:unpin  "
              "t:target  z:pause  b:load  r:record  space:mark  N/C/S/R:sort  q:quit"
            : " esc:back  ?:help  d:describe  s:pin  u:unpin  t:target  z:pause  b:load  "
              "1-5:span  q:quit");
}

static void overview(struct tui *t) {
    struct layout lay;
    layout_overview(COLS, &lay);
    char cell[256];
    static const enum col sorted_col[] = {[SORT_NONE] = COL_COUNT, [SORT_NAME] = COL_SERVICE,
                                          [SORT_CLASS] = COL_CLASS, [SORT_STABLE] = COL_STABLE,
                                          [SORT_REPLICAS] = COL_REPLICAS};
    attron(role(t, R_TITLE));
    for (int c = 0; c < COL_COUNT; c++)
        if (lay.shown[c]) {
            const bool sorted = (enum col)c == sorted_col[t->sort];
            const char *arrow = t->opt->ascii ? (t->sort_desc ? "v" : "^")
                                : t->sort_desc ? "↓"
                                               : "↑";
            char title[64];
            layout_fit(layout_title((enum col)c), lay.width[c] - (sorted ? 1 : 0), false, title,
                       sizeof(title));
            snprintf(cell, sizeof(cell), "%s%s", title, sorted ? arrow : "");
            mvaddstr(1, lay.x[c], cell);
        }
    attroff(role(t, R_TITLE));
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
        const attr_t base = sel ? role(t, R_SELECT) : A_NORMAL;
        if (sel)
            fill_line(y, base);
        char text[COL_COUNT][256];
        snprintf(text[COL_MARK], sizeof(text[0]), "%c%c%c%c", t->marked[i] ? '*' : ' ',
                 v->pinned ? 'P' : ' ', v->paused ? 'Z' : ' ', v->loads_running ? 'L' : ' ');
        snprintf(text[COL_SERVICE], sizeof(text[0]), "%s", v->service);
        snprintf(text[COL_CLASS], sizeof(text[0]), "%s", class_name(v->cls));
        char a[40], b[40];
        fmt_value(v->target, a, sizeof(a));
        snprintf(text[COL_METRIC], sizeof(text[0]), "%s %s", v->metric ? v->metric : "", a);
        fmt_value(v->stable, text[COL_STABLE], sizeof(text[0]));
        fmt_value(v->panic, b, sizeof(b));
        snprintf(text[COL_PANIC], sizeof(text[0]), "%s%s", b, v->panic_mode ? " PANIC" : "");
        snprintf(text[COL_REPLICAS], sizeof(text[0]), "%d/%d/%d", v->ready, v->actual,
                 v->desired);
        fmt_value(v->gpu_util, text[COL_GPU], sizeof(text[0]));
        snprintf(text[COL_CONDITION], sizeof(text[0]), "%s",
                 v->override[0] ? v->override : v->reason);
        for (int c = 0; c < COL_COUNT; c++) {
            if (!lay.shown[c])
                continue;
            layout_fit(text[c], lay.width[c], false, cell, sizeof(cell));
            attr_t at = base;
            if (!sel && c == COL_PANIC && v->panic_mode)
                at = role(t, R_PANIC);
            if (!sel && (c == COL_MARK || c == COL_CONDITION) && v->override[0])
                at = role(t, R_OVERRIDE);
            put(y, lay.x[c], at, cell);
        }
    }
    if (t->n_rows == 0)
        put(3, 2, role(t, R_DIM), t->filter[0] ? "no service matches the filter" : "no services");
}

/* A chart block: a label line, then `rows` rows of the series; `ref`, when
 * not NaN, is drawn as a dashed line where the chart is empty (the target
 * or the panic threshold, at its current value). */
static int chart_block(struct tui *t, int y, const char *label, const double *ring, size_t n,
                       enum role r, int rows, double ref, const char *ref_label) {
    const int cols = COLS - 12 < 1000 ? COLS - 12 : 1000; /* chart_buf holds 1,000 cells */
    static double tail[HISTORY];
    size_t want = (size_t)t->span_s;
    if (want > 2 * (size_t)cols)
        want = 2 * (size_t)cols; /* one tick per half cell; longer spans show the newest */
    const size_t k = history_tail(ring, n, want, tail);
    double max = 0;
    for (size_t i = 0; i < k; i++)
        if (!isnan(tail[i]) && tail[i] > max)
            max = tail[i];
    if (!isnan(ref) && ref * 1.05 > max)
        max = ref * 1.05;
    char head[200], now[40], refs[40];
    fmt_value(k ? tail[k - 1] : NAN, now, sizeof(now));
    fmt_value(ref, refs, sizeof(refs));
    if (isnan(ref))
        snprintf(head, sizeof(head), "%s  now %s", label, now);
    else
        snprintf(head, sizeof(head), "%s  now %s  %s %s %s", label, now,
                 t->opt->ascii ? "---" : "╌╌╌", ref_label, refs);
    put(y, 1, role(t, R_TITLE), head);
    const size_t stride = (size_t)cols * 3 + 1;
    chart_render(tail, k, max > 0 ? max : 1, rows, cols,
                 t->opt->ascii ? CHART_ASCII : CHART_BRAILLE, t->chart_buf, stride);
    const int ref_row = isnan(ref) ? -1 : chart_row_of(ref, max > 0 ? max : 1, rows);
    for (int row = 0; row < rows; row++) {
        char scale[40];
        if (row == 0 || row == ref_row) {
            fmt_value(row == 0 ? max : ref, scale, sizeof(scale));
            put(y + 1 + row, 1, role(t, row == ref_row ? R_OVERRIDE : R_DIM), scale);
        }
        const char *line = t->chart_buf + (size_t)row * stride;
        put(y + 1 + row, 11, role(t, r), line);
        if (row != ref_row)
            continue;
        int cell = 0;
        for (const char *p = line; *p; cell++) {
            if (*p == ' ')
                put(y + 1 + row, 11 + cell, role(t, R_OVERRIDE), t->opt->ascii ? "-" : "╌");
            p += *p == ' ' || (unsigned char)*p < 0x80 ? 1 : 3;
        }
    }
    return y + 1 + rows;
}

/* htop-style bars, three to a line: each ready pod's GPU utilization. */
static int gpu_bars(struct tui *t, int y) {
    const struct snapshot *s = t->snap;
    if (s->n_pod_gpu == 0 || y >= LINES - 4)
        return y;
    put(y++, 1, role(t, R_TITLE), "GPU per ready pod (SM busy)");
    const int per_line = 3, width = 20;
    for (size_t i = 0; i < s->n_pod_gpu && y < LINES - 3; i += per_line) {
        move(y, 0);
        for (int k = 0; k < per_line && i + (size_t)k < s->n_pod_gpu; k++) {
            const double g = s->pod_gpu[i + (size_t)k];
            const int fill = (int)lround(g / 100 * width);
            char bar[width + 1];
            for (int c = 0; c < width; c++)
                bar[c] = c < fill ? '|' : ' ';
            bar[width] = '\0';
            char cell[80];
            snprintf(cell, sizeof(cell), " %3zu [%s%4.0f%%]", i + (size_t)k, bar, g);
            put(y, k * 34, role(t, g >= 90 ? R_PANIC : R_STABLE), cell);
        }
        y++;
    }
    return y;
}

static void detail(struct tui *t) {
    const struct loop_view *v = selected(t);
    if (!v) {
        t->view = V_OVERVIEW;
        return;
    }
    const size_t i = t->rows[t->sel];
    const struct history *h = &t->hist[i];
    char line[512], target[40];
    fmt_value(v->target, target, sizeof(target));
    snprintf(line, sizeof(line), " %s  %s  %s target %s   span %dm", v->service,
             class_name(v->cls), v->metric ? v->metric : "", target, t->span_s / 60);
    put(1, 0, role(t, R_TITLE), line);
    const int rows = LINES >= 40 ? 6 : 3;
    int y = 2;
    const bool kpa = v->cls == SVC_KPA;
    const double at_target = kpa ? v->target * v->ready : v->target;
    y = chart_block(t, y, kpa ? "stable window (revision total)" : "observed", h->stable, h->n,
                    R_STABLE, rows, at_target, kpa ? "target x ready pods" : "target");
    if (kpa)
        y = chart_block(t, y, v->panic_mode ? "panic window  PANIC" : "panic window", h->panic,
                        h->n, R_PANICLINE, rows, v->panic_threshold * at_target,
                        "panic threshold");
    y = chart_block(t, y, "replicas asked", h->actual, h->n, R_REPLICAS, rows, v->desired,
                    "desired");
    snprintf(line, sizeof(line), " replicas: ready %d  actual %d  desired %d  recommended %d%s%s",
             v->ready, v->actual, v->desired, v->recommended,
             isnan(v->gpu_util) ? "" : "  GPU ", "");
    if (!isnan(v->gpu_util)) {
        char g[40];
        snprintf(g, sizeof(g), "%.0f%%", v->gpu_util);
        strncat(line, g, sizeof(line) - strlen(line) - 1);
    }
    put(y++, 0, A_NORMAL, line);
    snprintf(line, sizeof(line), " why: %s", v->reason[0] ? v->reason : "(no limit applied)");
    put(y++, 0, role(t, v->override[0] ? R_OVERRIDE : R_NORMAL), line);
    if (v->override[0]) {
        snprintf(line, sizeof(line), " override: %s", v->override);
        put(y++, 0, role(t, R_OVERRIDE), line);
    }
    y = gpu_bars(t, y);
    if (v->hpa) {
        put(y++, 0, role(t, R_TITLE), " Conditions:  Type            Status  Reason");
        for (size_t c = 0; c < v->hpa->n_conditions && y < LINES - 2; c++) {
            const struct hpa_condition *hc = &v->hpa->conditions[c];
            snprintf(line, sizeof(line), "              %-15s %-7s %-20s %s",
                     hpa_cond_type_name(hc->type), hpa_cond_status_name(hc->status), hc->reason,
                     hc->message);
            put(y++, 0, A_NORMAL, line);
        }
    }
    put(y++, 0, role(t, R_TITLE), " Events:");
    const struct snapshot *s = t->snap;
    size_t shown = 0;
    for (size_t e = s->n_events; e-- > 0 && y < LINES - 1;) {
        const struct snap_event *ev = &s->events[e];
        if (ev->svc != i)
            continue;
        snprintf(line, sizeof(line), "   %6.0fs  %-18s %s", ev->t, ev->reason, ev->message);
        put(y++, 0, role(t, ev->warning ? R_WARN : R_NORMAL), line);
        if (++shown == 8)
            break;
    }
}

static void events_view(struct tui *t) {
    put(1, 0, role(t, R_TITLE), " Events (newest first)");
    const struct snapshot *s = t->snap;
    int y = 2;
    char line[512];
    for (size_t e = s->n_events; e-- > 0 && y < LINES - 1;) {
        const struct snap_event *ev = &s->events[e];
        snprintf(line, sizeof(line), " %6.0fs  %-32.32s %-18s %s", ev->t,
                 s->svcs[ev->svc].view.service, ev->reason, ev->message);
        put(y++, 0, role(t, ev->warning ? R_WARN : R_NORMAL), line);
    }
}

static void describe_view(struct tui *t) {
    const struct loop_view *v = selected(t);
    const struct snapshot *s = t->snap;
    if (!v || s->focus != t->rows[t->sel] || !s->describe[0]) {
        put(2, 1, role(t, R_DIM), "waiting for the next tick...");
        return;
    }
    int y = 1;
    const char *p = s->describe;
    char line[1024];
    while (*p && y < LINES - 1) {
        const size_t n = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1),
                 p);
        mvaddnstr(y++, 0, line, COLS);
        p += n + (p[n] == '\n');
    }
}

static void report_view(struct tui *t) {
    const struct snapshot *s = t->snap;
    char line[512];
    snprintf(line, sizeof(line), " Load test on %s",
             s->report_svc < s->n ? s->svcs[s->report_svc].view.service : "?");
    put(1, 0, role(t, R_TITLE), line);
    int y = 2;
    for (const char *p = s->report; *p && y < LINES - 1;) {
        const size_t n = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1),
                 p);
        mvaddnstr(y++, 1, line, COLS - 1);
        p += n + (p[n] == '\n');
    }
}

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

static void help(struct tui *t) {
    for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]) && (int)i + 1 < LINES - 1;
         i++)
        put((int)i + 1, 1, i == 0 ? role(t, R_TITLE) : A_NORMAL, help_lines[i]);
}

static void too_small(void) {
    char line[120];
    snprintf(line, sizeof(line), "too small: need %dx%d, have %dx%d", MIN_COLS, MIN_LINES, COLS,
             LINES);
    const int x = COLS > (int)strlen(line) ? (COLS - (int)strlen(line)) / 2 : 0;
    mvaddnstr(LINES / 2, x, line, COLS);
}

static void draw(struct tui *t) {
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        too_small();
        refresh();
        return;
    }
    refilter(t);
    header(t);
    if (t->snap) {
        switch (t->view) {
        case V_OVERVIEW:
            overview(t);
            break;
        case V_DETAIL:
            detail(t);
            break;
        case V_HELP:
            help(t);
            break;
        case V_EVENTS:
            events_view(t);
            break;
        case V_DESCRIBE:
            describe_view(t);
            break;
        case V_REPORT:
            report_view(t);
            break;
        }
    }
    footer(t);
    refresh();
}

/* ---- acting ---- */

static void submit_line(struct tui *t, const char *line) {
    struct command cmd;
    struct pp_error err = {0};
    if (t->opt->parse(t->opt->parse_ctx, line, &cmd, &err) != PP_OK ||
        runner_submit(t->runner, &cmd, &err) != PP_OK) {
        say(t, true, "%s: %s%s%s", line, err.field, err.field[0] ? ": " : "", err.message);
        return;
    }
    say(t, false, "%s: applies at the next tick", cmd.text);
}

/* "VERB SVC ARGS" for each marked row, or the selected one. */
static void act(struct tui *t, const char *verb, const char *args) {
    size_t acted = 0;
    char line[600];
    for (size_t r = 0; r < t->n_rows; r++) {
        const size_t i = t->rows[r];
        if (!t->marked[i])
            continue;
        snprintf(line, sizeof(line), "%s %s%s%s", verb, t->snap->svcs[i].view.service,
                 args[0] ? " " : "", args);
        submit_line(t, line);
        acted++;
    }
    const struct loop_view *v = selected(t);
    if (acted == 0 && v) {
        snprintf(line, sizeof(line), "%s %s%s%s", verb, v->service, args[0] ? " " : "", args);
        submit_line(t, line);
    }
}

static bool any_load(const struct tui *t) {
    for (size_t i = 0; t->snap && i < t->snap->n; i++)
        if (t->snap->svcs[i].view.loads_running)
            return true;
    return false;
}

static void prompt_done(struct tui *t) {
    const enum prompt_kind p = t->prompt;
    t->input[t->input_len] = '\0';
    t->prompt = P_NONE;
    switch (p) {
    case P_FILTER:
        snprintf(t->filter, sizeof(t->filter), "%s", t->input);
        break;
    case P_COMMAND:
        if (t->input_len)
            submit_line(t, t->input);
        break;
    case P_PIN:
        act(t, "pin", t->input);
        break;
    case P_TARGET:
        act(t, "target", t->input);
        break;
    case P_LOAD:
        act(t, "load", t->input);
        break;
    default:
        break;
    }
}

static void start_prompt(struct tui *t, enum prompt_kind p, const char *initial) {
    t->prompt = p;
    snprintf(t->input, sizeof(t->input), "%s", initial);
    t->input_len = strlen(t->input);
    t->message[0] = '\0';
}

static void prompt_key(struct tui *t, int ch) {
    if (t->prompt == P_CONFIRM_PAUSE || t->prompt == P_CONFIRM_QUIT) {
        const enum prompt_kind p = t->prompt;
        t->prompt = P_NONE;
        t->message[0] = '\0';
        if (ch == 'y' || ch == 'Y') {
            if (p == P_CONFIRM_QUIT) {
                t->quit = true;
            } else {
                const struct loop_view *v = selected(t);
                act(t, v && v->paused ? "resume" : "pause", "");
            }
        }
        return;
    }
    if (ch == 27) { /* esc */
        if (t->prompt == P_FILTER)
            t->filter[0] = '\0';
        t->prompt = P_NONE;
        return;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        prompt_done(t);
        return;
    }
    if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (t->input_len)
            t->input_len--;
    } else if (ch >= 32 && ch < 127 && t->input_len + 1 < sizeof(t->input)) {
        t->input[t->input_len++] = (char)ch;
    }
    t->input[t->input_len] = '\0';
    if (t->prompt == P_FILTER) /* filter as you type */
        snprintf(t->filter, sizeof(t->filter), "%s", t->input);
}

/* The replay player's keys (asciinema's); true when ch was one. */
static bool replay_key(struct tui *t, int ch) {
    const struct snapshot *s = t->snap;
    if (!s)
        return false;
    switch (ch) {
    case ' ':
        runner_pause(t->runner, !runner_paused(t->runner));
        return true;
    case KEY_LEFT:
        runner_seek(t->runner, s->t - 5);
        return true;
    case KEY_RIGHT:
        runner_seek(t->runner, s->t + 5 < t->opt->replay_end ? s->t + 5 : t->opt->replay_end);
        return true;
    case '+':
    case '=': {
        const double v = runner_speed(t->runner);
        runner_set_speed(t->runner, v > 0 && v < 1024 ? v * 2 : 1024);
        return true;
    }
    case '-': {
        const double v = runner_speed(t->runner);
        runner_set_speed(t->runner, v > 0.25 ? v / 2 : 0.25);
        return true;
    }
    case '[':
    case ']': {
        int64_t to = -1;
        for (size_t i = 0; i < t->opt->n_markers; i++) {
            const int64_t m = t->opt->markers[i];
            if (ch == '[' && m < s->t)
                to = m;
            if (ch == ']' && m > s->t && to < 0)
                to = m;
        }
        if (to >= 0)
            runner_seek(t->runner, to);
        else
            say(t, false, "no %s marker", ch == '[' ? "earlier" : "later");
        return true;
    }
    case ',':
        runner_pause(t->runner, true);
        runner_seek(t->runner, s->t - 1);
        return true;
    case '.':
        runner_pause(t->runner, true);
        runner_step(t->runner);
        return true;
    case 's':
    case 'u':
    case 't':
    case 'z':
    case 'b':
    case ':':
        say(t, true, "replay plays the recorded commands; for what-if: podpilot replay FILE "
                     "--with CONFIG");
        return true;
    default:
        return false;
    }
}

static void key(struct tui *t, int ch) {
    if (t->prompt != P_NONE) {
        prompt_key(t, ch);
        return;
    }
    t->message[0] = '\0';
    if (t->opt->replay && replay_key(t, ch))
        return;
    static const int spans[] = {60, 300, 900, 1800, 3600};
    switch (ch) {
    case 'q':
        if (any_load(t) && !t->opt->replay) {
            t->prompt = P_CONFIRM_QUIT;
            say(t, false, "A load test is running. Quit? (y/n)");
        } else if (t->snap && t->snap->recording) {
            t->prompt = P_CONFIRM_QUIT;
            say(t, false, "Recording. Quit and close the recording? (y/n)");
        } else {
            t->quit = true;
        }
        break;
    case '?':
        t->view = t->view == V_HELP ? V_OVERVIEW : V_HELP;
        break;
    case 27:
        runner_focus(t->runner, SIZE_MAX);
        t->view = V_OVERVIEW;
        break;
    case 'd': {
        const struct loop_view *v = selected(t);
        if (v && v->cls == SVC_HPA) {
            runner_focus(t->runner, t->rows[t->sel]);
            t->view = V_DESCRIBE;
        } else if (v) {
            say(t, true, "d: %s is not scaled by an HPA; enter shows its detail", v->service);
        }
        break;
    }
    case 'N':
    case 'C':
    case 'S':
    case 'R': {
        const enum sort_kind k = ch == 'N'   ? SORT_NAME
                                 : ch == 'C' ? SORT_CLASS
                                 : ch == 'S' ? SORT_STABLE
                                             : SORT_REPLICAS;
        t->sort_desc = t->sort == k ? !t->sort_desc : (k == SORT_STABLE || k == SORT_REPLICAS);
        t->sort = k;
        break;
    }
    case '\n':
    case '\r':
    case KEY_ENTER:
        if (t->view == V_OVERVIEW && selected(t)) {
            t->view = V_DETAIL;
            runner_focus(t->runner, t->rows[t->sel]); /* per-pod figures for the detail */
        }
        break;
    case 'l':
        t->view = t->view == V_EVENTS ? V_OVERVIEW : V_EVENTS;
        break;
    case 'B':
        if (t->snap && t->snap->report_seq > 0)
            t->view = V_REPORT;
        else
            say(t, false, "no load test has finished yet");
        break;
    case '/':
        start_prompt(t, P_FILTER, t->filter);
        break;
    case ':':
        start_prompt(t, P_COMMAND, "");
        break;
    case 's':
        if (selected(t))
            start_prompt(t, P_PIN, "");
        break;
    case 't':
        if (selected(t))
            start_prompt(t, P_TARGET, "");
        break;
    case 'b':
        if (selected(t))
            start_prompt(t, P_LOAD, "-z 30s -c 5");
        break;
    case 'u':
        act(t, "unpin", "");
        break;
    case 'z': {
        const struct loop_view *v = selected(t);
        if (v) {
            t->prompt = P_CONFIRM_PAUSE;
            say(t, false, "%s autoscaling of %s? (y/n)", v->paused ? "Resume" : "Pause",
                v->service);
        }
        break;
    }
    case 'Z':
        t->frozen = !t->frozen;
        break;
    case 'r':
        if (t->opt->record_toggle) {
            char msg[600];
            t->opt->record_toggle(t->opt->record_ctx, msg, sizeof(msg));
            say(t, strncmp(msg, "cannot", 6) == 0 || strncmp(msg, "busy", 4) == 0, "%s", msg);
        }
        break;
    case ' ':
        if (selected(t)) {
            t->marked[t->rows[t->sel]] = !t->marked[t->rows[t->sel]];
            if (t->sel + 1 < t->n_rows)
                t->sel++;
        }
        break;
    case 'j':
    case KEY_DOWN:
        if (t->sel + 1 < t->n_rows)
            t->sel++;
        break;
    case 'k':
    case KEY_UP:
        if (t->sel > 0)
            t->sel--;
        break;
    case 'g':
    case KEY_HOME:
        t->sel = 0;
        break;
    case 'G':
    case KEY_END:
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
        break;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
        t->span_s = spans[ch - '1'];
        break;
    default:
        break;
    }
}

static void tui_fini(struct tui *t) {
    runner_release(t->runner, t->snap);
    free(t->hist);
    free(t->marked);
    free(t->rows);
    free(t->chart_buf);
}

int tui_run(struct runner *r, const struct tui_options *opt) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "podpilot: the console needs a terminal; use --headless for JSON lines\n");
        return 1;
    }
    set_escdelay(25); /* htop's habit: esc is not a one-second wait */
    if (!initscr()) {
        fprintf(stderr, "podpilot: cannot initialise the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 1;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    struct tui t = {.runner = r, .opt = opt, .span_s = 300, .last_t = -1};
    colours(&t);
    t.chart_buf = calloc(8, 1000 * 3 + 1);
    if (!t.chart_buf)
        abort();
    take_snapshot(&t);
    draw(&t);
    while (!t.quit) {
        struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                              {.fd = runner_wake_fd(r), .events = POLLIN}};
        if (poll(p, 2, 1000) < 0)
            continue; /* EINTR: SIGWINCH; ncurses reports KEY_RESIZE */
        bool dirty = false;
        if (p[1].revents & POLLIN) {
            runner_drain_wake(r);
            if (!t.frozen) {
                take_snapshot(&t);
                dirty = true;
            }
        }
        int ch;
        while ((ch = getch()) != ERR) {
            key(&t, ch);
            dirty = true;
            if (t.quit)
                break;
        }
        if (dirty)
            draw(&t);
    }
    endwin();
    tui_fini(&t);
    return 0;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t written(FILE *f) {
    fflush(f);
    struct stat st;
    return fstat(fileno(f), &st) == 0 ? (size_t)st.st_size : 0;
}

int tui_bench(struct runner *r, const struct tui_options *opt, int cols, int lines, int frames,
              struct tui_bench *out) {
    char c[16], l[16];
    snprintf(c, sizeof(c), "%d", cols);
    snprintf(l, sizeof(l), "%d", lines);
    setenv("COLUMNS", c, 1);
    setenv("LINES", l, 1);
    FILE *f = tmpfile(), *in = fopen("/dev/null", "r");
    SCREEN *scr = f && in ? newterm("xterm-256color", f, in) : NULL;
    if (!scr) {
        if (f)
            fclose(f);
        if (in)
            fclose(in);
        return 1;
    }
    set_term(scr);
    struct tui t = {.runner = r, .opt = opt, .span_s = 300, .last_t = -1};
    colours(&t);
    t.chart_buf = calloc(8, 1000 * 3 + 1);
    if (!t.chart_buf)
        abort();
    take_snapshot(&t);
    draw(&t);
    double ms = 0;
    size_t bytes = 0;
    for (int i = 0; i < frames; i++) {
        const uint64_t seq = t.snap ? t.snap->seq : 0;
        while (t.snap && t.snap->seq == seq && !t.snap->done) {
            struct pollfd p = {.fd = runner_wake_fd(r), .events = POLLIN};
            poll(&p, 1, 100);
            runner_drain_wake(r);
            take_snapshot(&t);
        }
        const size_t b0 = written(f);
        const double t0 = now_ms();
        draw(&t);
        ms += now_ms() - t0;
        bytes += written(f) - b0;
    }
    const size_t b0 = written(f);
    draw(&t);
    out->idle_bytes = written(f) - b0;
    out->frame_ms = frames ? ms / frames : 0;
    out->frame_bytes = frames ? (double)bytes / frames : 0;
    endwin();
    delscreen(scr);
    fclose(f);
    fclose(in);
    tui_fini(&t);
    return 0;
}
