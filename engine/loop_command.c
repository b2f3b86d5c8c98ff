/* Operator commands: checked against the services when submitted (from
 * any thread), queued, and applied at the start of the next tick. */
#include "engine/loop_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum pp_status find_service(const struct loop *l, const char *name, size_t *svc,
                                   struct pp_error *err) {
    return svc_set_resolve(l->set, name, "service", svc, err);
}

enum pp_status loop_check(const struct loop *l, const struct command *cmd, struct pp_error *err) {
    size_t svc;
    if (find_service(l, cmd->service, &svc, err) != PP_OK)
        return PP_ERR_INVALID;
    const struct svc_config *c = &l->set->svcs[svc];
    const struct layer *main = loop_main_layer(&l->rts[svc]);
    const unsigned caps = main ? main->ops->caps : 0;
    struct override ov = {0};
    struct override_config oc;
    if (l->so->read_only && cmd->kind != CMD_LOAD && cmd->kind != CMD_STOP)
        return pp_fail(err, PP_ERR_INVALID, "command",
                       "shadow mode: read-only (podpilot --kube writes nothing to the cluster "
                       "without --act; load and stop still run)");
    if (l->so->steer_check && l->so->steer_check(l->src, svc, cmd, err) != PP_OK)
        return PP_ERR_INVALID;
    switch (cmd->kind) {
    case CMD_PIN:
        if (caps & SCALER_NO_PIN)
            return pp_fail(err, PP_ERR_INVALID, "pin", "%s %s", c->name, main->ops->no_pin);
        break;
    case CMD_TARGET:
        ov.target_set = true;
        ov.target = cmd->value;
        if (override_build(c, &ov, 0, 0, &oc, err) != PP_OK)
            return PP_ERR_INVALID;
        break;
    case CMD_TARGET_RESET:
        if (!(caps & SCALER_TARGET))
            return pp_fail(err, PP_ERR_INVALID, "target", "%s has no target", c->name);
        break;
    case CMD_SET:
        if (override_set_knob(&ov, cmd->knob, cmd->arg, err) != PP_OK ||
            override_build(c, &ov, 0, 0, &oc, err) != PP_OK)
            return PP_ERR_INVALID;
        break;
    case CMD_LOAD:
        if (!cmd->load_ready)
            return pp_fail(err, PP_ERR_INVALID, "load", "the load's flags were not parsed");
        break;
    case CMD_UNPIN:
    case CMD_PAUSE:
    case CMD_RESUME:
    case CMD_STOP:
        break;
    }
    return PP_OK;
}

enum pp_status loop_submit(struct loop *l, const struct command *cmd, struct pp_error *err) {
    if (loop_check(l, cmd, err) != PP_OK)
        return PP_ERR_INVALID;
    pthread_mutex_lock(&l->mu);
    const bool full = l->q_len == QUEUE_CAP;
    if (!full)
        l->queue[(l->q_head + l->q_len++) % QUEUE_CAP] = *cmd;
    pthread_mutex_unlock(&l->mu);
    if (full)
        return pp_fail(err, PP_ERR_LIMIT, "command", "%d commands already wait for the next tick",
                       QUEUE_CAP);
    return PP_OK;
}

static bool next_command(struct loop *l, struct command *out) {
    pthread_mutex_lock(&l->mu);
    const bool any = l->q_len > 0;
    if (any) {
        *out = l->queue[l->q_head];
        l->q_head = (l->q_head + 1) % QUEUE_CAP;
        l->q_len--;
    }
    pthread_mutex_unlock(&l->mu);
    return any;
}

/* Hands the scaler its settings after a target or knob change. */
static enum pp_status reconfigure(struct loop *l, size_t svc, const struct override *ov,
                                  struct pp_error *err) {
    struct rt *r = &l->rts[svc];
    const struct layer *main = loop_main_layer(r);
    int32_t lo = 0, hi = 0; /* where a CronHPA may have moved the bounds */
    if (main && main->ops->bounds)
        main->ops->bounds(main->st, &lo, &hi);
    struct override_config oc;
    if (override_build(r->cfg, ov, lo, hi, &oc, err) != PP_OK)
        return PP_ERR_INVALID;
    r->ov = *ov;
    for (size_t k = 0; k < r->n_layers; k++)
        if (r->layers[k].ops->reconfigure)
            r->layers[k].ops->reconfigure(r->layers[k].st, &oc, &r->view);
    return PP_OK;
}

static bool is_override(const struct command *cmd) {
    return cmd->kind != CMD_LOAD && cmd->kind != CMD_STOP;
}

