/* The console's own state and the pieces its files share: screen.c
 * (colours, header, footer, the view table), one file per view
 * (view_overview.c, view_detail.c, view_events.c, view_describe.c,
 * view_report.c, view_help.c), keys.c, and tui.c (snapshots, the run loop).
 * Nothing outside tui/ includes it. */
#ifndef PODPILOT_TUI_INTERNAL_H
#define PODPILOT_TUI_INTERNAL_H

#include "tui/tui.h"
#include "tui/history.h"
#include "tui/layout.h"

#include <curses.h>
#include <regex.h>

#define LINE_HISTORY 32  /* : lines kept for up/down */
#define CHART_CELLS 1000 /* chart_buf: rows of up to this many cells, 3 bytes each */
#define CHART_ROWS 8
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
/* P_VERB: the argument of the verb in tui.verb (s pins, t targets, b loads). */
enum prompt_kind { P_NONE, P_FILTER, P_COMMAND, P_VERB, P_CONFIRM_PAUSE, P_CONFIRM_QUIT };

struct tui {
    struct runner *runner;
    const struct tui_options *opt;
    const struct snapshot *snap; /* held */
    int64_t last_t;
    struct history *hist; /* per service */
    /* the focused service's exporter figures (live), one series each */
    struct history sig_hist;
    size_t sig_svc;
    int64_t sig_t;
    size_t n;
    bool *marked;
    size_t *rows; /* filtered service indices */
    size_t n_rows;
    size_t sel, top;
    enum view_kind view;
    enum view_kind back; /* where esc goes from a view opened on top */
    size_t scroll;       /* a text view's first line (pager.c) */
    size_t page_rows;    /* the rows it had at the last draw */
    enum prompt_kind prompt;
    const struct command_entry *verb; /* P_VERB */
    size_t focus;                     /* what the engine was last told (tui_sync_focus) */
    char input[256];
    size_t input_len;
    size_t input_cur;                      /* the cursor: 0..input_len */
    char history_lines[LINE_HISTORY][256]; /* : lines, oldest overwritten */
    size_t n_history;                      /* submitted so far */
    size_t history_at;                     /* 0: the new line; k: k lines back */
    char filter[256];
    char filter_compiled[256]; /* the filter filter_re was compiled from */
    regex_t filter_re;
    bool filter_ok; /* filter_re holds a compiled expression */
    /* the overview's names, measured once (the services do not change) */
    struct layout_needs names;
    bool names_known;
    char only_ns[160]; /* the one namespace; "" when there are several */
    char message[640]; /* the status line: six lines at 80 columns, whole */
    bool message_error;
    bool frozen;
    enum sort_kind sort;
    bool sort_desc;
    int span_s;
    bool quit;
    bool restore_prompt; /* P_CONFIRM_QUIT asks whether to restore the cluster's overrides */
    bool interrupted;    /* a signal ended it (SIGTERM, Ctrl-C): exit 130 */
    uint64_t report_seen;
    unsigned kbd_loads; /* load tests started from the keyboard, not yet reported */
    /* the command last submitted from the keyboard, until a tick says how it went */
    char awaiting[640];
    int64_t awaiting_after; /* the run's second when it was submitted */
    char *chart_buf;
};

/* screen.c */
void tui_colours(const struct tui *t);
attr_t tui_role(const struct tui *t, enum role r);
/* The status line's message until the next key. */
void tui_say(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tui_put(int y, int x, attr_t a, const char *s);
/* The first `len` bytes of s, at most `cols` columns of it: UTF-8 counted
 * by character (the report's ■ is 3 bytes, one column). */
void tui_put_cols(int y, int x, attr_t a, const char *s, size_t len, int cols);
/* Splits s into at most max lines, the first of at most `first` columns,
 * the others of `cols`, broken after a space where the line has one;
 * lens[i] is the i-th line's bytes (the lines are consecutive in s; past
 * max, the last takes the rest). Returns the number of lines. */
size_t tui_wrap(const char *s, int first, int cols, size_t *lens, size_t max);
void tui_fill_line(int y, attr_t a);
/* "-" for NaN, whole numbers from 1,000 on, two decimals below. */
void tui_fmt_value(double v, char *buf, size_t size);
/* How long ago second `at` of the run was, as kubectl prints an age
 * (86s, 4m23s, 3h10m). */
void tui_age(const struct tui *t, double at, char *buf, size_t size);
/* The whole screen: header, the current view, footer. */
void tui_draw(struct tui *t);

/* tui.c */
void tui_refilter(struct tui *t);
/* The focused service, owned here: the selected row while a view shows one
 * service (its describe text and per-pod GPU figures), none otherwise. Told
 * to the engine only when it changes. */
void tui_sync_focus(struct tui *t);
const struct loop_view *tui_selected(const struct tui *t);

/* keys.c */
void tui_key(struct tui *t, int ch);
/* q, :q and Ctrl-C: quits, or asks while a load test or a recording runs. */
void tui_quit(struct tui *t);

/* pager.c: a text view of n_lines from row y0: which lines fit from the
 * scroll position (the first in *first, the count returned), with a
 * position line when they do not all fit. tui_page_text does it for a
 * newline-separated text; tui_pager_key scrolls (true: the key was one). */
size_t tui_page(struct tui *t, int y0, size_t n_lines, size_t *first);
void tui_page_text(struct tui *t, int y0, int x, const char *text);
bool tui_pager_key(struct tui *t, int ch);

/* line.c: the prompt's editing keys, printable characters included (true:
 * ch was one); the : lines kept; the line set with the cursor at its end. */
bool tui_line_key(struct tui *t, int ch);
void tui_line_remember(struct tui *t, const char *line);
void tui_line_set(struct tui *t, const char *s);

/* One function per view, each in its own file; screen.c's table picks one. */
void tui_overview(struct tui *t);
void tui_detail(struct tui *t);
void tui_events(struct tui *t);
void tui_describe(struct tui *t);
void tui_report(struct tui *t);
void tui_help(struct tui *t);

#endif
