#include "loadgen/http.h"

#include "engine/buf.h"
#include "loadgen/response.h"
#include "loadgen/tls.h"
#include "loadgen/url.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF 16384

enum conn_state { C_IDLE, C_CONNECTING, C_HANDSHAKE, C_WRITING, C_READING };

/* One of hey's workers: a connection and the request on it. */
struct conn {
    int fd;
    void *ssl; /* https: the TLS session on fd */
    enum conn_state state;
    int64_t left;    /* requests still to send; -1: until -z */
    int64_t on_conn; /* requests on this connection, for --reconnect-after */
    double connected_at;
    bool reused;  /* the request went on a kept-alive connection */
    bool retried; /* a kept-alive connection closed under it once already */
    size_t sent;
    char rbuf[RBUF];
    size_t rlen, rpos;
    struct lg_response resp; /* the response under way */
    /* times (monotonic seconds) */
    double intended, start, conn_start, written, first_byte, deadline;
    double dial;
};

struct worker {
    const struct lg_plan *plan;
    struct conn *conns;
    size_t n;
    struct lg_result r;
    size_t lat_cap, rows_cap, max_lat;
    pthread_t thread;
};

struct lg_plan {
    struct lg_url u;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char *req; /* the request's bytes, the same each time */
    size_t req_len;
    const struct hey_args *a;
    const struct hey_http *h;
    double t0, end;  /* start; -z's end (0: none) */
    double timeout;  /* -t, 0: none */
    double interval; /* -q: seconds between a worker's requests, 0: none */
    volatile sig_atomic_t *stop;
    char op[16];        /* Go's url.Error Op: "Get", "Post" */
    struct lg_tls *tls; /* https */
};

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void phase(struct hey_phase *p, double v, bool first) {
    p->sum += v;
    if (first || v < p->fastest)
        p->fastest = v;
    if (first || v > p->slowest)
        p->slowest = v;
}

static void add_error(struct worker *w, const char *msg) {
    struct lg_result *r = &w->r;
    r->n_errors++;
    size_t i = 0;
    while (i < r->n_error_kinds && strcmp(r->errors[i].message, msg) != 0)
        i++;
    if (i == r->n_error_kinds) {
        if (i == LG_MAX_ERROR_KINDS) {
            snprintf(r->errors[i].message, sizeof(r->errors[i].message),
                     "(more kinds of error than %d)", LG_MAX_ERROR_KINDS);
            r->errors[i].n++;
            return;
        }
        snprintf(r->errors[i].message, sizeof(r->errors[i].message), "%.*s",
                 (int)sizeof(r->errors[i].message) - 1, msg);
        r->n_error_kinds++;
    }
    r->errors[i].n++;
}

/* Go's wording: Get "http://x/": <what>. */
static void fail(struct worker *w, const char *what) {
    char msg[400];
    snprintf(msg, sizeof(msg), "%s \"%.200s\": %s", w->plan->op, w->plan->a->url, what);
    add_error(w, msg);
}

