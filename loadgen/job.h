/* A real load test on a thread of its own, for a driver that ticks (shadow
 * mode's source): started from hey's flags as a command line, polled,
 * stopped early, and read when done as the engine reads a simulated one. */
#ifndef PODPILOT_LOADGEN_JOB_H
#define PODPILOT_LOADGEN_JOB_H

#include "engine/load.h"
#include "loadgen/http.h"

struct lg_job;

/* Starts hey's flags (a URL among them, else default_url; NULL: none).
 * A job that cannot run (bad flags, no URL, an unknown host) is done at
 * once, its one error saying why. */
struct lg_job *lg_job_start(const char *flags, const char *default_url);
bool lg_job_done(struct lg_job *j);
void lg_job_stop(struct lg_job *j); /* ends it early; lg_job_done then says when */
/* When done: what it measured, as the engine's load results (real points
 * at hey's whole results: codes, errors, phases). Valid until freed. */
void lg_job_result(struct lg_job *j, pp_time started, pp_time finished, struct load_result *out);
void lg_job_free(struct lg_job *j); /* stops and waits first */

#endif
