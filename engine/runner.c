#include "engine/runner.h"

#include "engine/source_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct runner {
    const struct svc_set *set;
    struct source *src;
    struct loop *loop;
    loop_emit_fn emit;
    void *ctx;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    size_t focus;
    double speed;
    bool paused, step, republish, recording;
    runner_call_fn call;
    char report[RUNNER_REPORT];
    uint64_t report_seq;
    size_t report_svc;
    void *call_ctx;
    int64_t seek; /* -1: none */
    const struct runner_source *source;
    int64_t duration;
    /* snapshots: the pool, and the one readers get */
    struct snapshot **pool;
    size_t n_pool;
    struct snapshot *current;
    uint64_t seq;
    /* the newest events, kept by the engine thread */
    struct snap_event ring[RUNNER_EVENTS];
    size_t ring_head, ring_len;
    int wake[2];
};

static void on_record(void *ctx, const struct loop_record *rec) {
    struct runner *r = ctx;
    if (rec->kind == LOOP_EVENT) {
        struct snap_event *e = &r->ring[(r->ring_head + r->ring_len) % RUNNER_EVENTS];
        if (r->ring_len == RUNNER_EVENTS)
            r->ring_head = (r->ring_head + 1) % RUNNER_EVENTS;
        else
            r->ring_len++;
        e->t = rec->t;
        e->svc = rec->svc;
        e->warning = rec->warning;
        snprintf(e->reason, sizeof(e->reason), "%s", rec->reason);
        snprintf(e->message, sizeof(e->message), "%s", rec->message);
    }
    if (r->emit)
        r->emit(r->ctx, rec);
}

static struct snapshot *snapshot_new(size_t n) {
    struct snapshot *s = xcalloc(1, sizeof(*s));
    s->svcs = xcalloc(n ? n : 1, sizeof(*s->svcs));
    s->events = xcalloc(RUNNER_EVENTS, sizeof(*s->events));
    s->describe = xcalloc(1, RUNNER_DESCRIBE);
    s->pod_gpu = xcalloc(RUNNER_POD_GPU, sizeof(*s->pod_gpu));
    s->report = xcalloc(1, RUNNER_REPORT);
    s->n = n;
    return s;
}

static void snapshot_free(struct snapshot *s) {
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->svcs[i].hpa);
    free(s->svcs);
    free(s->events);
    free(s->describe);
    free(s->pod_gpu);
    free(s->report);
    free(s);
}

size_t runner_snapshot_bytes(struct runner *r) {
    pthread_mutex_lock(&r->mu);
    const size_t pool = r->n_pool;
    pthread_mutex_unlock(&r->mu);
    return pool * (sizeof(struct snapshot) + r->set->n * sizeof(struct snap_service) +
                   RUNNER_EVENTS * sizeof(struct snap_event) + RUNNER_DESCRIBE +
                   RUNNER_POD_GPU * sizeof(double) + RUNNER_REPORT);
}

/* A pooled snapshot no reader holds and that is not the current one. */
static struct snapshot *free_snapshot(struct runner *r) {
    struct snapshot *s = NULL;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->n_pool && !s; i++)
        if (r->pool[i]->refs == 0 && r->pool[i] != r->current)
            s = r->pool[i];
    if (!s) {
        s = snapshot_new(r->set->n);
        r->pool = xrealloc(r->pool, (r->n_pool + 1) * sizeof(*r->pool));
        r->pool[r->n_pool++] = s;
    }
    pthread_mutex_unlock(&r->mu);
    return s;
}

