/* The engine thread: it owns the loop, ticks it on the clock (simulated
 * seconds per wall second), and after every tick publishes an immutable
 * snapshot. Readers (the console) take a reference, read, release; they
 * never touch engine state. Commands go in through runner_submit. Snapshots
 * come from a small pool and are reused once no reader holds them, so a
 * steady state allocates nothing per tick. */
#ifndef PODPILOT_RUNNER_H
#define PODPILOT_RUNNER_H

#include "engine/loop.h"

#define RUNNER_EVENTS 256
#define RUNNER_DESCRIBE 16384
#define RUNNER_REPORT 8192
#define RUNNER_POD_GPU 1024 /* ready pods whose GPU figures a snapshot carries */

struct snap_service {
    struct loop_view view; /* strings point into this struct */
    char service[SVC_NAME_MAX + 66];
    char metric[SVC_NAME_MAX];
    struct hpa_status *hpa; /* when view.hpa: made the first time this service has one */
};

struct snap_event {
    double t;
    size_t svc;
    bool warning;
    char reason[40];
    char message[240];
};

struct snapshot {
    uint64_t seq;   /* 1, 2, ... per publication */
    int64_t t;      /* seconds since the start */
    bool done;      /* the run reached its end */
    bool paused;    /* the clock is held */
    bool recording; /* set by the owner through runner_set_recording */
    double speed;
    size_t n;
    struct snap_service *svcs;
    size_t n_events; /* the newest RUNNER_EVENTS, oldest first */
    struct snap_event *events;
    /* the focused service (runner_focus): its `kubectl describe hpa` text */
    size_t focus;
    char *describe;      /* "" unless the focused service is an HPA */
    uint64_t report_seq; /* the newest finished load test's report, 0: none yet */
    size_t report_svc;
    char *report;
    size_t n_pod_gpu; /* the focused service's ready pods' GPU utilization */
    double *pod_gpu;
    struct source_signals signals; /* the focused service's exporter figures (live) */
    /* the runner's */
    int refs;
};

/* Where observations come from when not from the simulated cluster: a
 * recording, say. open makes the source (at the start, and again to seek
 * back: a source read from its start), close frees it. */
struct runner_source {
    struct source *(*open)(void *ctx, struct pp_error *err);
    void (*close)(void *ctx, struct source *src);
    void *ctx;
};

struct runner_options {
    double speed;       /* simulated seconds per wall second; 0 = as fast as possible */
    int64_t duration_s; /* stop after; 0 = run until runner_stop */
    const struct runner_source *source; /* NULL: the simulated cluster of the set, unseekable */
    bool paused;                        /* start paused (replay) */
};

struct runner;

/* Creates the loop over set (which must outlive the runner) and starts the
 * engine thread. `emit`, when set, also sees every loop record, on the
 * engine thread (a recorder, a printer). */
struct runner *runner_start(const struct svc_set *set, const struct runner_options *opt,
                            loop_emit_fn emit, void *ctx, struct pp_error *err);
/* Stops the thread (at a tick boundary) and frees everything; snapshots
 * still held become invalid. */
void runner_stop(struct runner *r);

/* The newest snapshot, referenced until runner_release. */
const struct snapshot *runner_acquire(struct runner *r);
void runner_release(struct runner *r, const struct snapshot *s);
/* A descriptor that becomes readable after each publication: poll it with
 * the terminal, then runner_drain_wake it. */
int runner_wake_fd(const struct runner *r);
/* The snapshots' memory: the pool times what each holds for n services
 * (for bench/tui). HPA statuses, made on first use, are not counted. */
size_t runner_snapshot_bytes(struct runner *r);
void runner_drain_wake(struct runner *r);

/* loop_submit from any thread. */
enum pp_status runner_submit(struct runner *r, const struct command *cmd, struct pp_error *err);
/* Which service's describe text and per-pod GPU figures snapshots carry (SIZE_MAX: none); from the
 * next publication on. */
void runner_focus(struct runner *r, size_t svc);
/* Pace changes take effect at the next tick; 0 = as fast as possible. */
void runner_set_speed(struct runner *r, double speed);
/* Runs fn(ctx, loop) on the engine thread before its next tick (one call
 * waits at a time: false when one already does). The loop must not be
 * kept. */
typedef void (*runner_call_fn)(void *ctx, struct loop *l);
bool runner_call(struct runner *r, runner_call_fn fn, void *ctx);

double runner_speed(struct runner *r);
bool runner_paused(struct runner *r);
/* From the engine thread (a loop_emit_fn): the report of a finished load
 * test, which snapshots then carry. */
void runner_set_report(struct runner *r, size_t svc, const char *text);
/* What snapshots say of a recording (the recorder is the owner's). */
void runner_set_recording(struct runner *r, bool on);
/* Holds the clock (true) or lets it run. */
void runner_pause(struct runner *r, bool paused);
/* One tick while paused. */
void runner_step(struct runner *r);
/* Goes to second t (a source only: back means replaying from the start,
 * which the engine does as fast as it can, publishing once). */
void runner_seek(struct runner *r, int64_t t);

#endif
