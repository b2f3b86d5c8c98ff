/* The console: engine snapshots on an ncurses screen, commands back to the
 * engine. It reads snapshots only and never blocks the engine thread. */
#ifndef PODPILOT_TUI_H
#define PODPILOT_TUI_H

#include "engine/runner.h"

/* Turns a command line (":pin flowers-sample 3") into a command; the app
 * provides it, because a load's hey flags are parsed outside the engine. */
typedef enum pp_status (*tui_parse_fn)(void *ctx, const char *line, struct command *out,
                                       struct pp_error *err);

struct tui_options {
    bool monochrome; /* --theme monochrome, or NO_COLOR set and not empty */
    bool ascii;      /* no UTF-8: ASCII charts */
    tui_parse_fn parse;
    void *parse_ctx;
};

/* Runs until the user quits; 0, or 1 when the terminal cannot be used. */
int tui_run(struct runner *r, const struct tui_options *opt);

#endif
