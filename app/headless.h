/* Headless mode: the engine alone, one JSON object per line on stdout —
 * decisions, events and load reports (fields documented in README.md). */
#ifndef PODPILOT_HEADLESS_H
#define PODPILOT_HEADLESS_H

#include "engine/service.h"

#include <stdio.h>

struct headless_options {
    int64_t duration_s; /* simulated seconds; 0 = until loads end plus 6 minutes */
    double speed;       /* simulated seconds per wall second; 0 = as fast as possible */
};

/* The duration `0` stands for: the end of the last load (its -z, or 60 s for
 * -n loads) plus 360 s, and at least 300 s. */
int64_t headless_default_duration(const struct svc_set *set);

/* Runs set and writes JSON lines to out. Returns 0, or 1 when the engine
 * refused a config or out failed (message on stderr). */
int headless_run(const struct svc_set *set, const struct headless_options *opt, FILE *out);

#endif
