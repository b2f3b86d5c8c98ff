/* engine/cron: go-cron's grammar and errors, Next() across DST, the
 * controller's excludeDates and runOnce rules, ScaleHPA and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/zone.h"
#include "engine/cron.h"

#include <stdio.h>
#include <string.h>

static struct tz *zone(const char *name) {
    struct pp_error err = {0};
    struct tz *z = zone_load(name, &err);
    if (!z)
        fail_msg("zone %s: %s", name, err.message);
    return z;
}

static int64_t utc_at(int y, int mo, int d, int h, int mi, int s) {
    struct tz *u = tz_utc();
    int64_t t = tz_date(u, y, mo, d, h, mi, s);
    tz_destroy(u);
    return t;
}

static void parse_error(const char *spec, const char *want) {
    struct cron_schedule s;
    char msg[512] = "";
    assert_false(cron_parse(spec, &s, msg, sizeof(msg)));
    assert_string_equal(msg, want);
}

static struct cron_schedule parsed(const char *spec) {
    struct cron_schedule s;
    char msg[512] = "";
    if (!cron_parse(spec, &s, msg, sizeof(msg)))
        fail_msg("%s: %s", spec, msg);
    return s;
}

static void test_parse_errors(void **state) {
    (void)state;
    parse_error("", "Empty spec string");
    parse_error("0 9 * *", "Expected 5 to 6 fields, found 4: 0 9 * *");
    parse_error("0 0 0 * * * *", "Expected 5 to 6 fields, found 7: 0 0 0 * * * *");
    parse_error("0 60 * * * *", "End of range (60) above maximum (59): 60");
    parse_error("0 0 24 * * *", "End of range (24) above maximum (23): 24");
    parse_error("0 0 0 0 * *", "Beginning of range (0) below minimum (1): 0");
    parse_error("0 0 0 * 13 *", "End of range (13) above maximum (12): 13");
    parse_error("0 0 0 * * 7", "End of range (7) above maximum (6): 7");
    parse_error("0 30-10 * * * *", "Beginning of range (30) beyond end of range (10): 30-10");
    parse_error("*/0 * * * * *", "Step of range should be a positive number: */0");
    parse_error("1-2-3 * * * * *", "Too many hyphens: 1-2-3");
    parse_error("*/2/3 * * * * *", "Too many slashes: */2/3");
    parse_error("x * * * * *",
                "Failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
    parse_error("*/-1 * * * * *", "Negative number (-1) not allowed: -1");
    parse_error("0 0 0 * * 99999999999",
                "End of range (99999999999) above maximum (6): 99999999999");
    parse_error("@fortnightly", "Unrecognized descriptor: @fortnightly");
    parse_error(
        "@every 90x",
        "Failed to parse duration @every 90x: time: unknown unit \"x\" in duration \"90x\"");
    parse_error("@every 90", "Failed to parse duration @every 90: time: missing unit in duration "
                             "\"90\"");
    parse_error("@date 2024-13-01 00:00:00", "Failed to parse date @date 2024-13-01 00:00:00: "
                                             "parsing time \"2024-13-01 00:00:00\": month out of "
                                             "range");
    parse_error("@date 2023-02-29 00:00:00", "Failed to parse date @date 2023-02-29 00:00:00: "
                                             "parsing time \"2023-02-29 00:00:00\": day out of "
                                             "range");
    /* a descriptor must start the string: leading space makes it a field */
    parse_error(" @daily", "Expected 5 to 6 fields, found 1:  @daily");
}

static void test_parse_fields(void **state) {
    (void)state;
    struct cron_schedule s = parsed("10/20 0,30 13-14 1 jan-MAR MON-fri");
    assert_int_equal(s.kind, CRON_SPEC);
    assert_true(s.second == ((1ULL << 10) | (1ULL << 30) | (1ULL << 50)));
    assert_true(s.minute == ((1ULL << 0) | (1ULL << 30)));
    assert_true(s.hour == ((1ULL << 13) | (1ULL << 14)));
    assert_true(s.dom == (1ULL << 1));
    assert_true(s.month == ((1ULL << 1) | (1ULL << 2) | (1ULL << 3)));
    assert_true(s.dow == 0x3EULL);
    /* five fields: day-of-week defaults to '*', nothing shifts */
    s = parsed("0 9 * * 1");
    assert_true(s.minute == (1ULL << 9));
    assert_true(s.month == (1ULL << 1));
    assert_true(s.dow & (1ULL << 63));
    /* '?' is '*'; empty list pieces are dropped */
    struct cron_schedule q = parsed("0 0 0 ? * *");
    assert_true(q.dom & (1ULL << 63));
    s = parsed("1,,2 * * * * *");
    assert_true(s.second == 6);
}

