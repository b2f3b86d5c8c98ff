/* What every view shares on the screen: colours by role, the header and
 * footer lines, and the table of views that draw the rest. */
#include "tui/tui_internal.h"

#include "engine/hpa_describe.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void tui_colours(const struct tui *t) {
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

attr_t tui_role(const struct tui *t, enum role r) {
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

void tui_say(struct tui *t, bool error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof(t->message), fmt, ap);
    va_end(ap);
    t->message_error = error;
}

void tui_put(int y, int x, attr_t a, const char *s) {
    tui_put_cols(y, x, a, s, strlen(s), COLS - x); /* cut at the edge: never wrap a row */
}

/* The bytes of s (at most len) that fill at most cols columns. */
static size_t cols_bytes(const char *s, size_t len, int cols) {
    size_t n = 0;
    for (int c = 0; n < len && s[n]; c++) {
        if (c == cols)
            break;
        n++;
        while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
            n++; /* continuation bytes */
    }
    return n;
}

size_t tui_wrap(const char *s, int first, int cols, size_t *lens, size_t max) {
    size_t n = 0, left = strlen(s);
    while (left && n < max && (n ? cols : first) > 0) {
        size_t take = cols_bytes(s, left, n ? cols : first);
        if (take < left) { /* break after the last space, when there is one */
            size_t k = take;
            while (k > 0 && s[k - 1] != ' ')
                k--;
            if (k > 0)
                take = k;
        }
        lens[n++] = take;
        s += take;
        left -= take;
    }
    if (left && n) /* past max: the last line takes the rest, to be cut */
        lens[n - 1] += left;
    return n;
}

void tui_put_cols(int y, int x, attr_t a, const char *s, size_t len, int cols) {
    const size_t n = cols_bytes(s, len, cols);
    attron(a);
    mvaddnstr(y, x, s, (int)n);
    attroff(a);
}

void tui_fill_line(int y, attr_t a) {
    attron(a);
    mvhline(y, 0, ' ', COLS);
    attroff(a);
}

void tui_fmt_value(double v, char *buf, size_t size) {
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (fabs(v) >= 1000)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.2f", fabs(v) < 0.005 ? 0.0 : v); /* never "-0.00" */
}

void tui_age(const struct tui *t, double at, char *buf, size_t size) {
    const double now = t->snap ? (double)t->snap->t : at;
    hpa_human_duration((pp_time)((now - at) * 1e9), buf, size);
}

static void header(struct tui *t) {
    char left[1024]; /* room for a namespace and a filter whole; the screen cuts */
    const struct snapshot *s = t->snap;
    const int64_t secs = s ? s->t : 0;
    char count[48];
    if (t->filter[0]) /* k9s: shown/all while filtered */
        snprintf(count, sizeof(count), "%zu/%zu", t->n_rows, s ? s->n : 0);
    else
        snprintf(count, sizeof(count), "%zu", s ? s->n : 0);
    snprintf(left, sizeof(left), " podpilot%s  t=%lld:%02lld:%02lld  services %s%s%s%s%s%s%s",
             t->opt->replay ? " replay" : "", (long long)(secs / 3600), (long long)(secs / 60 % 60),
             (long long)(secs % 60), count, t->only_ns[0] ? " in " : "", t->only_ns,
             t->filter[0] ? "  filter /" : "", t->filter, s && s->recording ? "  REC" : "",
             t->frozen                         ? "  FROZEN (Z)"
             : s && s->done && !t->opt->replay ? "  (run ended)"
                                               : "");
    tui_fill_line(0, tui_role(t, R_HEADER));
    tui_put(0, 0, tui_role(t, R_HEADER), left);
    if (t->opt->active || t->opt->shadow) { /* where the overrides go, in their colour */
        const int x = (int)strlen(left) + 2;
        tui_put(0, x, tui_role(t, t->opt->active ? R_OVERRIDE : R_HEADER),
                t->opt->active ? "ACTIVE: overrides write to the cluster" : "shadow: read-only");
    }
}

/* The most used keys first, as many as the width takes: q:quit and ?:help
 * are always there. */
