#include "engine/source_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record_source {
    struct source base;
    struct record_reader *rd;
    int64_t to;
    struct source_commands cmds;
    struct record_tick tick;
};

void source_record_submit(const struct record_tick *t, const struct source_commands *cmds,
                          const struct source_submit *to) {
    for (size_t i = 0; i < t->n_commands; i++) {
        struct command cmd;
        bool empty = false;
        struct pp_error err = {0};
        if (cmds->parse(cmds->ctx, t->commands[i], &cmd, &empty, &err) == PP_OK && !empty &&
            to->submit(to->ctx, &cmd, &err) == PP_OK)
            continue;
        if (cmds->warn)
            cmds->warn(cmds->ctx, t->t, t->commands[i], &err);
    }
}

static bool begin(void *src, pp_time now, const struct source_submit *to) {
    (void)now;
    struct record_source *s = src;
    if (record_next(s->rd, &s->tick) != 1 || (s->to >= 0 && s->tick.t > s->to))
        return false;
    source_record_submit(&s->tick, &s->cmds, to);
    return true;
}

static void observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *out) {
    (void)needs;
    (void)now;
    *out = ((struct record_source *)src)->tick.obs[svc];
}

/* A recording holds what its loads did: a stop stopped as many load tests
 * as the session's LoadStopped event for svc at this tick says (0 when
 * the session printed none). */
static int load_stop(void *src, size_t svc, pp_time now) {
    (void)now;
    const struct record_source *s = src;
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(record_header(s->rd), "services");
    const cJSON *c = cJSON_GetArrayItem(svcs, (int)svc);
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(c, "namespace");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
    if (!cJSON_IsString(ns) || !cJSON_IsString(name))
        return 0;
    char want[400];
    snprintf(want, sizeof(want), "\"service\":\"%s/%s\",\"event\":\"LoadStopped\"", ns->valuestring,
             name->valuestring);
    for (size_t i = 0; i < s->tick.n_outputs; i++) {
        const char *line = s->tick.outputs[i];
        const char *m = strstr(line, want) ? strstr(line, "\"message\":\"") : NULL;
        if (m)
            return atoi(m + 11);
    }
    return 0;
}

static void destroy(void *src) { free(src); }

static const struct source_ops record_ops = {
    .name = "recording",
    .begin = begin,
    .observe = observe,
    .load_stop = load_stop,
    .destroy = destroy,
};

struct source *source_record_create(struct record_reader *rd, int64_t to,
                                    const struct source_commands *cmds) {
    struct record_source *s = xcalloc(1, sizeof(*s));
    s->base.ops = &record_ops;
    s->rd = rd;
    s->to = to;
    s->cmds = *cmds;
    return &s->base;
}

const struct record_tick *source_record_tick(const struct source *s) {
    return &((const struct record_source *)s)->tick;
}
