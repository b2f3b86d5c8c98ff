#define _GNU_SOURCE /* gethostname */
#include "k8s/steer.h"

#include "engine/common.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE 64

struct steer_svc {
    bool ok; /* a lever, and the permissions it needs */
    struct lever_object lever;
    char problem[400]; /* why not */
};

struct steer_job {
    size_t svc;
    struct command cmd;
    int32_t current;
};

struct steer {
    struct kube_client *k;
    struct steer_options opt;
    const struct svc_set *set;
    size_t n;
    struct steer_svc *svcs;
    char missing[2048]; /* the permissions found missing, one a line */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping, busy, joined;
    struct steer_job jobs[QUEUE];
    size_t j_head, j_len;
    struct steer_result results[QUEUE];
    size_t r_len;
};

/* ---- reading ---- */

static cJSON *read_object(struct kube_client *k, const char *path, long *status,
                          struct pp_error *err) {
    struct buf b = {0};
    cJSON *o = NULL;
    if (kube_get(k, path, &b, status, err) == PP_OK && !(o = cJSON_Parse(b.p ? b.p : "")))
        pp_fail(err, PP_ERR_IO, "kube", "GET %s: the answer is not JSON", path);
    buf_free(&b);
    return o;
}

int steer_knative_minor(struct kube_client *k) {
    long status;
    struct pp_error err = {0};
    cJSON *d = read_object(k, "/apis/apps/v1/namespaces/knative-serving/deployments/controller",
                           &status, &err);
    const char *v =
        cJSON_GetStringValue(lever_at(d, "/metadata/labels/app.kubernetes.io~1version"));
    if (!v)
        v = cJSON_GetStringValue(lever_at(d, "/metadata/labels/serving.knative.dev~1release"));
    int major = 0, minor = -1;
    if (!v || sscanf(v[0] == 'v' ? v + 1 : v, "%d.%d", &major, &minor) != 2 || major != 1)
        minor = -1;
    cJSON_Delete(d);
    return minor;
}

/* ---- permissions ---- */

/* A SelfSubjectAccessReview: 1 allowed, 0 denied, -1 not answered. */
static int allowed(struct kube_client *k, const char *verb, const char *group, const char *resource,
                   const char *sub, const char *ns, const char *name) {
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "apiVersion", "authorization.k8s.io/v1");
    cJSON_AddStringToObject(r, "kind", "SelfSubjectAccessReview");
    cJSON *a = cJSON_AddObjectToObject(cJSON_AddObjectToObject(r, "spec"), "resourceAttributes");
    cJSON_AddStringToObject(a, "namespace", ns);
    cJSON_AddStringToObject(a, "verb", verb);
    cJSON_AddStringToObject(a, "group", group);
    cJSON_AddStringToObject(a, "resource", resource);
    if (sub)
        cJSON_AddStringToObject(a, "subresource", sub);
    if (name)
        cJSON_AddStringToObject(a, "name", name);
    char *body = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    const struct kube_write w = {"POST", "application/json", body};
    struct buf b = {0};
    long status;
    struct pp_error err = {0};
    int ok = -1;
    if (kube_send(k, &w, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", &b, &status,
                  &err) == PP_OK) {
        cJSON *o = cJSON_Parse(b.p ? b.p : "");
        ok = cJSON_IsTrue(lever_at(o, "/status/allowed")) ? 1 : 0;
        cJSON_Delete(o);
    }
    buf_free(&b);
    free(body);
    return ok;
}

static void need(struct steer *s, struct steer_svc *v, const char *verb, const char *group,
                 const char *resource, const char *sub) {
    const struct lever_object *o = &v->lever;
    const int a = allowed(s->k, verb, group, resource, sub, o->ns, o->name);
    if (a != 0)
        return;
    char what[200];
    snprintf(what, sizeof(what), "cannot %s %s%s%s%s%s in %s", verb, resource, group[0] ? "." : "",
             group, sub ? "/" : "", sub ? sub : "", o->ns);
    if (v->ok) {
        v->ok = false;
        snprintf(v->problem, sizeof(v->problem), "%s", what);
    }
    if (!strstr(s->missing, what)) {
        const size_t used = strlen(s->missing);
        snprintf(s->missing + used, sizeof(s->missing) - used, "%s\n", what);
    }
}

