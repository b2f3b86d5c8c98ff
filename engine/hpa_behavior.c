/* The HPA's normalization: the stabilization windows and the scale-rate
 * limits, for the legacy path (normalizeDesiredReplicas) and for
 * behaviors (normalizeDesiredReplicasWithBehaviors). It keeps the
 * recommendation and scale-event histories and says which reasons the
 * AbleToScale and ScalingLimited conditions get; hpa.c sets them. */
#include "engine/hpa_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

void hpa_history_put(struct hpa_history *h, size_t reuse, bool found, struct hpa_stamped s) {
    if (found) {
        h->v[reuse] = s;
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
    }
    h->v[h->n++] = s;
}

static void history_reserve(struct hpa_history *h, size_t n) {
    if (n > h->cap) {
        h->cap = n;
        h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
    }
}

static int32_t longest_period(const struct hpa_rules *r) {
    int32_t p = 0;
    for (size_t i = 0; i < r->n_policies; i++)
        p = r->policies[i].period_s > p ? r->policies[i].period_s : p;
    return p;
}

void hpa_windows_reserve(struct hpa_windows *w, const struct hpa_spec *spec,
                         const struct hpa_controller *ctl) {
    pp_time window = ctl->downscale_stabilization;
    const struct hpa_rules *r[] = {&spec->up, &spec->down};
    for (size_t i = 0; spec->behavior_set && i < 2; i++)
        if (r[i]->window_set && PP_SEC(r[i]->window_s) > window)
            window = PP_SEC(r[i]->window_s);
    const pp_time period = ctl->sync_period > 0 ? ctl->sync_period : PP_SEC(15);
    history_reserve(&w->recs, (size_t)(window / period) + 2);
    /* scale events live as long as the longest policy period */
    int32_t longest = 0;
    for (size_t i = 0; spec->behavior_set && i < 2; i++) {
        const int32_t p = longest_period(r[i]);
        longest = p > longest ? p : longest;
    }
    history_reserve(&w->ups, (size_t)(PP_SEC(longest) / period) + 2);
    history_reserve(&w->downs, (size_t)(PP_SEC(longest) / period) + 2);
}

void hpa_windows_free(struct hpa_windows *w) {
    free(w->recs.v);
    free(w->ups.v);
    free(w->downs.v);
}

static const char within_reason[] = "DesiredWithinRange";
static const char within_message[] = "the desired count is within the acceptable range";
static const char too_many_message[] =
    "the desired replica count is more than the maximum replica count";
static const char too_few_message[] =
    "the desired replica count is less than the minimum replica count";
static const char up_limit_message[] =
    "the desired replica count is increasing faster than the maximum scale rate";
static const char ready_message[] = "recommended size matches current size";
static const char down_stabilized_message[] = "recent recommendations were higher than current "
                                              "one, applying the highest recent recommendation";

/* stabilizeRecommendation: the legacy path's downscale window. */
static int32_t stabilize_legacy(struct hpa_windows *w, pp_time window, int32_t desired,
                                pp_time now) {
    int32_t best = desired;
    bool found = false;
    size_t old = 0;
    const pp_time cutoff = now - window;
    for (size_t i = 0; i < w->recs.n; i++) {
        if (w->recs.v[i].at < cutoff) {
            found = true;
            old = i;
        } else if (w->recs.v[i].value > best) {
            best = w->recs.v[i].value;
        }
    }
    hpa_history_put(&w->recs, old, found, (struct hpa_stamped){desired, now, false});
    return best;
}

static void normalize_legacy(struct hpa_windows *w, const struct hpa_spec *spec,
                             const struct hpa_controller *ctl, int32_t current, int32_t desired,
                             pp_time now, struct hpa_verdict *v) {
    const int32_t stabilized = stabilize_legacy(w, ctl->downscale_stabilization, desired, now);
    v->stabilized = stabilized;
    if (stabilized != desired) {
        v->able_reason = "ScaleDownStabilized";
        v->able_message = down_stabilized_message;
    } else {
        v->able_reason = "ReadyForNewScale";
        v->able_message = ready_message;
    }
    /* convertDesiredReplicasWithRules */
    const int32_t min = spec->min_replicas, max = spec->max_replicas;
    const int32_t up_limit = (int32_t)fmax(2.0 * (double)current, 4.0);
    int32_t max_allowed;
    if (max > up_limit) {
        max_allowed = up_limit;
        v->limited_reason = "ScaleUpLimit";
        v->limited_message = up_limit_message;
    } else {
        max_allowed = max;
        v->limited_reason = "TooManyReplicas";
        v->limited_message = too_many_message;
    }
    v->replicas = stabilized;
    if (stabilized < min) {
        v->limited_reason = "TooFewReplicas";
        v->limited_message = too_few_message;
        v->replicas = min;
    } else if (stabilized > max_allowed) {
        v->replicas = max_allowed;
    } else {
        v->limited_reason = within_reason;
        v->limited_message = within_message;
    }
}

/* stabilizeRecommendationWithBehaviors */
static int32_t stabilize_behavior(struct hpa_windows *w, const struct hpa_spec *spec,
                                  pp_time default_down, int32_t current, int32_t desired,
                                  pp_time now) {
    const pp_time up_cut = now - PP_SEC(spec->up.window_s);
    const int32_t down_window =
        spec->down.window_set ? spec->down.window_s : (int32_t)(default_down / PP_NS_PER_SEC);
    const pp_time down_cut = now - PP_SEC(down_window);
    int32_t up = desired, down = desired;
    bool found = false;
    size_t old = 0;
    for (size_t i = 0; i < w->recs.n; i++) {
        const struct hpa_stamped *r = &w->recs.v[i];
        if (r->at > up_cut && r->value < up)
            up = r->value;
        if (r->at > down_cut && r->value > down)
            down = r->value;
        if (r->at < up_cut && r->at < down_cut) {
            found = true;
            old = i;
        }
    }
    int32_t rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    hpa_history_put(&w->recs, old, found, (struct hpa_stamped){desired, now, false});
    return rec;
}