static void close_conn(struct worker *w, struct conn *c, int ep) {
    (void)w;
    if (c->ssl)
        lg_tls_close(c->ssl);
    c->ssl = NULL;
    if (c->fd >= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->on_conn = 0;
}

static void record(struct worker *w, struct conn *c, double now) {
    struct lg_result *r = &w->r;
    const double total = now - (w->plan->interval > 0 ? c->intended : c->start);
    const bool first = r->n_ok == 0;
    r->n_ok++;
    if (c->resp.status >= 0 && c->resp.status < 600)
        r->codes[c->resp.status]++;
    if (c->resp.size > 0)
        r->size_total += c->resp.size;
    phase(&r->phases[HEY_DIAL], c->dial, first);
    phase(&r->phases[HEY_DNS], 0, first); /* the name is resolved once, before the test */
    phase(&r->phases[HEY_WRITE], c->written - c->conn_start, first);
    phase(&r->phases[HEY_WAIT], c->first_byte - c->written, first);
    phase(&r->phases[HEY_READ], now - c->first_byte, first);
    if (r->n_lat < w->max_lat) {
        if (r->n_lat == w->lat_cap) {
            w->lat_cap = w->lat_cap ? 2 * w->lat_cap : 4096;
            r->lat = xrealloc(r->lat, w->lat_cap * sizeof(*r->lat));
        }
        r->lat[r->n_lat++] = total;
    }
    if (w->plan->h->output[0] && r->n_rows < w->max_lat) {
        if (r->n_rows == w->rows_cap) {
            w->rows_cap = w->rows_cap ? 2 * w->rows_cap : 4096;
            r->rows = xrealloc(r->rows, w->rows_cap * sizeof(*r->rows));
        }
        r->rows[r->n_rows++] = (struct lg_row){
            (float)total,
            (float)c->dial,
            (float)(c->written - c->conn_start),
            (float)(c->first_byte - c->written),
            (float)(now - c->first_byte),
            (int16_t)c->resp.status,
            c->start - w->plan->t0,
        };
    }
}

static bool sending(const struct worker *w, const struct conn *c, double now) {
    const struct lg_plan *p = w->plan;
    return c->left != 0 && !*p->stop && !(p->end > 0 && now >= p->end);
}

/* The request of c starts: on its connection, or a new one. */
static void start(struct worker *w, struct conn *c, int ep, double now) {
    const struct lg_plan *p = w->plan;
    const struct hey_http *h = p->h;
    if (c->fd >= 0 && ((h->reconnect_n && c->on_conn >= h->reconnect_n) ||
                       (h->reconnect_d && now - c->connected_at >= (double)h->reconnect_d / 1e9)))
        close_conn(w, c, ep); /* spread keep-alive load onto pods that came since */
    c->start = now;
    c->conn_start = now;
    c->sent = 0;
    c->rlen = c->rpos = 0;
    lg_response_start(&c->resp, strcmp(p->a->method, "HEAD") == 0);
    c->dial = 0;
    c->deadline = p->timeout > 0 ? now + p->timeout : 0;
    if (c->left > 0)
        c->left--;
    c->reused = c->fd >= 0;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    if (c->fd >= 0) {
        c->state = C_WRITING;
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        return;
    }
    c->fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        char what[400];
        char e[80];
        snprintf(what, sizeof(what), "dial tcp %s: socket: %s", p->u.addrtext,
                 lg_errno_text(errno, e, sizeof(e)));
        fail(w, what);
        c->state = C_IDLE;
        return;
    }
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->state = C_CONNECTING;
    if (connect(c->fd, (const struct sockaddr *)&p->addr, p->addrlen) < 0 && errno != EINPROGRESS) {
        char what[400], e[80];
        snprintf(what, sizeof(what), "dial tcp %s: connect: %s", p->u.addrtext,
                 lg_errno_text(errno, e, sizeof(e)));
        close(c->fd);
        c->fd = -1;
        fail(w, what);
        c->state = C_IDLE;
        return;
    }
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* The response ended (or the request failed): the worker's next. */
static void finish(struct worker *w, struct conn *c, int ep, double now, bool ok) {
    const struct lg_plan *p = w->plan;
    if (ok) {
        record(w, c, now);
        c->on_conn++;
        if (c->resp.close_after || p->h->disable_keepalive)
            close_conn(w, c, ep);
    } else {
        close_conn(w, c, ep);
    }
    c->retried = false;
    c->state = C_IDLE;
    if (p->interval > 0)
        c->intended += p->interval;
    else
        c->intended = now;
    if (c->fd >= 0) { /* idle on a kept-alive connection: nothing to wait for */
        struct epoll_event ev = {.events = 0, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

/* The server closed a kept-alive connection as the request went out on
 * it: Go's transport sends the request again, once, on a new one. */
static void retry(struct worker *w, struct conn *c, int ep, double now) {
    close_conn(w, c, ep);
    if (c->left >= 0)
        c->left++;
    start(w, c, ep, now);
    c->retried = true;
}

/* A read or write on c, plain or TLS: bytes, 0 closed, LG_WANT_*, or
 * LG_FAILED with why. */
static ssize_t io_read(struct conn *c, char *buf, size_t n, char *why, size_t size) {
    if (c->ssl)
        return lg_tls_read(c->ssl, buf, n, why, size);
    for (;;) {
        const ssize_t k = read(c->fd, buf, n);
        if (k >= 0)
            return k;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return LG_WANT_READ;
        char e[80];
        snprintf(why, size, "%s",
                 errno == ECONNRESET ? "read: connection reset by peer"
                                     : lg_errno_text(errno, e, sizeof(e)));
        return LG_FAILED;
    }
}

static ssize_t io_write(struct conn *c, const char *buf, size_t n, char *why, size_t size,
                        bool *reset) {
    *reset = false;
    if (c->ssl)
        return lg_tls_write(c->ssl, buf, n, why, size);
    for (;;) {
        const ssize_t k = send(c->fd, buf, n, MSG_NOSIGNAL);
        if (k >= 0)
            return k;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return LG_WANT_WRITE;
        *reset = errno == EPIPE || errno == ECONNRESET;
        char e[80];
        snprintf(why, size, "write: %s", lg_errno_text(errno, e, sizeof(e)));
        return LG_FAILED;
    }
}

/* Waits on c's socket for what it wants next. */
static void want(struct conn *c, int ep, ssize_t what) {
    struct epoll_event ev = {.events = what == LG_WANT_WRITE ? EPOLLOUT : EPOLLIN | EPOLLRDHUP,
                             .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void on_readable(struct worker *w, struct conn *c, int ep, double now) {
    for (;;) {
        if (c->rpos > 0 && c->rpos == c->rlen)
            c->rpos = c->rlen = 0;
        if (c->rlen == RBUF) { /* compact what is left */
            memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
            c->rlen -= c->rpos;
            c->rpos = 0;
        }
        char why_io[200];
        const ssize_t k = io_read(c, c->rbuf + c->rlen, RBUF - c->rlen, why_io, sizeof(why_io));
        if (k == LG_WANT_READ || k == LG_WANT_WRITE) {
            want(c, ep, k);
            return;
        }
        if (k <= 0) {
            if (c->resp.headers_done && c->resp.until_close) {
                finish(w, c, ep, now, true);
                return;
            }
            const bool nothing = !c->resp.headers_done && c->rlen == 0;
            if (nothing && c->reused && !c->retried) {
                retry(w, c, ep, now);
                return;
            }
            finish(w, c, ep, now, false);
            fail(w, k < 0 ? why_io : nothing ? "EOF" : "unexpected EOF");
            return;
        }
        if (c->rlen == 0 && c->rpos == 0 && !c->resp.headers_done)
            c->first_byte = now;
        c->rlen += (size_t)k;
        const char *why = NULL;
        const bool full = c->rlen == RBUF && c->rpos == 0; /* no room even once compacted */
        const int done = lg_response_feed(&c->resp, c->rbuf, c->rlen, &c->rpos, full, &why);
        if (done < 0) {
            finish(w, c, ep, now, false);
            fail(w, why);
            return;
        }
        if (done) {
            finish(w, c, ep, now, true);
            return;
        }
    }
}

static void on_writable(struct worker *w, struct conn *c, int ep, double now) {
    const struct lg_plan *p = w->plan;
    if (c->state == C_CONNECTING) {
        int e = 0;
        socklen_t len = sizeof(e);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
        if (e) {
            char what[400], t[80];
            snprintf(what, sizeof(what), "dial tcp %s: connect: %s", p->u.addrtext,
                     lg_errno_text(e, t, sizeof(t)));
            finish(w, c, ep, now, false);
            fail(w, what);
            return;
        }
        c->state = p->tls ? C_HANDSHAKE : C_WRITING;
        if (p->tls && !(c->ssl = lg_tls_open(p->tls, c->fd, p->u.host))) {
            finish(w, c, ep, now, false);
            fail(w, "tls: out of memory");
            return;
        }
        if (!p->tls) {
            c->dial = now - c->conn_start;
            c->conn_start = now;
            c->connected_at = now;
        }
    }
    if (c->state == C_HANDSHAKE) { /* Go counts the handshake in DNS+dialup */
        char why[300];
        const int rc = lg_tls_handshake(c->ssl, why, sizeof(why));
        if (rc == LG_WANT_READ || rc == LG_WANT_WRITE) {
            want(c, ep, rc);
            return;
        }
        if (rc != 1) {
            finish(w, c, ep, now, false);
            fail(w, why);
            return;
        }
        c->dial = now - c->conn_start;
        c->conn_start = now;
        c->connected_at = now;
        c->state = C_WRITING;
    }
    while (c->sent < p->req_len) {
        char why[300];
        bool reset;
        const ssize_t k =
            io_write(c, p->req + c->sent, p->req_len - c->sent, why, sizeof(why), &reset);
        if (k == LG_WANT_READ || k == LG_WANT_WRITE) {
            want(c, ep, k);
            return;
        }
        if (k <= 0) {
            if (c->reused && !c->retried && (reset || c->ssl)) {
                retry(w, c, ep, now);
                return;
            }
            finish(w, c, ep, now, false);
            fail(w, why);
            return;
        }
        c->sent += (size_t)k;
    }
    c->written = now;
    c->state = C_READING;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void *run_worker(void *arg) {
    struct worker *w = arg;
    const struct lg_plan *p = w->plan;
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event evs[256];
    for (size_t i = 0; i < w->n; i++)
        w->conns[i].intended = p->t0;
    for (;;) {
        double now = mono();
        size_t busy = 0, live = 0;
        double next = now + 0.1;
        for (size_t i = 0; i < w->n; i++) {
            struct conn *c = &w->conns[i];
            if (c->state == C_IDLE && sending(w, c, now)) {
                if (p->interval > 0 && c->intended > now) {
                    next = c->intended < next ? c->intended : next;
                } else {
                    start(w, c, ep, now);
                }
            }
            if (c->state != C_IDLE) {
                busy++;
                if (c->deadline > 0 && now >= c->deadline) {
                    const bool waiting = !c->resp.headers_done;
                    finish(w, c, ep, now, false);
                    fail(w, waiting ? "context deadline exceeded (Client.Timeout exceeded "
                                      "while awaiting headers)"
                                    : "context deadline exceeded (Client.Timeout or context "
                                      "cancellation while reading body)");
                    continue;
                }
                if (c->deadline > 0 && c->deadline < next)
                    next = c->deadline;
            }
            if (c->state == C_IDLE && sending(w, c, now))
                live++;
        }
        /* -z's end and Ctrl-C stop new requests; those in flight finish
         * within -t (hey waits for them), or at once when stopped */
        if (busy == 0 && live == 0)
            break;
        if (*p->stop)
            break;
        if (p->end > 0 && now >= p->end + (p->timeout > 0 ? p->timeout : 1))
            break;
        if (p->end > 0 && now < p->end && p->end < next)
            next = p->end;
        const int ms = next > now ? (int)((next - now) * 1000) + 1 : 0;
        const int k = epoll_wait(ep, evs, 256, ms);
        now = mono();
        for (int i = 0; i < k; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->state == C_CONNECTING || c->state == C_HANDSHAKE || c->state == C_WRITING) {
                on_writable(w, c, ep, now);
            } else if (c->state == C_READING) {
                on_readable(w, c, ep, now);
            } else if (c->fd >= 0 && (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
                close_conn(w, c, ep); /* an idle keep-alive connection the server closed */
            }
        }
    }
    for (size_t i = 0; i < w->n; i++)
        close_conn(w, &w->conns[i], ep);
    close(ep);
    return NULL;
}

/* The request's bytes, as Go's client writes them for hey. */
static char *build_request(const struct hey_args *a, const struct hey_http *h,
                           const struct lg_url *u, size_t *len) {
    struct buf b = {0};
    buf_printf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", a->method, h->proxy ? a->url : u->target,
               a->host[0] ? a->host : u->hostheader);
    buf_printf(&b, "User-Agent: %s%shey/0.0.1\r\n", h->user_agent ? h->user_agent : "",
               h->user_agent ? " " : "");
    if (h->body_len || strcmp(a->method, "POST") == 0 || strcmp(a->method, "PUT") == 0 ||
        strcmp(a->method, "PATCH") == 0)
        buf_printf(&b, "Content-Length: %zu\r\n", h->body_len);
    if (h->accept)
        buf_printf(&b, "Accept: %s\r\n", h->accept);
    if (h->auth) {
        char enc[1024];
        lg_base64(h->auth, enc, sizeof(enc));
        buf_printf(&b, "Authorization: Basic %s\r\n", enc);
    }
    buf_printf(&b, "Content-Type: %s\r\n", h->content_type ? h->content_type : "text/html");
    for (size_t i = 0; i < h->n_headers; i++)
        buf_printf(&b, "%s\r\n", h->headers[i]);
    if (h->disable_keepalive)
        buf_printf(&b, "Connection: close\r\n");
    if (!h->disable_compression)
        buf_printf(&b, "Accept-Encoding: gzip\r\n");
    buf_put(&b, "\r\n", 2);
    if (h->body_len)
        buf_put(&b, h->body, h->body_len);
    *len = b.len;
    return b.p;
}

static void merge(struct lg_result *into, struct lg_result *from) {
    const bool first = into->n_ok == 0;
    for (int i = 0; i < HEY_PHASES; i++) {
        if (from->n_ok == 0)
            break;
        const struct hey_phase *f = &from->phases[i];
        struct hey_phase *t = &into->phases[i];
        t->sum += f->sum;
        if (first || f->fastest < t->fastest)
            t->fastest = f->fastest;
        if (first || f->slowest > t->slowest)
            t->slowest = f->slowest;
    }
    into->n_ok += from->n_ok;
    into->size_total += from->size_total;
    for (int i = 0; i < 600; i++)
        into->codes[i] += from->codes[i];
    into->lat = xrealloc(into->lat, (into->n_lat + from->n_lat + 1) * sizeof(*into->lat));
    if (from->n_lat)
        memcpy(into->lat + into->n_lat, from->lat, from->n_lat * sizeof(*from->lat));
    into->n_lat += from->n_lat;
    if (from->n_rows) {
        into->rows = xrealloc(into->rows, (into->n_rows + from->n_rows) * sizeof(*into->rows));
        memcpy(into->rows + into->n_rows, from->rows, from->n_rows * sizeof(*from->rows));
        into->n_rows += from->n_rows;
    }
    for (size_t i = 0; i <= from->n_error_kinds && i <= LG_MAX_ERROR_KINDS; i++) {
        if (from->errors[i].n == 0)
            continue;
        size_t j = 0;
        while (j < into->n_error_kinds &&
               strcmp(into->errors[j].message, from->errors[i].message) != 0)
            j++;
        if (j == into->n_error_kinds && j < LG_MAX_ERROR_KINDS) {
            into->errors[j] = from->errors[i];
            into->n_error_kinds++;
        } else if (j < into->n_error_kinds) {
            into->errors[j].n += from->errors[i].n;
        } else {
            into->errors[LG_MAX_ERROR_KINDS].n += from->errors[i].n;
        }
    }
    into->n_errors += from->n_errors;
    free(from->lat);
    free(from->rows);
}

enum pp_status loadgen_run(const struct hey_args *a, const struct hey_http *h,
                           volatile sig_atomic_t *stop, struct lg_result *out,
                           struct pp_error *err) {
    *out = (struct lg_result){0};
    struct lg_plan p = {.a = a, .h = h, .stop = stop};
    if (lg_url_parse(a->url, &p.u, err) != PP_OK)
        return PP_ERR_INVALID;
    if (h->h2)
        return pp_fail(err, PP_ERR_INVALID, "-h2",
                       "HTTP/2 needs TLS (h2 over ALPN), which podpilot load does not do yet");
    struct lg_url proxy;
    const struct lg_url *dial = &p.u;
    if (h->proxy) {
        char purl[600];
        snprintf(purl, sizeof(purl), "%s%s", strstr(h->proxy, "://") ? "" : "http://", h->proxy);
        if (lg_url_parse(purl, &proxy, err) != PP_OK)
            return PP_ERR_INVALID;
        dial = &proxy;
    }
    if (lg_resolve(dial, &p.addr, &p.addrlen, p.u.addrtext, sizeof(p.u.addrtext), err) != PP_OK)
        return PP_ERR_IO;
    if (h->proxy)
        snprintf(p.u.addrtext, sizeof(p.u.addrtext), "%s", proxy.addrtext);
    if (h->proxy && p.u.tls)
        return pp_fail(err, PP_ERR_INVALID, "-x",
                       "https through a proxy (CONNECT) is not built yet");
    if (p.u.tls && !(p.tls = lg_tls_create(!h->insecure, h->cacert, err)))
        return PP_ERR_INVALID;
    snprintf(p.op, sizeof(p.op), "%c", a->method[0]);
    for (size_t i = 1; a->method[i] && i + 1 < sizeof(p.op); i++) {
        const char ch = a->method[i];
        p.op[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
        p.op[i + 1] = '\0';
    }
    p.req = build_request(a, h, &p.u, &p.req_len);
    p.timeout = a->t > 0 ? a->t : 0;
    p.interval = a->q > 0 ? 1 / a->q : 0;
    /* one event loop drives hundreds of connections at wrk's rate: a
     * thread per 256 workers, at most the cores (more would take the cores
     * a server on the same machine needs) */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = cpus < 1 ? 1 : cpus;
    long want = h->cpus > 0 ? h->cpus : 1 + (a->c - 1) / 256;
    want = want < cpus || h->cpus > 0 ? want : cpus;
    const int threads = (int)(want < a->c ? want : a->c);
    struct worker *ws = xcalloc((size_t)threads, sizeof(*ws));
    struct conn *conns = xcalloc((size_t)a->c, sizeof(*conns));
    const int64_t per = a->z > 0 ? -1 : a->n / a->c; /* hey drops the remainder */
    for (int32_t i = 0; i < a->c; i++) {
        conns[i].fd = -1;
        conns[i].left = per;
    }
    p.t0 = mono();
    p.end = a->z > 0 ? p.t0 + (double)a->z / 1e9 : 0;
    size_t at = 0;
    for (int t = 0; t < threads; t++) {
        struct worker *w = &ws[t];
        w->plan = &p;
        w->n = (size_t)a->c / (size_t)threads + ((size_t)t < (size_t)a->c % (size_t)threads);
        w->conns = conns + at;
        at += w->n;
        w->max_lat = LG_MAX_LATENCIES / (size_t)threads;
    }
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&ws[started].thread, NULL, run_worker, &ws[started]) != 0)
            break;
    if (started == 0)
        run_worker(&ws[0]); /* no thread to be had: this one runs the test */
    for (int t = 0; t < started; t++)
        pthread_join(ws[t].thread, NULL);
    out->total_s = mono() - p.t0;
    for (int t = 0; t < threads; t++)
        merge(out, &ws[t].r);
    out->paced = p.interval > 0;
    out->interrupted = *stop != 0;
    out->threads = started ? started : 1;
    free(conns);
    free(ws);
    free(p.req);
    lg_tls_destroy(p.tls);
    return PP_OK;
}

void loadgen_result_fini(struct lg_result *r) {
    free(r->lat);
    free(r->rows);
    *r = (struct lg_result){0};
}