static void test_descriptors(void **state) {
    (void)state;
    struct cron_schedule s = parsed("@every 90m");
    assert_int_equal(s.kind, CRON_EVERY);
    assert_int_equal(s.every, 5400);
    assert_int_equal(parsed("@every 1500ms").every, 1); /* fraction dropped */
    assert_int_equal(parsed("@every 10ms").every, 1);   /* under 1 s becomes 1 s */
    assert_int_equal(cron_next(&s, NULL, 1000), 6400);

    struct tz *u = tz_utc();
    int64_t t = utc_at(2024, 5, 1, 10, 0, 0);
    s = parsed("@weekly"); /* Sunday 00:00 */
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 5, 5, 0, 0, 0));
    s = parsed("@monthly");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 6, 1, 0, 0, 0));
    s = parsed("@yearly");
    assert_int_equal(cron_next(&s, u, t), utc_at(2025, 1, 1, 0, 0, 0));
    s = parsed("@hourly");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 5, 1, 11, 0, 0));
    s = parsed("@daily");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 5, 2, 0, 0, 0));
    /* @date drops the year: 2020's date fires in the coming May */
    s = parsed("@date 2020-05-03 04:05:06");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 5, 3, 4, 5, 6));
    tz_destroy(u);
}

static void test_next_rules(void **state) {
    (void)state;
    struct tz *u = tz_utc();
    int64_t t = utc_at(2024, 1, 1, 8, 0, 0);
    /* strictly after: an activation at t itself is not returned */
    struct cron_schedule s = parsed("0 0 8 * * *");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 1, 2, 8, 0, 0));
    /* both days restricted: OR; one '*': AND */
    s = parsed("0 0 8 15 * 5"); /* 15th or Friday */
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 1, 5, 8, 0, 0));
    s = parsed("0 0 8 15 * *");
    assert_int_equal(cron_next(&s, u, t), utc_at(2024, 1, 15, 8, 0, 0));
    /* February 30th: nothing within five years */
    s = parsed("0 0 0 30 2 *");
    assert_true(cron_next(&s, u, t) == CRON_NEVER);
    /* February 29th: found in the next leap year */
    s = parsed("0 0 0 29 2 *");
    assert_int_equal(cron_next(&s, u, utc_at(2024, 3, 1, 0, 0, 0)), utc_at(2028, 2, 29, 0, 0, 0));
    /* a list that names nothing matches nothing */
    s = parsed(", * * * * *");
    assert_true(cron_next(&s, u, t) == CRON_NEVER);
    tz_destroy(u);
}

static void test_dst(void **state) {
    (void)state;
    struct tz *ny = zone("America/New_York");
    /* spring forward 2024-03-10 02:00 EST -> 03:00 EDT: 02:30 is skipped that day */
    struct cron_schedule s = parsed("0 30 2 * * *");
    int64_t t = tz_date(ny, 2024, 3, 9, 2, 30, 0);
    int64_t n = cron_next(&s, ny, t);
    assert_int_equal(n, tz_date(ny, 2024, 3, 11, 2, 30, 0));
    assert_int_equal(n, utc_at(2024, 3, 11, 6, 30, 0));
    /* fall back 2024-11-03 02:00 EDT -> 01:00 EST: 01:30 fires twice */
    s = parsed("0 30 1 * * *");
    t = utc_at(2024, 11, 3, 4, 0, 0); /* 00:00 EDT */
    n = cron_next(&s, ny, t);
    assert_int_equal(n, utc_at(2024, 11, 3, 5, 30, 0)); /* 01:30 EDT */
    n = cron_next(&s, ny, n);
    assert_int_equal(n, utc_at(2024, 11, 3, 6, 30, 0)); /* 01:30 EST */
    n = cron_next(&s, ny, n);
    assert_int_equal(n, utc_at(2024, 11, 4, 6, 30, 0));
    tz_destroy(ny);

    /* Asia/Shanghai has no DST: 10:30 local is 02:30Z */
    struct tz *sh = zone("Asia/Shanghai");
    s = parsed("0 30 10 * * *");
    assert_int_equal(cron_next(&s, sh, utc_at(2024, 5, 12, 6, 6, 49)),
                     utc_at(2024, 5, 13, 2, 30, 0));
    tz_destroy(sh);
}

static const struct cron_job_spec daily_jobs[] = {
    {"daily-9", "0 0 9 * * *", 3, false},
    {"midnight", "0 0 0 * * *", 1, false},
};
static const char *const fridays[] = {"* * * * * 5"};

static struct cron_spec daily_spec(void) {
    return (struct cron_spec){"apps/v1", "Deployment", "web", daily_jobs, 2, fridays, 1};
}

