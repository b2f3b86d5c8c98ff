#include "app/output.h"

#include <stdlib.h>

int output_open(struct output *o, const struct svc_set *set, FILE *out, const char *record_path,
                const cJSON *header) {
    *o = (struct output){.out = out, .set = set};
    o->names = xcalloc(set->n ? set->n : 1, sizeof(*o->names));
    for (size_t i = 0; i < set->n; i++)
        snprintf(o->names[i], sizeof(o->names[i]), "%s/%s", set->svcs[i].namespace_,
                 set->svcs[i].name);
    if (!record_path)
        return 0;
    struct pp_error err = {0};
    o->rec = record_create(record_path, header, set->start, set->n, &err);
    if (o->rec)
        return 0;
    fprintf(stderr, "podpilot: %s: %s\n", err.field, err.message);
    free(o->names);
    o->names = NULL;
    return 1;
}

void output_record(void *ctx, const struct loop_record *r) {
    struct output *o = ctx;
    switch (r->kind) {
    case LOOP_DECISION:
    case LOOP_EVENT:
    case LOOP_LOAD_DONE:
        if (r->kind == LOOP_LOAD_DONE && o->on_report) {
            char *text = jsonl_load_report(&o->j, r);
            o->on_report(o->report_ctx, r->svc, r->load_spec->text, text ? text : "");
            free(text);
        }
        if (!o->out && !o->rec)
            break;
        jsonl_format(&o->j, r, o->names[r->svc]);
        if (o->out)
            fwrite(o->j.b.p, 1, o->j.b.len, o->out);
        if (o->rec)
            record_output(o->rec, o->j.b.p, o->j.b.len);
        break;
    case LOOP_COMMAND:
        if (o->rec)
            record_command(o->rec, r->t, r->cmd->text);
        if (o->n_history == o->cap_history) {
            o->cap_history = o->cap_history ? 2 * o->cap_history : 16;
            o->history = xrealloc(o->history, o->cap_history * sizeof(*o->history));
        }
        o->history[o->n_history++] = (struct output_cmd){(int64_t)r->t, *r->cmd};
        break;
    case LOOP_OBS:
        if (o->rec)
            record_obs(o->rec, r->svc, r->obs, o->set->start + PP_SEC((int64_t)r->t));
        break;
    case LOOP_TICK_END:
        if (o->rec && !o->rec_failed) {
            struct pp_error err = {0};
            if (record_end_tick(o->rec, (int64_t)r->t, &err) != PP_OK) {
                fprintf(stderr, "podpilot: recording stopped: %s\n", err.message);
                o->rec_failed = true;
            }
        }
        if (o->out)
            fflush(o->out);
        break;
    }
}

int output_close(struct output *o) {
    int rc = o->rec_failed || (o->out && ferror(o->out)) ? 1 : 0;
    struct pp_error err = {0};
    if (o->rec && record_close(o->rec, &err) != PP_OK) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        rc = 1;
    }
    o->rec = NULL;
    jsonl_free(&o->j);
    free(o->names);
    o->names = NULL;
    free(o->history);
    o->history = NULL;
    o->n_history = o->cap_history = 0;
    return rc;
}
