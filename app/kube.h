/* podpilot kubeconfig: what `--kube` would connect to, resolved as kubectl
 * resolves a kubeconfig and printed as `kubectl config view --minify -o
 * json` prints it (credentials never shown). */
#ifndef PODPILOT_KUBE_H
#define PODPILOT_KUBE_H

#include <stdbool.h>

#include "app/exporters.h"

int kubeconfig_main(int argc, char **argv);

struct sources;

/* --kube and the flags that go with it, as kubectl spells them. */
struct kube_flags {
    bool kube;
    const char *kubeconfig, *context, *namespace_;
    bool all_namespaces;
    const char *prometheus;                    /* --prometheus URL (shadow mode: GPU utilization) */
    const char *exporters[MAX_EXPORTER_FLAGS]; /* --exporter SVC=KIND[:PORT][/PATH], checked
                                                  (app/exporters.h) */
    size_t n_exporters;
    int scrape_interval_s;  /* --scrape-interval; 0: 5 */
    const char *scrape_via; /* --scrape-via direct|proxy; NULL: direct in a pod, else proxy */
    bool act;               /* --act: overrides written to the cluster (k8s/steer) */
    int knative_minor;      /* --knative-version 1.N as N + 1; 0: read from the cluster */
};

/* Takes argv[*i] (and its value) when it is one of those flags: 1 taken,
 * 0 not one of them, -1 a flag without its value (said on stderr). */
int kube_flag(int argc, char **argv, int *i, struct kube_flags *f, const char *prog);

struct kube_config;
struct kube_client;
/* The kubeconfig the flags name, loaded into c, and a client on it; NULL
 * with the reason on stderr. */
struct kube_client *kube_open_cluster(const struct kube_flags *f, struct kube_config *c);

/* The cluster's objects as manifest sources, one List per resource it
 * serves (a resource it does not serve is skipped with a note): 0, or 1
 * with the reason on stderr. */
int kube_add_sources(const struct kube_flags *f, struct sources *src);

/* The same objects kept current by watches (k8s/watch). */
struct kube_live;
struct kube_watch_stats;
/* Opens the cluster and waits for every resource's first list (at most
 * sync_timeout_s); NULL with the reason on stderr. */
struct kube_live *kube_live_open(const struct kube_flags *f, int sync_timeout_s);
/* Whether anything changed since the last kube_live_sources. */
bool kube_live_changed(struct kube_live *l);
void kube_live_sources(struct kube_live *l, struct sources *src);
void kube_live_stats(struct kube_live *l, struct kube_watch_stats *out);
void kube_live_close(struct kube_live *l);

struct headless_options;
/* podpilot --kube: shadow mode. The cluster's HPA and KEDA services
 * recomputed by podpilot's HPA on what the cluster shows (pods,
 * metrics.k8s.io), each decision beside the cluster's own: in the console
 * (console: its options; the pace is the cluster's) or, console NULL, as
 * JSON lines. 0, 1 (the cluster or its objects refused), 2 (not built yet:
 * recording a live session). */
struct console_options;
int kube_run(const struct kube_flags *f, const struct headless_options *opt,
             const struct console_options *console);

#endif
