/* The JSON lines headless mode prints and recordings keep: one object per
 * decision, event and finished load test (fields in README.md). */
#ifndef PODPILOT_JSONL_H
#define PODPILOT_JSONL_H

#include "engine/buf.h"
#include "engine/loop.h"

struct jsonl {
    struct buf b;    /* the line */
    double *scratch; /* sorted latencies of a load */
    size_t scratch_cap;
};

/* Formats r as one line ending in '\n' into j->b (reused; valid until
 * the next call); service names the record's service. Returns NULL for
 * records that print nothing (commands, observations, tick ends). */
const char *jsonl_format(struct jsonl *j, const struct loop_record *r, const char *service);
void jsonl_free(struct jsonl *j);
/* hey's report of a LOOP_LOAD_DONE record, as its line carries it (free it). */
char *jsonl_load_report(struct jsonl *j, const struct loop_record *r);

#endif
