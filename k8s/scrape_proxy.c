#include "k8s/scrape_proxy.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum pp_status proxy_open(void *ctx, struct scrape_req *r, const char *ns, const char *pod,
                                 const char *ip, int port, const char *path, scrape_write_fn write,
                                 void *wctx, long timeout_s, struct pp_error *err) {
    (void)ip; /* the API server finds the pod by name */
    struct kube_client *k = ctx;
    if (!r->priv)
        r->priv = xcalloc(1, sizeof(struct kube_request));
    struct kube_request *req = r->priv;
    req->easy = r->easy;
    req->accept = "text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0";
    char p[sizeof(req->path)];
    snprintf(p, sizeof(p), "/api/v1/namespaces/%s/pods/%s:%d/proxy%s", ns, pod, port, path);
    snprintf(r->where, sizeof(r->where), "%s:%d%s", pod, port, path);
    const enum pp_status st = kube_request_init(k, req, p, write, wctx, timeout_s, err);
    r->easy = req->easy;
    return st;
}

static enum pp_status proxy_done(void *ctx, struct scrape_req *r, int code, const struct buf *body,
                                 struct pp_error *err) {
    struct kube_client *k = ctx;
    struct kube_request *req = r->priv;
    long status = 0;
    struct pp_error e = {0};
    const enum pp_status st = kube_request_result(k, req, code, body, &status, &e);
    if (st != PP_OK) {
        if (status == 401)
            kube_client_refresh(k);
        /* the client's message names the proxy path; say the pod's port and path */
        const char *after = strstr(e.message, req->path);
        after = after && strncmp(after + strlen(req->path), ": ", 2) == 0
                    ? after + strlen(req->path) + 2
                    : e.message;
        pp_fail(err, st, "scrape", "%s: %s", r->where, after);
    }
    kube_request_fini(req, true);
    return st;
}

static void proxy_release(void *ctx, struct scrape_req *r) {
    (void)ctx;
    struct kube_request *req = r->priv;
    if (req) {
        req->easy = r->easy;
        kube_request_fini(req, false);
    } else if (r->easy) {
        curl_easy_cleanup(r->easy);
    }
    free(req);
    r->easy = r->priv = NULL;
}

static void proxy_destroy(void *ctx) { kube_client_destroy(ctx); }

struct scrape_transport scrape_proxy(struct kube_client *k) {
    return (struct scrape_transport){.open = proxy_open,
                                     .done = proxy_done,
                                     .release = proxy_release,
                                     .destroy = proxy_destroy,
                                     .ctx = k};
}
