#include "engine/recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct recorder {
    const struct svc_set *set;
    struct recorder_hooks hooks;
    char (*names)[SVC_NAME_MAX + 66]; /* namespace/name per service */
    struct jsonl j;
    struct record_writer *rec;
    bool failed;
    struct pp_error error;
    struct recorder_cmd *history;
    size_t n_history, cap_history;
};

struct recorder *recorder_create(const struct svc_set *set, const struct recorder_hooks *hooks) {
    struct recorder *r = xcalloc(1, sizeof(*r));
    r->set = set;
    if (hooks)
        r->hooks = *hooks;
    r->names = xcalloc(set->n ? set->n : 1, sizeof(*r->names));
    for (size_t i = 0; i < set->n; i++)
        snprintf(r->names[i], sizeof(r->names[i]), "%s/%s", set->svcs[i].namespace_,
                 set->svcs[i].name);
    return r;
}

void recorder_destroy(struct recorder *r) {
    if (!r)
        return;
    record_close(r->rec, NULL);
    jsonl_free(&r->j);
    free(r->names);
    free(r->history);
    free(r);
}

static void line(struct recorder *r, const struct loop_record *rec) {
    if (rec->kind == LOOP_LOAD_DONE && r->hooks.report) {
        char *text = jsonl_load_report(&r->j, rec);
        r->hooks.report(r->hooks.ctx, rec->svc, rec->load_spec->text, text ? text : "");
        free(text);
    }
    if (!r->hooks.line && !r->rec)
        return;
    jsonl_format(&r->j, rec, r->names[rec->svc]);
    if (r->hooks.line)
        r->hooks.line(r->hooks.ctx, r->j.b.p, r->j.b.len);
    if (r->rec)
        record_output(r->rec, r->j.b.p, r->j.b.len);
}

static void remember(struct recorder *r, const struct loop_record *rec) {
    if (r->rec)
        record_command(r->rec, rec->t, rec->cmd->text);
    if (r->n_history == r->cap_history) {
        r->cap_history = r->cap_history ? 2 * r->cap_history : 16;
        r->history = xrealloc(r->history, r->cap_history * sizeof(*r->history));
    }
    r->history[r->n_history++] = (struct recorder_cmd){(int64_t)rec->t, *rec->cmd};
}

static void end_tick(struct recorder *r, const struct loop_record *rec) {
    if (r->rec && !r->failed && record_end_tick(r->rec, (int64_t)rec->t, &r->error) != PP_OK)
        r->failed = true;
    if (r->hooks.tick)
        r->hooks.tick(r->hooks.ctx);
}

void recorder_emit(void *ctx, const struct loop_record *rec) {
    struct recorder *r = ctx;
    switch (rec->kind) {
    case LOOP_DECISION:
    case LOOP_EVENT:
    case LOOP_LOAD_DONE:
        line(r, rec);
        break;
    case LOOP_COMMAND:
        remember(r, rec);
        break;
    case LOOP_OBS:
        if (r->rec)
            record_obs(r->rec, rec->svc, rec->obs, r->set->start + PP_SEC((int64_t)rec->t));
        break;
    case LOOP_TICK_END:
        end_tick(r, rec);
        break;
    }
}

void recorder_attach(struct recorder *r, struct record_writer *w) {
    record_close(r->rec, NULL);
    r->rec = w;
    r->failed = false;
}

enum pp_status recorder_detach(struct recorder *r, struct pp_error *err) {
    enum pp_status st = r->failed ? PP_ERR_IO : PP_OK;
    if (r->failed && err)
        *err = r->error;
    if (r->rec && record_close(r->rec, st == PP_OK ? err : NULL) != PP_OK)
        st = PP_ERR_IO;
    r->rec = NULL;
    r->failed = false;
    return st;
}

bool recorder_recording(const struct recorder *r) { return r->rec != NULL; }

void recorder_hand_over(struct recorder *from, struct recorder *to) {
    recorder_attach(to, from->rec);
    to->failed = from->failed;
    to->error = from->error;
    from->rec = NULL;
    from->failed = false;
}

bool recorder_failed(const struct recorder *r, struct pp_error *err) {
    if (r->failed && err)
        *err = r->error;
    return r->failed;
}

size_t recorder_history(const struct recorder *r, const struct recorder_cmd **out) {
    *out = r->history;
    return r->n_history;
}
