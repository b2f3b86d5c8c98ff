#include "engine/sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sim_pod_model_default(struct sim_pod_model *m) {
    *m = (struct sim_pod_model){
        .dist = SIM_DIST_LOGNORMAL,
        .service_time_s = 0.02,
        .service_cv = 0.25,
        .cold_start = PP_SEC(10),
        .streams = 4,
        .cpu_idle_milli = 2,
        .cpu_stream_milli = 250,
        .memory_idle_milli = INT64_C(200) * 1024 * 1024 * 1000,
        .memory_request_bytes_milli = INT64_C(4) * 1024 * 1024 * 1000,
    };
}

enum pp_status sim_pod_model_validate(const struct sim_pod_model *m, struct pp_error *err) {
    if (!(m->service_time_s > 0) || m->service_time_s > 3600)
        return pp_fail(err, PP_ERR_INVALID, "serviceTime", "must be above 0 and at most 1h");
    if (!(m->service_cv >= 0) || m->service_cv > 10)
        return pp_fail(err, PP_ERR_INVALID, "serviceTimeCV", "must be between 0 and 10");
    if (m->cold_start < 0 || m->cold_start > PP_SEC(3600))
        return pp_fail(err, PP_ERR_INVALID, "coldStart", "must be between 0s and 1h");
    if (m->streams < 1 || m->streams > SIM_MAX_STREAMS)
        return pp_fail(err, PP_ERR_INVALID, "streams", "must be between 1 and %d", SIM_MAX_STREAMS);
    if (m->cpu_idle_milli < 0 || m->cpu_stream_milli < 0)
        return pp_fail(err, PP_ERR_INVALID, "cpu", "must not be negative");
    return PP_OK;
}

/* ---- the event heap (ties broken by insertion order: deterministic) ---- */

