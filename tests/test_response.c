/* loadgen/response: responses as servers send them, fed whole and a byte
 * at a time: Content-Length, chunked with extensions and trailers, until
 * close, HEAD and 204 without a body, 100 Continue skipped, Connection
 * close and HTTP/1.0; malformed status lines, lengths and chunks refused
 * with Go's words; headers too large for the buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "loadgen/response.h"

/* Feeds text whole (step 0) or step bytes at a time; returns the last
 * result and leaves *used at what was consumed. */
static int feed(const char *text, size_t step, bool head, struct lg_response *r, size_t *used,
                const char **why) {
    const size_t n = strlen(text);
    lg_response_start(r, head);
    size_t pos = 0;
    int rc = 0;
    for (size_t have = step ? step : n;; have += step ? step : n) {
        if (have > n)
            have = n;
        rc = lg_response_feed(r, text, have, &pos, false, why);
        if (rc != 0 || have == n)
            break;
    }
    *used = pos;
    return rc;
}

static void whole_and_byte_by_byte(void **state) {
    (void)state;
    static const char *const ok[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\nX-T: "
        "1\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
    };
    const int status[] = {200, 200, 200, 201, 204};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        for (size_t step = 0; step <= 1; step++) {
            struct lg_response r;
            size_t used;
            const char *why = NULL;
            assert_int_equal(feed(ok[i], step, false, &r, &used, &why), 1);
            assert_int_equal(r.status, status[i]);
            assert_int_equal(used, strlen(ok[i])); /* nothing past the response is taken */
        }
}

static void sizes_and_connections(void **state) {
    (void)state;
    struct lg_response r;
    size_t used;
    const char *why;
    assert_int_equal(feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1", 0, false, &r,
                          &used, &why),
                     1);
    assert_int_equal(used, 43); /* the next response's bytes are left */
    assert_int_equal(r.size, 5);
    assert_false(r.close_after);
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, false, &r, &used,
         &why);
    assert_int_equal(r.size, 0); /* a chunked body's size is unknown, as Go says */
    feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0, false, &r, &used,
         &why);
    assert_true(r.close_after);
    feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, false, &r, &used, &why);
    assert_true(r.close_after); /* 1.0 without keep-alive */
    feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 0, false, &r,
         &used, &why);
    assert_false(r.close_after);
    /* no length, not chunked: the body runs until the server closes */
    assert_int_equal(feed("HTTP/1.1 200 OK\r\n\r\nsome bytes", 0, false, &r, &used, &why), 0);
    assert_true(r.until_close && r.close_after);
    /* a HEAD's answer has no body, whatever its Content-Length says */
    assert_int_equal(
        feed("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 0, true, &r, &used, &why), 1);
    assert_int_equal(r.size, 99);
}

static void malformed(void **state) {
    (void)state;
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "net/http: malformed HTTP response"},
        {"HTTP/1.1 2x0 OK\r\n\r\n", "net/http: malformed HTTP status code"},
        {"HTTP/1.1 999 OK\r\n\r\n", "net/http: malformed HTTP status code"},
        {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "net/http: bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
         "net/http: bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
         "net/http: bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         "net/http: malformed chunked encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
         "net/http: malformed chunked encoding"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct lg_response r;
        size_t used;
        const char *why = NULL;
        assert_int_equal(feed(bad[i].text, 0, false, &r, &used, &why), -1);
        assert_string_equal(why, bad[i].why);
    }
    /* headers that do not fit the buffer */
    struct lg_response r;
    lg_response_start(&r, false);
    size_t pos = 0;
    const char *why = NULL;
    const char *text = "HTTP/1.1 200 OK\r\nX-Long: aaaaaaaa";
    assert_int_equal(lg_response_feed(&r, text, strlen(text), &pos, true, &why), -1);
    assert_string_equal(why, "net/http: response headers too large");
    /* a chunk-size line that never ends */
    char big[6000] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    memset(big + strlen(big), '1', 5000);
    assert_int_equal(feed(big, 0, false, &r, &pos, &why), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_and_byte_by_byte),
        cmocka_unit_test(sizes_and_connections),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
