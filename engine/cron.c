#include "engine/cron.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAR_BIT (UINT64_C(1) << 63)

struct bounds {
    unsigned min, max;
    const char *const *names; /* names[i] stands for names_base + i */
    unsigned names_base;
    size_t n_names;
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static const struct bounds b_second = {0, 59, NULL, 0, 0};
static const struct bounds b_minute = {0, 59, NULL, 0, 0};
static const struct bounds b_hour = {0, 23, NULL, 0, 0};
static const struct bounds b_dom = {1, 31, NULL, 0, 0};
static const struct bounds b_month = {1, 12, month_names, 1, 12};
static const struct bounds b_dow = {0, 6, dow_names, 0, 7};

static bool fail(char *msg, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *msg, size_t size, const char *fmt, ...) {
    if (msg && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, size, fmt, ap);
        va_end(ap);
    }
    return false;
}

static uint64_t bits(uint64_t min, uint64_t max, uint64_t step) {
    uint64_t b = 0;
    for (uint64_t i = min; i <= max; i += step)
        b |= UINT64_C(1) << i;
    return b;
}

/* strconv.Atoi on s[0..n), then go-cron's mustParseInt. */
static bool must_parse_int(const char *s, size_t n, uint64_t *out, char *msg, size_t size) {
    char text[128];
    snprintf(text, sizeof(text), "%.*s", (int)n, s);
    size_t i = 0;
    bool neg = false;
    if (text[0] == '+' || text[0] == '-')
        neg = text[i++] == '-';
    bool digits = text[i] != '\0';
    uint64_t v = 0;
    bool range = false;
    for (; text[i]; i++) {
        if (!isdigit((unsigned char)text[i])) {
            digits = false;
            break;
        }
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            range = true;
        else
            v = v * 10 + d;
    }
    if (!digits)
        return fail(msg, size,
                    "Failed to parse int from %s: strconv.Atoi: parsing \"%s\": invalid syntax",
                    text, text);
    if (range || v > (uint64_t)INT64_MAX + neg)
        return fail(msg, size,
                    "Failed to parse int from %s: strconv.Atoi: parsing \"%s\": value out of range",
                    text, text);
    if (neg && v > 0)
        return fail(msg, size, "Negative number (-%llu) not allowed: %s", (unsigned long long)v,
                    text);
    *out = v;
    return true;
}

/* strings.ToLower(s) == name, for the ASCII names go-cron knows. */
static bool lower_equal(const char *s, size_t n, const char *name) {
    if (strlen(name) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (tolower((unsigned char)s[i]) != name[i])
            return false;
    }
    return true;
}

static bool int_or_name(const char *s, size_t n, const struct bounds *r, uint64_t *out, char *msg,
                        size_t size) {
    for (size_t i = 0; i < r->n_names; i++) {
        if (lower_equal(s, n, r->names[i])) {
            *out = r->names_base + i;
            return true;
        }
    }
    return must_parse_int(s, n, out, msg, size);
}

static size_t count_char(const char *s, size_t n, char c) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/* getRange: one comma-separated piece, expr = s[0..n). */
static bool parse_range(const char *s, size_t n, const struct bounds *r, uint64_t *out, char *msg,
                        size_t size) {
    char expr[128];
    snprintf(expr, sizeof(expr), "%.*s", (int)n, s);
    const char *slash = memchr(s, '/', n);
    size_t range_len = slash ? (size_t)(slash - s) : n;
    size_t hyphens = count_char(s, range_len, '-');
    uint64_t start, end, step = 1;
    uint64_t extra = 0;
    const char *hy = memchr(s, '-', range_len);
    size_t low_len = hy ? (size_t)(hy - s) : range_len;
    if ((low_len == 1 && (s[0] == '*' || s[0] == '?'))) {
        start = r->min;
        end = r->max;
        extra = STAR_BIT;
    } else {
        if (!int_or_name(s, low_len, r, &start, msg, size))
            return false;
        if (hyphens == 0) {
            end = start;
        } else if (hyphens == 1) {
            if (!int_or_name(hy + 1, range_len - low_len - 1, r, &end, msg, size))
                return false;
        } else {
            return fail(msg, size, "Too many hyphens: %s", expr);
        }
    }
    if (slash) {
        if (count_char(s, n, '/') > 1)
            return fail(msg, size, "Too many slashes: %s", expr);
        if (!must_parse_int(slash + 1, n - range_len - 1, &step, msg, size))
            return false;
        if (hyphens == 0) /* "N/step" means "N-max/step" */
            end = r->max;
    }
    if (start < r->min)
        return fail(msg, size, "Beginning of range (%llu) below minimum (%u): %s",
                    (unsigned long long)start, r->min, expr);
    if (end > r->max)
        return fail(msg, size, "End of range (%llu) above maximum (%u): %s",
                    (unsigned long long)end, r->max, expr);
    if (start > end)
        return fail(msg, size, "Beginning of range (%llu) beyond end of range (%llu): %s",
                    (unsigned long long)start, (unsigned long long)end, expr);
    if (step == 0)
        return fail(msg, size, "Step of range should be a positive number: %s", expr);
    *out = bits(start, end, step) | extra;
    return true;
}

