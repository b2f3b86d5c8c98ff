/* metrics/promapi: what can be judged without a server (the queries against
 * a real Prometheus are in tests/metrics_test.sh): URLs shown without their
 * credentials, and the refusals before any request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "metrics/promapi.h"

static void test_urls_are_shown_without_userinfo(void **state) {
    (void)state;
    char out[256];
    promapi_redact("https://ops:s3cret@prom.example:9090/prefix", out, sizeof(out));
    assert_string_equal(out, "https://prom.example:9090/prefix");
    promapi_redact("http://prom:9090/a@b", out, sizeof(out)); /* an @ in the path is not userinfo */
    assert_string_equal(out, "http://prom:9090/a@b");
    promapi_redact("http://prom:9090", out, sizeof(out));
    assert_string_equal(out, "http://prom:9090");
}

static void test_refusals_before_any_request(void **state) {
    (void)state;
    struct pp_error err = {0};
    const struct promapi_options bad = {.url = "prom:9090"};
    assert_null(promapi_create(&bad, &err));
    assert_non_null(strstr(err.message, "expected an http:// or https:// URL"));
    const struct promapi_options plain = {.url = "http://u:p@prom:9090", .token_file = "/t"};
    assert_null(promapi_create(&plain, &err));
    assert_non_null(strstr(err.message, "not sent over plain http://"));
    assert_null(strstr(err.message, "u:p")); /* the credential is not in the message */
    const struct promapi_options ok = {.url = "https://prom:9090/"};
    struct promapi *c = promapi_create(&ok, &err);
    assert_non_null(c);
    promapi_destroy(c);
    promapi_destroy(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls_are_shown_without_userinfo),
        cmocka_unit_test(test_refusals_before_any_request),
    };
    return cmocka_run_group_tests_name("promapi", tests, NULL, NULL);
}
