#include "app/headless.h"

#include "app/metrics_http.h"
#include "app/output.h"
#include "engine/buf.h"
#include "engine/loop.h"
#include "engine/prom_export.h"
#include "engine/source_sim.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile int headless_interrupted;

static void on_signal(int sig) {
    (void)sig;
    headless_interrupted = 1;
}

void headless_catch_signals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int64_t headless_default_duration(const struct svc_set *set, const struct command_list *cmds) {
    if (set->duration > 0)
        return set->duration / PP_NS_PER_SEC;
    int64_t end = 0;
    for (size_t i = 0; i < set->n_loads; i++) {
        const struct load_spec *l = &set->loads[i].load;
        pp_time e = l->start + (l->duration ? l->duration : PP_SEC(60));
        if (l->kind == LOAD_TRACE && l->n_trace)
            e = l->start + (pp_time)((l->trace[l->n_trace - 1].at_s + 1) * 1e9);
        if (e / PP_NS_PER_SEC > end)
            end = e / PP_NS_PER_SEC;
    }
    for (size_t i = 0; cmds && i < cmds->n; i++) {
        int64_t e = cmds->v[i].at;
        const struct command *c = &cmds->v[i].cmd;
        if (c->kind == CMD_LOAD)
            e += (c->load.start + (c->load.duration ? c->load.duration : PP_SEC(60))) /
                 PP_NS_PER_SEC;
        if (e > end)
            end = e;
    }
    return end + 360 > 300 ? end + 360 : 300;
}