/* The object a service's scaler reads, for its ownerReferences. */
static cJSON *scaler_object(struct kube_client *k, const struct svc_config *c) {
    const char *name = c->scaler_name[0] ? c->scaler_name : c->name;
    char path[600];
    if (c->cls == SVC_HPA)
        snprintf(path, sizeof(path),
                 "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers/%s", c->namespace_,
                 name);
    else if (c->cls == SVC_KPA) /* the newest revision's: a rollout makes a new one */
        snprintf(path, sizeof(path),
                 "/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/%s/podautoscalers"
                 "?labelSelector=serving.knative.dev%%2Fservice%%3D%s",
                 c->namespace_, name);
    else
        return NULL;
    long status;
    struct pp_error err = {0};
    cJSON *o = read_object(k, path, &status, &err);
    if (c->cls != SVC_KPA)
        return o;
    const cJSON *it, *newest = NULL;
    const char *newest_at = "";
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "items")) {
        const char *at = cJSON_GetStringValue(lever_at(it, "/metadata/creationTimestamp"));
        if (at && strcmp(at, newest_at) >= 0) /* RFC 3339 in UTC sorts as text */
            newest = it, newest_at = at;
    }
    cJSON *pa = newest ? cJSON_Duplicate(newest, true) : NULL;
    cJSON_Delete(o);
    return pa;
}

/* The lever of svc as the cluster now stands (a KPA's newest revision). */
static bool find_lever(struct kube_client *k, const struct svc_config *c, int minor,
                       struct lever_object *out, struct pp_error *err) {
    cJSON *scaler = scaler_object(k, c);
    if (c->cls == SVC_KPA && !scaler) {
        pp_fail(err, PP_ERR_INVALID, "knative",
                "%s/%s: no PodAutoscaler labelled serving.knative.dev/service=%s", c->namespace_,
                c->name, c->scaler_name[0] ? c->scaler_name : c->name);
        return false;
    }
    const bool ok = lever_for(c, scaler, minor, out, err) == PP_OK;
    cJSON_Delete(scaler);
    return ok;
}

/* ---- one write ---- */

static const char *action(const struct command *cmd, bool restore_all) {
    if (restore_all)
        return "Restore";
    static const char *const names[] = {[CMD_PIN] = "Pin",       [CMD_UNPIN] = "Unpin",
                                        [CMD_TARGET] = "Target", [CMD_TARGET_RESET] = "TargetReset",
                                        [CMD_PAUSE] = "Pause",   [CMD_RESUME] = "Resume",
                                        [CMD_SET] = "Set",       [CMD_LOAD] = "Load",
                                        [CMD_STOP] = "Stop"};
    return names[cmd->kind];
}

/* An events.k8s.io/v1 Event on obj (best effort: a refusal is said). */
static bool post_event(struct kube_client *k, const struct lever_object *o, const cJSON *obj,
                       const char *act, const char *note, const struct steer_options *opt) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[64], host[64] = "podpilot", instance[128], gen[300];
    snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    snprintf(instance, sizeof(instance), "%.60s-%ld", host, (long)getpid());
    snprintf(gen, sizeof(gen), "%.240s.podpilot.", o->name);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "apiVersion", "events.k8s.io/v1");
    cJSON_AddStringToObject(e, "kind", "Event");
    cJSON *m = cJSON_AddObjectToObject(e, "metadata");
    cJSON_AddStringToObject(m, "generateName", gen);
    cJSON_AddStringToObject(m, "namespace", o->ns);
    cJSON_AddStringToObject(e, "eventTime", when);
    cJSON_AddStringToObject(e, "reportingController", "podpilot.io/console");
    cJSON_AddStringToObject(e, "reportingInstance", instance);
    cJSON_AddStringToObject(e, "action", act);
    cJSON_AddStringToObject(e, "reason", "PodpilotOverride");
    cJSON_AddStringToObject(e, "type", "Normal");
    char text[1024];
    snprintf(text, sizeof(text), "%.900s (podpilot, user %.80s)", note,
             opt && opt->user ? opt->user : "unknown");
    cJSON_AddStringToObject(e, "note", text);
    cJSON *r = cJSON_AddObjectToObject(e, "regarding");
    cJSON_AddStringToObject(r, "apiVersion", o->api);
    cJSON_AddStringToObject(r, "kind", o->kind_name);
    cJSON_AddStringToObject(r, "name", o->name);
    cJSON_AddStringToObject(r, "namespace", o->ns);
    const char *uid = cJSON_GetStringValue(lever_at(obj, "/metadata/uid"));
    if (uid) /* kubectl describe finds events by the object's uid */
        cJSON_AddStringToObject(r, "uid", uid);
    char *body = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    char path[300];
    snprintf(path, sizeof(path), "/apis/events.k8s.io/v1/namespaces/%s/events", o->ns);
    const struct kube_write w = {"POST", "application/json", body};
    struct buf b = {0};
    long status;
    struct pp_error err = {0};
    const bool ok = kube_send(k, &w, path, &b, &status, &err) == PP_OK;
    buf_free(&b);
    free(body);
    return ok;
}

