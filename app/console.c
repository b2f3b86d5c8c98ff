#include "app/console.h"

#include "app/commands.h"
#include "app/output.h"
#include "engine/runner.h"
#include "engine/source_sim.h"
#include "tui/tui.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum pp_status parse(void *ctx, const char *line, struct command *out,
                            struct pp_error *err) {
    int64_t at;
    bool empty;
    if (commands_parse_line(ctx, line, false, &at, out, &empty, err) != PP_OK)
        return PP_ERR_PARSE;
    if (empty)
        return pp_fail(err, PP_ERR_PARSE, "command", "empty command");
    return PP_OK;
}

/* ---- r: recording from the keyboard ---- */

struct console {
    struct svc_set *set;
    struct recorder *rec;
    struct runner *r;
    const cJSON *header;
    bool recording; /* as the console thread knows it */
    struct record_writer *pending;
    char path[PATH_MAX + 64];
    const char *dir; /* --record-dir */
    bool live;
};

/* On the engine thread: the session so far, re-run from its first tick with
 * the same commands at the same ticks (the simulation is deterministic), goes
 * into the new recording; then the live session carries on into it. */
static void start_recording(void *ctx, struct loop *live) {
    struct console *c = ctx;
    const int64_t upto = loop_elapsed(live);
    const struct recorder_cmd *history;
    const size_t n_history = recorder_history(c->rec, &history);
    struct recorder *shadow = recorder_create(c->set, NULL);
    recorder_attach(shadow, c->pending);
    struct source *src = source_sim_create(c->set, NULL);
    struct loop *l = src ? loop_create(c->set, src, recorder_emit, shadow, NULL) : NULL;
    size_t k = 0;
    for (int64_t t = 1; l && t <= upto && !recorder_failed(shadow, NULL); t++) {
        for (; k < n_history && history[k].t <= t; k++)
            if (history[k].t == t)
                loop_submit(l, &history[k].cmd, NULL);
        loop_tick(l);
    }
    loop_destroy(l);
    source_destroy(src);
    /* The live session carries on into the same file. */
    recorder_hand_over(shadow, c->rec);
    recorder_destroy(shadow);
    c->pending = NULL;
}

static void stop_recording(void *ctx, struct loop *live) {
    (void)live;
    struct console *c = ctx;
    recorder_detach(c->rec, NULL);
}

static void on_report(void *ctx, size_t svc, const char *load, const char *report) {
    struct console *c = ctx;
    char text[RUNNER_REPORT];
    snprintf(text, sizeof(text), "hey %s\n%s", load, report);
    runner_set_report(c->r, svc, text);
}

static bool exists(const char *path) {
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* A new file's full path, so the status line says where it is; false when
 * it would not fit. */
static bool next_path(struct console *c) {
    char stamp[32];
    const time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    char cwd[PATH_MAX] = "";
    if (c->dir[0] != '/' && !getcwd(cwd, sizeof(cwd)))
        cwd[0] = '\0';
    const bool here = cwd[0] && strcmp(c->dir, ".") == 0;
    const char *sep = cwd[0] && !here ? "/" : "", *rel = here ? "" : c->dir;
    int n = snprintf(c->path, sizeof(c->path), "%s%s%s/podpilot-%s.jsonl", cwd, sep, rel, stamp);
    for (int i = 2; n >= 0 && (size_t)n < sizeof(c->path) && exists(c->path) && i < 100; i++)
        n = snprintf(c->path, sizeof(c->path), "%s%s%s/podpilot-%s-%d.jsonl", cwd, sep, rel, stamp,
                     i);
    return n >= 0 && (size_t)n < sizeof(c->path);
}

static void toggle_recording(void *ctx, char *msg, size_t size) {
    struct console *c = ctx;
    if (c->recording) {
        if (!runner_call(c->r, stop_recording, c)) {
            snprintf(msg, size, "busy writing the recording; press r again in a moment");
            return;
        }
        c->recording = false;
        runner_set_recording(c->r, false);
        snprintf(msg, size, "recording closed: %s", c->path);
        return;
    }
    if (c->live) {
        snprintf(msg, size,
                 "a live session records from its first tick: start podpilot with "
                 "--record FILE");
        return;
    }
    if (!next_path(c)) {
        snprintf(msg, size, "cannot record: the path in --record-dir is too long");
        return;
    }
    struct pp_error err = {0};
    c->pending = record_create(c->path, c->header, c->set->start, c->set->n, &err);
    if (!c->pending) {
        snprintf(msg, size, "cannot record: %s", err.message);
        return;
    }
    if (!runner_call(c->r, start_recording, c)) {
        record_close(c->pending, NULL);
        c->pending = NULL;
        snprintf(msg, size, "busy; press r again in a moment");
        return;
    }
    c->recording = true;
    runner_set_recording(c->r, true);
    snprintf(msg, size, "recording to %s (from the first tick: replays exactly)", c->path);
}

int console_run(struct svc_set *set, const struct console_options *opt) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);

    struct console c = {.set = set,
                        .header = opt->header,
                        .recording = opt->record_path != NULL,
                        .dir = opt->record_dir ? opt->record_dir : ".",
                        .live = opt->live};
    const struct recorder_hooks hooks = {.report = on_report, .ctx = &c};
    c.rec = recorder_create(set, &hooks);
    if (opt->record_path && output_record_to(c.rec, set, opt->record_path, opt->header)) {
        recorder_destroy(c.rec);
        return 1;
    }
    struct pp_error err = {0};
    /* Paused until the console's pointers are in place: the engine thread
     * reads them. */
    const struct runner_options ro = {
        .speed = opt->speed, .duration_s = opt->duration_s, .paused = true, .source = opt->source};
    struct runner *r = runner_start(set, &ro, recorder_emit, c.rec, &err);
    if (!r) {
        char msg[1024];
        pp_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "podpilot: %s\n", msg);
        recorder_destroy(c.rec);
        return 1;
    }
    c.r = r;
    if (opt->record_path) {
        snprintf(c.path, sizeof(c.path), "%s", opt->record_path);
        runner_set_recording(r, true);
    }
    runner_pause(r, false);
    const char **urls = NULL; /* live: b's load tests go where each service answers */
    if (opt->live) {
        urls = xcalloc(set->n ? set->n : 1, sizeof(*urls));
        for (size_t i = 0; i < set->n; i++)
            urls[i] = set->svcs[i].url;
    }
    const struct tui_options to = {
        .theme = opt->theme,
        .monochrome = opt->monochrome,
        .ascii = !codeset || strcmp(codeset, "UTF-8") != 0,
        .parse = parse,
        .parse_ctx = set,
        .record_toggle = opt->header ? toggle_recording : NULL,
        .record_ctx = &c,
        .notes = opt->notes,
        .n_notes = opt->n_notes,
        .load_urls = urls,
        .shadow = opt->live && !opt->active,
        .active = opt->active,
        .restore_on_quit = opt->restore_on_quit,
    };
    int rc = tui_run(r, &to);
    free(urls);
    runner_stop(r);
    if (output_finish(c.rec) != 0)
        rc = 1;
    recorder_destroy(c.rec);
    return rc;
}