static void publish(struct runner *r, bool done) {
    struct snapshot *s = free_snapshot(r);
    s->seq = ++r->seq;
    s->t = loop_elapsed(r->loop);
    s->done = done;
    pthread_mutex_lock(&r->mu);
    s->paused = r->paused;
    s->speed = r->speed;
    s->recording = r->recording;
    pthread_mutex_unlock(&r->mu);
    for (size_t i = 0; i < s->n; i++) {
        struct snap_service *d = &s->svcs[i];
        const struct loop_view *v = loop_view(r->loop, i);
        d->view = *v;
        snprintf(d->service, sizeof(d->service), "%s", v->service);
        snprintf(d->metric, sizeof(d->metric), "%s", v->metric ? v->metric : "");
        d->view.service = d->service;
        d->view.metric = d->metric;
        if (v->hpa) {
            if (!d->hpa) /* once per pooled snapshot and HPA service */
                d->hpa = xmalloc(sizeof(*d->hpa));
            *d->hpa = *v->hpa;
            d->view.hpa = d->hpa;
        }
    }
    pthread_mutex_lock(&r->mu);
    s->focus = r->focus;
    pthread_mutex_unlock(&r->mu);
    s->describe[0] = '\0';
    if (s->report_seq != r->report_seq) {
        s->report_seq = r->report_seq;
        s->report_svc = r->report_svc;
        memcpy(s->report, r->report, RUNNER_REPORT);
    }
    s->n_pod_gpu = 0;
    s->signals.n = 0;
    if (s->focus < s->n) {
        loop_describe(r->loop, s->focus, s->describe, RUNNER_DESCRIBE);
        s->n_pod_gpu = loop_pod_gpu(r->loop, s->focus, s->pod_gpu, RUNNER_POD_GPU);
        loop_signals(r->loop, s->focus, &s->signals);
    }
    s->n_events = r->ring_len;
    for (size_t i = 0; i < r->ring_len; i++)
        s->events[i] = r->ring[(r->ring_head + i) % RUNNER_EVENTS];
    pthread_mutex_lock(&r->mu);
    r->current = s;
    pthread_mutex_unlock(&r->mu);
    const char b = 1;
    if (write(r->wake[1], &b, 1) < 0 && errno != EAGAIN)
        return; /* a reader that stopped reading misses a wake-up, nothing else */
}