void headless_pace(double speed) {
    if (speed <= 0)
        return;
    const double secs = 1.0 / speed;
    struct timespec ts = {(time_t)secs, (long)((secs - floor(secs)) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Standard input, read without blocking: complete lines become commands. */
struct stdin_reader {
    bool open;
    bool skipping; /* inside a line that was too long: up to its newline, ignored */
    char buf[4096];
    size_t len;
    int line;
    size_t errors;
};

static void stdin_line(struct stdin_reader *s, struct svc_set *set, struct loop *l,
                       struct command_list *sched, char *line) {
    s->line++;
    struct command cmd;
    int64_t at;
    bool empty;
    struct pp_error err = {0};
    if (commands_parse_line(set, line, false, &at, &cmd, &empty, &err) == PP_OK && !empty) {
        if (at > loop_elapsed(l) + 1) {
            if (loop_check(l, &cmd, &err) == PP_OK) {
                commands_add(sched, at, s->line, &cmd);
                return;
            }
        } else if (loop_submit(l, &cmd, &err) == PP_OK) {
            return;
        }
    } else if (empty) {
        return;
    }
    s->errors++;
    fprintf(stderr, "podpilot: stdin:%d: %s%s%s\n", s->line, err.field, err.field[0] ? ": " : "",
            err.message);
}

static void stdin_poll(struct stdin_reader *s, struct svc_set *set, struct loop *l,
                       struct command_list *sched) {
    while (s->open) {
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            return;
        const ssize_t k = read(STDIN_FILENO, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            s->open = false;
            if (s->len > 0) {
                s->buf[s->len] = '\0';
                stdin_line(s, set, l, sched, s->buf);
            }
            return;
        }
        s->len += (size_t)k;
        s->buf[s->len] = '\0';
        char *start = s->buf, *nl;
        while ((nl = strchr(start, '\n'))) {
            *nl = '\0';
            if (s->skipping) { /* the tail of a line too long: never a command of its own */
                s->skipping = false;
                s->line++;
            } else {
                stdin_line(s, set, l, sched, start);
            }
            start = nl + 1;
        }
        s->len = strlen(start);
        memmove(s->buf, start, s->len + 1);
        if (s->len == sizeof(s->buf) - 1) {
            if (!s->skipping)
                fprintf(stderr,
                        "podpilot: stdin:%d: a line longer than %zu bytes; ignored, all of it\n",
                        s->line + 1, sizeof(s->buf) - 2);
            s->skipping = true;
            s->len = 0;
        }
    }
}

static int check_commands(const struct loop *l, const struct command_list *c) {
    for (size_t i = 0; c && i < c->n; i++) {
        struct pp_error err = {0};
        if (loop_check(l, &c->v[i].cmd, &err) != PP_OK) {
            fprintf(stderr, "podpilot: %s:%d: %s%s%s\n", c->source, c->v[i].line, err.field,
                    err.field[0] ? ": " : "", err.message);
            return 1;
        }
    }
    return 0;
}

static void print_line(void *ctx, const char *line, size_t len) { fwrite(line, 1, len, ctx); }

/* A live service's exporter figures, a line each time a scrape of it
 * lands (they are not recorded: a recording keeps what the scalers read). */
static void print_signals(struct loop *l, const struct svc_set *set, uint64_t *seen, struct buf *b,
                          FILE *out) {
    struct source_signals g;
    for (size_t i = 0; i < set->n; i++) {
        loop_signals(l, i, &g);
        if (g.n == 0 || g.seq == seen[i])
            continue;
        seen[i] = g.seq;
        b->len = 0;
        buf_printf(b, "{\"t\":%lld,\"service\":", (long long)loop_elapsed(l));
        buf_string(b, loop_view(l, i)->service);
        buf_put(b, ",\"exporter\":", 12);
        buf_string(b, g.exporter);
        buf_put(b, ",\"figures\":{", 12);
        for (size_t k = 0; k < g.n; k++) {
            if (k)
                buf_put(b, ",", 1);
            buf_string(b, g.v[k].name);
            buf_put(b, ":", 1);
            buf_double(b, g.v[k].value);
        }
        buf_put(b, "},\"note\":", 9);
        buf_string(b, g.note);
        buf_put(b, "}\n", 2);
        fwrite(b->p, 1, b->len, out);
    }
}

static void flush(void *ctx) { fflush(ctx); }

int headless_run(struct svc_set *set, const struct headless_options *opt, FILE *out) {
    const struct recorder_hooks hooks = {.line = print_line, .tick = flush, .ctx = out};
    struct recorder *rec = recorder_create(set, &hooks);
    struct pp_error err = {0};
    struct source *src = opt->open_source ? opt->open_source(set, opt->source_ctx, &err)
                                          : source_sim_create(set, &err);
    struct loop *l = src ? loop_create(set, src, recorder_emit, rec, &err) : NULL;
    if (!l) {
        char msg[1024];
        pp_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "podpilot: %s\n", msg);
        source_destroy(src);
        recorder_destroy(rec);
        return 1;
    }
    struct command_list sched = {0};
    snprintf(sched.source, sizeof(sched.source), "stdin");
    int rc = 0;
    if (opt->commands) {
        rc = check_commands(l, opt->commands);
        for (size_t i = 0; rc == 0 && i < opt->commands->n; i++)
            commands_add(&sched, opt->commands->v[i].at, opt->commands->v[i].line,
                         &opt->commands->v[i].cmd);
    }
    struct metrics_http *mh = NULL;
    struct prom_export *pe = NULL;
    if (rc == 0 && opt->metrics_addr) {
        if ((mh = metrics_http_start(opt->metrics_addr, &err))) {
            pe = prom_export_create(set, PODPILOT_VERSION, src->ops->name);
            fprintf(stderr, "podpilot: metrics at http://%s/metrics\n", metrics_http_address(mh));
        } else {
            char msg[1024];
            pp_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "podpilot: %s\n", msg);
            rc = 1;
        }
    }
    /* The recording starts once everything is known to be good. */
    if (rc == 0 && opt->record_path && output_record_to(rec, set, opt->record_path, opt->header))
        rc = 1;
    if (rc != 0) {
        metrics_http_stop(mh);
        prom_export_destroy(pe);
        loop_destroy(l);
        source_destroy(src);
        recorder_destroy(rec);
        commands_free(&sched);
        return rc;
    }
    struct stdin_reader in = {.open = opt->read_stdin};
    uint64_t *seen = opt->open_source ? xcalloc(set->n ? set->n : 1, sizeof(*seen)) : NULL;
    struct buf sig_line = {0};
    const int64_t duration =
        opt->duration_s > 0 ? opt->duration_s : headless_default_duration(set, opt->commands);
    for (int64_t t = 0; rc == 0 && t < duration && !ferror(out) && !recorder_failed(rec, NULL) &&
                        !headless_interrupted;
         t++) {
        stdin_poll(&in, set, l, &sched);
        while (sched.next < sched.n && sched.v[sched.next].at <= t + 1) {
            if (loop_submit(l, &sched.v[sched.next].cmd, &err) != PP_OK)
                fprintf(stderr, "podpilot: %s:%d: %s\n", sched.source, sched.v[sched.next].line,
                        err.message);
            sched.next++;
        }
        loop_tick(l);
        if (seen)
            print_signals(l, set, seen, &sig_line, out);
        if (pe) {
            prom_export_tick(pe, l);
            metrics_http_publish(mh, prom_export_text(pe)->p, prom_export_text(pe)->len);
        }
        headless_pace(opt->speed);
    }
    free(seen);
    buf_free(&sig_line);
    metrics_http_stop(mh);
    prom_export_destroy(pe);
    if (output_finish(rec) != 0 || ferror(out))
        rc = 1;
    if (headless_interrupted && rc == 0)
        rc = 130;
    loop_destroy(l);
    source_destroy(src);
    recorder_destroy(rec);
    commands_free(&sched);
    return rc;
}
