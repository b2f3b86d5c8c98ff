/* The simulated load tests: hey's closed-loop workers (-c, -q, -n, -z,
 * -t), Poisson and trace arrivals, and what hey would report of them. */
#include "engine/sim_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- loads ---- */

void sim_record_latency(struct load *l, double lat) {
    if (l->res.n_lat >= MAX_RESULTS)
        return;
    if (l->res.n_lat == l->lat_cap) {
        l->lat_cap = l->lat_cap ? l->lat_cap * 2 : 1024;
        l->lat = xrealloc(l->lat, l->lat_cap * sizeof(*l->lat));
        l->res.lat_s = l->lat;
    }
    l->lat[l->res.n_lat++] = lat;
}

bool sim_load_over(const struct load *l, pp_time t) {
    if (l->stopped && t >= l->stop_at)
        return true;
    return l->spec.duration > 0 && t >= l->spec.start + l->spec.duration;
}

void sim_maybe_finish(struct load *l, pp_time now) {
    if (!l->res.done && l->running == 0 && l->in_flight == 0) {
        l->res.done = true;
        l->res.finished = now;
    }
}

static int64_t worker_quota(const struct load *l) {
    if (l->spec.duration > 0 || l->spec.requests <= 0)
        return INT64_MAX;
    return l->spec.requests / l->spec.workers; /* hey drops N % C */
}

void sim_worker_stop(struct load *l, struct worker *w, pp_time now) {
    if (!w->stopped) {
        w->stopped = true;
        l->running--;
        sim_maybe_finish(l, now);
    }
}

/* Schedules the worker's next send after its last request ended at `now`. */
void sim_worker_next(struct sim *s, int32_t li, int32_t wi, pp_time now) {
    struct load *l = &s->loads[li];
    struct worker *w = &l->workers[wi];
    w->token = 0;
    pp_time at = now;
    if (l->spec.qps > 0) {
        const pp_time period = (pp_time)(1e9 / l->spec.qps);
        if (w->last_send + period > at)
            at = w->last_send + period;
    }
    if (w->sent >= worker_quota(l) || sim_load_over(l, at)) {
        sim_worker_stop(l, w, now);
        return;
    }
    sim_push(s, (struct event){.t = at, .kind = EV_SEND, .load = li, .worker = wi});
}

void sim_send_request(struct sim *s, int32_t li, int32_t wi, pp_time now) {
    struct load *l = &s->loads[li];
    const struct held h = {.sent = now,
                           .work_s = sim_draw_work(&l->rng, &s->svcs[l->svc]),
                           .load = li,
                           .worker = wi,
                           .token = ++s->token};
    l->in_flight++;
    if (wi >= 0) {
        struct worker *w = &l->workers[wi];
        w->token = h.token;
        w->last_send = now;
        w->sent++;
        if (l->spec.timeout > 0)
            sim_push(s, (struct event){.t = now + l->spec.timeout,
                                       .kind = EV_TIMEOUT,
                                       .load = li,
                                       .worker = wi,
                                       .token = h.token});
    }
    sim_dispatch(s, l->svc, &h, now);
}

static double trace_rate(const struct load *l, pp_time t, pp_time *until) {
    const double at = sim_secs(t - l->spec.start);
    const size_t n = l->spec.n_trace;
    size_t i = 0;
    while (i + 1 < n && l->trace[i + 1].at_s <= at)
        i++;
    const double end = i + 1 < n ? l->trace[i + 1].at_s : l->trace[n - 1].at_s + 1;
    *until = l->spec.start + (pp_time)(end * 1e9);
    return at < l->trace[0].at_s ? 0 : l->trace[i].rps;
}

static pp_time trace_end(const struct load *l) {
    return l->spec.start + (pp_time)((l->trace[l->spec.n_trace - 1].at_s + 1) * 1e9);
}

