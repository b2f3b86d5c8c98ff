#define _DEFAULT_SOURCE /* NI_MAXHOST */
#include "app/metrics_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 32
#define REQUEST_MAX 8192
#define REQUEST_TIMEOUT_S 10

struct conn {
    int fd; /* -1: free */
    char req[REQUEST_MAX];
    size_t got;
    char *out; /* the response, sent from `sent` on */
    size_t out_len, sent, out_cap;
    double deadline;
};

struct metrics_http {
    int listen_fd, wake[2];
    char address[NI_MAXHOST + 16];
    pthread_t thread;
    pthread_mutex_t mu;
    char *text; /* under mu */
    size_t len, cap;
    struct conn conns[MAX_CONNS];
};

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void conn_close(struct conn *c) {
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->got = c->out_len = c->sent = 0;
}

static void reserve(struct conn *c, size_t n) {
    if (n > c->out_cap) {
        c->out_cap = n;
        c->out = xrealloc(c->out, n);
    }
}

static void respond(struct conn *c, int code, const char *reason, const char *type,
                    const char *body, size_t body_len, bool head) {
    char h[512];
    const int n = snprintf(h, sizeof(h),
                           "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                           "Connection: close\r\n%s\r\n",
                           code, reason, type, body_len, code == 405 ? "Allow: GET, HEAD\r\n" : "");
    reserve(c, (size_t)n + (head ? 0 : body_len));
    memcpy(c->out, h, (size_t)n);
    if (!head && body_len)
        memcpy(c->out + n, body, body_len);
    c->out_len = (size_t)n + (head ? 0 : body_len);
    c->sent = 0;
}

static const char help_page[] = "podpilot: metrics at /metrics, liveness at /healthz\n";

/* The request line is in: answer it. */
static void handle(struct metrics_http *s, struct conn *c) {
    char method[16] = "", target[256] = "";
    if (sscanf(c->req, "%15s %255s", method, target) != 2 || strncmp(target, "/", 1) != 0) {
        static const char m[] = "bad request\n";
        respond(c, 400, "Bad Request", "text/plain", m, sizeof(m) - 1, false);
        return;
    }
    const bool head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        static const char m[] = "only GET and HEAD\n";
        respond(c, 405, "Method Not Allowed", "text/plain", m, sizeof(m) - 1, false);
        return;
    }
    char *q = strchr(target, '?');
    if (q)
        *q = '\0';
    if (strcmp(target, "/metrics") == 0) {
        pthread_mutex_lock(&s->mu);
        respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", s->text, s->len, head);
        pthread_mutex_unlock(&s->mu);
    } else if (strcmp(target, "/healthz") == 0) {
        respond(c, 200, "OK", "text/plain", "ok\n", 3, head);
    } else if (strcmp(target, "/") == 0) {
        respond(c, 200, "OK", "text/plain", help_page, sizeof(help_page) - 1, head);
    } else {
        static const char m[] = "not found: podpilot serves /metrics and /healthz\n";
        respond(c, 404, "Not Found", "text/plain", m, sizeof(m) - 1, head);
    }
}

static void on_readable(struct metrics_http *s, struct conn *c) {
    const ssize_t n = recv(c->fd, c->req + c->got, sizeof(c->req) - 1 - c->got, 0);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            conn_close(c);
        return;
    }
    c->got += (size_t)n;
    c->req[c->got] = '\0';
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) {
        handle(s, c);
    } else if (c->got == sizeof(c->req) - 1) {
        static const char m[] = "request header too large\n";
        respond(c, 431, "Request Header Fields Too Large", "text/plain", m, sizeof(m) - 1, false);
    }
}

static void on_writable(struct conn *c) {
    const ssize_t n = send(c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(c);
        return;
    }
    c->sent += (size_t)n;
    if (c->sent == c->out_len)
        conn_close(c);
}

static void accept_one(struct metrics_http *s) {
    const int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    for (size_t i = 0; i < MAX_CONNS; i++)
        if (s->conns[i].fd < 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            s->conns[i].fd = fd;
            s->conns[i].deadline = mono() + REQUEST_TIMEOUT_S;
            return;
        }
    close(fd); /* full: the scraper retries */
}

