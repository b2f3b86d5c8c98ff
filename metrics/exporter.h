/* What the exporters model servers run say, in a few figures each: vLLM's
 * queue, OVMS's streams ratio, Knative queue-proxy's user metrics (both
 * naming eras), Seldon's agent, DCGM's GPU fields. A pod's exposition
 * (promtext) is read into a reading; two readings a scrape apart give the
 * pod's figures (a counter's per-second rate needs both); a service's
 * figures fold its pods' as the HPA folds a Pods metric (means) or as a
 * queue adds up (sums). Pure: no I/O. */
#ifndef PODPILOT_EXPORTER_H
#define PODPILOT_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics/promtext.h"

enum exporter_kind {
    EXPORTER_VLLM,
    EXPORTER_OVMS,
    EXPORTER_QUEUE_PROXY,
    EXPORTER_SELDON,
    EXPORTER_DCGM,
    EXPORTER_N_KINDS,
};

#define EXPORTER_FIGURES 3 /* at most, per kind */

enum exporter_fold {
    EXPORTER_SUM,   /* a gauge added over series and pods (requests waiting) */
    EXPORTER_MEAN,  /* a gauge averaged over series and pods (GPU %) */
    EXPORTER_RATE,  /* a counter's per-second increase, added over pods */
    EXPORTER_RATIO, /* a pod's num/den, averaged over pods */
};

struct exporter_figure {
    const char *name;   /* "waiting" */
    const char *unit;   /* "%", "/s", "" */
    const char *alt[2]; /* the series read, the first present wins (vLLM's renamed KV cache) */
    const char *den;    /* EXPORTER_RATIO: the denominator's series */
    double scale;       /* 100 for a 0-1 ratio shown in percent */
    enum exporter_fold fold;
};

/* "vllm", "ovms", "queue-proxy", "seldon", "dcgm". */
const char *exporter_name(enum exporter_kind k);
bool exporter_parse(const char *name, enum exporter_kind *out);
/* The figures of kind k: how many, into *out. */
size_t exporter_figures(enum exporter_kind k, const struct exporter_figure **out);
/* The port its pods serve /metrics on by default: vLLM's 8000, OVMS's REST
 * port as KServe's runtime sets it (8888), queue-proxy's 9091, Seldon's
 * agent's 9006; DCGM runs on the nodes, not in the pods: 0. */
int exporter_default_port(enum exporter_kind k);

/* One exposition's sums, per figure. */
struct exporter_reading {
    double sum[EXPORTER_FIGURES][2]; /* per alternative */
    double n[EXPORTER_FIGURES][2];   /* series seen */
    double den[EXPORTER_FIGURES];
    double n_den[EXPORTER_FIGURES];
    int era; /* queue-proxy: 118 (revision_*, Knative <= 1.18), 119 (kn_*, >= 1.19), 0 */
};

/* Reads buf[0..len) (a scrape's body) into r; res, when not NULL, gets
 * the parse's summary and problems. pod, when not NULL, keeps only series
 * whose pod (or exported_pod) label is pod: a node's DCGM exporter. */
void exporter_read(enum exporter_kind k, const char *buf, size_t len, const char *pod,
                   struct exporter_reading *r, struct promtext_result *res);

/* A pod's figures from its reading now and the one dt seconds before
 * (prev NULL: the first scrape, so no rate yet). NaN where the exposition
 * lacks a series or a rate cannot be told. A counter that went down was
 * reset: its increase is what it counts now, as Prometheus's rate has it. */
void exporter_values(enum exporter_kind k, const struct exporter_reading *now,
                     const struct exporter_reading *prev, double dt, double out[EXPORTER_FIGURES]);

/* Folds one pod's values into a service's (start from exporter_fold_init;
 * NaN values are not folded: a stale pod adds nothing, never a zero). */
struct exporter_folded {
    double sum[EXPORTER_FIGURES];
    int n[EXPORTER_FIGURES];
};
void exporter_fold_init(struct exporter_folded *f);
void exporter_fold_add(enum exporter_kind k, struct exporter_folded *f,
                       const double v[EXPORTER_FIGURES]);
/* The service's figures: NaN where no pod had one. */
void exporter_fold_values(enum exporter_kind k, const struct exporter_folded *f,
                          double out[EXPORTER_FIGURES]);

#endif