/* PATCH path with body: a dry run first, then for real. *status the last. */
static enum pp_status patch(struct kube_client *k, const char *path, const char *ctype,
                            const char *body, const char *method, struct buf *answer, long *status,
                            struct pp_error *err) {
    char q[700];
    const struct kube_write w = {method, ctype, body};
    snprintf(q, sizeof(q), "%s?dryRun=All&fieldManager=podpilot", path);
    if (kube_send(k, &w, q, answer, status, err) != PP_OK) {
        if (*status != 409) { /* admission said no: its words */
            char m[400];
            snprintf(m, sizeof(m), "%.390s", err->message);
            pp_fail(err, PP_ERR_INVALID, "dry run", "refused: %s", m);
        }
        return PP_ERR_INVALID;
    }
    snprintf(q, sizeof(q), "%s?fieldManager=podpilot", path);
    return kube_send(k, &w, q, answer, status, err);
}

/* /scale as kubectl scale --resource-version does: GET, then PUT with
 * its resourceVersion; 409 retried. */
static enum pp_status put_scale(struct kube_client *k, const struct lever_object *o,
                                int32_t replicas, int *conflicts, struct pp_error *err) {
    char path[600];
    lever_path(o, true, path, sizeof(path));
    for (int attempt = 0; attempt <= STEER_RETRIES; attempt++) {
        long status;
        cJSON *sc = read_object(k, path, &status, err);
        if (!sc)
            return PP_ERR_IO;
        cJSON *spec = cJSON_GetObjectItemCaseSensitive(sc, "spec");
        if (!spec)
            spec = cJSON_AddObjectToObject(sc, "spec");
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "replicas");
        cJSON_AddNumberToObject(spec, "replicas", replicas);
        cJSON_DeleteItemFromObjectCaseSensitive(sc, "status");
        char *body = cJSON_PrintUnformatted(sc);
        cJSON_Delete(sc);
        struct buf b = {0};
        const enum pp_status st = patch(k, path, "application/json", body, "PUT", &b, &status, err);
        buf_free(&b);
        free(body);
        if (st == PP_OK)
            return PP_OK;
        if (status != 409)
            return st;
        ++*conflicts;
    }
    return pp_fail(err, PP_ERR_IO, "conflict", "%s/%s/scale changed %d times in a row", o->ns,
                   o->name, STEER_RETRIES + 1);
}