static void footer_keys(const struct tui *t, int y) {
    static const char *const overview[] = {"q:quit",    "?:help",     "enter:detail", "/:filter",
                                           "::command", "s:pin",      "u:unpin",      "t:target",
                                           "z:pause",   "b:load",     "d:describe",   "l:events",
                                           "r:record",  "space:mark", "N/C/S/R:sort"};
    static const char *const detail[] = {"q:quit", "?:help",     "esc:back", "j/k:service",
                                         "s:pin",  "u:unpin",    "t:target", "z:pause",
                                         "b:load", "d:describe", "1-5:span"};
    static const char *const text[] = {"q:quit",     "?:help",         "esc:back",
                                       "j/k:scroll", "PgDn/PgUp:page", "g/G:top/end"};
    const char *const *k = t->view == V_OVERVIEW ? overview : t->view == V_DETAIL ? detail : text;
    const size_t n = t->view == V_OVERVIEW ? sizeof(overview) / sizeof(*overview)
                     : t->view == V_DETAIL ? sizeof(detail) / sizeof(*detail)
                                           : sizeof(text) / sizeof(*text);
    char line[512];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t len = strlen(k[i]);
        if (used + 2 + len > (size_t)COLS || used + 2 + len >= sizeof(line))
            break;
        used += (size_t)snprintf(line + used, sizeof(line) - used, " %s%s", i ? " " : "", k[i]);
    }
    line[used] = '\0';
    tui_put(y, 0, tui_role(t, R_DIM), line);
}

static void footer(struct tui *t) {
    const int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    if (t->prompt != P_NONE) {
        static const char *const labels[] = {
            [P_FILTER] = "/",       [P_COMMAND] = ":",     [P_VERB] = "",
            [P_CONFIRM_PAUSE] = "", [P_CONFIRM_QUIT] = "",
        };
        char line[sizeof(t->message) + 64];
        if (t->prompt == P_CONFIRM_PAUSE || t->prompt == P_CONFIRM_QUIT)
            snprintf(line, sizeof(line), "%s", t->message);
        else
            snprintf(line, sizeof(line), "%s%.*s",
                     t->prompt == P_VERB ? t->verb->prompt : labels[t->prompt], (int)t->input_len,
                     t->input);
        tui_put(y, 0, tui_role(t, R_TITLE), line);
        const bool editing = t->prompt != P_CONFIRM_PAUSE && t->prompt != P_CONFIRM_QUIT;
        if (editing) { /* the cursor: the character under it in reverse */
            const size_t label = strlen(line) - t->input_len;
            const int x = (int)(label + t->input_cur);
            if (x < COLS)
                mvaddch(y, x,
                        (chtype)(t->input_cur < t->input_len ? t->input[t->input_cur] : ' ') |
                            tui_role(t, R_TITLE) | A_REVERSE);
        }
        if (editing && t->message[0]) {
            move(y - 1, 0); /* Tab's candidates, above the line */
            clrtoeol();
            tui_put_cols(y - 1, 0, tui_role(t, t->message_error ? R_WARN : R_DIM), t->message,
                         strlen(t->message), COLS);
        }
        return;
    }
    if (t->message[0]) { /* in full: up to 6 lines, growing upwards */
        size_t lens[6];
        const size_t n = tui_wrap(t->message, COLS, COLS - 2, lens, 6);
        const char *p = t->message;
        for (size_t i = 0; i < n; i++) {
            const int row = y - (int)(n - 1 - i);
            move(row, 0);
            clrtoeol();
            tui_put_cols(row, i ? 2 : 0, tui_role(t, t->message_error ? R_WARN : R_NORMAL), p,
                         lens[i], COLS - (i ? 2 : 0));
            p += lens[i];
        }
        return;
    }
    if (t->opt->replay && t->snap) {
        const int64_t now = t->snap->t, end = t->opt->replay_end > 0 ? t->opt->replay_end : 1;
        char bar[64 * 3 + 1];
        const int width = 30;
        const int at = (int)(now * width / end);
        size_t used = 0;
        for (int i = 0; i < width; i++) {
            const char *g = t->opt->ascii ? (i < at    ? "="
                                             : i == at ? ">"
                                                       : "-")
                            : i < at      ? "━"
                            : i == at     ? "●"
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
        tui_put(y, 0, tui_role(t, R_DIM), line);
        return;
    }
    footer_keys(t, y);
}

static void too_small(void) {
    char line[120];
    snprintf(line, sizeof(line), "too small: need %dx%d, have %dx%d", MIN_COLS, MIN_LINES, COLS,
             LINES);
    const int x = COLS > (int)strlen(line) ? (COLS - (int)strlen(line)) / 2 : 0;
    mvaddnstr(LINES / 2, x, line, COLS);
}

/* The views, by kind: adding one is a file, an enum value and a row. */
static void (*const views[])(struct tui *) = {
    [V_OVERVIEW] = tui_overview, [V_DETAIL] = tui_detail,     [V_HELP] = tui_help,
    [V_EVENTS] = tui_events,     [V_DESCRIBE] = tui_describe, [V_REPORT] = tui_report,
};

void tui_draw(struct tui *t) {
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        too_small();
        refresh();
        return;
    }
    tui_refilter(t);
    tui_sync_focus(t);
    header(t);
    if (t->snap)
        views[t->view](t);
    footer(t);
    refresh();
}