static bool ev_before(const struct event *a, const struct event *b) {
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void sim_push(struct sim *s, struct event e) {
    if (s->n_heap == s->heap_cap) {
        s->heap_cap = s->heap_cap ? s->heap_cap * 2 : 256;
        s->heap = xrealloc(s->heap, s->heap_cap * sizeof(*s->heap));
    }
    e.seq = ++s->seq;
    size_t i = s->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
}

static struct event pop(struct sim *s) {
    struct event top = s->heap[0];
    struct event last = s->heap[--s->n_heap];
    size_t i = 0, n = s->n_heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

/* ---- pods ---- */

double sim_secs(pp_time d) { return (double)d / (double)PP_NS_PER_SEC; }

static void pod_flush(struct pod *p, int32_t exec_slots, pp_time now) {
    const double dt = sim_secs(now - p->last_change);
    if (dt > 0) {
        p->conc_area += p->in_flight * dt;
        p->busy_area += (p->in_flight < exec_slots ? p->in_flight : exec_slots) * dt;
    }
    p->last_change = now;
}

static void buf_flush(struct service *v, pp_time now) {
    const double dt = sim_secs(now - v->buf_last);
    if (dt > 0)
        v->buf_area += (double)v->buf_len * dt;
    v->buf_last = now;
}

static int32_t new_pod(struct sim *s, struct service *v, pp_time now) {
    int32_t slot = -1;
    for (int32_t i = 0; i < v->n_slots; i++)
        if (v->pods[i].state == POD_FREE) {
            slot = i;
            break;
        }
    if (slot < 0) {
        if (v->n_slots >= SIM_MAX_PODS)
            return -1;
        slot = v->n_slots++;
    }
    struct pod *p = &v->pods[slot];
    *p = (struct pod){.state = POD_STARTING, .uid = ++s->uid, .created = now, .last_change = now};
    for (int r = 0; r < SIM_READERS; r++)
        p->rd[r].at = now;
    for (int32_t k = 0; k < v->exec_slots; k++)
        v->slot_free[(size_t)slot * (size_t)v->exec_slots + (size_t)k] = now;
    return slot;
}

static void free_pod(struct service *v, int32_t slot) {
    v->pods[slot].state = POD_FREE;
    while (v->n_slots > 0 && v->pods[v->n_slots - 1].state == POD_FREE)
        v->n_slots--;
}

/* ---- requests ---- */

double sim_draw_work(struct rng *r, const struct service *v) {
    const struct sim_pod_model *m = &v->m;
    switch (m->dist) {
    case SIM_DIST_CONSTANT:
        return m->service_time_s;
    case SIM_DIST_EXPONENTIAL:
        return rng_exp(r, m->service_time_s);
    case SIM_DIST_LOGNORMAL:
        break;
    }
    return exp(v->ln_mu + v->ln_sigma * rng_normal(r));
}

static int32_t pick_pod(const struct service *v) {
    const int32_t cap = v->activator ? v->spec.concurrency_limit : 0;
    int32_t best = -1;
    for (int32_t i = 0; i < v->n_slots; i++) {
        const struct pod *p = &v->pods[i];
        if (p->state != POD_READY || (cap > 0 && p->in_flight >= cap))
            continue;
        if (best < 0 || p->in_flight < v->pods[best].in_flight)
            best = i;
    }
    return best;
}

/* Starts a request on a pod: FIFO over the pod's execution slots. */
static void run_on_pod(struct sim *s, size_t si, int32_t slot, const struct held *h, pp_time now) {
    struct service *v = &s->svcs[si];
    struct pod *p = &v->pods[slot];
    pp_time *free_at = &v->slot_free[(size_t)slot * (size_t)v->exec_slots];
    int32_t k = 0;
    for (int32_t i = 1; i < v->exec_slots; i++)
        if (free_at[i] < free_at[k])
            k = i;
    const pp_time start = free_at[k] > now ? free_at[k] : now;
    const pp_time done = start + (pp_time)(h->work_s * (double)PP_NS_PER_SEC);
    free_at[k] = done;
    pod_flush(p, v->exec_slots, now);
    p->in_flight++;
    p->arrivals++;
    if (v->on_start)
        v->on_start(v->hook_ctx, si, slot, now);
    sim_push(s, (struct event){.t = done,
                               .kind = EV_DONE,
                               .svc = (uint32_t)si,
                               .pod = slot,
                               .load = h->load,
                               .worker = h->worker,
                               .sent = h->sent,
                               .token = h->token});
}

static void hold(struct service *v, const struct held *h, pp_time now) {
    if (v->buf_len == v->buf_cap) {
        size_t cap = v->buf_cap ? v->buf_cap * 2 : 64;
        struct held *nb = xmalloc(cap * sizeof(*nb));
        for (size_t i = 0; i < v->buf_len; i++)
            nb[i] = v->buf[(v->buf_head + i) % v->buf_cap];
        free(v->buf);
        v->buf = nb;
        v->buf_cap = cap;
        v->buf_head = 0;
    }
    buf_flush(v, now);
    v->buf[(v->buf_head + v->buf_len) % v->buf_cap] = *h;
    v->buf_len++;
}

void sim_drain(struct sim *s, size_t si, pp_time now) {
    struct service *v = &s->svcs[si];
    while (v->buf_len > 0) {
        const int32_t slot = pick_pod(v);
        if (slot < 0)
            return;
        buf_flush(v, now);
        const struct held h = v->buf[v->buf_head];
        v->buf_head = (v->buf_head + 1) % v->buf_cap;
        v->buf_len--;
        run_on_pod(s, si, slot, &h, now);
    }
}

void sim_dispatch(struct sim *s, size_t si, const struct held *h, pp_time now) {
    struct service *v = &s->svcs[si];
    v->arrivals++;
    const int32_t slot = v->buf_len ? -1 : pick_pod(v);
    if (slot < 0)
        hold(v, h, now);
    else
        run_on_pod(s, si, slot, h, now);
}

/* ---- events ---- */

static void on_done(struct sim *s, const struct event *e) {
    struct service *v = &s->svcs[e->svc];
    struct pod *p = &v->pods[e->pod];
    pod_flush(p, v->exec_slots, e->t);
    p->in_flight--;
    if (v->on_end)
        v->on_end(v->hook_ctx, e->svc, e->pod, e->t);
    if (p->state == POD_TERMINATING && p->in_flight == 0)
        free_pod(v, e->pod);
    struct load *l = &s->loads[e->load];
    l->in_flight--;
    const bool waited = e->worker < 0 || l->workers[e->worker].token == e->token;
    if (waited) {
        l->res.n_ok++;
        sim_record_latency(l, sim_secs(e->t - e->sent));
        if (e->worker >= 0)
            sim_worker_next(s, e->load, e->worker, e->t);
    }
    sim_maybe_finish(l, e->t);
    sim_drain(s, e->svc, e->t);
}

static void on_timeout(struct sim *s, const struct event *e) {
    struct load *l = &s->loads[e->load];
    struct worker *w = &l->workers[e->worker];
    if (w->token != e->token)
        return;
    l->res.n_timeout++;
    sim_worker_next(s, e->load, e->worker, e->t);
}

static void on_ready(struct sim *s, const struct event *e) {
    struct service *v = &s->svcs[e->svc];
    struct pod *p = &v->pods[e->pod];
    if (p->state != POD_STARTING || p->uid != e->token)
        return;
    p->state = POD_READY;
    p->ready_at = e->t;
    sim_drain(s, e->svc, e->t);
}

void sim_run(struct sim *s, pp_time until) {
    while (s->n_heap > 0 && s->heap[0].t <= until) {
        const struct event e = pop(s);
        switch ((enum ev_kind)e.kind) {
        case EV_SEND: {
            struct load *l = &s->loads[e.load];
            if (sim_load_over(l, e.t))
                sim_worker_stop(l, &l->workers[e.worker], e.t);
            else
                sim_send_request(s, e.load, e.worker, e.t);
            break;
        }
        case EV_ARRIVAL:
            sim_open_arrival(s, e.load, e.t);
            break;
        case EV_DONE:
            on_done(s, &e);
            break;
        case EV_READY:
            on_ready(s, &e);
            break;
        case EV_TIMEOUT:
            on_timeout(s, &e);
            break;
        }
    }
}

/* ---- public ---- */

struct sim *sim_create(uint64_t seed, const struct sim_pod_model *models,
                       const struct pod_spec *specs, const int32_t *ready, size_t n, pp_time now) {
    struct sim *s = xcalloc(1, sizeof(*s));
    rng_seed(&s->rng, seed);
    s->n_svcs = n;
    s->svcs = xcalloc(n ? n : 1, sizeof(*s->svcs));
    for (size_t i = 0; i < n; i++) {
        struct service *v = &s->svcs[i];
        v->m = models[i];
        v->spec = specs[i];
        const double sigma2 = log1p(v->m.service_cv * v->m.service_cv);
        v->ln_mu = log(v->m.service_time_s) - sigma2 / 2;
        v->ln_sigma = sqrt(sigma2);
        v->exec_slots = sim_exec_slots(&v->m, &v->spec);
        v->pods = xcalloc(SIM_MAX_PODS, sizeof(*v->pods));
        v->slot_free = xcalloc((size_t)SIM_MAX_PODS * (size_t)v->exec_slots, sizeof(pp_time));
        v->buf_last = now;
        for (int r = 0; r < SIM_READERS; r++)
            v->rd[r].at = now;
        const int32_t want = ready && ready[i] > 0 ? ready[i] : 0;
        for (int32_t k = 0; k < want && k < SIM_MAX_PODS; k++) {
            const int32_t slot = new_pod(s, v, now);
            v->pods[slot].state = POD_READY;
            v->pods[slot].created = now - v->m.cold_start;
            v->pods[slot].ready_at = now;
        }
    }
    return s;
}

void sim_destroy(struct sim *s) {
    if (!s)
        return;
    for (size_t i = 0; i < s->n_svcs; i++) {
        free(s->svcs[i].pods);
        free(s->svcs[i].slot_free);
        free(s->svcs[i].buf);
    }
    for (size_t i = 0; i < s->n_loads; i++) {
        free(s->loads[i].trace);
        free(s->loads[i].workers);
        free(s->loads[i].lat);
    }
    free(s->svcs);
    free(s->loads);
    free(s->heap);
    free(s);
}

static void remove_pod(struct service *v, int32_t slot, pp_time now) {
    struct pod *p = &v->pods[slot];
    pod_flush(p, v->exec_slots, now);
    if (p->in_flight == 0)
        free_pod(v, slot);
    else
        p->state = POD_TERMINATING;
}

/* The pod to remove first: starting before ready, newest starting first,
 * then the ready pod with the fewest requests (the newest on a tie). */
static int32_t victim(const struct service *v) {
    int32_t best = -1;
    for (int32_t i = 0; i < v->n_slots; i++) {
        const struct pod *p = &v->pods[i];
        if (p->state != POD_STARTING && p->state != POD_READY)
            continue;
        if (best < 0) {
            best = i;
            continue;
        }
        const struct pod *b = &v->pods[best];
        if (p->state != b->state) {
            if (p->state == POD_STARTING)
                best = i;
            continue;
        }
        if (p->state == POD_STARTING ? p->uid > b->uid
                                     : (p->in_flight < b->in_flight ||
                                        (p->in_flight == b->in_flight && p->uid > b->uid)))
            best = i;
    }
    return best;
}

void sim_scale(struct sim *s, size_t svc, int32_t replicas, pp_time now) {
    struct service *v = &s->svcs[svc];
    if (replicas < 0)
        replicas = 0;
    int32_t have = sim_pods(s, svc);
    for (; have < replicas; have++) {
        const int32_t slot = new_pod(s, v, now);
        if (slot < 0)
            break;
        sim_push(s, (struct event){.t = now + v->m.cold_start,
                                   .kind = EV_READY,
                                   .svc = (uint32_t)svc,
                                   .pod = slot,
                                   .token = v->pods[slot].uid});
    }
    for (; have > replicas; have--)
        remove_pod(v, victim(v), now);
}

void sim_set_pod(struct sim *s, size_t svc, int32_t slot, bool ready, pp_time now) {
    struct service *v = &s->svcs[svc];
    if (slot < 0 || slot >= SIM_MAX_PODS)
        return;
    const bool up = slot < v->n_slots && v->pods[slot].state == POD_READY;
    if (ready == up)
        return;
    if (!ready) {
        remove_pod(v, slot, now);
        return;
    }
    if (slot < v->n_slots && v->pods[slot].state != POD_FREE)
        return; /* still draining: it comes back when empty */
    while (v->n_slots <= slot)
        v->pods[v->n_slots++].state = POD_FREE;
    struct pod *p = &v->pods[slot];
    *p = (struct pod){
        .state = POD_READY, .uid = ++s->uid, .created = now, .ready_at = now, .last_change = now};
    for (int r = 0; r < SIM_READERS; r++)
        p->rd[r].at = now;
    for (int32_t k = 0; k < v->exec_slots; k++)
        v->slot_free[(size_t)slot * (size_t)v->exec_slots + (size_t)k] = now;
    sim_drain(s, svc, now);
}

void sim_set_activator(struct sim *s, size_t svc, bool in_path, pp_time now) {
    struct service *v = &s->svcs[svc];
    if (v->activator == in_path)
        return;
    v->activator = in_path;
    sim_drain(s, svc, now);
}

static void sample_pod(struct service *v, struct pod *p, unsigned r, pp_time now,
                       struct sim_pod_sample *out) {
    pod_flush(p, v->exec_slots, now);
    struct reading *rd = &p->rd[r];
    const double dt = sim_secs(now - rd->at);
    const double conc = dt > 0 ? (p->conc_area - rd->conc_area) / dt : 0;
    const double busy = dt > 0 ? (p->busy_area - rd->busy_area) / dt : 0;
    const double rps = dt > 0 ? (double)(p->arrivals - rd->arrivals) / dt : 0;
    *rd = (struct reading){
        .at = now, .conc_area = p->conc_area, .busy_area = p->busy_area, .arrivals = p->arrivals};
    sim_pod_figures(&v->m, &v->spec, p->state == POD_READY, conc, busy, rps, out);
    out->uid = p->uid;
    out->created = p->created;
    out->ready_at = p->ready_at;
}

int32_t sim_exec_slots(const struct sim_pod_model *m, const struct pod_spec *spec) {
    if (spec->concurrency_limit > 0 && spec->concurrency_limit < m->streams)
        return spec->concurrency_limit;
    return m->streams;
}

void sim_pod_figures(const struct sim_pod_model *m, const struct pod_spec *spec, bool ready,
                     double conc, double busy, double rps, struct sim_pod_sample *out) {
    const double slots = sim_exec_slots(m, spec);
    *out = (struct sim_pod_sample){
        .ready = ready,
        .concurrency = conc,
        .rps = rps,
        .busy = busy,
        .cpu_milli =
            ready ? m->cpu_idle_milli + (int64_t)llround(busy * (double)m->cpu_stream_milli) : 0,
        .memory_milli =
            m->memory_idle_milli + (int64_t)llround(conc * (double)m->memory_request_bytes_milli),
        .gpu_util = spec->gpus > 0 ? 100.0 * busy / slots : 0,
        .streams_ratio = conc / slots,
    };
}

size_t sim_sample(struct sim *s, size_t svc, unsigned reader, pp_time now,
                  struct sim_pod_sample *pods, size_t cap, struct sim_service_sample *out) {
    struct service *v = &s->svcs[svc];
    if (reader >= SIM_READERS)
        reader = SIM_READERS - 1;
    size_t n = 0;
    double in_flight = 0;
    *out = (struct sim_service_sample){0};
    for (int32_t i = 0; i < v->n_slots; i++) {
        struct pod *p = &v->pods[i];
        switch (p->state) {
        case POD_FREE:
            continue;
        case POD_TERMINATING:
            out->terminating++;
            in_flight += p->in_flight;
            continue;
        case POD_STARTING:
            out->starting++;
            break;
        case POD_READY:
            out->ready++;
            break;
        }
        in_flight += p->in_flight;
        struct sim_pod_sample tmp;
        sample_pod(v, p, reader, now, n < cap ? &pods[n] : &tmp);
        if (n < cap)
            n++;
    }
    buf_flush(v, now);
    const double dt = sim_secs(now - v->rd[reader].at);
    out->buffered = dt > 0 ? (v->buf_area - v->rd[reader].buf_area) / dt : 0;
    out->rps = dt > 0 ? (double)(v->arrivals - v->rd[reader].arrivals) / dt : 0;
    out->in_flight = in_flight + (double)v->buf_len;
    v->rd[reader].at = now;
    v->rd[reader].buf_area = v->buf_area;
    v->rd[reader].arrivals = v->arrivals;
    return n;
}

void sim_set_hooks(struct sim *s, size_t svc, sim_request_fn on_start, sim_request_fn on_end,
                   void *ctx) {
    s->svcs[svc].on_start = on_start;
    s->svcs[svc].on_end = on_end;
    s->svcs[svc].hook_ctx = ctx;
}

int32_t sim_ready(const struct sim *s, size_t svc) {
    const struct service *v = &s->svcs[svc];
    int32_t n = 0;
    for (int32_t i = 0; i < v->n_slots; i++)
        n += v->pods[i].state == POD_READY;
    return n;
}

int32_t sim_pods(const struct sim *s, size_t svc) {
    const struct service *v = &s->svcs[svc];
    int32_t n = 0;
    for (int32_t i = 0; i < v->n_slots; i++)
        n += v->pods[i].state == POD_READY || v->pods[i].state == POD_STARTING;
    return n;
}
