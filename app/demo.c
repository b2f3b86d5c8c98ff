#include "app/demo.h"

#include "engine/kpa_service.h"

#include <math.h>
#include <time.h>

#define EPOCH 1700000000
#define SERVICE "default/flowers-sample"

/* In-flight requests offered at second t: hey -c 5 style steps and a burst. */
static double load_at(int t) {
    if (t < 20)
        return 1;
    if (t < 80)
        return 5;
    if (t < 95)
        return 20;
    if (t < 150)
        return 5;
    return 0;
}

static void print_number(FILE *out, const char *name, double v) {
    char buf[40];
    pp_format_double(v, buf, sizeof(buf));
    fprintf(out, ",\"%s\":%s", name, buf);
}

static void print_decision(FILE *out, int t, const struct kpa_config *cfg,
                           const struct kpa_service_view *v) {
    char reason[160];
    kpa_limits_text(v->scale.limits, reason, sizeof(reason));
    if (!reason[0])
        snprintf(reason, sizeof(reason), "%s", pa_why_text(v->why));
    fprintf(out, "{\"t\":%d,\"service\":\"%s\",\"class\":\"kpa\",\"metric\":\"%s\"", t, SERVICE,
            cfg->metric == KPA_METRIC_RPS ? "rps" : "concurrency");
    print_number(out, "target", cfg->target_value);
    print_number(out, "stable", v->scale.stable);
    print_number(out, "panic", v->scale.panic);
    fprintf(out, ",\"panic_mode\":%s,\"valid\":%s", v->scale.panic_mode ? "true" : "false",
            v->scale.valid ? "true" : "false");
    fprintf(out,
            ",\"recommended\":%d,\"desired\":%d,\"actual\":%d,\"ready\":%d,\"active\":\"%s\","
            "\"activator_in_path\":%s,\"reason\":\"%s\"}\n",
            v->scale.recommended, v->desired, v->replicas, v->ready, pa_active_name(v->active),
            v->activator_in_path ? "true" : "false", reason);
}

static void pace(double speed) {
    if (speed <= 0)
        return;
    double secs = 1.0 / speed;
    struct timespec ts = {(time_t)secs, (long)((secs - floor(secs)) * 1e9)};
    nanosleep(&ts, NULL);
}

int demo_run(const struct demo_options *opt, FILE *out) {
    const struct pp_kv kv[] = {
        {"autoscaling.knative.dev/target", "1"},
        {"autoscaling.knative.dev/min-scale", "1"},
    };
    struct kpa_config cfg;
    if (kpa_config_resolve(kv, sizeof(kv) / sizeof(kv[0]), &cfg, NULL) != PP_OK)
        return 1;
    struct kpa_service *svc = kpa_service_create(&cfg, 1, PP_SEC(10), PP_SEC(EPOCH));
    for (int t = 0; t < opt->duration_s; t++) {
        struct kpa_service_view v = {0};
        const double c = load_at(t);
        kpa_service_step(svc, PP_SEC(EPOCH + t), c, c * 10, &v);
        if (v.decided) {
            print_decision(out, t, &cfg, &v);
            fflush(out);
        }
        pace(opt->speed);
    }
    kpa_service_destroy(svc);
    return ferror(out) ? 1 : 0;
}