static struct timespec add_seconds(struct timespec t, double secs) {
    const double whole = floor(secs);
    t.tv_sec += (time_t)whole;
    t.tv_nsec += (long)((secs - whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool before(struct timespec a, struct timespec b) {
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

static bool tick(struct runner *r) { return loop_tick(r->loop); }

/* The source and the loop on it, from the start. */
static bool open_loop(struct runner *r, struct pp_error *err) {
    r->src = r->source ? r->source->open(r->source->ctx, err) : source_sim_create(r->set, err);
    if (r->src)
        r->loop = loop_create(r->set, r->src, on_record, r, err);
    return r->loop != NULL;
}

static void close_loop(struct runner *r) {
    loop_destroy(r->loop);
    if (r->source && r->src)
        r->source->close(r->source->ctx, r->src);
    else
        source_destroy(r->src);
    r->loop = NULL;
    r->src = NULL;
}

/* To second t of a source: forward by ticking, back by starting over. */
static bool seek(struct runner *r, int64_t t) {
    if (t < loop_elapsed(r->loop)) {
        close_loop(r);
        r->ring_len = r->ring_head = 0;
        if (!open_loop(r, NULL))
            return false;
    }
    while (loop_elapsed(r->loop) < t)
        if (!tick(r))
            return false;
    return true;
}

static void *engine_thread(void *arg) {
    struct runner *r = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    bool ended = false;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->seek < 0 && !r->step && !r->republish && !r->call &&
               (r->paused || ended))
            pthread_cond_wait(&r->cv, &r->mu);
        const runner_call_fn call = r->call;
        void *call_ctx = r->call_ctx;
        r->call = NULL;
        const bool again = r->republish;
        r->republish = false;
        const bool stop = r->stop;
        const int64_t to = r->seek;
        const bool stepping = r->step;
        const bool paused = r->paused;
        r->seek = -1;
        r->step = false;
        const double speed = r->speed;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            break;
        if (call) {
            call(call_ctx, r->loop);
            publish(r, ended);
            continue;
        }
        if (to >= 0 && r->source) {
            ended = !seek(r, to);
            if (!r->loop)
                break;
            publish(r, ended);
            clock_gettime(CLOCK_MONOTONIC, &next);
            continue;
        }
        if (again && (paused || ended) && !stepping) {
            publish(r, ended); /* the pace or the pause changed: readers see it at once */
            continue;
        }
        if (ended)
            continue;
        ended = !tick(r) || (r->duration > 0 && loop_elapsed(r->loop) >= r->duration);
        publish(r, ended);
        if (ended && !r->source)
            break;
        if (speed <= 0 || stepping)
            continue;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        next = add_seconds(next, 1.0 / speed);
        if (before(next, add_seconds(now, -1.0)))
            next = now; /* fell behind by more than a second: do not race to catch up */
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->speed == speed && r->seek < 0 && !r->paused && !r->call) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!before(now, next))
                break;
            pthread_cond_timedwait(&r->cv, &r->mu, &next);
        }
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

struct runner *runner_start(const struct svc_set *set, const struct runner_options *opt,
                            loop_emit_fn emit, void *ctx, struct pp_error *err) {
    struct runner *r = xcalloc(1, sizeof(*r));
    r->set = set;
    r->emit = emit;
    r->ctx = ctx;
    r->speed = opt->speed;
    r->duration = opt->duration_s;
    r->focus = SIZE_MAX;
    r->paused = opt->paused;
    r->seek = -1;
    r->source = opt->source;
    if (!open_loop(r, err)) {
        close_loop(r);
        free(r);
        return NULL;
    }
    if (pipe(r->wake) != 0) {
        pp_fail(err, PP_ERR_IO, "runner", "pipe: %s", strerror(errno));
        close_loop(r);
        free(r);
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(r->wake[i], F_SETFL, fcntl(r->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(r->wake[i], F_SETFD, FD_CLOEXEC);
    }
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    publish(r, false); /* t = 0: the services as they start */
    if (pthread_create(&r->thread, NULL, engine_thread, r) != 0) {
        pp_fail(err, PP_ERR_IO, "runner", "cannot start the engine thread");
        runner_stop(r);
        return NULL;
    }
    r->started = true;
    return r;
}

void runner_stop(struct runner *r) {
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (r->started)
        pthread_join(r->thread, NULL);
    close_loop(r);
    for (size_t i = 0; i < r->n_pool; i++)
        snapshot_free(r->pool[i]);
    free(r->pool);
    close(r->wake[0]);
    close(r->wake[1]);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

const struct snapshot *runner_acquire(struct runner *r) {
    pthread_mutex_lock(&r->mu);
    struct snapshot *s = r->current;
    if (s)
        s->refs++;
    pthread_mutex_unlock(&r->mu);
    return s;
}

void runner_release(struct runner *r, const struct snapshot *s) {
    if (!s)
        return;
    pthread_mutex_lock(&r->mu);
    ((struct snapshot *)s)->refs--;
    pthread_mutex_unlock(&r->mu);
}

int runner_wake_fd(const struct runner *r) { return r->wake[0]; }

void runner_drain_wake(struct runner *r) {
    char buf[64];
    while (read(r->wake[0], buf, sizeof(buf)) > 0)
        continue;
}

enum pp_status runner_submit(struct runner *r, const struct command *cmd, struct pp_error *err) {
    return loop_submit(r->loop, cmd, err);
}

void runner_set_speed(struct runner *r, double speed) {
    pthread_mutex_lock(&r->mu);
    r->speed = speed;
    r->republish = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_focus(struct runner *r, size_t svc) {
    pthread_mutex_lock(&r->mu);
    r->focus = svc;
    r->republish = true; /* a paused or ended run shows the new focus at once */
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_pause(struct runner *r, bool paused) {
    pthread_mutex_lock(&r->mu);
    r->paused = paused;
    r->republish = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_step(struct runner *r) {
    pthread_mutex_lock(&r->mu);
    r->step = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_seek(struct runner *r, int64_t t) {
    pthread_mutex_lock(&r->mu);
    r->seek = t < 0 ? 0 : t;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

double runner_speed(struct runner *r) {
    pthread_mutex_lock(&r->mu);
    const double v = r->speed;
    pthread_mutex_unlock(&r->mu);
    return v;
}

bool runner_paused(struct runner *r) {
    pthread_mutex_lock(&r->mu);
    const bool v = r->paused;
    pthread_mutex_unlock(&r->mu);
    return v;
}

bool runner_call(struct runner *r, runner_call_fn fn, void *ctx) {
    pthread_mutex_lock(&r->mu);
    const bool free_slot = r->call == NULL;
    if (free_slot) {
        r->call = fn;
        r->call_ctx = ctx;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    return free_slot;
}

void runner_set_recording(struct runner *r, bool on) {
    pthread_mutex_lock(&r->mu);
    r->recording = on;
    r->republish = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_set_report(struct runner *r, size_t svc, const char *text) {
    snprintf(r->report, sizeof(r->report), "%s", text);
    r->report_svc = svc;
    r->report_seq++;
}