/* The next open-loop arrival after `now`, or -1 when the load is over. */
static pp_time next_arrival(struct load *l, pp_time now) {
    pp_time t = now;
    for (int guard = 0; guard < 1000000; guard++) {
        if (sim_load_over(l, t))
            return -1;
        if (l->spec.kind == LOAD_POISSON) {
            if (!(l->spec.rate > 0))
                return -1;
            return t + (pp_time)(rng_exp(&l->rng, 1.0 / l->spec.rate) * 1e9) + 1;
        }
        if (t >= trace_end(l))
            return -1;
        pp_time until;
        const double rate = trace_rate(l, t, &until);
        if (rate > 0) {
            const pp_time next = t + (pp_time)(rng_exp(&l->rng, 1.0 / rate) * 1e9) + 1;
            if (next < until)
                return next;
        }
        t = until; /* memoryless: restart the draw at the rate change */
    }
    return -1;
}

void sim_open_arrival(struct sim *s, int32_t li, pp_time now) {
    struct load *l = &s->loads[li];
    if (l->running == 0)
        return;
    sim_send_request(s, li, -1, now);
    if (l->spec.requests > 0 &&
        l->in_flight + (int64_t)l->res.n_ok + (int64_t)l->res.n_timeout >= l->spec.requests) {
        l->running = 0;
        return;
    }
    const pp_time next = next_arrival(l, now);
    if (next < 0) {
        l->running = 0;
        sim_maybe_finish(l, now);
    } else {
        sim_push(s, (struct event){.t = next, .kind = EV_ARRIVAL, .load = li});
    }
}

size_t sim_load_start(struct sim *s, size_t svc, const struct load_spec *load) {
    if (s->n_loads == s->loads_cap) {
        s->loads_cap = s->loads_cap ? s->loads_cap * 2 : 8;
        s->loads = xrealloc(s->loads, s->loads_cap * sizeof(*s->loads));
        for (size_t i = 0; i < s->n_loads; i++)
            s->loads[i].res.lat_s = s->loads[i].lat;
    }
    const size_t id = s->n_loads++;
    struct load *l = &s->loads[id];
    *l = (struct load){.svc = svc, .spec = *load};
    l->res.started = load->start;
    rng_seed(&l->rng, rng_next(&s->rng));
    if (load->n_trace) {
        l->trace = xmalloc(load->n_trace * sizeof(*l->trace));
        memcpy(l->trace, load->trace, load->n_trace * sizeof(*l->trace));
        l->spec.trace = l->trace;
    }
    if (load->kind == LOAD_WORKERS) {
        const int32_t c = load->workers > 0 ? load->workers : 1;
        l->spec.workers = c;
        l->workers = xcalloc((size_t)c, sizeof(*l->workers));
        l->running = c;
        const pp_time first =
            load->qps > 0 ? load->start + (pp_time)(1e9 / load->qps) : load->start;
        for (int32_t w = 0; w < c; w++) {
            l->workers[w].last_send = first - (load->qps > 0 ? (pp_time)(1e9 / load->qps) : 0);
            if (worker_quota(l) <= 0)
                sim_worker_stop(l, &l->workers[w], load->start);
            else
                sim_push(s, (struct event){
                                .t = first, .kind = EV_SEND, .load = (int32_t)id, .worker = w});
        }
    } else {
        l->running = 1;
        const pp_time next = next_arrival(l, load->start);
        if (next < 0)
            l->running = 0;
        else
            sim_push(s, (struct event){.t = next, .kind = EV_ARRIVAL, .load = (int32_t)id});
    }
    sim_maybe_finish(l, load->start);
    return id;
}

void sim_load_stop(struct sim *s, size_t load, pp_time now) {
    struct load *l = &s->loads[load];
    if (l->stopped)
        return;
    l->stopped = true;
    l->stop_at = now;
    if (l->spec.kind != LOAD_WORKERS) {
        l->running = 0;
        sim_maybe_finish(l, now);
        return;
    }
    for (int32_t w = 0; w < l->spec.workers; w++)
        if (l->workers[w].token == 0)
            sim_worker_stop(l, &l->workers[w], now);
}

void sim_load_result(const struct sim *s, size_t load, struct load_result *out) {
    *out = s->loads[load].res;
}

size_t sim_load_service(const struct sim *s, size_t load) { return s->loads[load].svc; }
size_t sim_load_count(const struct sim *s) { return s->n_loads; }