enum pp_status steer_write(struct kube_client *k, const struct lever_object *o,
                           const struct command *cmd, bool restore_all, int32_t current,
                           const struct steer_options *opt, struct steer_result *out) {
    struct pp_error err = {0};
    char path[600];
    lever_path(o, false, path, sizeof(path));
    int conflicts = 0;
    enum pp_status st = PP_ERR_IO;
    cJSON *obj = NULL;
    struct lever_plan plan = {0};
    char rv[64] = "?";
    const char *ctype = "";
    out->ok = false;
    for (int attempt = 0; attempt <= STEER_RETRIES; attempt++) {
        long status;
        cJSON_Delete(obj);
        lever_plan_fini(&plan);
        if (!(obj = read_object(k, path, &status, &err))) {
            st = PP_ERR_IO;
            break;
        }
        if (restore_all) {
            if (!lever_plan_restore_all(o, obj, &plan, &err)) {
                st = pp_fail(&err, PP_ERR_INVALID, "restore", "%s %s/%s holds no %s", o->label,
                             o->ns, o->name, LEVER_ORIGINAL);
                break;
            }
        } else if ((st = lever_plan(o, obj, cmd, current, &plan, &err)) != PP_OK) {
            break;
        }
        char *body = lever_render(&plan, obj, &ctype);
        struct buf b = {0};
        st = patch(k, path, ctype, body, "PATCH", &b, &status, &err);
        free(body);
        if (st == PP_OK) {
            cJSON *ans = cJSON_Parse(b.p ? b.p : "");
            snprintf(rv, sizeof(rv), "%s",
                     cJSON_GetStringValue(lever_at(ans, "/metadata/resourceVersion"))
                         ? cJSON_GetStringValue(lever_at(ans, "/metadata/resourceVersion"))
                         : "?");
            cJSON_Delete(ans);
        }
        buf_free(&b);
        if (st == PP_OK || status != 409)
            break;
        conflicts++; /* someone else wrote it between our read and our write: again */
        st = pp_fail(&err, PP_ERR_IO, "conflict", "%s %s/%s changed %d times in a row", o->label,
                     o->ns, o->name, STEER_RETRIES + 1);
    }
    if (st == PP_OK && plan.scale)
        st = put_scale(k, o, plan.replicas, &conflicts, &err);
    if (plan.scale)
        snprintf(out->where, sizeof(out->where), "%s %.60s/%.100s /scale replicas=%d", o->label,
                 o->ns, o->name, plan.replicas);
    else
        snprintf(out->where, sizeof(out->where), "%s %.60s/%.100s %.50s", o->label, o->ns, o->name,
                 plan.what);
    if (st == PP_OK) {
        char note[600];
        snprintf(note, sizeof(note), "%.150s: %.300s", restore_all ? "restore" : cmd->text,
                 out->where);
        const bool ev = post_event(k, o, obj, action(cmd, restore_all), note, opt);
        snprintf(out->message, sizeof(out->message),
                 "%.300s written (%s, dry run passed, resourceVersion %s%s%s%s)", out->where,
                 plan.scale                    ? "the annotation merge-patched, then PUT /scale"
                 : strstr(ctype, "json-patch") ? "JSON patch"
                                               : "merge patch",
                 rv, conflicts ? ", conflicts retried: " : "", conflicts ? "yes" : "",
                 ev ? "" : "; the Event could not be posted");
        out->ok = true;
    } else {
        snprintf(out->message, sizeof(out->message), "%s %.60s/%.100s: %.100s%s%.400s", o->label,
                 o->ns, o->name, err.field, err.field[0] ? ": " : "", err.message);
    }
    lever_plan_fini(&plan);
    cJSON_Delete(obj);
    return st;
}

/* ---- the thread ---- */

static void *run(void *arg) {
    struct steer *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->stopping && s->j_len == 0)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->stopping)
            break;
        struct steer_job job = s->jobs[s->j_head];
        s->j_head = (s->j_head + 1) % QUEUE;
        s->j_len--;
        s->busy = true;
        pthread_mutex_unlock(&s->mu);
        struct steer_result r = {.svc = job.svc, .cmd = job.cmd};
        struct lever_object lever = s->svcs[job.svc].lever;
        struct pp_error err = {0};
        if (s->set->svcs[job.svc].cls == SVC_KPA &&
            !find_lever(s->k, &s->set->svcs[job.svc], s->opt.knative_minor, &lever, &err))
            snprintf(r.message, sizeof(r.message), "%s", err.message);
        else
            steer_write(s->k, &lever, &job.cmd, false, job.current, &s->opt, &r);
        pthread_mutex_lock(&s->mu);
        s->busy = false;
        if (s->r_len < QUEUE)
            s->results[s->r_len++] = r;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct steer *steer_start(struct kube_client *k, const struct svc_set *set,
                          const struct steer_options *opt, struct pp_error *err) {
    struct steer *s = xcalloc(1, sizeof(*s));
    s->k = k;
    s->opt = *opt;
    s->set = set;
    s->n = set->n;
    s->svcs = xcalloc(set->n ? set->n : 1, sizeof(*s->svcs));
    int minor = opt->knative_minor;
    for (size_t i = 0; i < set->n && minor < 0; i++)
        if (set->svcs[i].cls == SVC_KPA)
            minor = steer_knative_minor(k);
    s->opt.knative_minor = minor;
    for (size_t i = 0; i < set->n; i++) {
        struct steer_svc *v = &s->svcs[i];
        struct pp_error e = {0};
        v->ok = find_lever(k, &set->svcs[i], minor, &v->lever, &e);
        if (!v->ok) {
            snprintf(v->problem, sizeof(v->problem), "%.390s", e.message);
            continue;
        }
        char group[96];
        lever_group(&v->lever, group, sizeof(group));
        need(s, v, "get", group, v->lever.resource, NULL);
        need(s, v, "patch", group, v->lever.resource, NULL);
        if (v->lever.kind == LEVER_SCALE)
            need(s, v, "update", group, v->lever.resource, "scale");
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s->svcs);
        free(s);
        pp_fail(err, PP_ERR_IO, "steer", "could not start the writer's thread");
        return NULL;
    }
    return s;
}

