/* The simulated cluster's own parts, shared by sim.c (pods, requests, the
 * event heap and loop, sampling) and sim_load.c (the load tests: hey's
 * workers, Poisson and trace arrivals, their results). Nothing outside
 * engine/sim*.c includes it. */
#ifndef PODPILOT_SIM_INTERNAL_H
#define PODPILOT_SIM_INTERNAL_H

#include "engine/sim.h"

#include <math.h>

#define MAX_RESULTS 1000000 /* hey keeps at most this many latencies (maxRes) */
#define PI 3.14159265358979323846

/* ---- random numbers: xoshiro256**, seeded through splitmix64 ---- */

struct rng {
    uint64_t s[4];
    double spare; /* Box-Muller makes normals in pairs */
    bool has_spare;
};

static inline uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed) {
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(struct rng *r) {
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in (0, 1]: never 0, so logarithms stay finite. */
static inline double rng_unit(struct rng *r) {
    return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

static inline double rng_exp(struct rng *r, double mean) { return -mean * log(rng_unit(r)); }

static inline double rng_normal(struct rng *r) {
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    const double radius = sqrt(-2.0 * log(rng_unit(r))), angle = 2.0 * PI * rng_unit(r);
    r->spare = radius * sin(angle);
    r->has_spare = true;
    return radius * cos(angle);
}

/* ---- state ---- */

enum pod_state { POD_FREE, POD_STARTING, POD_READY, POD_TERMINATING };

struct reading {
    pp_time at;
    double conc_area, busy_area; /* request·seconds */
    uint64_t arrivals;
};

struct pod {
    enum pod_state state;
    uint64_t uid;
    pp_time created, ready_at, last_change;
    int32_t in_flight;
    double conc_area, busy_area;
    uint64_t arrivals;
    struct reading rd[SIM_READERS];
};

struct held { /* a request the activator holds */
    pp_time sent;
    double work_s;
    int32_t load, worker;
    uint64_t token;
};

struct service {
    struct sim_pod_model m;
    struct pod_spec spec;
    double ln_mu, ln_sigma; /* the lognormal's parameters for the mean and cv */
    int32_t exec_slots;     /* streams, capped by containerConcurrency */
    struct pod *pods;
    pp_time *slot_free; /* exec_slots per pod */
    int32_t n_slots;    /* pods[0..n_slots) in use or free */
    bool activator;     /* in the request path */
    struct held *buf;
    size_t buf_head, buf_len, buf_cap;
    pp_time buf_last;
    double buf_area;
    uint64_t arrivals;
    struct {
        pp_time at;
        double buf_area;
        uint64_t arrivals;
    } rd[SIM_READERS];
    sim_request_fn on_start, on_end;
    void *hook_ctx;
};

struct worker {
    uint64_t token; /* of the request it waits for; 0 when idle */
    pp_time last_send;
    int64_t sent;
    bool stopped;
};

struct load {
    size_t svc;
    struct load_spec spec;
    struct load_trace_point *trace;
    struct rng rng;
    struct worker *workers;
    int32_t running; /* workers not stopped, or 1 for an open loop still arriving */
    int64_t in_flight;
    bool stopped;
    pp_time stop_at;
    struct load_result res;
    double *lat;
    size_t lat_cap;
};

enum ev_kind { EV_SEND, EV_ARRIVAL, EV_DONE, EV_READY, EV_TIMEOUT };

struct event {
    pp_time t;
    uint64_t seq;
    pp_time sent;
    uint64_t token; /* EV_DONE/EV_TIMEOUT: the request; EV_READY: the pod's uid */
    uint32_t kind, svc;
    int32_t pod, load, worker;
};

struct sim {
    struct rng rng;
    struct service *svcs;
    size_t n_svcs;
    struct load *loads;
    size_t n_loads, loads_cap;
    struct event *heap;
    size_t n_heap, heap_cap;
    uint64_t seq, uid, token;
};

/* sim.c */
void sim_push(struct sim *s, struct event e);
void sim_dispatch(struct sim *s, size_t si, const struct held *h, pp_time now);
double sim_draw_work(struct rng *r, const struct service *v);
double sim_secs(pp_time d);
void sim_drain(struct sim *s, size_t si, pp_time now);

/* sim_load.c */
void sim_record_latency(struct load *l, double lat);
bool sim_load_over(const struct load *l, pp_time t);
void sim_maybe_finish(struct load *l, pp_time now);
void sim_worker_stop(struct load *l, struct worker *w, pp_time now);
void sim_worker_next(struct sim *s, int32_t li, int32_t wi, pp_time now);
void sim_send_request(struct sim *s, int32_t li, int32_t wi, pp_time now);
void sim_open_arrival(struct sim *s, int32_t li, pp_time now);

#endif
