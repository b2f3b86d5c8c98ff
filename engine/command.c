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

static const char *const verbs[] = {
    [CMD_PIN] = "pin",       [CMD_UNPIN] = "unpin", [CMD_TARGET] = "target",
    [CMD_TARGET_RESET] = "", [CMD_PAUSE] = "pause", [CMD_RESUME] = "resume",
    [CMD_SET] = "set",       [CMD_LOAD] = "load",   [CMD_STOP] = "stop",
};

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

static enum pp_status usage(struct pp_error *err, const char *verb) {
    static const char *const forms[] = {
        "pin SVC N",          "unpin SVC", "target SVC VALUE|reset", "pause SVC",
        "resume SVC",         "set SVC KNOB VALUE", "load SVC HEY-FLAGS", "stop SVC",
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        if (strncmp(forms[i], verb, strlen(verb)) == 0 && forms[i][strlen(verb)] == ' ')
            return pp_fail(err, PP_ERR_PARSE, verb, "usage: %s", forms[i]);
    return PP_ERR_PARSE;
}

enum pp_status command_parse(const char *line, struct command *out, struct pp_error *err) {
    memset(out, 0, sizeof(*out));
    const char *p = line;
    char verb[32];
    bool trunc = false;
    if (!word(&p, verb, sizeof(verb), &trunc))
        return pp_fail(err, PP_ERR_PARSE, "command", "empty command");
    int kind = -1;
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (verbs[i][0] && strcmp(verb, verbs[i]) == 0)
            kind = (int)i;
    if (kind < 0)
        return pp_fail(err, PP_ERR_PARSE, "command",
                       "unknown command \"%s\" (pin, unpin, target, pause, resume, set, load, "
                       "stop)",
                       verb);
    out->kind = (enum command_kind)kind;
    if (!word(&p, out->service, sizeof(out->service), &trunc))
        return usage(err, verb);
    if (trunc)
        return pp_fail(err, PP_ERR_PARSE, verb, "service name too long");
    char arg[64];
    switch (out->kind) {
    case CMD_PIN: {
        int32_t n;
        if (!word(&p, arg, sizeof(arg), &trunc))
            return usage(err, verb);
        if (!goparse_int32(arg, &n) || n < 0 || n > MAX_PIN)
            return pp_fail(err, PP_ERR_PARSE, verb,
                           "expected a replica count 0..%d, got \"%s\"", MAX_PIN, arg);
        out->replicas = n;
        break;
    }
    case CMD_TARGET:
        if (!word(&p, arg, sizeof(arg), &trunc))
            return usage(err, verb);
        if (strcmp(arg, "reset") == 0) {
            out->kind = CMD_TARGET_RESET;
            break;
        }
        if (!goparse_float(arg, &out->value) || !isfinite(out->value) || out->value <= 0)
            return pp_fail(err, PP_ERR_PARSE, verb,
                           "expected a positive number or \"reset\", got \"%s\"", arg);
        break;
    case CMD_SET:
        if (!word(&p, out->knob, sizeof(out->knob), &trunc) ||
            !word(&p, out->arg, sizeof(out->arg), &trunc))
            return usage(err, verb);
        break;
    case CMD_LOAD:
        snprintf(out->arg, sizeof(out->arg), "%s", rest(p));
        if (!out->arg[0])
            return usage(err, verb);
        p += strlen(p);
        break;
    case CMD_UNPIN:
    case CMD_TARGET_RESET:
    case CMD_PAUSE:
    case CMD_RESUME:
    case CMD_STOP:
        break;
    }
    if (*rest(p))
        return pp_fail(err, PP_ERR_PARSE, verb, "unexpected \"%s\" after the command", rest(p));
    /* The canonical text, one space between words. */
    switch (out->kind) {
    case CMD_PIN:
        snprintf(out->text, sizeof(out->text), "pin %s %d", out->service, out->replicas);
        break;
    case CMD_TARGET: {
        char v[40];
        pp_format_double(out->value, v, sizeof(v));
        snprintf(out->text, sizeof(out->text), "target %s %s", out->service, v);
        break;
    }
    case CMD_TARGET_RESET:
        snprintf(out->text, sizeof(out->text), "target %s reset", out->service);
        break;
    case CMD_SET:
        snprintf(out->text, sizeof(out->text), "set %s %s %s", out->service, out->knob, out->arg);
        break;
    case CMD_LOAD:
        snprintf(out->text, sizeof(out->text), "load %s %s", out->service, out->arg);
        break;
    default:
        snprintf(out->text, sizeof(out->text), "%s %s", verbs[out->kind], out->service);
        break;
    }
    return PP_OK;
}
