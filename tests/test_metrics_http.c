/* app/metrics_http: the exposition served as HTTP/1.1 to real sockets —
 * GET and HEAD, 404/405/400/431, a request in pieces, a silent client that
 * does not block the others — and addresses refused with their reason.
 * (Prometheus itself scrapes it in tests/metrics_test.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/metrics_http.h"

static int dial(const struct metrics_http *s) {
    const char *addr = metrics_http_address(s);
    const char *colon = strrchr(addr, ':');
    assert_non_null(colon);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

/* Everything the server sends until it closes (bounded: 5 s). */
static size_t read_all(int fd, char *out, size_t size) {
    size_t n = 0;
    for (int i = 0; i < 500 && n + 1 < size; i++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 10) <= 0)
            continue;
        const ssize_t k = read(fd, out + n, size - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    out[n] = '\0';
    return n;
}

static void ask(const struct metrics_http *s, const char *request, char *out, size_t size) {
    const int fd = dial(s);
    assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    read_all(fd, out, size);
    close(fd);
}

static struct metrics_http *start(void) {
    struct pp_error err = {0};
    struct metrics_http *s = metrics_http_start("127.0.0.1:0", &err);
    assert_non_null(s);
    assert_int_equal(strncmp(metrics_http_address(s), "127.0.0.1:", 10), 0);
    return s;
}

static void test_metrics_served_as_published(void **state) {
    (void)state;
    struct metrics_http *s = start();
    char r[4096];
    ask(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(r, "Content-Length: 0\r\n"));
    static const char text[] = "# TYPE a gauge\na 1\n";
    metrics_http_publish(s, text, strlen(text));
    ask(s, "GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    assert_non_null(strstr(r, "Content-Length: 19\r\n"));
    assert_non_null(strstr(r, "Connection: close\r\n"));
    assert_string_equal(strstr(r, "\r\n\r\n") + 4, text);
    /* a bigger text replaces it whole */
    char big[20000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\n';
    metrics_http_publish(s, big, sizeof(big));
    char rb[30000];
    ask(s, "GET /metrics HTTP/1.0\r\n\r\n", rb, sizeof(rb));
    assert_non_null(strstr(rb, "Content-Length: 20000\r\n"));
    assert_int_equal(strlen(strstr(rb, "\r\n\r\n") + 4), 20000);
    ask(s, "HEAD /metrics HTTP/1.1\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "Content-Length: 20000\r\n"));
    assert_string_equal(strstr(r, "\r\n\r\n") + 4, "");
    metrics_http_stop(s);
}

static void test_other_paths_and_methods(void **state) {
    (void)state;
    struct metrics_http *s = start();
    char r[4096];
    ask(s, "GET /healthz HTTP/1.1\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "200 OK"));
    assert_string_equal(strstr(r, "\r\n\r\n") + 4, "ok\n");
    ask(s, "GET /nope HTTP/1.1\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "HTTP/1.1 404 Not Found\r\n"));
    ask(s, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "HTTP/1.1 405 Method Not Allowed\r\n"));
    assert_non_null(strstr(r, "Allow: GET, HEAD\r\n"));
    ask(s, "\x01\x02 garbage\r\n\r\n", r, sizeof(r));
    assert_non_null(strstr(r, "HTTP/1.1 400 Bad Request\r\n"));
    char huge[9000];
    memset(huge, 'a', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    memcpy(huge, "GET /", 5);
    ask(s, huge, r, sizeof(r));
    assert_non_null(strstr(r, "HTTP/1.1 431 "));
    metrics_http_stop(s);
}

static void test_a_silent_client_blocks_nobody(void **state) {
    (void)state;
    struct metrics_http *s = start();
    metrics_http_publish(s, "a 1\n", 4);
    const int silent = dial(s);
    const int slow = dial(s);
    assert_int_equal(write(slow, "GET /met", 8), 8);
    char r[4096];
    ask(s, "GET /metrics HTTP/1.1\r\n\r\n", r, sizeof(r));
    assert_string_equal(strstr(r, "\r\n\r\n") + 4, "a 1\n");
    assert_int_equal(write(slow, "rics HTTP/1.1\r\n\r\n", 17), 17);
    read_all(slow, r, sizeof(r));
    assert_string_equal(strstr(r, "\r\n\r\n") + 4, "a 1\n");
    close(slow);
    close(silent);
    metrics_http_stop(s); /* with a connection open: still stops */
}

static void test_addresses_refused_with_a_reason(void **state) {
    (void)state;
    static const char *const bad[] = {"9464",        "127.0.0.1:",  "::1:9464",
                                      "[::1]:99999", "127.0.0.1:x", "[::1:9464"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct pp_error err = {0};
        assert_null(metrics_http_start(bad[i], &err));
        assert_string_equal(err.field, "--metrics-addr");
        assert_non_null(strstr(err.message, bad[i]));
    }
    struct metrics_http *s = start();
    struct pp_error err = {0};
    assert_null(metrics_http_start(metrics_http_address(s), &err));
    assert_non_null(strstr(err.message, "cannot listen on"));
    assert_non_null(strstr(err.message, "Address already in use"));
    metrics_http_stop(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_served_as_published),
        cmocka_unit_test(test_other_paths_and_methods),
        cmocka_unit_test(test_a_silent_client_blocks_nobody),
        cmocka_unit_test(test_addresses_refused_with_a_reason),
    };
    return cmocka_run_group_tests_name("metrics_http", tests, NULL, NULL);
}
