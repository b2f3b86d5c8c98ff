/* The built-in demo: a KServe-style KPA service (target 1, min-scale 1, as in
 * the KServe autoscaling docs) under a load that rises, bursts and stops. */
#ifndef PODPILOT_DEMO_H
#define PODPILOT_DEMO_H

#include <stdio.h>

struct demo_options {
    int duration_s; /* simulated seconds */
    double speed;   /* simulated seconds per wall second; 0 = as fast as possible */
};

/* Runs the demo, writing one JSON line per decision to out. */
int demo_run(const struct demo_options *opt, FILE *out);

#endif
