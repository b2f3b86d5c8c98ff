#include "engine/kpa_service.h"

#include <stdio.h>
#include <stdlib.h>

struct kpa_service {
    struct kpa_config cfg;
    struct kpa *kpa;
    struct pa_state pa;
    struct sim_pods pods;
    pp_time created;
    struct kpa_stat per_pod[SIM_MAX_PODS];
};

struct kpa_service *kpa_service_create(const struct kpa_config *cfg, int32_t ready,
                                       pp_time cold_start, pp_time now) {
    struct kpa_service *s = xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    s->kpa = kpa_create(cfg, 0, now);
    sim_pods_init(&s->pods, ready, cold_start);
    pa_init(&s->pa, cfg, now);
    sim_pods_scale(&s->pods, s->pa.replicas, now);
    s->created = now;
    return s;
}

void kpa_service_destroy(struct kpa_service *s) {
    if (!s)
        return;
    kpa_destroy(s->kpa);
    free(s);
}

static void reconcile(struct kpa_service *s, pp_time now) {
    pa_reconcile(&s->pa, &s->cfg, kpa_desired(s->kpa), kpa_ebc(s->kpa), s->pods.ready, now);
    sim_pods_scale(&s->pods, s->pa.replicas, now);
}

/* Requests go through the activator while it is in the path or no pod is
 * ready; pods then report them as proxied, so the scraper nets them out. */
static void scrape(struct kpa_service *s, pp_time now, double c, double rps, bool proxied) {
    const int32_t n = s->pods.ready;
    if (n <= 0)
        return;
    for (int32_t i = 0; i < n; i++) {
        s->per_pod[i] = (struct kpa_stat){.concurrency = c / n, .rps = rps / n};
        if (proxied) {
            s->per_pod[i].proxied_concurrency = c / n;
            s->per_pod[i].proxied_rps = rps / n;
        }
    }
    struct kpa_stat st = kpa_scrape_combine(s->per_pod, (uint32_t)n);
    kpa_record(s->kpa, now, &st);
}

void kpa_service_step(struct kpa_service *s, pp_time now, double concurrency, double rps,
                      struct kpa_service_view *out) {
    sim_pods_advance(&s->pods, now);
    const bool proxied = s->pa.activator_in_path || s->pods.ready == 0;
    scrape(s, now, concurrency, rps, proxied);
    if (proxied && (concurrency > 0 || rps > 0)) {
        struct kpa_stat a = {.concurrency = concurrency, .rps = rps};
        kpa_record(s->kpa, now, &a);
        if (kpa_wants_poke(s->kpa, &a)) {
            out->scale = kpa_scale(s->kpa, now, s->pods.ready);
            reconcile(s, now);
        }
    }
    const pp_time age = now - s->created;
    out->decided = age > 0 && age % PP_SEC(2) == 0;
    if (out->decided) {
        out->scale = kpa_scale(s->kpa, now, s->pods.ready);
        reconcile(s, now);
    }
    reconcile(s, now);
    out->desired = kpa_desired(s->kpa);
    out->replicas = s->pa.replicas;
    out->ready = s->pods.ready;
    out->want = s->pa.want;
    out->activator_in_path = s->pa.activator_in_path;
    out->active = s->pa.active;
    out->why = s->pa.why;
}

void kpa_limits_text(unsigned limits, char *buf, size_t size) {
    static const char *const words[] = {
        "max-scale-up-rate",         "max-scale-down-rate", "activation-scale",
        "panic mode: no scale-down", "scale-down-delay",
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (!(limits & (1u << i)))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", words[i]);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}
