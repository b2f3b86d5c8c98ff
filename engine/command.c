#include "engine/command.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_PIN 1000

const char command_knob_help[] =
    "KPA (Knative annotation or config-autoscaler names):\n"
    "  window, panic-window-percentage, panic-threshold-percentage,\n"
    "  target-utilization-percentage, target-burst-capacity, min-scale, max-scale,\n"
    "  activation-scale, scale-down-delay, max-scale-up-rate, max-scale-down-rate,\n"
    "  scale-to-zero-grace-period, enable-scale-to-zero\n"
    "HPA (spec fields):\n"
    "  minReplicas, maxReplicas, tolerance,\n"
    "  scaleUp.stabilizationWindowSeconds, scaleDown.stabilizationWindowSeconds,\n"
    "  scaleUp.selectPolicy, scaleDown.selectPolicy (Max, Min, Disabled),\n"
    "  scaleUp.policies, scaleDown.policies (e.g. Percent:100:15,Pods:4:15),\n"
    "  scaleUp.tolerance, scaleDown.tolerance\n"
    "Seldon lag (agent env):\n"
    "  SELDON_MODEL_INFERENCE_LAG_THRESHOLD, SELDON_MODEL_INACTIVE_SECONDS_THRESHOLD,\n"
    "  SELDON_SCALING_STATS_PERIOD_SECONDS\n";

/* Copies the next blank-separated word of *p into buf; false at the end. */
static bool word(const char **p, char *buf, size_t size, bool *truncated) {
    const char *s = *p;
    while (*s && isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    size_t n = 0;
    while (s[n] && !isspace((unsigned char)s[n]))
        n++;
    *truncated = n >= size;
    snprintf(buf, size, "%.*s", (int)n, s);
    *p = s + n;
    return true;
}

static const char *rest(const char *p) {
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

static enum pp_status usage(struct pp_error *err, const struct command_entry *e) {
    return pp_fail(err, PP_ERR_PARSE, e->name, "usage: %s", e->usage);
}

/* ---- each verb's words after SVC, and their canonical text ---- */

static enum pp_status args_pin(const char **p, const struct command_entry *e, struct command *out,
                               char *canon, size_t size, struct pp_error *err) {
    char arg[64];
    bool trunc;
    int32_t n;
    if (!word(p, arg, sizeof(arg), &trunc))
        return usage(err, e);
    if (!goparse_int32(arg, &n) || n < 0 || n > MAX_PIN)
        return pp_fail(err, PP_ERR_PARSE, e->name, "expected a replica count 0..%d, got \"%s\"",
                       MAX_PIN, arg);
    out->replicas = n;
    snprintf(canon, size, "%d", n);
    return PP_OK;
}

static enum pp_status args_target(const char **p, const struct command_entry *e,
                                  struct command *out, char *canon, size_t size,
                                  struct pp_error *err) {
    char arg[64];
    bool trunc;
    if (!word(p, arg, sizeof(arg), &trunc))
        return usage(err, e);
    if (strcmp(arg, "reset") == 0) {
        out->kind = CMD_TARGET_RESET;
        snprintf(canon, size, "reset");
        return PP_OK;
    }
    if (!goparse_float(arg, &out->value) || !isfinite(out->value) || out->value <= 0)
        return pp_fail(err, PP_ERR_PARSE, e->name,
                       "expected a positive number or \"reset\", got \"%s\"", arg);
    pp_format_double(out->value, canon, size);
    return PP_OK;
}

static enum pp_status args_set(const char **p, const struct command_entry *e, struct command *out,
                               char *canon, size_t size, struct pp_error *err) {
    bool trunc;
    if (!word(p, out->knob, sizeof(out->knob), &trunc) ||
        !word(p, out->arg, sizeof(out->arg), &trunc))
        return usage(err, e);
    snprintf(canon, size, "%s %s", out->knob, out->arg);
    return PP_OK;
}

static enum pp_status args_load(const char **p, const struct command_entry *e, struct command *out,
                                char *canon, size_t size, struct pp_error *err) {
    snprintf(out->arg, sizeof(out->arg), "%s", rest(*p));
    if (!out->arg[0])
        return usage(err, e);
    *p += strlen(*p);
    snprintf(canon, size, "%s", out->arg);
    return PP_OK;
}

const struct command_entry command_table[] = {
    {"pin", "pin SVC N", "hold SVC at N replicas; its scaler keeps deciding",
     "Pin replicas: ", CMD_PIN, args_pin},
    {"unpin", "unpin SVC", "its scaler's decisions apply again", NULL, CMD_UNPIN, NULL},
    {"target", "target SVC VALUE|reset", "the scaler's target (KPA, the HPA's first metric, lag)",
     "Target: ", CMD_TARGET, args_target},
    {"pause", "pause SVC", "hold SVC where it is", NULL, CMD_PAUSE, NULL},
    {"resume", "resume SVC", "let its scaler act again", NULL, CMD_RESUME, NULL},
    {"set", "set SVC KNOB VALUE", "change a scaler setting (knobs in --help)", NULL, CMD_SET,
     args_set},
    {"load", "load SVC HEY-FLAGS", "start a load test (-z 30s -c 5 ...)",
     "Load test (hey flags): ", CMD_LOAD, args_load},
    {"stop", "stop SVC", "stop SVC's running load tests", NULL, CMD_STOP, NULL},
};
const size_t command_count = sizeof(command_table) / sizeof(command_table[0]);

const struct command_entry *command_find(const char *name) {
    for (size_t i = 0; i < command_count; i++)
        if (strcmp(command_table[i].name, name) == 0)
            return &command_table[i];
    return NULL;
}

size_t command_list(char *buf, size_t size, const char *sep, bool usages) {
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < command_count; i++) {
        const int k = snprintf(buf + used, used < size ? size - used : 0, "%s%s", i ? sep : "",
                               usages ? command_table[i].usage : command_table[i].name);
        used += k > 0 ? (size_t)k : 0;
    }
    return used;
}

enum pp_status command_parse(const char *line, struct command *out, struct pp_error *err) {
    memset(out, 0, sizeof(*out));
    const char *p = line;
    char verb[32];
    bool trunc = false;
    if (!word(&p, verb, sizeof(verb), &trunc))
        return pp_fail(err, PP_ERR_PARSE, "command", "empty command");
    const struct command_entry *e = command_find(verb);
    if (!e) {
        char names[200];
        command_list(names, sizeof(names), ", ", false);
        return pp_fail(err, PP_ERR_PARSE, "command", "unknown command \"%s\" (%s)", verb, names);
    }
    out->kind = e->kind;
    if (!word(&p, out->service, sizeof(out->service), &trunc))
        return usage(err, e);
    if (trunc)
        return pp_fail(err, PP_ERR_PARSE, verb, "service name too long");
    char canon[sizeof(out->text)] = "";
    if (e->parse && e->parse(&p, e, out, canon, sizeof(canon), err) != PP_OK)
        return PP_ERR_PARSE;
    if (*rest(p))
        return pp_fail(err, PP_ERR_PARSE, verb, "unexpected \"%s\" after the command", rest(p));
    /* The canonical text, one space between words; never cut. */
    const int n = snprintf(out->text, sizeof(out->text), "%s %s%s%s", e->name, out->service,
                           canon[0] ? " " : "", canon);
    if (n < 0 || (size_t)n >= sizeof(out->text))
        return pp_fail(err, PP_ERR_PARSE, verb, "command longer than %zu characters",
                       sizeof(out->text) - 1);
    return PP_OK;
}
