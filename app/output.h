/* Where a session's records go: JSON lines to a stream (headless) and the
 * recording (--record), in whichever thread runs the loop. */
#ifndef PODPILOT_OUTPUT_H
#define PODPILOT_OUTPUT_H

#include "app/jsonl.h"
#include "engine/record.h"

#include <stdio.h>

struct output {
    FILE *out; /* NULL: no JSON lines (the console) */
    const struct svc_set *set;
    char (*names)[SVC_NAME_MAX + 66]; /* namespace/name per service */
    struct jsonl j;
    struct record_writer *rec;
    bool rec_failed;
    /* every command applied, with its tick: a recording started later
     * re-runs the session from its first tick with them */
    /* called with hey's report when a load test finishes (the console) */
    void (*on_report)(void *ctx, size_t svc, const char *load, const char *report);
    void *report_ctx;
    struct output_cmd {
        int64_t t;
        struct command cmd;
    } *history;
    size_t n_history, cap_history;
};

/* Opens the recording when record_path is set (header as build_header
 * made it); prints the error and returns 1 when it cannot. */
int output_open(struct output *o, const struct svc_set *set, FILE *out, const char *record_path,
                const cJSON *header);
/* A loop_emit_fn: ctx is the output. */
void output_record(void *ctx, const struct loop_record *r);
/* Closes the recording; 1 when anything failed to write (said on stderr). */
int output_close(struct output *o);

#endif
