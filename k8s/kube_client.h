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

/* Copies what it needs of c (which may be released afterwards). */
struct kube_client *kube_client_create(const struct kube_config *c, struct pp_error *err);
void kube_client_destroy(struct kube_client *k);

/* GET path (with its query) into body (cleared first); *status is the
 * HTTP status. PP_OK for any 2xx; otherwise err says what the server or
 * the connection said, and body holds the server's answer. */
enum pp_status kube_get(struct kube_client *k, const char *path, struct buf *body, long *status,
                        struct pp_error *err);

/* s percent-encoded for a query value (malloc'd; the caller frees). */
char *kube_escape(const char *s);

/* The server's URL with path appended, as the client sends it. */
void kube_client_url(const struct kube_client *k, const char *path, char *out, size_t size);

#endif
