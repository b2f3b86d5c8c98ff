/* The console: engine snapshots on an ncurses screen, commands back to the
 * engine. It reads snapshots only and never blocks the engine thread. */
#ifndef PODPILOT_TUI_H
#define PODPILOT_TUI_H

#include "engine/runner.h"
#include "tui/theme.h"

/* Turns a command line (":pin flowers-sample 3") into a command; the app
 * provides it, because a load's hey flags are parsed outside the engine. */
typedef enum pp_status (*tui_parse_fn)(void *ctx, const char *line, struct command *out,
                                       struct pp_error *err);

struct tui_options {
    const struct theme *theme; /* NULL: the built-in default */
    bool monochrome;           /* NO_COLOR set and not empty: attributes only */
    bool ascii;                /* no UTF-8: ASCII charts */
    tui_parse_fn parse;
    void *parse_ctx;
    /* r: starts or stops a recording; says what it did in msg */
    void (*record_toggle)(void *ctx, char *msg, size_t size);
    void *record_ctx;
    /* replay: the runner plays a recording; these keys drive it */
    bool replay;
    int64_t replay_end;     /* the recording's last second */
    const int64_t *markers; /* seconds of commands and panic starts and ends */
    size_t n_markers;
    /* warnings from reading the files: the event log's oldest rows, and
     * the status line at start */
    const char *const *notes;
    size_t n_notes;
    /* a live cluster: each service's URL for b's load test ("" none); NULL */
    const char *const *load_urls;
    /* a live cluster: shadow (read-only) or ACTIVE (--act: overrides are
     * written to it), said in the header */
    bool shadow, active;
    /* active: quitting with overrides in place asks whether to restore
     * them; the answer lands here (the caller restores after tui_run) */
    bool *restore_on_quit;
};

/* Runs until the user quits: 0; 130 when a signal ended it (SIGTERM,
 * Ctrl-C); 1 when the terminal cannot be used. */
int tui_run(struct runner *r, const struct tui_options *opt);

/* For bench/tui: draws the overview into a terminal of cols x lines that
 * writes to a file, once per new snapshot for `frames` snapshots, then once
 * more with nothing changed. */
struct tui_bench {
    double frame_ms;      /* mean time of a frame on a new snapshot */
    double frame_bytes;   /* mean bytes written per such frame */
    size_t idle_bytes;    /* written by a frame with nothing new */
    size_t console_bytes; /* what the console keeps: history, marks, rows, chart */
};
int tui_bench(struct runner *r, const struct tui_options *opt, int cols, int lines, int frames,
              struct tui_bench *out);

#endif