/* Runs a fresh CronHPA over (from, to] and counts the skipped runs of one job. */
static int skipped(const struct cron_spec *spec, enum cron_exclude_mode mode, int64_t from,
                   int64_t to, size_t job) {
    struct tz *u = tz_utc();
    struct cron *c = cron_create(spec, u, mode, from);
    struct cron_fire f;
    int k = 0;
    for (int i = 0; i < 1000 && cron_take(c, to, &f); i++)
        k += f.result == CRON_SKIPPED && f.job == job;
    cron_destroy(c);
    tz_destroy(u);
    return k;
}

/* Takes the next fire up to `to` and checks whose it is and what it did. */
static struct cron_fire expect_fire(struct cron *c, int64_t to, size_t job,
                                    enum cron_result result) {
    struct cron_fire f = {0};
    assert_true(cron_take(c, to, &f));
    assert_int_equal(f.job, job);
    assert_int_equal(f.result, result);
    return f;
}

static void test_exclude_upstream_and_calendar(void **state) {
    (void)state;
    struct tz *u = tz_utc();
    struct cron_spec spec = daily_spec();
    int64_t from = utc_at(2024, 5, 28, 0, 0, 0), to = utc_at(2024, 6, 4, 23, 0, 0);

    /* upstream: daily-9 skipped only on Friday; midnight skipped every day */
    struct cron *c = cron_create(&spec, u, CRON_EXCLUDE_UPSTREAM, from);
    expect_fire(c, to, 0, CRON_SCALED);
    struct cron_fire f = expect_fire(c, to, 1, CRON_SKIPPED);
    assert_string_equal(f.exclude, "* * * * * 5");
    assert_int_equal(cron_job_state(c, 1), CRON_SUCCEED);
    assert_string_equal(cron_job_message(c, 1),
                        "cron hpa job midnight executed successfully. skip scaling "
                        "activity,because of excludeDate (* * * * * 5).");
    cron_destroy(c);
    tz_destroy(u);
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_UPSTREAM, from, to, 1), 7);
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_UPSTREAM, from, to, 0), 1);
    /* calendar-date mode: only Friday May 31 is off for both jobs */
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_CALENDAR_DATE, from, to, 1), 1);
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_CALENDAR_DATE, from, to, 0), 1);
}

static void test_exclude_never_is_zero_time(void **state) {
    (void)state;
    /* an exclusion that never fires formats as Go's zero time, January 00h:
     * upstream skips every midnight run in January */
    static const char *const never[] = {"0 0 0 30 2 *"};
    struct cron_spec spec = daily_spec();
    spec.exclude_dates = never;
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_UPSTREAM, utc_at(2024, 1, 10, 1, 0, 0),
                             utc_at(2024, 1, 12, 23, 0, 0), 1),
                     2);
    assert_int_equal(skipped(&spec, CRON_EXCLUDE_UPSTREAM, utc_at(2024, 2, 10, 1, 0, 0),
                             utc_at(2024, 2, 12, 23, 0, 0), 1),
                     0);
}

static void test_run_once_and_failed(void **state) {
    (void)state;
    static const struct cron_job_spec jobs[] = {
        {"once", "0 */1 * * * *", 5, true},
        {"promo", "@date 2024-11-11 00:00:00", 10, false},
        {"broken", "0 9 * *", 2, false},
    };
    struct cron_spec spec = {"apps/v1", "Deployment", "web", jobs, 3, NULL, 0};
    struct tz *u = tz_utc();
    int64_t from = utc_at(2024, 11, 10, 23, 58, 30);
    struct cron *c = cron_create(&spec, u, CRON_EXCLUDE_UPSTREAM, from);
    assert_int_equal(cron_job_state(c, 0), CRON_SUBMITTED);
    assert_int_equal(cron_job_state(c, 2), CRON_FAILED);
    assert_string_equal(cron_job_message(c, 2),
                        "Failed to update cron hpa job broken,because of Failed to add job to "
                        "cronExecutor,because of Expected 5 to 6 fields, found 4: 0 9 * *");
    assert_true(cron_job_next(c, 2) == CRON_NEVER);

    int64_t to = utc_at(2025, 12, 1, 0, 0, 0);
    struct cron_fire f = expect_fire(c, to, 0, CRON_SCALED);
    assert_int_equal(f.at, utc_at(2024, 11, 10, 23, 59, 0));
    assert_true(cron_job_next(c, 0) == CRON_NEVER); /* ran once: leaves the engine */
    expect_fire(c, to, 0, CRON_NOT_RUN_ONCE);       /* same second: job order */
    expect_fire(c, to, 1, CRON_SCALED);
    expect_fire(c, to, 1, CRON_NOT_RUN_ONCE); /* a year later */
    assert_false(cron_take(c, to, &f));
    cron_destroy(c);
    tz_destroy(u);
}

