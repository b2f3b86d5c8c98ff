#include "app/exporters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool exporter_flag_parse(const char *v, char svc[SVC_NAME_MAX], struct scrape_spec *out, char *msg,
                         size_t size) {
    *out = (struct scrape_spec){.on = true};
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) {
        snprintf(msg, size, "expected SVC=KIND[:PORT][/PATH], e.g. qwen=vllm or '*=queue-proxy'");
        return false;
    }
    if ((size_t)(eq - v) >= SVC_NAME_MAX) {
        snprintf(msg, size, "the service's name is longer than %d characters", SVC_NAME_MAX - 1);
        return false;
    }
    memcpy(svc, v, (size_t)(eq - v));
    svc[eq - v] = '\0';
    const char *kind = eq + 1;
    const size_t klen = strcspn(kind, ":/");
    char name[32];
    if (klen >= sizeof(name)) {
        snprintf(msg, size, "unknown exporter \"%.*s\"", (int)klen, kind);
        return false;
    }
    memcpy(name, kind, klen);
    name[klen] = '\0';
    if (!exporter_parse(name, &out->kind)) {
        snprintf(msg, size, "unknown exporter \"%s\"; there are vllm, ovms, queue-proxy and seldon",
                 name);
        return false;
    }
    if (out->kind == EXPORTER_DCGM) {
        snprintf(msg, size,
                 "dcgm-exporter runs on the nodes, not in the pods: --prometheus reads its "
                 "GPU figures");
        return false;
    }
    out->port = exporter_default_port(out->kind);
    snprintf(out->path, sizeof(out->path), "/metrics");
    const char *p = kind + klen;
    if (*p == ':') {
        char *end;
        errno = 0;
        const long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || errno || port < 1 || port > 65535 || (*end && *end != '/')) {
            snprintf(msg, size, "a port is 1 to 65535, got \"%s\"", p + 1);
            return false;
        }
        out->port = (int)port;
        p = end;
    }
    if (*p == '/') {
        if (strlen(p) >= sizeof(out->path)) {
            snprintf(msg, size, "the path is longer than %zu characters", sizeof(out->path) - 1);
            return false;
        }
        for (const char *c = p; *c; c++)
            if (*c <= ' ' || *c == '?' || *c == '#' || *c == 0x7f) {
                snprintf(msg, size, "the path holds '%c' (a path, no query)", *c > ' ' ? *c : '?');
                return false;
            }
        snprintf(out->path, sizeof(out->path), "%s", p);
    } else if (*p) {
        snprintf(msg, size, "expected :PORT or /PATH after the exporter, got \"%s\"", p);
        return false;
    }
    return true;
}

static bool matches(const char *want, const struct svc_config *c) {
    if (strcmp(want, "*") == 0)
        return true;
    const char *slash = strchr(want, '/');
    if (!slash)
        return strcmp(want, c->name) == 0;
    const size_t ns = (size_t)(slash - want);
    if (strlen(c->namespace_) != ns || strncmp(want, c->namespace_, ns) != 0)
        return false;
    return strcmp(slash + 1, "*") == 0 || strcmp(slash + 1, c->name) == 0;
}

size_t exporter_specs(const char *const *flags, size_t n, int interval_s, const struct svc_set *set,
                      struct scrape_spec *specs) {
    size_t on = 0;
    for (size_t i = 0; i < set->n; i++)
        specs[i] = (struct scrape_spec){0};
    for (size_t f = 0; f < n; f++) {
        char svc[SVC_NAME_MAX], msg[200];
        struct scrape_spec sp;
        if (!exporter_flag_parse(flags[f], svc, &sp, msg, sizeof(msg)))
            continue; /* checked when the flags were read */
        sp.interval_s = interval_s;
        size_t hits = 0;
        for (size_t i = 0; i < set->n; i++)
            if (matches(svc, &set->svcs[i])) {
                specs[i] = sp;
                hits++;
            }
        if (!hits)
            fprintf(stderr, "podpilot: note: --exporter %s: no service \"%s\" in the cluster\n",
                    flags[f], svc);
    }
    for (size_t i = 0; i < set->n; i++)
        on += specs[i].on;
    return on;
}