/* getField: pieces split on ',' with empty pieces dropped (FieldsFunc). */
static bool parse_field(const char *s, size_t n, const struct bounds *r, uint64_t *out, char *msg,
                        size_t size) {
    uint64_t b = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        if (j > i) {
            uint64_t piece = 0;
            if (!parse_range(s + i, j - i, r, &piece, msg, size))
                return false;
            b |= piece;
        }
        i = j + 1;
    }
    *out = b;
    return true;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static bool two_digits(const char *p, int *v) {
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return false;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    return true;
}

static bool parse_fields(const char *spec, struct cron_schedule *out, char *msg, size_t size);

/* "@date YYYY-MM-DD hh:mm:ss" (Go layout "2006-01-02 15:04:05") becomes
 * "ss mm hh DD MM *": the year is checked, then dropped. */
static bool parse_date(const char *spec, struct cron_schedule *out, char *msg, size_t size) {
    const char *v = spec + strlen("@date ");
    int y = 0, mo, d, h, mi, s;
    const char *why = NULL;
    bool shape = strlen(v) == 19 && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' &&
                 v[16] == ':';
    for (int i = 0; shape && i < 4; i++) {
        if (!isdigit((unsigned char)v[i]))
            shape = false;
        else
            y = y * 10 + (v[i] - '0');
    }
    if (!shape || !two_digits(v + 5, &mo) || !two_digits(v + 8, &d) || !two_digits(v + 11, &h) ||
        !two_digits(v + 14, &mi) || !two_digits(v + 17, &s))
        why = "cannot parse as \"2006-01-02 15:04:05\"";
    else if (mo < 1 || mo > 12)
        why = "month out of range";
    else if (d < 1 || d > days_in(y, mo))
        why = "day out of range";
    else if (h > 23)
        why = "hour out of range";
    else if (mi > 59)
        why = "minute out of range";
    else if (s > 59)
        why = "second out of range";
    if (why)
        return fail(msg, size, "Failed to parse date %s: parsing time \"%s\": %s", spec, v, why);
    char fields[64];
    snprintf(fields, sizeof(fields), "%d %d %d %d %d *", s, mi, h, d, mo);
    return parse_fields(fields, out, msg, size);
}

