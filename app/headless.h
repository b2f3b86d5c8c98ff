/* Headless mode: the engine alone, one JSON object per line on stdout —
 * decisions, events and load reports (fields documented in README.md) —
 * steered by commands from a file and standard input, optionally recorded. */
#ifndef PODPILOT_HEADLESS_H
#define PODPILOT_HEADLESS_H

#include "app/commands.h"
#include "engine/service.h"
#include "engine/source.h"

#include <cjson/cJSON.h>
#include <stdio.h>

struct headless_options {
    int64_t duration_s;            /* simulated seconds; 0 = until loads end plus 6 minutes */
    double speed;                  /* simulated seconds per wall second; 0 = as fast as possible */
    struct command_list *commands; /* --commands FILE; NULL for none */
    bool read_stdin;               /* take commands from standard input too */
    const char *record_path;       /* --record FILE; NULL for none */
    const cJSON *header;           /* the recording's header: sources, seed, loads */
    const char *metrics_addr;      /* --metrics-addr [HOST]:PORT; NULL for none */
    /* the source to run on; NULL: the simulated cluster */
    struct source *(*open_source)(struct svc_set *set, void *ctx, struct pp_error *err);
    void *source_ctx;
};

/* The duration `0` stands for: the end of the last load (its -z, or 60 s for
 * -n loads) plus 360 s, and at least 300 s; and at least the last command. */
int64_t headless_default_duration(const struct svc_set *set, const struct command_list *cmds);

/* Runs set and writes JSON lines to out. Returns 0; 1 when the engine
 * refused a config or a command, or out or the recording failed (message
 * on stderr); 130 when interrupted (the recording is complete to the last
 * tick). */
int headless_run(struct svc_set *set, const struct headless_options *opt, FILE *out);

/* Sleeps one tick's share of a wall second at `speed` (0: not at all). */
void headless_pace(double speed);

/* Set by SIGINT/SIGTERM: runs stop at the end of the tick. */
extern volatile int headless_interrupted;
void headless_catch_signals(void);

#endif