void steer_stop(struct steer *s) {
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (!s->joined)
        pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->svcs);
    free(s);
}

enum pp_status steer_check(struct steer *s, size_t svc, const struct command *cmd,
                           struct pp_error *err) {
    if (cmd->kind == CMD_LOAD || cmd->kind == CMD_STOP)
        return PP_OK;
    if (svc >= s->n)
        return pp_fail(err, PP_ERR_INVALID, "command", "no such service");
    if (!s->svcs[svc].ok) /* set once at the start: read without the lock */
        return pp_fail(err, PP_ERR_INVALID, "active mode", "%s", s->svcs[svc].problem);
    return PP_OK;
}

void steer_submit(struct steer *s, size_t svc, const struct command *cmd, int32_t current) {
    pthread_mutex_lock(&s->mu);
    if (s->j_len < QUEUE) {
        s->jobs[(s->j_head + s->j_len++) % QUEUE] =
            (struct steer_job){.svc = svc, .cmd = *cmd, .current = current};
        pthread_cond_signal(&s->cv);
    } else if (s->r_len < QUEUE) {
        struct steer_result *r = &s->results[s->r_len++];
        *r = (struct steer_result){.svc = svc, .cmd = *cmd};
        snprintf(r->message, sizeof(r->message), "%d writes already wait: not sent", QUEUE);
    }
    pthread_mutex_unlock(&s->mu);
}

size_t steer_results(struct steer *s, struct steer_result *out, size_t cap) {
    pthread_mutex_lock(&s->mu);
    const size_t n = s->r_len < cap ? s->r_len : cap;
    memcpy(out, s->results, n * sizeof(*out));
    memmove(s->results, s->results + n, (s->r_len - n) * sizeof(*out));
    s->r_len -= n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

size_t steer_restore(struct steer *s, bool restore, FILE *out) {
    pthread_mutex_lock(&s->mu);
    s->j_len = 0; /* what has not been sent will not be */
    while (s->busy) {
        pthread_mutex_unlock(&s->mu);
        const struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&s->mu);
    }
    s->stopping = true; /* the thread leaves; the client is ours again */
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->joined = true;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct lever_object lever = s->svcs[i].lever;
        struct pp_error err = {0};
        if (s->set->svcs[i].cls == SVC_KPA &&
            !find_lever(s->k, &s->set->svcs[i], s->opt.knative_minor, &lever, &err))
            continue;
        if (!s->svcs[i].ok && s->set->svcs[i].cls != SVC_KPA)
            continue;
        bool seen = false; /* two services, one object (a KServe predictor and its HPA) */
        for (size_t j = 0; j < i && !seen; j++)
            seen = s->svcs[j].ok && s->svcs[j].lever.kind == lever.kind &&
                   strcmp(s->svcs[j].lever.ns, lever.ns) == 0 &&
                   strcmp(s->svcs[j].lever.name, lever.name) == 0;
        char path[600];
        lever_path(&lever, false, path, sizeof(path));
        long status;
        cJSON *obj = seen ? NULL : read_object(s->k, path, &status, &err);
        cJSON *orig = lever_originals(obj);
        cJSON_Delete(obj);
        if (!orig)
            continue;
        cJSON_Delete(orig);
        if (!restore) {
            n++;
            continue;
        }
        const struct command none = {.kind = CMD_UNPIN};
        struct steer_result r = {0};
        const bool ok = steer_write(s->k, &lever, &none, true, 0, &s->opt, &r) == PP_OK;
        n += !ok;
        fprintf(out, "podpilot: %s%s\n", ok ? "" : "not restored: ", r.message);
    }
    return n;
}

size_t steer_missing(const struct steer *s, char *buf, size_t size) {
    return (size_t)snprintf(buf, size, "%s", s->missing);
}