static bool parse_descriptor(const char *spec, struct cron_schedule *out, char *msg, size_t size) {
    uint64_t all_dom = bits(1, 31, 1) | STAR_BIT, all_month = bits(1, 12, 1) | STAR_BIT,
             all_dow = bits(0, 6, 1) | STAR_BIT, all_hour = bits(0, 23, 1) | STAR_BIT;
    memset(out, 0, sizeof(*out));
    out->kind = CRON_SPEC;
    out->second = 1;
    out->minute = 1;
    out->hour = 1;
    if (strcmp(spec, "@yearly") == 0 || strcmp(spec, "@annually") == 0) {
        out->dom = UINT64_C(1) << 1;
        out->month = UINT64_C(1) << 1;
        out->dow = all_dow;
    } else if (strcmp(spec, "@monthly") == 0) {
        out->dom = UINT64_C(1) << 1;
        out->month = all_month;
        out->dow = all_dow;
    } else if (strcmp(spec, "@weekly") == 0) {
        out->dom = all_dom;
        out->month = all_month;
        out->dow = 1;
    } else if (strcmp(spec, "@daily") == 0 || strcmp(spec, "@midnight") == 0) {
        out->dom = all_dom;
        out->month = all_month;
        out->dow = all_dow;
    } else if (strcmp(spec, "@hourly") == 0) {
        out->hour = all_hour;
        out->dom = all_dom;
        out->month = all_month;
        out->dow = all_dow;
    } else if (strncmp(spec, "@every ", 7) == 0) {
        pp_time d;
        char why[256];
        if (!goparse_duration_msg(spec + 7, &d, why, sizeof(why)))
            return fail(msg, size, "Failed to parse duration %s: %s", spec, why);
        /* Every(): under a second becomes a second; the fraction is dropped */
        int64_t sec = d < PP_NS_PER_SEC ? 1 : d / PP_NS_PER_SEC;
        out->kind = CRON_EVERY;
        out->every = sec;
    } else if (strncmp(spec, "@date ", 6) == 0) {
        return parse_date(spec, out, msg, size);
    } else {
        return fail(msg, size, "Unrecognized descriptor: %s", spec);
    }
    return true;
}

static bool parse_fields(const char *spec, struct cron_schedule *out, char *msg, size_t size) {
    const char *start[7];
    size_t len[7], n = 0;
    for (const char *p = spec; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (n < 7) {
            start[n] = b;
            len[n] = (size_t)(p - b);
        }
        n++;
    }
    if (n < 5 || n > 6)
        return fail(msg, size, "Expected 5 to 6 fields, found %zu: %s", n, spec);
    if (n == 5) { /* DowOptional: the last field defaults, nothing shifts */
        start[5] = "*";
        len[5] = 1;
    }
    static const struct bounds *const b[6] = {&b_second, &b_minute, &b_hour,
                                              &b_dom,    &b_month,  &b_dow};
    uint64_t v[6];
    for (int i = 0; i < 6; i++) {
        if (!parse_field(start[i], len[i], b[i], &v[i], msg, size))
            return false;
    }
    memset(out, 0, sizeof(*out));
    out->kind = CRON_SPEC;
    out->second = v[0];
    out->minute = v[1];
    out->hour = v[2];
    out->dom = v[3];
    out->month = v[4];
    out->dow = v[5];
    return true;
}

bool cron_parse(const char *spec, struct cron_schedule *out, char *msg, size_t size) {
    if (!spec || !*spec)
        return fail(msg, size, "Empty spec string");
    if (spec[0] == '@')
        return parse_descriptor(spec, out, msg, size);
    return parse_fields(spec, out, msg, size);
}

/* ---- Next ---- */

static bool has(uint64_t set, int v) { return (set >> v) & 1; }

static bool day_matches(const struct cron_schedule *s, const struct tz_fields *f) {
    bool dom = has(s->dom, f->day), dow = has(s->dow, f->wday);
    if ((s->dom & STAR_BIT) || (s->dow & STAR_BIT))
        return dom && dow;
    return dom || dow;
}

static int64_t floor_to(int64_t t, int64_t unit) {
    int64_t r = t % unit;
    return r < 0 ? t - r - unit : t - r;
}

