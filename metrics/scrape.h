/* Scraping the pods' own exporters (vLLM, OVMS, queue-proxy, Seldon's
 * agent), as Prometheus scrapes a target: every interval, each ready pod's
 * /metrics read within scrape_timeout, at most a budget of requests a
 * second over all services (a pod that does not fit waits a second). A
 * pod that does not answer is stale: it adds nothing to its service's
 * figures, never a zero, and its counters start again when it returns.
 * How a request reaches a pod is a transport's: straight to its IP from
 * inside the cluster (scrape_direct), or through the API server's pod
 * proxy from outside (k8s/scrape_proxy). On a thread of its own; the
 * engine thread plans each service's ready pods and takes rounds. */
#ifndef PODPILOT_SCRAPE_H
#define PODPILOT_SCRAPE_H

#include "engine/buf.h"
#include "engine/common.h"
#include "metrics/exporter.h"

#define SCRAPE_PATH 128
#define SCRAPE_MAX_BODY (16u << 20) /* a larger answer is a failed scrape */

/* What a service's pods are scraped for. */
struct scrape_spec {
    bool on;
    enum exporter_kind kind;
    int port;
    char path[SCRAPE_PATH]; /* "/metrics" */
    int interval_s;         /* 0: 5 */
    int timeout_s;          /* 0: 3; at most the interval, as Prometheus requires */
};

/* One request as a transport sets it up. */
struct scrape_req {
    void *easy;      /* CURL *, kept from request to request */
    void *priv;      /* the transport's */
    char where[400]; /* what the request reached, for messages */
};

typedef size_t (*scrape_write_fn)(char *p, size_t size, size_t n, void *ctx);

struct scrape_transport {
    /* Sets r->easy up to GET pod's port and path (ip: its status.podIP,
     * "" when unknown); the body to write(…, wctx), within timeout_s. */
    enum pp_status (*open)(void *ctx, struct scrape_req *r, const char *ns, const char *pod,
                           const char *ip, int port, const char *path, scrape_write_fn write,
                           void *wctx, long timeout_s, struct pp_error *err);
    /* After libcurl finished r with code (a CURLcode) and its answer in
     * body (NULL: not kept): PP_OK for a 2xx, else err says why, in the
     * server's words where it has some (never a credential). */
    enum pp_status (*done)(void *ctx, struct scrape_req *r, int code, const struct buf *body,
                           struct pp_error *err);
    /* Frees r's handle and priv, at the end. */
    void (*release)(void *ctx, struct scrape_req *r);
    void (*destroy)(void *ctx); /* May be NULL. */
    void *ctx;
};

/* The transport to pod IPs (inside the cluster): plain http. */
struct scrape_transport scrape_direct(void);

struct scraper;

/* Scrapes n services' pods as specs[svc] says (the scraper copies them)
 * through t, which it then owns, at most budget requests a second. */
struct scraper *scraper_start(const struct scrape_transport *t, const struct scrape_spec *specs,
                              size_t n, int budget, struct pp_error *err);
void scraper_stop(struct scraper *s);

/* Service svc's ready pods (names and IPs) in namespace ns, as the engine
 * thread sees them now; copied only when they changed. */
void scraper_plan(struct scraper *s, size_t svc, const char *ns, const char *const *pods,
                  const char *const *ips, size_t n);

/* What one scrape of a service found. */
struct scrape_round {
    double v[EXPORTER_FIGURES]; /* the service's figures; NaN: no pod told */
    size_t planned, answered;
    int era;         /* queue-proxy's naming era, as exporter_reading has it */
    char error[240]; /* the first pod's failure, "" when none failed */
};

/* The newest round of svc not yet taken: true and *out. */
bool scraper_take(struct scraper *s, size_t svc, struct scrape_round *out);

#endif
