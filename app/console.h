/* The console mode: the engine on its own thread, the ncurses console in
 * this one, a recording if asked for. */
#ifndef PODPILOT_CONSOLE_H
#define PODPILOT_CONSOLE_H

#include "engine/runner.h"
#include "engine/service.h"
#include "tui/theme.h"

#include <cjson/cJSON.h>

struct console_options {
    double speed;              /* simulated seconds per wall second; 0 = as fast as possible */
    int64_t duration_s;        /* 0: until quit */
    bool monochrome;           /* NO_COLOR */
    const struct theme *theme; /* --theme, resolved; NULL: the default */
    const char *record_path;
    const char *record_dir; /* where r records */
    const cJSON *header;
    const char *const *notes; /* warnings from reading the files */
    size_t n_notes;
    const struct runner_source *source; /* NULL: the simulated cluster */
    /* A live cluster: r cannot re-run the session from its first tick, so
     * only --record records (from the start), and r stops it. */
    bool live;
    bool active;           /* live and --act: overrides are written to the cluster */
    bool *restore_on_quit; /* active: the user's answer to "restore them before quitting?" */
};

int console_run(struct svc_set *set, const struct console_options *opt);

#endif
