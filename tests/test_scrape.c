/* metrics/scrape: pods' exporters scraped over real HTTP (a server this
 * test runs on 127.0.0.1), a service's figures folded from the pods that
 * answered, a pod that refuses, times out, has no IP or answers no
 * metrics is stale (named in the round's error, never a zero), counters
 * become rates across rounds, and a budget of one request a second still
 * reaches every pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "metrics/scrape.h"

struct server {
    int fd, port;
    pthread_t thread;
    int counter; /* the queue-proxy count, up 10 a request */
    int served;
    int live; /* connections being answered */
};

struct conn {
    struct server *s;
    int c;
};

/* One connection, on a thread of its own: a slow answer holds no other. */
static void *answer(void *arg) {
    struct conn *k = arg;
    struct server *s = k->s;
    const int c = k->c;
    free(k);
    {
        char req[2048];
        const ssize_t n = read(c, req, sizeof(req) - 1);
        req[n > 0 ? n : 0] = '\0';
        char body[512];
        const char *status = "200 OK";
        if (strncmp(req, "GET /vllm ", 10) == 0) {
            snprintf(body, sizeof(body),
                     "# TYPE vllm:num_requests_waiting gauge\n"
                     "vllm:num_requests_waiting{model_name=\"m\"} 3\n"
                     "# TYPE vllm:kv_cache_usage_perc gauge\n"
                     "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.5\n");
        } else if (strncmp(req, "GET /qp ", 8) == 0) {
            snprintf(body, sizeof(body),
                     "# TYPE revision_request_count counter\n"
                     "revision_request_count{response_code=\"200\"} %d\n"
                     "revision_queue_depth 1\n",
                     __atomic_add_fetch(&s->counter, 10, __ATOMIC_SEQ_CST));
        } else if (strncmp(req, "GET /slow ", 10) == 0) {
            sleep(2);
            snprintf(body, sizeof(body), "vllm:num_requests_waiting 1\n");
        } else if (strncmp(req, "GET /html ", 10) == 0) {
            snprintf(body, sizeof(body), "<html>\n");
        } else {
            status = "404 Not Found";
            snprintf(body, sizeof(body), "no\n");
        }
        __atomic_add_fetch(&s->served, 1, __ATOMIC_SEQ_CST);
        char head[256];
        const int hn = snprintf(head, sizeof(head),
                                "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
                                "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                status, strlen(body));
        /* a client that timed out has gone: no SIGPIPE for that */
        if (send(c, head, (size_t)hn, MSG_NOSIGNAL) >= 0)
            (void)send(c, body, strlen(body), MSG_NOSIGNAL);
        close(c);
    }
    __atomic_sub_fetch(&s->live, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *serve(void *arg) {
    struct server *s = arg;
    for (;;) {
        const int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        struct conn *k = malloc(sizeof(*k));
        k->s = s;
        k->c = c;
        __atomic_add_fetch(&s->live, 1, __ATOMIC_SEQ_CST);
        pthread_t t;
        pthread_create(&t, NULL, answer, k);
        pthread_detach(t);
    }
}

static void server_start(struct server *s) {
    memset(s, 0, sizeof(*s));
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(a);
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->fd, 16), 0);
    pthread_create(&s->thread, NULL, serve, s);
}

static void server_stop(struct server *s) {
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
    for (int i = 0; i < 100 && __atomic_load_n(&s->live, __ATOMIC_SEQ_CST) > 0; i++) {
        const struct timespec ts = {0, 50 * 1000 * 1000}; /* the slow answer, at most 5 s */
        nanosleep(&ts, NULL);
    }
    assert_int_equal(__atomic_load_n(&s->live, __ATOMIC_SEQ_CST), 0);
}

/* The next round of svc, waiting at most limit_s. */
static bool wait_round(struct scraper *sc, size_t svc, struct scrape_round *r, int limit_s) {
    for (int i = 0; i < limit_s * 20; i++) {
        if (scraper_take(sc, svc, r))
            return true;
        const struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static struct scrape_spec spec(enum exporter_kind k, int port, const char *path, int interval) {
    struct scrape_spec s = {.on = true, .kind = k, .port = port, .interval_s = interval};
    snprintf(s.path, sizeof(s.path), "%s", path);
    return s;
}

static void folds_and_stale(void **state) {
    (void)state;
    struct server srv;
    server_start(&srv);
    const struct scrape_spec specs[] = {spec(EXPORTER_VLLM, srv.port, "/vllm", 5)};
    const struct scrape_transport t = scrape_direct();
    struct pp_error err = {0};
    struct scraper *sc = scraper_start(&t, specs, 1, 50, &err);
    assert_non_null(sc);
    /* two pods answer; 127.0.0.2 has nobody listening; the last has no IP */
    const char *pods[] = {"a", "b", "c", "d"};
    const char *ips[] = {"127.0.0.1", "127.0.0.1", "127.0.0.2", ""};
    scraper_plan(sc, 0, "ml", pods, ips, 4);
    struct scrape_round r;
    assert_true(wait_round(sc, 0, &r, 10));
    assert_int_equal(r.planned, 4);
    assert_int_equal(r.answered, 2);
    assert_true(r.v[0] == 6.0);  /* waiting: 3 + 3, the stale pods add nothing */
    assert_true(isnan(r.v[1]));  /* no running gauge */
    assert_true(r.v[2] == 50.0); /* KV cache: the mean */
    /* the first failure: the pod without an IP fails before the refusal comes */
    assert_true(strstr(r.error, "pod c: http://127.0.0.2:") ||
                strstr(r.error, "pod d: pod ml/d has no IP yet"));
    scraper_stop(sc);
    server_stop(&srv);
}

static void rates_timeouts_and_garbage(void **state) {
    (void)state;
    struct server srv;
    server_start(&srv);
    struct scrape_spec specs[] = {
        spec(EXPORTER_QUEUE_PROXY, srv.port, "/qp", 1),
        spec(EXPORTER_VLLM, srv.port, "/slow", 1),
        spec(EXPORTER_VLLM, srv.port, "/html", 5),
        spec(EXPORTER_VLLM, srv.port, "/missing", 5),
        {.on = false},
    };
    const struct scrape_transport t = scrape_direct();
    struct pp_error err = {0};
    struct scraper *sc = scraper_start(&t, specs, 5, 50, &err);
    assert_non_null(sc);
    const char *pods[] = {"p"};
    const char *ips[] = {"127.0.0.1"};
    for (size_t i = 0; i < 5; i++)
        scraper_plan(sc, i, "ml", pods, ips, 1);
    struct scrape_round r;
    assert_true(wait_round(sc, 0, &r, 10));
    assert_true(r.v[0] == 1.0);
    assert_true(isnan(r.v[1])); /* one reading: no rate yet */
    assert_int_equal(r.era, 118);
    assert_true(wait_round(sc, 0, &r, 10));
    assert_true(isfinite(r.v[1]) && r.v[1] > 0); /* 10 more requests over about a second */
    /* the slow pod: a 1 s interval makes a 1 s timeout, the server takes 2 */
    assert_true(wait_round(sc, 1, &r, 10));
    assert_int_equal(r.answered, 0);
    assert_true(isnan(r.v[0]));
    assert_non_null(strstr(r.error, "pod p:"));
    assert_non_null(strstr(r.error, "imed out"));
    assert_true(wait_round(sc, 2, &r, 10));
    assert_int_equal(r.answered, 0);
    assert_non_null(strstr(r.error, "holds no metrics"));
    assert_true(wait_round(sc, 3, &r, 10));
    assert_non_null(strstr(r.error, "HTTP 404"));
    assert_false(scraper_take(sc, 4, &r)); /* not configured: never scraped */
    scraper_stop(sc);
    server_stop(&srv);
}

static void budget_reaches_every_pod(void **state) {
    (void)state;
    struct server srv;
    server_start(&srv);
    const struct scrape_spec specs[] = {spec(EXPORTER_VLLM, srv.port, "/vllm", 30)};
    const struct scrape_transport t = scrape_direct();
    struct pp_error err = {0};
    struct scraper *sc = scraper_start(&t, specs, 1, 1, &err); /* one request a second */
    assert_non_null(sc);
    const char *pods[] = {"a", "b", "c"};
    const char *ips[] = {"127.0.0.1", "127.0.0.1", "127.0.0.1"};
    scraper_plan(sc, 0, "ml", pods, ips, 3);
    struct scrape_round r;
    assert_true(wait_round(sc, 0, &r, 10));
    assert_int_equal(r.answered, 3);
    assert_true(r.v[0] == 9.0);
    assert_int_equal(__atomic_load_n(&srv.served, __ATOMIC_SEQ_CST), 3);
    scraper_stop(sc); /* with nothing in flight and a round 30 s away */
    server_stop(&srv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_and_stale),
        cmocka_unit_test(rates_timeouts_and_garbage),
        cmocka_unit_test(budget_reaches_every_pod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
