/* --metrics-addr: a small HTTP/1.1 server on its own thread that serves the
 * latest published text at /metrics (Prometheus text format 0.0.4), "ok" at
 * /healthz, and a line of help at /. GET and HEAD; one request per
 * connection (Connection: close); at most 32 connections at once, each
 * given 10 s to send its request. The engine side publishes after each
 * tick; a scrape copies the text under a lock, never waiting on a tick. */
#ifndef PODPILOT_METRICS_HTTP_H
#define PODPILOT_METRICS_HTTP_H

#include "engine/common.h"

struct metrics_http;

/* addr as Prometheus's --web.listen-address takes it: [HOST]:PORT, HOST a
 * name, an IPv4 address or [IPv6]; empty HOST: every interface; PORT 0:
 * one the kernel picks. Fails naming addr and the cause. */
struct metrics_http *metrics_http_start(const char *addr, struct pp_error *err);
/* metrics_http_start's check of addr's form alone (for the command line). */
enum pp_status metrics_http_check(const char *addr, struct pp_error *err);
/* The address it listens on, e.g. "127.0.0.1:9464". */
const char *metrics_http_address(const struct metrics_http *s);
/* The text /metrics answers from now on (copied). */
void metrics_http_publish(struct metrics_http *s, const char *text, size_t len);
void metrics_http_stop(struct metrics_http *s);

#endif