int64_t cron_next(const struct cron_schedule *s, const struct tz *z, int64_t t) {
    if (s->kind == CRON_EVERY)
        return t + s->every;
    /* Sets that match nothing: Go searches five years and gives up; the
     * answer is the same without the search. */
    if (!(s->second & ~STAR_BIT) || !(s->minute & ~STAR_BIT) || !(s->hour & ~STAR_BIT) ||
        !(s->month & ~STAR_BIT) || (!(s->dom & ~STAR_BIT) && !(s->dow & ~STAR_BIT)))
        return CRON_NEVER;

    t += 1; /* the upcoming second */
    struct tz_fields f;
    tz_fields(z, t, &f);
    bool added = false;
    const int year_limit = f.year + 5;

wrap:
    tz_fields(z, t, &f);
    if (f.year > year_limit)
        return CRON_NEVER;

    while (!has(s->month, f.month)) {
        if (!added) {
            added = true;
            t = tz_date(z, f.year, f.month, 1, 0, 0, 0);
            tz_fields(z, t, &f);
        }
        t = tz_date(z, f.year, f.month + 1, f.day, f.hour, f.minute, f.second);
        tz_fields(z, t, &f);
        if (f.month == 1)
            goto wrap;
    }

    while (!day_matches(s, &f)) {
        if (!added) {
            added = true;
            t = tz_date(z, f.year, f.month, f.day, 0, 0, 0);
            tz_fields(z, t, &f);
        }
        t = tz_date(z, f.year, f.month, f.day + 1, f.hour, f.minute, f.second);
        tz_fields(z, t, &f);
        if (f.day == 1)
            goto wrap;
    }

    while (!has(s->hour, f.hour)) {
        if (!added) {
            added = true;
            t = tz_date(z, f.year, f.month, f.day, f.hour, 0, 0);
            tz_fields(z, t, &f);
        }
        t += 3600;
        tz_fields(z, t, &f);
        if (f.hour == 0)
            goto wrap;
    }

    while (!has(s->minute, f.minute)) {
        if (!added) {
            added = true;
            t = floor_to(t, 60); /* Truncate(time.Minute): absolute, not local */
        }
        t += 60;
        tz_fields(z, t, &f);
        if (f.minute == 0)
            goto wrap;
    }

    while (!has(s->second, f.second)) {
        added = true;
        t += 1;
        tz_fields(z, t, &f);
        if (f.second == 0)
            goto wrap;
    }
    return t;
}

/* ---- the CronHPA ---- */

struct cron_job {
    char *name;
    struct cron_schedule schedule;
    bool parsed;
    bool run_once;
    int32_t target_size;
    int64_t next;
    int64_t last_run;
    bool ran_once; /* a run-once job that ran: deleted on the next reconcile */
    bool removed;
    enum cron_state state;
    char message[512];
};

struct cron_exclude {
    char *text;
    struct cron_schedule schedule;
    bool parsed; /* unparsable entries are skipped, as upstream warns and skips */
};

struct cron {
    const struct tz *zone;
    enum cron_exclude_mode mode;
    struct cron_job *jobs;
    size_t n_jobs;
    struct cron_exclude *excludes;
    size_t n_excludes;
};

enum pp_status cron_validate(const struct cron_spec *spec, struct pp_error *err) {
    if (!spec->target_api_version || !strchr(spec->target_api_version, '/'))
        return pp_fail(err, PP_ERR_INVALID, "spec.scaleTargetRef.apiVersion",
                       "must be GROUP/VERSION such as apps/v1, got \"%s\" (the controller "
                       "splits it on '/')",
                       spec->target_api_version ? spec->target_api_version : "");
    const char *av = spec->target_api_version;
    const char *sl = strchr(av, '/');
    if (sl == av || sl[1] == '\0')
        return pp_fail(err, PP_ERR_INVALID, "spec.scaleTargetRef.apiVersion",
                       "group and version must both be non-empty, got \"%s\"", av);
    if (!spec->target_kind || !*spec->target_kind)
        return pp_fail(err, PP_ERR_INVALID, "spec.scaleTargetRef.kind", "is required");
    if (!spec->target_name || !*spec->target_name)
        return pp_fail(err, PP_ERR_INVALID, "spec.scaleTargetRef.name", "is required");
    char field[128];
    for (size_t i = 0; i < spec->n_jobs; i++) {
        const struct cron_job_spec *j = &spec->jobs[i];
        if (!j->name || !*j->name) {
            snprintf(field, sizeof(field), "spec.jobs[%zu].name", i);
            return pp_fail(err, PP_ERR_INVALID, field, "is required");
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(spec->jobs[k].name, j->name) == 0) {
                snprintf(field, sizeof(field), "spec.jobs[%zu].name", i);
                return pp_fail(err, PP_ERR_INVALID, field,
                               "job \"%s\" is defined twice (jobs[%zu] and jobs[%zu]); the "
                               "controller keys jobs by name",
                               j->name, k, i);
            }
        }
        if (j->target_size < 0) {
            snprintf(field, sizeof(field), "spec.jobs[%zu].targetSize", i);
            return pp_fail(err, PP_ERR_INVALID, field, "job \"%s\": must be >= 0, got %d", j->name,
                           (int)j->target_size);
        }
        struct cron_schedule s;
        char why[384];
        if (!cron_parse(j->schedule, &s, why, sizeof(why))) {
            snprintf(field, sizeof(field), "spec.jobs[%zu].schedule", i);
            return pp_fail(err, PP_ERR_PARSE, field, "job \"%s\": %s", j->name, why);
        }
    }
    for (size_t i = 0; i < spec->n_exclude_dates; i++) {
        struct cron_schedule s;
        char why[384];
        if (!cron_parse(spec->exclude_dates[i], &s, why, sizeof(why))) {
            snprintf(field, sizeof(field), "spec.excludeDates[%zu]", i);
            return pp_fail(err, PP_ERR_PARSE, field,
                           "%s (the controller would ignore this entry with a warning)", why);
        }
    }
    return PP_OK;
}

