#include "engine/kpa_service.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct kpa_service {
    struct kpa_config cfg;
    struct kpa *kpa;
    struct pa_state pa;
    pp_time created;
    int32_t ready;
};

struct kpa_service *kpa_service_create(const struct kpa_config *cfg, pp_time now) {
    struct kpa_service *s = xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    s->kpa = kpa_create(cfg, 0, now);
    pa_init(&s->pa, cfg, now);
    s->created = now;
    return s;
}

void kpa_service_destroy(struct kpa_service *s) {
    if (!s)
        return;
    kpa_destroy(s->kpa);
    free(s);
}

const struct kpa_config *kpa_service_config(const struct kpa_service *s) { return &s->cfg; }

static void reconcile(struct kpa_service *s, pp_time now) {
    pa_reconcile(&s->pa, &s->cfg, kpa_desired(s->kpa), kpa_ebc(s->kpa), s->ready, now);
}

/* Pods report requests the activator sent them as proxied; the scraper nets
 * those out because the activator reports them itself. */
static void scrape(struct kpa_service *s, pp_time now, const struct kpa_stat *pods, bool proxied) {
    if (s->ready <= 0 || isnan(pods->concurrency))
        return; /* no pods, or the scrape failed: the collector records nothing */
    struct kpa_stat st = *pods;
    if (proxied) {
        st.proxied_concurrency = st.concurrency;
        st.proxied_rps = st.rps;
    }
    kpa_record(s->kpa, now, &st);
}

void kpa_service_reconfigure(struct kpa_service *s, const struct kpa_config *cfg) {
    s->cfg = *cfg;
    s->kpa = kpa_reconfigure(s->kpa, cfg);
}

void kpa_service_step(struct kpa_service *s, pp_time now, const struct kpa_stat *pods,
                      int32_t ready, const struct kpa_stat *activator,
                      struct kpa_service_view *out) {
    s->ready = ready;
    const bool proxied = s->pa.activator_in_path || ready == 0;
    scrape(s, now, pods, proxied);
    if (proxied && activator && (activator->concurrency > 0 || activator->rps > 0)) {
        kpa_record(s->kpa, now, activator);
        if (kpa_wants_poke(s->kpa, activator)) {
            out->scale = kpa_scale(s->kpa, now, ready);
            reconcile(s, now);
        }
    }
    const pp_time age = now - s->created;
    out->decided = age > 0 && age % PP_SEC(2) == 0;
    if (out->decided) {
        out->scale = kpa_scale(s->kpa, now, ready);
        reconcile(s, now);
    }
    reconcile(s, now);
    out->desired = kpa_desired(s->kpa);
    out->replicas = s->pa.replicas;
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
