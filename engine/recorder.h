/* The sink every mode hands the loop: each decision, event and finished
 * load test formatted once as a JSON line (engine/jsonl) and handed to the
 * printer, and the recording (engine/record) kept from the same records —
 * commands, lines, observations, one write per tick. It remembers every
 * command applied, so a recording started later can re-run the session
 * from its first tick. */
#ifndef PODPILOT_RECORDER_H
#define PODPILOT_RECORDER_H

#include "engine/jsonl.h"
#include "engine/record.h"

struct recorder_hooks {
    /* the session's lines (headless prints them); NULL: nobody prints */
    void (*line)(void *ctx, const char *line, size_t len);
    /* a tick's lines are all out (flush them) */
    void (*tick)(void *ctx);
    /* a load test finished: hey's report (the console shows it) */
    void (*report)(void *ctx, size_t svc, const char *load, const char *report);
    void *ctx;
};

struct recorder_cmd {
    int64_t t;
    struct command cmd;
};

struct recorder;

/* For set's services (set must outlive the recorder); hooks may be NULL. */
struct recorder *recorder_create(const struct svc_set *set, const struct recorder_hooks *hooks);
void recorder_destroy(struct recorder *r);

/* The loop_emit_fn: ctx is the recorder. */
void recorder_emit(void *ctx, const struct loop_record *rec);

/* Records from now on into w, which the recorder then owns. */
void recorder_attach(struct recorder *r, struct record_writer *w);
/* Closes the recording; fails when anything did not get written. */
enum pp_status recorder_detach(struct recorder *r, struct pp_error *err);
bool recorder_recording(const struct recorder *r);
/* Moves from's recording (and its failure, if any) to `to`: a recording
 * written by re-running a session carries on with the live one. */
void recorder_hand_over(struct recorder *from, struct recorder *to);
/* The recording stopped on a write error (err says which); records still
 * reach the printer. */
bool recorder_failed(const struct recorder *r, struct pp_error *err);

/* The commands applied so far, with their ticks. */
size_t recorder_history(const struct recorder *r, const struct recorder_cmd **out);

#endif
