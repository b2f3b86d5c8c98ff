/* The Kubernetes API over HTTPS, as client-go talks to it: libcurl with
 * the kubeconfig's CA, client certificate, tls-server-name and proxy;
 * bearer tokens (tokenFile re-read every minute, exec plugins cached until
 * they expire and re-run once on a 401); errors that name the cluster, the
 * request and the cause. Never logs or prints a credential. */
#ifndef PODPILOT_KUBE_CLIENT_H
#define PODPILOT_KUBE_CLIENT_H

#include "engine/buf.h"
#include "k8s/kubeconfig.h"

struct kube_client;

/* Reads c, which must outlive the client. */
struct kube_client *kube_client_create(const struct kube_config *c, struct pp_error *err);
void kube_client_destroy(struct kube_client *k);

/* GET path (with its query) into body (cleared first); *status is the
 * HTTP status. PP_OK for any 2xx; otherwise err says what the server or
 * the connection said, and body holds the server's answer. */
enum pp_status kube_get(struct kube_client *k, const char *path, struct buf *body, long *status,
                        struct pp_error *err);

/* A request with a body: PATCH, POST or PUT. */
struct kube_write {
    const char *method;       /* "PATCH" */
    const char *content_type; /* "application/merge-patch+json"; NULL: application/json */
    const char *body;         /* JSON text */
};
/* kube_get's contract for w (NULL: a GET); path carries the query
 * (?dryRun=All&fieldManager=podpilot). */
enum pp_status kube_send(struct kube_client *k, const struct kube_write *w, const char *path,
                         struct buf *body, long *status, struct pp_error *err);

/* One request on an easy handle of its own, for a caller that drives it
 * (a curl multi loop): set up, run by the caller, judged, released. */
struct kube_request {
    void *easy;                 /* CURL *; set it to reuse a handle */
    void *headers, *connect_to; /* curl_slist * */
    const char *accept;         /* set before init; NULL: application/json */
    const char *method;         /* for messages; NULL: GET */
    char errbuf[256];           /* CURL_ERROR_SIZE */
    char path[2048];
};

/* Sets req up to GET path with fresh credentials; the body goes to
 * write_fn(ptr, size, n, ctx). timeout_s 0: none (a watch). */
enum pp_status kube_request_init(struct kube_client *k, struct kube_request *req, const char *path,
                                 size_t (*write_fn)(char *, size_t, size_t, void *), void *ctx,
                                 long timeout_s, struct pp_error *err);
/* After libcurl finished it with `code` (a CURLcode): PP_OK for a 2xx;
 * otherwise err as kube_get words it (body: the answer, or NULL). */
enum pp_status kube_request_result(struct kube_client *k, struct kube_request *req, int code,
                                   const struct buf *body, long *status, struct pp_error *err);
/* Frees what init made; the handle too unless keep_handle. */
void kube_request_fini(struct kube_request *req, bool keep_handle);
/* The next request re-reads a tokenFile (after a 401). */
void kube_client_refresh(struct kube_client *k);

/* s percent-encoded for a query value (malloc'd; the caller frees). */
char *kube_escape(const char *s);

/* The server's URL with path appended, as the client sends it. */
void kube_client_url(const struct kube_client *k, const char *path, char *out, size_t size);

#endif
