/* Scheduled scaling as kubernetes-cronhpa-controller does it: the schedule
 * grammar and Next() of its vendored go-cron (robfig/cron v1), the
 * controller's run of one job (excludeDates, runOnce, @date) and how a job
 * whose target is an HPA moves the HPA's bounds. Times are Unix seconds; the
 * controller's single time zone comes in as a struct tz. */
#ifndef PODPILOT_CRON_H
#define PODPILOT_CRON_H

#include "engine/common.h"
#include "engine/tz.h"

/* Next() found nothing within five years (Go's zero time). */
#define CRON_NEVER INT64_MIN

enum cron_kind {
    CRON_SPEC,  /* six bit sets */
    CRON_EVERY, /* @every d: a constant delay from when the job was added */
};

struct cron_schedule {
    enum cron_kind kind;
    /* Bit i set when value i matches; bit 63 marks a '*' or '?' field,
     * which switches the day rule from OR to AND. */
    uint64_t second, minute, hour, dom, month, dow;
    int64_t every; /* seconds, CRON_EVERY only */
};

/* go-cron's default parser: 5 or 6 fields (seconds first, day-of-week
 * optional), names, ranges, steps, '?', and the descriptors @yearly
 * @annually @monthly @weekly @daily @midnight @hourly, "@every DURATION" and
 * "@date YYYY-MM-DD hh:mm:ss" (the year is dropped, as upstream does). On
 * failure writes upstream's message into msg, e.g.
 * "End of range (60) above maximum (59): 60". */
bool cron_parse(const char *spec, struct cron_schedule *out, char *msg, size_t size);

/* The first activation strictly after t (a CRON_EVERY schedule: t + every),
 * or CRON_NEVER. Searches local time in zone z as robfig/cron v1 does: a
 * local time that a DST change skips does not fire that day, one that it
 * repeats fires twice. */
int64_t cron_next(const struct cron_schedule *s, const struct tz *z, int64_t t);

/* ---- a CronHorizontalPodAutoscaler ---- */

struct cron_job_spec {
    const char *name;
    const char *schedule;
    int32_t target_size;
    bool run_once;
};

struct cron_spec {
    const char *target_api_version; /* "apps/v1" */
    const char *target_kind;        /* "Deployment", "HorizontalPodAutoscaler", ... */
    const char *target_name;
    const struct cron_job_spec *jobs;
    size_t n_jobs;
    const char *const *exclude_dates;
    size_t n_exclude_dates;
};

enum cron_exclude_mode {
    /* IsTodayOff as shipped: it compares Format("11-15-1990"), which in Go's
     * layout is month and hour only, so 00:00 runs in a month with a later
     * excluded day are skipped too. */
    CRON_EXCLUDE_UPSTREAM,
    /* What was meant: the calendar date of the exclusion's next activation
     * equals today's. Not upstream; labelled as such wherever it is shown. */
    CRON_EXCLUDE_CALENDAR_DATE,
};

/* Checks what the API server and the controller would refuse, and what
 * podpilot refuses up front: apiVersion without '/', empty names, duplicate
 * or empty job names, a negative targetSize, a schedule that does not parse.
 * err names the field ("spec.jobs[1].schedule") and the job. */
enum pp_status cron_validate(const struct cron_spec *spec, struct pp_error *err);

enum cron_state {
    CRON_SUBMITTED, /* in the engine, not run yet */
    CRON_SUCCEED,   /* ran (a skipped run counts as success) */
    CRON_FAILED,    /* the schedule did not parse, or the run failed */
};

enum cron_result {
    CRON_SCALED,       /* ran and set the target */
    CRON_SKIPPED,      /* ran, an excludeDates entry matched: nothing scaled */
    CRON_NOT_RUN_ONCE, /* would fire, but the job was deleted after its one run */
};

/* One activation of one job. */
struct cron_fire {
    size_t job; /* index into spec.jobs */
    int64_t at; /* Unix seconds */
    int32_t target_size;
    enum cron_result result;
    const char *exclude; /* the matching excludeDates entry (CRON_SKIPPED) */
};

struct cron;

/* Starts the controller's engine at `now`: every job is added (its @every
 * clock starts here) and its first activation computed. Jobs whose schedule
 * does not parse stay in CRON_FAILED with upstream's condition message;
 * cron_validate is what refuses them up front. Copies what it keeps. */
struct cron *cron_create(const struct cron_spec *spec, const struct tz *zone,
                         enum cron_exclude_mode mode, int64_t now);
void cron_destroy(struct cron *c);

/* Takes the earliest pending activation at or before `now` (ties in job
 * order, as sorted by upstream's engine; upstream runs ties concurrently, so
 * for one target the winner is undefined there) and advances that job.
 * Returns false when nothing is due. Allocates nothing. */
bool cron_take(struct cron *c, int64_t now, struct cron_fire *out);

/* Next activation of job i (CRON_NEVER if none or removed). */
int64_t cron_job_next(const struct cron *c, size_t i);
/* The job's status condition as upstream writes it. */
enum cron_state cron_job_state(const struct cron *c, size_t i);
const char *cron_job_message(const struct cron *c, size_t i);
int64_t cron_job_last_run(const struct cron *c, size_t i); /* CRON_NEVER before the first */
size_t cron_job_count(const struct cron *c);

/* What ScaleHPA does for a job whose scaleTargetRef is an HPA. */
struct cron_hpa_in {
    int32_t target_size;
    int32_t hpa_min, hpa_max;
    int32_t hpa_current;    /* hpa.status.currentReplicas */
    int32_t scale_replicas; /* the workload's scale spec.replicas */
    const char *hpa_name, *hpa_namespace;
};

struct cron_hpa_out {
    bool hpa_updated; /* the HPA's bounds were written */
    int32_t hpa_min, hpa_max;
    bool target_scaled; /* the workload's scale was set */
    int32_t replicas;   /* the workload's spec.replicas afterwards */
    char message[256];  /* "current replicas:2, desired replicas:5." or the skip text */
};

void cron_scale_hpa(const struct cron_hpa_in *in, struct cron_hpa_out *out);

/* Messages of a run as upstream words them (the job's condition and Event). */
void cron_status_message(const char *job, const char *result_message, char *buf, size_t size);
void cron_skip_message(const char *exclude, char *buf, size_t size);

#endif
