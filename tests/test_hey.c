#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hey_report.h"
#include "loadgen/hey.h"

static void test_flags_and_defaults_are_heys(void **state) {
    (void)state;
    struct hey_args a;
    assert_int_equal(hey_parse("http://x/", true, &a, NULL), PP_OK);
    assert_int_equal(a.n, 200);
    assert_int_equal(a.c, 50);
    assert_int_equal(a.t, 20);
    assert_string_equal(a.method, "GET");
    assert_int_equal(hey_parse("-z 30s -c=5 -m post -H \"Content-Type: application/json\" "
                               "-host h -disable-keepalive -q 2.5 'http://a b/'",
                               true, &a, NULL),
                     PP_OK);
    assert_int_equal(a.z, PP_SEC(30));
    assert_int_equal(a.c, 5);
    assert_string_equal(a.method, "POST");
    assert_string_equal(a.host, "h");
    assert_string_equal(a.url, "http://a b/");
    assert_true(a.q == 2.5);
}

static void test_usage_errors_read_as_heys(void **state) {
    (void)state;
    struct hey_args a;
    struct pp_error err;
    assert_int_not_equal(hey_parse("-n 10 -c 20 u", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "-n cannot be less than -c.");
    assert_int_not_equal(hey_parse("-n 0 u", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "-n and -c cannot be smaller than 1.");
    assert_int_not_equal(hey_parse("-c x u", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "invalid value \"x\" for flag -c: parse error");
    assert_int_not_equal(hey_parse("-h u", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "Flag '-h' is deprecated, please use '-H' instead.");
    assert_int_not_equal(hey_parse("-frob 1 u", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "flag provided but not defined: -frob");
    assert_int_not_equal(hey_parse("-c 5", true, &a, &err), PP_OK);
    assert_string_equal(err.message, "Usage: hey [options...] <url>");
    assert_int_equal(hey_parse("-c 5 -z 1m", false, &a, &err), PP_OK);
}

static char *report(const struct hey_results *r) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    double scratch[16];
    hey_report(f, r, scratch);
    fclose(f);
    return text;
}

static void test_report_has_heys_layout(void **state) {
    (void)state;
    const double lat[] = {0.4, 0.1, 0.2, 0.3, 1.1};
    const struct hey_results r = {.total_s = 2, .lat_s = lat, .n_lat = 5, .n_ok = 5, .status = 200};
    char *t = report(&r);
    assert_non_null(strstr(t, "\nSummary:\n  Total:\t2.0000 secs\n  Slowest:\t1.1000 secs\n"
                              "  Fastest:\t0.1000 secs\n  Average:\t0.4200 secs\n"
                              "  Requests/sec:\t2.5000\n  \n\nResponse time histogram:\n"
                              "  0.100 [1]\t|\xe2\x96\xa0\xe2\x96\xa0"));
    assert_int_equal(strncmp(t, "\nSummary:", 9), 0);
    /* i*100/n >= p, one percentile per latency: with 5 values 90 % is never
     * reached and prints as hey prints an empty slot */
    assert_non_null(strstr(t, "Latency distribution:\n  10% in 0.2000 secs\n"
                              "  25% in 0.3000 secs\n  50% in 0.4000 secs\n"
                              "  75% in 1.1000 secs\n  0% in 0.0000 secs\n"));
    assert_non_null(strstr(t, "  resp wait:\t0.4200 secs, 0.1000 secs, 1.1000 secs\n"));
    /* the report ends as hey's does: three blank lines after the codes */
    const char *tail = "Status code distribution:\n  [200]\t5 responses\n\n\n\n";
    assert_true(strlen(t) > strlen(tail));
    assert_string_equal(t + strlen(t) - strlen(tail), tail);
    assert_null(strstr(t, "Error distribution"));
    free(t);
}

static void test_report_when_everything_failed(void **state) {
    (void)state;
    const struct hey_results r = {.total_s = 1, .n_errors = 4, .error = "boom"};
    char *t = report(&r);
    assert_non_null(strstr(t, "  Average:\t NaN secs\n"));
    assert_non_null(strstr(t, "Response time histogram:\n\n\nLatency distribution:\n\nDetails"));
    const char *tail = "Status code distribution:\n\nError distribution:\n  [4]\tboom\n\n";
    assert_true(strlen(t) > strlen(tail));
    assert_string_equal(t + strlen(t) - strlen(tail), tail);
    free(t);
}

/* A real run's several codes, errors sorted and counted, and its phases. */
static void test_report_of_a_real_run(void **state) {
    (void)state;
    const double lat[] = {0.2, 0.1};
    const struct hey_code_count codes[] = {{200, 1}, {503, 1}};
    const struct hey_error_count errors[] = {{"EOF", 2}, {"dial tcp: refused", 1}};
    struct hey_phase phases[HEY_PHASES] = {{0.02, 0.01, 0.01},
                                           {0, 0, 0},
                                           {0.002, 0.001, 0.001},
                                           {0.2, 0.05, 0.15},
                                           {0.02, 0.01, 0.01}};
    const struct hey_results r = {.total_s = 1,
                                  .lat_s = lat,
                                  .n_lat = 2,
                                  .n_ok = 2,
                                  .n_errors = 3,
                                  .codes = codes,
                                  .n_codes = 2,
                                  .errors = errors,
                                  .n_error_kinds = 2,
                                  .phases = phases};
    char *t = report(&r);
    assert_non_null(strstr(t, "  DNS+dialup:\t0.0100 secs, 0.0100 secs, 0.0100 secs\n"));
    assert_non_null(strstr(t, "  resp wait:\t0.1000 secs, 0.0500 secs, 0.1500 secs\n"));
    assert_non_null(strstr(t, "  Requests/sec:\t5.0000\n"));
    const char *tail = "Status code distribution:\n  [200]\t1 responses\n  [503]\t1 responses\n\n"
                       "Error distribution:\n  [2]\tEOF\n  [1]\tdial tcp: refused\n\n";
    assert_string_equal(t + strlen(t) - strlen(tail), tail);
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_and_defaults_are_heys),
        cmocka_unit_test(test_usage_errors_read_as_heys),
        cmocka_unit_test(test_report_has_heys_layout),
        cmocka_unit_test(test_report_when_everything_failed),
        cmocka_unit_test(test_report_of_a_real_run),
    };
    return cmocka_run_group_tests_name("hey", tests, NULL, NULL);
}
