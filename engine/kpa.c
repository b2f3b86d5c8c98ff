#include "engine/kpa.h"

#include "engine/maxwin.h"
#include "engine/window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct kpa {
    struct kpa_config cfg;
    struct window conc_stable, conc_panic, rps_stable, rps_panic;
    struct maxwin delay; /* scale-down-delay; size 0 when none */
    bool has_delay;
    bool panicking;
    pp_time panic_time;
    int32_t max_panic_pods;
    int32_t desired; /* decider status */
    int32_t ebc;
    size_t bytes;
    /* Bucket storage: 2 stable rings, 2 panic rings, then delay entries. */
    double storage[];
};

static int64_t bucket_second(pp_time now) {
    int64_t s = now / PP_NS_PER_SEC;
    return (now % PP_NS_PER_SEC < 0) ? s - 1 : s;
}

static uint32_t delay_slots(pp_time delay) {
    /* Knative: NewTimeWindow(delay, tickInterval) = ceil(delay / 2 s) slots. */
    return (uint32_t)((delay + PP_SEC(2) - 1) / PP_SEC(2));
}

/* multiscaler.go: the initial EBC before any Scale. */
static int32_t initial_ebc(const struct kpa_config *c) {
    if (c->target_burst_capacity == 0 || c->target_burst_capacity == -1)
        return (int32_t)c->target_burst_capacity;
    return (int32_t)((double)c->initial_scale * c->total_value - c->target_burst_capacity);
}

struct kpa *kpa_create(const struct kpa_config *cfg, int32_t ready_at_creation, pp_time now) {
    const uint32_t s = cfg->stable_window_s, p = cfg->panic_window_s;
    const uint32_t d = cfg->scale_down_delay > 0 ? delay_slots(cfg->scale_down_delay) : 0;
    const size_t doubles = 2 * (size_t)s + 2 * (size_t)p;
    const size_t bytes =
        sizeof(struct kpa) + doubles * sizeof(double) + d * sizeof(struct maxwin_entry);
    struct kpa *k = xcalloc(1, bytes);
    k->cfg = *cfg;
    k->bytes = bytes;
    double *b = k->storage;
    window_init(&k->conc_stable, b, s, cfg->algo);
    window_init(&k->conc_panic, b + s, p, cfg->algo);
    window_init(&k->rps_stable, b + s + p, s, cfg->algo);
    window_init(&k->rps_panic, b + 2 * (size_t)s + p, p, cfg->algo);
    k->has_delay = d > 0;
    if (k->has_delay)
        maxwin_init(&k->delay, (struct maxwin_entry *)(b + doubles), d);
    /* newAutoscaler: a restart with ready pods starts in panic. */
    k->max_panic_pods = ready_at_creation > 0 ? ready_at_creation : 0;
    if (ready_at_creation > 1) {
        k->panicking = true;
        k->panic_time = now;
    }
    k->desired = -1;
    k->ebc = initial_ebc(cfg);
    return k;
}

struct kpa *kpa_reconfigure(struct kpa *old, const struct kpa_config *cfg) {
    struct kpa *k = kpa_create(cfg, 0, 0);
    window_copy(&k->conc_stable, &old->conc_stable);
    window_copy(&k->conc_panic, &old->conc_panic);
    window_copy(&k->rps_stable, &old->rps_stable);
    window_copy(&k->rps_panic, &old->rps_panic);
    if (k->has_delay && old->has_delay && k->delay.size == old->delay.size) {
        struct maxwin_entry *ring = k->delay.ring;
        memcpy(ring, old->delay.ring, old->delay.size * sizeof(*ring));
        k->delay = old->delay;
        k->delay.ring = ring;
    }
    k->panicking = old->panicking;
    k->panic_time = old->panic_time;
    k->max_panic_pods = old->max_panic_pods;
    k->desired = old->desired;
    k->ebc = old->ebc;
    kpa_destroy(old);
    return k;
}

void kpa_destroy(struct kpa *k) { free(k); }

uint32_t kpa_sample_size(uint32_t pods) {
    if (pods <= 3)
        return pods;
    /* 95 % confidence, margin 5, sigma 10: X = 1.96² · 100 / 5² = 15.3664. */
    const double n = pods;
    return (uint32_t)ceil(n * 15.3664 / (n + 14.3664));
}

struct kpa_stat kpa_scrape_combine(const struct kpa_stat *pods, uint32_t n) {
    struct kpa_stat r = {0};
    const uint32_t s = kpa_sample_size(n);
    for (uint32_t i = 0; i < s; i++) {
        r.concurrency += pods[i].concurrency;
        r.proxied_concurrency += pods[i].proxied_concurrency;
        r.rps += pods[i].rps;
        r.proxied_rps += pods[i].proxied_rps;
    }
    if (s > 0) {
        r.concurrency = r.concurrency / s * n;
        r.proxied_concurrency = r.proxied_concurrency / s * n;
        r.rps = r.rps / s * n;
        r.proxied_rps = r.proxied_rps / s * n;
    }
    return r;
}