struct cron *cron_create(const struct cron_spec *spec, const struct tz *zone,
                         enum cron_exclude_mode mode, int64_t now) {
    struct cron *c = xcalloc(1, sizeof(*c));
    c->zone = zone;
    c->mode = mode;
    c->n_jobs = spec->n_jobs;
    c->jobs = xcalloc(spec->n_jobs ? spec->n_jobs : 1, sizeof(*c->jobs));
    for (size_t i = 0; i < spec->n_jobs; i++) {
        const struct cron_job_spec *js = &spec->jobs[i];
        struct cron_job *j = &c->jobs[i];
        j->name = xstrdup(js->name ? js->name : "");
        j->target_size = js->target_size;
        /* runOnce(): the flag, or a schedule containing "@date " */
        j->run_once = js->run_once || (js->schedule && strstr(js->schedule, "@date "));
        j->last_run = CRON_NEVER;
        char why[384];
        j->parsed = cron_parse(js->schedule, &j->schedule, why, sizeof(why));
        if (j->parsed) {
            j->state = CRON_SUBMITTED;
            j->next = cron_next(&j->schedule, zone, now);
        } else {
            j->state = CRON_FAILED;
            j->next = CRON_NEVER;
            snprintf(j->message, sizeof(j->message),
                     "Failed to update cron hpa job %s,because of Failed to add job to "
                     "cronExecutor,because of %s",
                     j->name, why);
        }
    }
    c->n_excludes = spec->n_exclude_dates;
    c->excludes = xcalloc(c->n_excludes ? c->n_excludes : 1, sizeof(*c->excludes));
    for (size_t i = 0; i < c->n_excludes; i++) {
        c->excludes[i].text = xstrdup(spec->exclude_dates[i]);
        c->excludes[i].parsed =
            cron_parse(spec->exclude_dates[i], &c->excludes[i].schedule, NULL, 0);
    }
    return c;
}

void cron_destroy(struct cron *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->n_jobs; i++)
        free(c->jobs[i].name);
    for (size_t i = 0; i < c->n_excludes; i++)
        free(c->excludes[i].text);
    free(c->jobs);
    free(c->excludes);
    free(c);
}

/* IsTodayOff at `now`: the first exclusion whose next activation "is today". */
static const struct cron_exclude *excluded(const struct cron *c, int64_t now) {
    struct tz_fields today, next;
    tz_fields(c->zone, now, &today);
    for (size_t i = 0; i < c->n_excludes; i++) {
        const struct cron_exclude *e = &c->excludes[i];
        if (!e->parsed)
            continue;
        int64_t t = cron_next(&e->schedule, c->zone, now);
        if (t == CRON_NEVER) {
            /* Go's zero time: January 1 of year 1, 00:00 UTC */
            memset(&next, 0, sizeof(next));
            next.year = 1;
            next.month = 1;
            next.day = 1;
        } else {
            tz_fields(c->zone, t, &next);
        }
        bool same =
            c->mode == CRON_EXCLUDE_UPSTREAM
                ? next.month == today.month && next.hour == today.hour
                : next.year == today.year && next.month == today.month && next.day == today.day;
        if (same)
            return e;
    }
    return NULL;
}

