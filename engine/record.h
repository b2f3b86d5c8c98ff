/* Recordings: a session as JSON lines, durable across a kill -9, replayable.
 *
 * Format version 2 (README.md, "Recordings", is the reference; version 1
 * differs only in a KPA decision's recommended and desired, which were the
 * decider's pod count and its ceil(observed/target)):
 *   line 1   {"podpilot_recording":1,"version":..,"seed":..,"start":..,
 *             "sources":[{"name":..,"text":..}],"loads":[..],"services":[..]}
 *   then per tick, in this order:
 *            {"command":"pin x 3","t":N}          operator commands applied
 *            {"t":N,"service":..,...}             decisions, events, load reports,
 *                                                 exactly as headless mode prints them
 *            {"tick":N,"obs":[[...],...]}         what each service's source
 *                                                 saw; this line closes tick N
 * A tick is complete when its "tick" line is; a reader replays complete
 * ticks and reports, never fails on, a truncated end. */
#ifndef PODPILOT_RECORD_H
#define PODPILOT_RECORD_H

#include "engine/source.h"

#include <cjson/cJSON.h>

#define RECORD_FORMAT 2
#define RECORD_FORMAT_OLDEST 1 /* read too */

/* ---- writing ---- */

struct record_writer;

/* Creates path with mode 0600 (an existing file is replaced) and writes the
 * header line; header is a JSON object without the format key, which is
 * added first. start is the engine time of t = 0. */
struct record_writer *record_create(const char *path, const cJSON *header, pp_time start,
                                    size_t n_services, struct pp_error *err);
/* A line of tick output (decision, event, load report) ending in '\n'. */
void record_output(struct record_writer *w, const char *line, size_t len);
void record_command(struct record_writer *w, double t, const char *text);
void record_obs(struct record_writer *w, size_t svc, const struct loop_obs *o, pp_time now);
/* Writes the tick (one write(2)) and its closing line. Fails on I/O. */
enum pp_status record_end_tick(struct record_writer *w, int64_t t, struct pp_error *err);
/* Closes; false when anything failed to write (err says what). */
enum pp_status record_close(struct record_writer *w, struct pp_error *err);

/* The resolved settings of set's service svc, for the header: what the
 * engine ran. */
cJSON *record_service_json(const struct svc_set *set, size_t svc);

/* ---- reading ---- */

struct record_reader;

struct record_tick {
    int64_t t;
    size_t n_commands;
    const char *const *commands;
    size_t n_outputs;
    const char *const *outputs; /* lines without their '\n' */
    const size_t *output_lens;
    const struct loop_obs *obs; /* n_services entries */
};

/* Reads the whole file; fails on an unreadable file or a bad header, naming
 * the file and line. */
struct record_reader *record_open(const char *path, struct pp_error *err);
void record_reader_close(struct record_reader *r);
const cJSON *record_header(const struct record_reader *r);
size_t record_services(const struct record_reader *r);
/* The file's format version: RECORD_FORMAT_OLDEST..RECORD_FORMAT. */
int record_format(const struct record_reader *r);
pp_time record_start(const struct record_reader *r);
size_t record_bytes(const struct record_reader *r);
/* The next complete tick: 1, or 0 at the end. A line that is not JSON,
 * a truncated last line or a tick left incomplete by a crash ends the
 * reading there; record_problem then says what and where. */
int record_next(struct record_reader *r, struct record_tick *out);
const char *record_problem(const struct record_reader *r);
/* Whether that problem is the file's (ticks out of order), not a crash's
 * (a cut last line): replay then exits 1. */
bool record_corrupt(const struct record_reader *r);

#endif