static void *serve(void *arg) {
    struct metrics_http *s = arg;
    struct pollfd p[MAX_CONNS + 2];
    size_t who[MAX_CONNS + 2];
    for (;;) {
        size_t n = 0;
        p[n++] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        p[n++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        const double now = mono();
        for (size_t i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &s->conns[i];
            if (c->fd < 0)
                continue;
            if (now > c->deadline) {
                conn_close(c);
                continue;
            }
            who[n] = i;
            p[n++] = (struct pollfd){.fd = c->fd, .events = c->out_len ? POLLOUT : POLLIN};
        }
        if (poll(p, (nfds_t)n, 1000) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break; /* stop */
        if (p[1].revents & POLLIN)
            accept_one(s);
        for (size_t k = 2; k < n; k++) {
            struct conn *c = &s->conns[who[k]];
            if (c->fd != p[k].fd || !p[k].revents)
                continue;
            if (p[k].revents & (POLLERR | POLLNVAL))
                conn_close(c);
            else if (c->out_len)
                on_writable(c);
            else
                on_readable(s, c);
        }
    }
    return NULL;
}

/* [HOST]:PORT into host (empty: any) and port. */
static bool split_addr(const char *addr, char *host, size_t host_size, char *port,
                       size_t port_size) {
    const char *colon = strrchr(addr, ':');
    if (!colon || !colon[1])
        return false;
    const char *h = addr;
    size_t hl = (size_t)(colon - addr);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    } else if (memchr(h, ':', hl)) {
        return false; /* an IPv6 address needs its brackets */
    }
    if (hl >= host_size || strlen(colon + 1) >= port_size)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, port_size, "%s", colon + 1);
    for (const char *c = port; *c; c++)
        if (*c < '0' || *c > '9')
            return false;
    return atoi(port) <= 65535;
}

enum pp_status metrics_http_check(const char *addr, struct pp_error *err) {
    char host[NI_MAXHOST], port[16];
    if (!split_addr(addr, host, sizeof(host), port, sizeof(port)))
        return pp_fail(err, PP_ERR_INVALID, "--metrics-addr",
                       "\"%s\" is not [HOST]:PORT (e.g. :9464, 127.0.0.1:9464, [::1]:9464)", addr);
    return PP_OK;
}

struct metrics_http *metrics_http_start(const char *addr, struct pp_error *err) {
    char host[NI_MAXHOST], port[16];
    if (metrics_http_check(addr, err) != PP_OK)
        return NULL;
    split_addr(addr, host, sizeof(host), port, sizeof(port));
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    const int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (gai != 0) {
        pp_fail(err, PP_ERR_INVALID, "--metrics-addr", "%s: %s", addr, gai_strerror(gai));
        return NULL;
    }
    int fd = -1, saved = 0;
    /* with no HOST, the IPv6 wildcard first (it takes IPv4 too), then any */
    for (int pass = host[0] ? 1 : 0; pass < 2 && fd < 0; pass++)
        for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
            if (pass == 0 && a->ai_family != AF_INET6)
                continue;
            fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) {
                saved = errno;
                continue;
            }
            const int one = 1, zero = 0;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (a->ai_family == AF_INET6 && !host[0])
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
            if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 64) != 0) {
                saved = errno;
                close(fd);
                fd = -1;
            }
        }
    freeaddrinfo(res);
    if (fd < 0) {
        pp_fail(err, PP_ERR_IO, "--metrics-addr", "cannot listen on %s: %s", addr,
                strerror(saved ? saved : EADDRNOTAVAIL));
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct metrics_http *s = xcalloc(1, sizeof(*s));
    s->listen_fd = fd;
    for (size_t i = 0; i < MAX_CONNS; i++)
        s->conns[i].fd = -1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char h[NI_MAXHOST] = "?", p[16] = "?";
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
                    NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(s->address, sizeof(s->address), strchr(h, ':') ? "[%s]:%s" : "%s:%s", h, p);
    if (pipe(s->wake) != 0) {
        pp_fail(err, PP_ERR_IO, "--metrics-addr", "pipe: %s", strerror(errno));
        close(fd);
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_create(&s->thread, NULL, serve, s) != 0) {
        pp_fail(err, PP_ERR_IO, "--metrics-addr", "cannot start its thread");
        close(fd);
        close(s->wake[0]);
        close(s->wake[1]);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

const char *metrics_http_address(const struct metrics_http *s) { return s->address; }

void metrics_http_publish(struct metrics_http *s, const char *text, size_t len) {
    pthread_mutex_lock(&s->mu);
    if (len > s->cap) {
        s->cap = len + len / 2;
        s->text = xrealloc(s->text, s->cap);
    }
    if (len)
        memcpy(s->text, text, len);
    s->len = len;
    pthread_mutex_unlock(&s->mu);
}

void metrics_http_stop(struct metrics_http *s) {
    if (!s)
        return;
    const char x = 'x';
    const ssize_t w = write(s->wake[1], &x, 1); /* an empty pipe takes it */
    (void)w;
    pthread_join(s->thread, NULL);
    for (size_t i = 0; i < MAX_CONNS; i++) {
        conn_close(&s->conns[i]);
        free(s->conns[i].out);
    }
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_mutex_destroy(&s->mu);
    free(s->text);
    free(s);
}
