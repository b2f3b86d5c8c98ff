/* Knative's stats scraper, run from outside the cluster: every second, for
 * each KPA service, a sample of its ready pods' queue-proxy reports (port
 * 9090, protobuf Stat) through the API server's pod proxy, averaged and
 * scaled back to every pod as stats_scraper.go does. On a thread of its own
 * with a client of its own; the engine thread hands it plans and takes rounds. */
#ifndef PODPILOT_STAT_SCRAPE_H
#define PODPILOT_STAT_SCRAPE_H

#include "engine/kpa.h"
#include "k8s/kube_client.h"

struct stat_scraper;

/* Scrapes for n_services services with k (which the scraper then uses
 * alone), at most budget pod requests a second over all of them (a
 * service whose sample does not fit waits for a later second). */
struct stat_scraper *stat_scraper_start(struct kube_client *k, size_t n_services, int budget,
                                        struct pp_error *err);
void stat_scraper_stop(struct stat_scraper *s);

/* Service svc's ready pods as the engine thread sees them now, in namespace
 * ns; young[i]: pod i has run for less than the stable window, so it only
 * fills the sample (PodIPsSplitByAge). Copied: the caller keeps its arrays. */
void stat_scraper_plan(struct stat_scraper *s, size_t svc, const char *ns, const char *const *pods,
                       const bool *young, size_t n);

/* What one second's scrape of a service found. */
struct stat_round {
    struct kpa_stat stat; /* the revision's: the sample's mean times the pods planned */
    size_t planned, sampled, answered;
    char error[240]; /* the first failure, "" when none */
};

/* The newest round of svc that has not been taken: true and *out; false
 * when no round finished since the last take. */
bool stat_scraper_take(struct stat_scraper *s, size_t svc, struct stat_round *out);

#endif