void kpa_record(struct kpa *k, pp_time now, const struct kpa_stat *stat) {
    /* Proxied requests were counted at the activator: count them once. */
    const double c = stat->concurrency - stat->proxied_concurrency;
    const double r = stat->rps - stat->proxied_rps;
    const int64_t sec = bucket_second(now);
    window_record(&k->conc_stable, sec, c);
    window_record(&k->conc_panic, sec, c);
    window_record(&k->rps_stable, sec, r);
    window_record(&k->rps_panic, sec, r);
}

bool kpa_wants_poke(const struct kpa *k, const struct kpa_stat *stat) {
    return k->desired == 0 && stat->concurrency != 0;
}

static int32_t to_int32(double x) {
    if (x >= 2147483647.0)
        return INT32_MAX;
    if (x <= -2147483648.0)
        return INT32_MIN;
    return (int32_t)x;
}

/* collector.go StableAndPanic*: no data when the stable window is empty and
 * the metric is scraped (with TBC -1 there is no scraper and 0 is data). */
static bool observe(const struct kpa *k, int64_t sec, double *stable, double *panic) {
    const bool rps = k->cfg.metric == KPA_METRIC_RPS;
    const struct window *s = rps ? &k->rps_stable : &k->conc_stable;
    const struct window *p = rps ? &k->rps_panic : &k->conc_panic;
    if (window_is_empty(s, sec) && k->cfg.target_burst_capacity != -1)
        return false;
    *stable = window_average(s, sec);
    *panic = window_average(p, sec);
    return true;
}

/* Clamps a pod count into [down, up] and notes which bound bit. */
static int32_t clamp_rate(double want, double down, double up, unsigned *limits) {
    if (want > up)
        *limits |= KPA_LIMIT_SCALE_UP_RATE;
    else if (want < down)
        *limits |= KPA_LIMIT_SCALE_DOWN_RATE;
    return to_int32(fmin(fmax(want, down), up));
}

static void update_panic(struct kpa *k, pp_time now, bool over) {
    if (over) {
        k->panicking = true; /* start, or extend */
        k->panic_time = now;
    } else if (k->panicking && k->panic_time + PP_SEC(k->cfg.stable_window_s) < now) {
        /* Knative: panic ends a stable window after the last panic tick. */
        k->panicking = false;
        k->panic_time = 0;
        k->max_panic_pods = 0;
    }
}

static double excess_burst_capacity(const struct kpa_config *c, int32_t ready, double panic) {
    if (c->target_burst_capacity == 0)
        return 0;
    if (c->target_burst_capacity > 0)
        return floor((double)ready * c->total_value - c->target_burst_capacity - panic);
    return -1;
}

struct kpa_scale_result kpa_scale(struct kpa *k, pp_time now, int32_t ready) {
    const struct kpa_config *c = &k->cfg;
    struct kpa_scale_result r = {0};
    double stable, panic;
    if (!observe(k, bucket_second(now), &stable, &panic))
        return r;

    const double pods = fmax(1, (double)ready);
    const double up = ceil(c->max_scale_up_rate * pods);
    const double down = c->reachable ? floor(pods / c->max_scale_down_rate) : 0;
    const double dspc = ceil(stable / c->target_value);
    const double dppc = ceil(panic / c->target_value);

    unsigned limits = 0, panic_limits = 0;
    int32_t stable_want = clamp_rate(dspc, down, up, &limits);
    int32_t panic_want = clamp_rate(dppc, down, up, &panic_limits);
    if (c->activation_scale > 1) {
        if (dspc > 0 && c->activation_scale > stable_want) {
            stable_want = c->activation_scale;
            limits = KPA_LIMIT_ACTIVATION_SCALE;
        }
        if (dppc > 0 && c->activation_scale > panic_want) {
            panic_want = c->activation_scale;
            panic_limits = KPA_LIMIT_ACTIVATION_SCALE;
        }
    }

    update_panic(k, now, dppc / pods >= c->panic_threshold);

    int32_t want = stable_want;
    r.recommended = to_int32(dspc);
    if (k->panicking) {
        if (panic_want > want) {
            want = panic_want;
            limits = panic_limits;
        }
        r.recommended = to_int32(fmax(dspc, dppc));
        if (want > k->max_panic_pods)
            k->max_panic_pods = want;
        else if (want < k->max_panic_pods)
            limits |= KPA_LIMIT_PANIC_HOLD;
        want = k->max_panic_pods;
    }
    if (c->reachable && k->has_delay) {
        maxwin_record(&k->delay, bucket_second(now) / 2, want);
        int32_t held = maxwin_current(&k->delay);
        if (held != want)
            limits |= KPA_LIMIT_SCALE_DOWN_DELAY;
        want = held;
    }

    r.valid = true;
    r.desired = want;
    r.ebc = to_int32(excess_burst_capacity(c, ready, panic));
    r.stable = stable;
    r.panic = panic;
    r.panic_mode = k->panicking;
    r.limits = limits;
    k->desired = r.desired;
    k->ebc = r.ebc;
    return r;
}

int32_t kpa_desired(const struct kpa *k) { return k->desired; }

int32_t kpa_ebc(const struct kpa *k) { return k->ebc; }

const struct kpa_config *kpa_config(const struct kpa *k) { return &k->cfg; }

size_t kpa_footprint(const struct kpa *k) { return k->bytes; }
