/* Active mode: the operator's overrides written to a live cluster through
 * each autoscaler's own lever (k8s/lever), on a thread of its own so the
 * loop never waits on the API server. Each write: the object read fresh, a
 * dryRun=All request first (admission webhooks judge it, nothing
 * persists), then the real one with fieldManager=podpilot and the object's
 * resourceVersion as precondition; a 409 re-reads, re-plans and retries
 * (at most STEER_RETRIES times); then an events.k8s.io/v1 Event on the
 * object (reason PodpilotOverride) so `kubectl describe` shows who did
 * what. Permissions are checked once, before active mode, with a
 * SelfSubjectAccessReview per verb and resource. */
#ifndef PODPILOT_STEER_H
#define PODPILOT_STEER_H

#include <stdio.h>

#include "k8s/kube_client.h"
#include "k8s/lever.h"

#define STEER_RETRIES 5

struct steer;

struct steer_options {
    int knative_minor; /* --knative-version 1.N; -1: read from the cluster */
    const char *user;  /* the kubeconfig's user, for the Events' notes (never a credential) */
};

/* A steerer for set's services on k (which it then uses alone): each
 * service's lever found (its scaler read for ownerReferences), the
 * permissions its writes need reviewed. Problems are per service and
 * said by steer_check, not here; NULL only when the API cannot be reached. */
struct steer *steer_start(struct kube_client *k, const struct svc_set *set,
                          const struct steer_options *opt, struct pp_error *err);
void steer_stop(struct steer *s);

/* Whether cmd on svc can be written: the missing permission or the
 * missing lever, said as kubectl would ("cannot patch
 * horizontalpodautoscalers.autoscaling in ml-prod"). Any thread. */
enum pp_status steer_check(struct steer *s, size_t svc, const struct command *cmd,
                           struct pp_error *err);

/* Queues cmd on svc (current: its replicas now, where a pause holds). */
void steer_submit(struct steer *s, size_t svc, const struct command *cmd, int32_t current);

/* A finished write. */
struct steer_result {
    size_t svc;
    struct command cmd;
    bool ok;
    char message[720]; /* "HPA ml/x: min=max=3 (merge-patch, resourceVersion 124)" or why not */
    char where[240];   /* ok: "HPA ml/x min=max=3", for the why column */
};
/* Takes the finished writes, oldest first: up to cap, returns how many. */
size_t steer_results(struct steer *s, struct steer_result *out, size_t cap);

/* The permissions steer_start found missing, one a line (caller's buffer). */
size_t steer_missing(const struct steer *s, char *buf, size_t size);

/* One write, synchronously: what the thread does for each command (and
 * `podpilot restore` for each object it finds). restore_all: every value
 * in the original annotation put back instead of cmd. */
enum pp_status steer_write(struct kube_client *k, const struct lever_object *o,
                           const struct command *cmd, bool restore_all, int32_t current,
                           const struct steer_options *opt, struct steer_result *out);

/* Every service's lever object that carries podpilot's original values
 * restored (restore: true) or counted (false: what is left in place);
 * one line each to out when restoring. Stops the thread's queue first.
 * Returns how many objects carry them (restore: how many could not be
 * restored). */
size_t steer_restore(struct steer *s, bool restore, FILE *out);

/* The cluster's Knative Serving minor version (1.N), from the controller
 * Deployment's labels in knative-serving; -1 when it cannot be read. */
int steer_knative_minor(struct kube_client *k);

#endif