static void test_take_respects_now(void **state) {
    (void)state;
    struct tz *u = tz_utc();
    struct cron_spec spec = daily_spec();
    spec.n_exclude_dates = 0;
    int64_t from = utc_at(2024, 5, 1, 0, 0, 0);
    struct cron *c = cron_create(&spec, u, CRON_EXCLUDE_UPSTREAM, from);
    struct cron_fire f;
    assert_false(cron_take(c, utc_at(2024, 5, 1, 8, 59, 59), &f));
    assert_true(cron_take(c, utc_at(2024, 5, 1, 9, 0, 0), &f));
    assert_int_equal(cron_job_last_run(c, 0), utc_at(2024, 5, 1, 9, 0, 0));
    assert_int_equal(cron_job_next(c, 0), utc_at(2024, 5, 2, 9, 0, 0));
    assert_false(cron_take(c, utc_at(2024, 5, 1, 9, 0, 0), &f));
    cron_destroy(c);
    tz_destroy(u);
}

static void validate_error(struct cron_spec spec, const char *field, const char *message) {
    struct pp_error err = {0};
    assert_int_not_equal(cron_validate(&spec, &err), PP_OK);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, message));
}

static void test_validate(void **state) {
    (void)state;
    struct cron_spec ok = daily_spec();
    struct pp_error err = {0};
    assert_int_equal(cron_validate(&ok, &err), PP_OK);

    struct cron_spec s = ok;
    s.target_api_version = "v1";
    validate_error(s, "spec.scaleTargetRef.apiVersion", "GROUP/VERSION");
    s = ok;
    s.target_name = "";
    validate_error(s, "spec.scaleTargetRef.name", "required");
    static const struct cron_job_spec dup[] = {{"a", "0 0 9 * * *", 1, false},
                                               {"a", "0 0 10 * * *", 2, false}};
    s = ok;
    s.jobs = dup;
    validate_error(s, "spec.jobs[1].name", "defined twice");
    static const struct cron_job_spec bad[] = {{"a", "0 0 9 * * *", 1, false},
                                               {"up", "0 60 * * * *", 2, false}};
    s.jobs = bad;
    validate_error(s, "spec.jobs[1].schedule",
                   "job \"up\": End of range (60) above maximum (59): 60");
    static const struct cron_job_spec neg[] = {{"a", "0 0 9 * * *", -1, false}};
    s.jobs = neg;
    s.n_jobs = 1;
    validate_error(s, "spec.jobs[0].targetSize", "must be >= 0");
    static const char *const bad_ex[] = {"every friday"};
    s = ok;
    s.exclude_dates = bad_ex;
    validate_error(s, "spec.excludeDates[0]", "Expected 5 to 6 fields");
}

static void test_scale_hpa(void **state) {
    (void)state;
    struct cron_hpa_out out;
    struct cron_hpa_in in = {5, 1, 10, 2, 2, "web-hpa", "default"};
    cron_scale_hpa(&in, &out);
    assert_true(out.hpa_updated && out.target_scaled);
    assert_int_equal(out.hpa_min, 5);
    assert_int_equal(out.replicas, 5);
    assert_string_equal(out.message, "current replicas:2, desired replicas:5.");

    /* a scale-down only lowers the floor when the HPA sits on it */
    in = (struct cron_hpa_in){2, 5, 10, 5, 5, "web-hpa", "default"};
    cron_scale_hpa(&in, &out);
    assert_true(out.hpa_updated);
    assert_false(out.target_scaled);
    assert_int_equal(out.hpa_min, 2);
    assert_int_equal(out.replicas, 5);
    in = (struct cron_hpa_in){3, 1, 10, 5, 5, "web-hpa", "default"};
    cron_scale_hpa(&in, &out);
    assert_false(out.hpa_updated);
    assert_int_equal(out.hpa_min, 1);
    /* above max: max follows */
    in = (struct cron_hpa_in){6, 1, 3, 3, 3, "web-hpa", "default"};
    cron_scale_hpa(&in, &out);
    assert_int_equal(out.hpa_max, 6);
    assert_int_equal(out.hpa_min, 6);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_descriptors),
        cmocka_unit_test(test_next_rules),
        cmocka_unit_test(test_dst),
        cmocka_unit_test(test_exclude_upstream_and_calendar),
        cmocka_unit_test(test_exclude_never_is_zero_time),
        cmocka_unit_test(test_run_once_and_failed),
        cmocka_unit_test(test_take_respects_now),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_scale_hpa),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
