/* A session's recording as the user asked for it (--record FILE, or r in
 * the console), on the recorder every mode's loop feeds (engine/recorder);
 * what goes wrong is said once on stderr. */
#ifndef PODPILOT_OUTPUT_H
#define PODPILOT_OUTPUT_H

#include "engine/recorder.h"

/* Attaches path as r's recording (header as build_header made it); says
 * why on stderr and returns 1 when it cannot. */
int output_record_to(struct recorder *r, const struct svc_set *set, const char *path,
                     const cJSON *header);
/* Closes the recording; 1 when anything failed to write, said on stderr:
 * "recording stopped: ..." for a tick that could not be written. */
int output_finish(struct recorder *r);

#endif