static int32_t change_in_period(const struct hpa_history *events, int32_t period_s, pp_time now) {
    const pp_time cutoff = now - PP_SEC(period_s);
    int32_t n = 0;
    for (size_t i = 0; i < events->n; i++) {
        if (events->v[i].at > cutoff)
            n += events->v[i].value;
    }
    return n;
}

static int32_t period_start(const struct hpa_windows *w, int32_t current, int32_t period_s,
                            pp_time now) {
    return current - change_in_period(&w->ups, period_s, now) +
           change_in_period(&w->downs, period_s, now);
}

static int32_t up_limit(const struct hpa_windows *w, const struct hpa_rules *r, int32_t current,
                        pp_time now) {
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    const bool min_change = r->select == HPA_SELECT_MIN;
    int32_t result = min_change ? INT32_MAX : INT32_MIN;
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        int32_t start = period_start(w, current, p->period_s, now), proposed;
        if (p->type == HPA_POLICY_PODS)
            proposed = start + p->value;
        else
            proposed = (int32_t)ceil((double)start * (1 + (double)p->value / 100));
        result = min_change ? (proposed < result ? proposed : result)
                            : (proposed > result ? proposed : result);
    }
    return result;
}

static int32_t down_limit(const struct hpa_windows *w, const struct hpa_rules *r, int32_t current,
                          pp_time now) {
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    const bool min_change = r->select == HPA_SELECT_MIN;
    int32_t result = min_change ? INT32_MIN : INT32_MAX;
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        int32_t start = period_start(w, current, p->period_s, now), proposed;
        if (p->type == HPA_POLICY_PODS)
            proposed = start - p->value;
        else
            proposed = (int32_t)((double)start * (1 - (double)p->value / 100));
        result = min_change ? (proposed > result ? proposed : result)
                            : (proposed < result ? proposed : result);
    }
    return result;
}

/* convertDesiredReplicasWithBehaviorRate */
static int32_t rate_limit(const struct hpa_windows *w, const struct hpa_spec *spec, int32_t current,
                          int32_t desired, pp_time now, struct hpa_verdict *v) {
    v->limited_reason = within_reason;
    v->limited_message = within_message;
    if (desired > current) {
        int32_t limit = up_limit(w, &spec->up, current, now);
        if (limit < current)
            limit = current;
        int32_t max_allowed = spec->max_replicas;
        const char *r, *m;
        if (max_allowed > limit) {
            max_allowed = limit;
            r = "ScaleUpLimit";
            m = up_limit_message;
        } else {
            r = "TooManyReplicas";
            m = too_many_message;
        }
        if (desired > max_allowed) {
            v->limited_reason = r;
            v->limited_message = m;
            return max_allowed;
        }
    } else if (desired < current) {
        int32_t limit = down_limit(w, &spec->down, current, now);
        if (limit > current)
            limit = current;
        int32_t min_allowed = spec->min_replicas;
        const char *r, *m;
        if (min_allowed < limit) {
            min_allowed = limit;
            r = "ScaleDownLimit";
            m = "the desired replica count is decreasing faster than the maximum scale rate";
        } else {
            r = "TooFewReplicas";
            m = too_few_message;
        }
        if (desired < min_allowed) {
            v->limited_reason = r;
            v->limited_message = m;
            return min_allowed;
        }
    }
    return desired;
}

static void normalize_behavior(struct hpa_windows *w, const struct hpa_spec *spec,
                               const struct hpa_controller *ctl, int32_t current, int32_t desired,
                               pp_time now, struct hpa_verdict *v) {
    const int32_t stabilized =
        stabilize_behavior(w, spec, ctl->downscale_stabilization, current, desired, now);
    v->stabilized = stabilized;
    if (stabilized == desired) {
        v->able_reason = "ReadyForNewScale";
        v->able_message = ready_message;
    } else if (desired >= current) {
        v->able_reason = "ScaleUpStabilized";
        v->able_message = "recent recommendations were lower than current one, applying the "
                          "lowest recent recommendation";
    } else {
        v->able_reason = "ScaleDownStabilized";
        v->able_message = down_stabilized_message;
    }
    v->replicas = rate_limit(w, spec, current, stabilized, now, v);
}

void hpa_normalize(struct hpa_windows *w, const struct hpa_spec *spec,
                   const struct hpa_controller *ctl, int32_t current, int32_t desired, pp_time now,
                   struct hpa_verdict *v) {
    if (spec->behavior_set)
        normalize_behavior(w, spec, ctl, current, desired, now, v);
    else
        normalize_legacy(w, spec, ctl, current, desired, now, v);
}

/* storeScaleEvent: only kept when behaviors are in use. */
void hpa_store_scale_event(struct hpa_windows *w, const struct hpa_spec *spec, int32_t prev,
                           int32_t next, pp_time now) {
    if (!spec->behavior_set)
        return;
    const bool up = next > prev;
    struct hpa_history *ev = up ? &w->ups : &w->downs;
    const pp_time cutoff = now - PP_SEC(longest_period(up ? &spec->up : &spec->down));
    bool found = false;
    size_t old = 0;
    for (size_t i = 0; i < ev->n; i++) {
        if (ev->v[i].at < cutoff)
            ev->v[i].outdated = true;
        if (ev->v[i].outdated) {
            found = true;
            old = i;
        }
    }
    hpa_history_put(ev, old, found,
                    (struct hpa_stamped){up ? next - prev : prev - next, now, false});
}
