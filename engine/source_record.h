/* A recording as a source: each tick's observations as they were recorded,
 * and the operator commands recorded with them, handed back to the loop.
 * Decisions go nowhere: the recording holds what the cluster did. */
#ifndef PODPILOT_SOURCE_RECORD_H
#define PODPILOT_SOURCE_RECORD_H

#include "engine/record.h"
#include "engine/source.h"

/* A recorded command line as the set's parser reads it (hey's flags are
 * parsed in app/); *empty for a blank line. */
typedef enum pp_status (*source_parse_fn)(void *ctx, const char *line, struct command *out,
                                          bool *empty, struct pp_error *err);
/* A recorded command that does not parse or apply any more (t: its tick). */
typedef void (*source_warn_fn)(void *ctx, int64_t t, const char *text, const struct pp_error *err);

struct source_commands {
    source_parse_fn parse;
    source_warn_fn warn; /* NULL: quiet */
    void *ctx;
};

/* Reads ticks from rd (kept open by the caller) up to second `to` (-1: to
 * the end). */
struct source *source_record_create(struct record_reader *rd, int64_t to,
                                    const struct source_commands *cmds);
/* The tick read last (valid until the next). */
const struct record_tick *source_record_tick(const struct source *s);

/* Submits a tick's recorded commands, parsed by cmds. */
void source_record_submit(const struct record_tick *t, const struct source_commands *cmds,
                          const struct source_submit *to);

#endif