bool cron_take(struct cron *c, int64_t now, struct cron_fire *out) {
    struct cron_job *due = NULL;
    size_t idx = 0;
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct cron_job *j = &c->jobs[i];
        if (j->removed || j->next == CRON_NEVER || j->next > now)
            continue;
        if (!due || j->next < due->next) {
            due = j;
            idx = i;
        }
    }
    if (!due)
        return false;
    out->job = idx;
    out->at = due->next;
    out->target_size = due->target_size;
    out->exclude = NULL;
    if (due->ran_once) {
        out->result = CRON_NOT_RUN_ONCE;
        due->removed = true;
        due->next = CRON_NEVER;
        return true;
    }
    const struct cron_exclude *e = excluded(c, due->next);
    char result[384];
    if (e) {
        out->result = CRON_SKIPPED;
        out->exclude = e->text;
        cron_skip_message(e->text, result, sizeof(result));
    } else {
        out->result = CRON_SCALED;
        result[0] = '\0';
    }
    due->state = CRON_SUCCEED;
    cron_status_message(due->name, result, due->message, sizeof(due->message));
    due->last_run = due->next;
    if (due->run_once)
        due->ran_once = true;
    due->next = cron_next(&due->schedule, c->zone, due->next);
    return true;
}

size_t cron_job_count(const struct cron *c) { return c->n_jobs; }
int64_t cron_job_next(const struct cron *c, size_t i) {
    return c->jobs[i].removed || c->jobs[i].ran_once ? CRON_NEVER : c->jobs[i].next;
}
enum cron_state cron_job_state(const struct cron *c, size_t i) { return c->jobs[i].state; }
const char *cron_job_message(const struct cron *c, size_t i) { return c->jobs[i].message; }
int64_t cron_job_last_run(const struct cron *c, size_t i) { return c->jobs[i].last_run; }

void cron_status_message(const char *job, const char *result_message, char *buf, size_t size) {
    if (result_message && *result_message)
        snprintf(buf, size, "cron hpa job %s executed successfully. %s", job, result_message);
    else
        snprintf(buf, size, "cron hpa job %s executed successfully.", job);
}

void cron_skip_message(const char *exclude, char *buf, size_t size) {
    snprintf(buf, size, "skip scaling activity,because of excludeDate (%s).", exclude);
}

void cron_scale_hpa(const struct cron_hpa_in *in, struct cron_hpa_out *out) {
    int32_t d = in->target_size;
    memset(out, 0, sizeof(*out));
    out->hpa_min = in->hpa_min;
    out->hpa_max = in->hpa_max;
    if (d > out->hpa_max) {
        out->hpa_max = d;
        out->hpa_updated = true;
    }
    if (d < out->hpa_min) {
        out->hpa_min = d;
        out->hpa_updated = true;
    }
    if (in->hpa_current == out->hpa_min && d < in->hpa_current) {
        out->hpa_min = d;
        out->hpa_updated = true;
    }
    if (in->hpa_current < d) {
        out->hpa_min = d;
        out->hpa_updated = true;
    }
    if (in->hpa_current >= d) {
        out->target_scaled = false;
        out->replicas = in->scale_replicas;
        snprintf(out->message, sizeof(out->message),
                 "Skip scale replicas because HPA %s in namespace %s current replicas:%d >= "
                 "desired replicas:%d.",
                 in->hpa_name, in->hpa_namespace, (int)in->scale_replicas, (int)d);
        return;
    }
    out->target_scaled = true;
    out->replicas = d;
    snprintf(out->message, sizeof(out->message), "current replicas:%d, desired replicas:%d.",
             (int)in->scale_replicas, (int)d);
}