/* cmd takes effect in the engine (in active mode: once it was written). */
static void apply_local(struct loop *l, size_t svc, const struct command *cmd) {
    struct pp_error err = {0};
    struct rt *r = &l->rts[svc];
    const bool self_pause =
        loop_main_layer(r) && (loop_main_layer(r)->ops->caps & SCALER_SELF_PAUSE);
    const struct loop_record rec = {
        .kind = LOOP_COMMAND, .t = elapsed_s(l), .svc = svc, .cmd = cmd};
    l->emit(l->ctx, &rec);
    struct override ov = r->ov;
    char msg[400];
    const char *reason = "Override";
    switch (cmd->kind) {
    case CMD_PIN:
        r->ov.pinned = true;
        r->ov.pin = cmd->replicas;
        snprintf(msg, sizeof(msg),
                 "pinned at %d replicas by the operator%s; the autoscaler keeps deciding",
                 cmd->replicas,
                 r->cfg->cls == SVC_KEDA ? " (as autoscaling.keda.sh/paused-replicas would)" : "");
        break;
    case CMD_UNPIN:
        r->ov.pinned = false;
        snprintf(msg, sizeof(msg), "unpinned: the autoscaler's decisions apply again");
        break;
    case CMD_PAUSE:
        ov.paused = true;
        ov.hold = r->replicas;
        if (self_pause && reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        r->ov.paused = true;
        r->ov.hold = r->replicas;
        snprintf(msg, sizeof(msg), "autoscaling paused at %d replicas by the operator%s",
                 r->replicas,
                 r->cfg->cls == SVC_KEDA ? " (as autoscaling.keda.sh/paused would)" : "");
        break;
    case CMD_RESUME:
        ov.paused = false;
        if (self_pause && reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        r->ov.paused = false;
        snprintf(msg, sizeof(msg), "autoscaling resumed");
        break;
    case CMD_TARGET:
    case CMD_TARGET_RESET:
        ov.target_set = cmd->kind == CMD_TARGET;
        ov.target = cmd->value;
        if (reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        if (cmd->kind == CMD_TARGET) {
            char t[40];
            pp_format_double(cmd->value, t, sizeof(t));
            snprintf(msg, sizeof(msg), "target set to %s by the operator", t);
        } else {
            snprintf(msg, sizeof(msg), "target restored to the manifest's");
        }
        break;
    case CMD_SET:
        if (override_set_knob(&ov, cmd->knob, cmd->arg, &err) != PP_OK ||
            reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        snprintf(msg, sizeof(msg), "%s set to %s by the operator", cmd->knob, cmd->arg);
        break;
    case CMD_LOAD:
        if (l->so->load_start) /* a recording holds what the load did */
            l->so->load_start(l->src, svc, cmd, l->now);
        reason = "LoadStarted";
        snprintf(msg, sizeof(msg), "hey %s", cmd->arg);
        break;
    case CMD_STOP: {
        reason = "LoadStopped";
        const int n = l->so->load_stop ? l->so->load_stop(l->src, svc, l->now) : 0;
        snprintf(msg, sizeof(msg), "%d load test%s stopped by the operator", n, n == 1 ? "" : "s");
        break;
    }
    }
    if (cmd->kind == CMD_PIN || (cmd->kind == CMD_PAUSE && !self_pause))
        loop_actuate(l, svc, override_replicas(&r->ov, r->replicas));
    r->view.pinned = r->ov.pinned;
    r->view.paused = r->ov.paused;
    r->view.actual = r->replicas;
    override_text(&r->ov, r->base_target, r->view.override, sizeof(r->view.override));
    if (!r->view.override[0])
        r->written[0] = '\0';
    if (r->written[0]) { /* "pinned 3: HPA ml-prod/x min=max=3" */
        const size_t used = strlen(r->view.override);
        snprintf(r->view.override + used, sizeof(r->view.override) - used, ": %s", r->written);
    }
    loop_emit_event(l, svc, false, reason, msg);
    return;
rejected:
    snprintf(msg, sizeof(msg), "%.150s: %.80s%s%.160s", cmd->text, err.field,
             err.field[0] ? ": " : "", err.message);
    loop_emit_event(l, svc, true, "OverrideRejected", msg);
}

static void apply_command(struct loop *l, const struct command *cmd) {
    size_t svc;
    struct pp_error err = {0};
    if (find_service(l, cmd->service, &svc, &err) != PP_OK)
        return;
    if (!l->so->steer || !is_override(cmd)) {
        apply_local(l, svc, cmd);
        return;
    }
    l->so->steer(l->src, svc, cmd, l->rts[svc].replicas, l->now);
    char msg[700];
    snprintf(msg, sizeof(msg), "%.600s: writing it to the cluster (dry run first)", cmd->text);
    loop_emit_event(l, svc, false, "OverrideSent", msg);
}

static void written(void *ctx, size_t svc, const struct command *cmd, bool ok, const char *message,
                    const char *where) {
    struct loop *l = ctx;
    if (svc >= l->n)
        return;
    if (!ok) {
        char msg[900];
        snprintf(msg, sizeof(msg), "%.150s: %.700s", cmd->text, message);
        loop_emit_event(l, svc, true, "OverrideRejected", msg);
        return;
    }
    snprintf(l->rts[svc].written, sizeof(l->rts[svc].written), "%s", where);
    loop_emit_event(l, svc, false, "OverrideWritten", message);
    apply_local(l, svc, cmd);
}

void loop_reap_writes(struct loop *l) { l->so->steered(l->src, written, l); }

void loop_apply_commands(struct loop *l) {
    while (next_command(l, &l->applying))
        apply_command(l, &l->applying);
}
