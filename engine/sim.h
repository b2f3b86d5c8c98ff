/* The simulated cluster: a seeded discrete-event simulation of requests on
 * pods. Pods cold-start, serve on execution streams, buffer up to their
 * containerConcurrency, and report what queue-proxy, metrics-server, DCGM and
 * OVMS would; load comes from hey-style workers, Poisson arrivals or traces. */
#ifndef PODPILOT_SIM_H
#define PODPILOT_SIM_H

#include "engine/common.h"
#include "engine/load.h"
#include "engine/pod_spec.h"

#define SIM_MAX_PODS 1024
#define SIM_MAX_STREAMS 64

enum sim_dist { SIM_DIST_CONSTANT, SIM_DIST_EXPONENTIAL, SIM_DIST_LOGNORMAL };

/* How a service's pods behave: everything the manifests cannot say (what
 * they do say, requests, GPUs and containerConcurrency, is the service's
 * pod_spec). */
struct sim_pod_model {
    enum sim_dist dist;
    double service_time_s;    /* mean per request on one stream */
    double service_cv;        /* lognormal coefficient of variation */
    pp_time cold_start;       /* created → ready */
    int32_t streams;          /* requests executing at once; more queue in the pod */
    int64_t cpu_idle_milli;   /* used by an idle pod */
    int64_t cpu_stream_milli; /* used by each busy stream */
    int64_t memory_idle_milli;
    int64_t memory_request_bytes_milli; /* per request in flight */
};

/* The defaults: 20 ms lognormal (cv 0.25), 10 s cold start, 4 streams,
 * 2m CPU idle, 250m per busy stream, 200Mi idle, 4Mi per request. */
void sim_pod_model_default(struct sim_pod_model *m);
enum pp_status sim_pod_model_validate(const struct sim_pod_model *m, struct pp_error *err);

/* Per-pod figures for one interval, as the real sources report them. */
struct sim_pod_sample {
    uint64_t uid;
    bool ready;
    pp_time created, ready_at;
    double concurrency; /* queue-proxy: time-averaged requests in the pod */
    double rps;         /* requests that arrived at the pod per second */
    double busy;        /* time-averaged executing streams */
    int64_t cpu_milli;  /* metrics-server usage */
    int64_t memory_milli;
    double gpu_util;      /* percent of time the SMs were busy (0 without a GPU) */
    double streams_ratio; /* ovms_current_requests / ovms_streams */
};

/* The service-level figures of an interval. */
struct sim_service_sample {
    double buffered; /* time-averaged requests held by the activator */
    double rps;      /* arrivals per second at the service */
    double in_flight;
    int32_t ready, starting, terminating;
};

struct sim;

/* n services with their pod models and specs; `ready[i]` pods of service i
 * start ready (created at `now` minus their cold start). */
struct sim *sim_create(uint64_t seed, const struct sim_pod_model *models,
                       const struct pod_spec *specs, const int32_t *ready, size_t n, pp_time now);
void sim_destroy(struct sim *s);

/* Processes every event up to and including `until`. */
void sim_run(struct sim *s, pp_time until);

/* The actuator: brings service svc to `replicas` pods (starting or ready).
 * Shrinking removes starting pods first, newest first, then the ready pods
 * with the fewest requests; removed pods finish what they hold. */
void sim_scale(struct sim *s, size_t svc, int32_t replicas, pp_time now);

/* Starts a load on svc; returns its id. The trace is copied. */
size_t sim_load_start(struct sim *s, size_t svc, const struct load_spec *load);
/* Stops a load at now: workers send no more; in-flight requests still count. */
void sim_load_stop(struct sim *s, size_t load, pp_time now);
void sim_load_result(const struct sim *s, size_t load, struct load_result *out);
size_t sim_load_service(const struct sim *s, size_t load);
size_t sim_load_count(const struct sim *s);

/* A reader's view of svc over the interval since the reader last asked:
 * each reader (`reader` < SIM_READERS) keeps its own interval, so a 1 s
 * queue-proxy scrape and a 15 s metrics-server window do not disturb each
 * other. Fills up to `cap` pods (ready and starting; not terminating) and
 * returns how many. */
#define SIM_READERS 2
size_t sim_sample(struct sim *s, size_t svc, unsigned reader, pp_time now,
                  struct sim_pod_sample *pods, size_t cap, struct sim_service_sample *out);

/* Request hooks, for scalers that watch requests themselves (Seldon's agent). */
typedef void (*sim_request_fn)(void *ctx, size_t svc, int32_t pod_slot, pp_time now);
void sim_set_hooks(struct sim *s, size_t svc, sim_request_fn on_start, sim_request_fn on_end,
                   void *ctx);

/* Explicit pods for scalers that place replicas themselves: pod slot `slot`
 * of svc becomes ready (true) or goes away (false) at now. */
void sim_set_pod(struct sim *s, size_t svc, int32_t slot, bool ready, pp_time now);

/* Knative's activator in the request path: it then sends a pod no more than
 * its containerConcurrency and holds the rest; out of the path requests go
 * straight to the least loaded ready pod, which queues them. */
void sim_set_activator(struct sim *s, size_t svc, bool in_path, pp_time now);

/* Requests a pod executes at once: its streams, capped by containerConcurrency. */
int32_t sim_exec_slots(const struct sim_pod_model *m, const struct pod_spec *spec);
/* A pod's reported figures (CPU, memory, GPU, streams ratio) from its
 * time-averaged concurrency, busy streams and arrivals, as sim_sample
 * computes them; uid and times are left 0. */
void sim_pod_figures(const struct sim_pod_model *m, const struct pod_spec *spec, bool ready,
                     double conc, double busy, double rps, struct sim_pod_sample *out);

int32_t sim_ready(const struct sim *s, size_t svc);
int32_t sim_pods(const struct sim *s, size_t svc); /* starting + ready */

#endif
