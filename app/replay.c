#include "app/replay.h"

#include "app/build.h"
#include "app/cli.h"
#include "app/commands.h"
#include "app/headless.h"
#include "engine/jsonl.h"
#include "engine/goparse.h"
#include "engine/record.h"
#include "engine/source_whatif.h"
#include "engine/runner.h"
#include "engine/sim.h"
#include "tui/tui.h"

#include <langinfo.h>
#include <locale.h>
#include <unistd.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: podpilot replay FILE [--with CONFIG...] [--json] [--speed X|max]\n"
    "                       [--from T] [--to T]\n"
    "\n"
    "Replays a recording (podpilot --record FILE): the scalers run again on the\n"
    "recorded observations and operator commands. On a terminal the console\n"
    "plays it (space play/pause, left/right 5 s, +/- speed, [ ] previous/next\n"
    "marker, , . a tick back/forward; ? for all keys). Otherwise it prints the\n"
    "session's JSON lines as the session printed them; a decision that differs\n"
    "from the recording is reported (exit 1): this podpilot decides differently.\n"
    "\n"
    "With --with, the recorded observations run through the services of CONFIG\n"
    "(manifests, matched to recorded services by name) instead: another target,\n"
    "another window, an HPA instead of the KPA. For each such service podpilot\n"
    "says where the decisions first diverge, the replica-seconds used, and the\n"
    "seconds under-provisioned (requests waiting: demand above what the ready\n"
    "pods execute at once) and over-provisioned (more than half of it idle),\n"
    "recorded against what-if.\n"
    "\n"
    "options:\n"
    "  --with CONFIG  what-if configuration (repeatable: several files)\n"
    "  --json         the what-if report as one JSON object per service; the\n"
    "                 session's JSON lines even on a terminal (--headless: the same)\n"
    "  --speed X|max  replay at X simulated seconds per wall second (default max)\n"
    "  --from T       print (or count) from second T on (default 0)\n"
    "  --to T         stop after second T (default: the end of the recording)\n"
    "\n"
    "A recording cut short by a crash replays to its last complete tick, with a\n"
    "warning. Exit status: 0 done, 1 an unreadable recording or config, or a\n"
    "replay that differs from the recording, 2 a bad command line.\n";

struct replay_cli {
    const char *file;
    const char **with;
    size_t n_with;
    bool json;
    bool speed_set;
    double speed;
    int64_t from, to;
};

static const char prog[] = "podpilot replay";

static int parse_args(int argc, char **argv, struct replay_cli *c) {
    c->with = xcalloc((size_t)argc, sizeof(*c->with));
    c->to = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "--headless") == 0) {
            c->json = true;
        } else if (strcmp(a, "--with") == 0) {
            if (!v)
                return cli_fail(prog, "--with: expected a configuration file");
            c->with[c->n_with++] = v;
            i++;
        } else if (strcmp(a, "--speed") == 0) {
            if (v && strcmp(v, "max") == 0)
                c->speed = 0;
            else if (!v || !goparse_float(v, &c->speed) || !(c->speed > 0) || c->speed > 1e6)
                return cli_fail(prog, "--speed: expected a positive number or \"max\", got \"%s\"",
                                v ? v : "");
            c->speed_set = true;
            i++;
        } else if (strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) {
            int64_t *dst = a[2] == 'f' ? &c->from : &c->to;
            if (!v || !cli_seconds(v, dst))
                return cli_fail(prog,
                                "%s: expected seconds since the start (90, 90s, 2m), got \"%s\"", a,
                                v ? v : "");
            i++;
        } else if (a[0] == '-' && a[1]) {
            static const char *const known[] = {"--with", "--json", "--headless", "--speed",
                                                "--from", "--to",   "--help",     NULL};
            return cli_unknown(prog, a, known);
        } else if (!c->file) {
            c->file = a;
        } else {
            return cli_fail(prog, "one recording at a time (got \"%s\" and \"%s\")", c->file, a);
        }
    }
    if (!c->file)
        return cli_fail(prog, "expected a recording file");
    if (c->to >= 0 && c->to < c->from)
        return cli_fail(prog, "--to %lld is before --from %lld", (long long)c->to,
                        (long long)c->from);
    return -1;
}

/* ---- one replayed run and what it printed ---- */

struct run {
    struct loop *loop;
    struct jsonl j;
    char *out; /* this tick's lines */
    size_t len, cap;
    size_t lines;
};

static void on_record(void *ctx, const struct loop_record *r) {
    struct run *run = ctx;
    if (r->kind != LOOP_DECISION && r->kind != LOOP_EVENT)
        return;
    const char *line = jsonl_format(&run->j, r, loop_view(run->loop, r->svc)->service);
    if (run->len + run->j.b.len + 1 > run->cap) {
        run->cap = 2 * (run->len + run->j.b.len + 1);
        run->out = xrealloc(run->out, run->cap);
    }
    memcpy(run->out + run->len, line, run->j.b.len + 1);
    run->len += run->j.b.len;
    run->lines++;
}

static void run_reset(struct run *run) {
    run->len = 0;
    if (run->out)
        run->out[0] = '\0';
}

static void run_free(struct run *run) {
    loop_destroy(run->loop);
    jsonl_free(&run->j);
    free(run->out);
}

/* A load report: {"t":..,"service":"..","load":..; the engine cannot redo
 * these (the loads are not re-run), so they come from the recording. */
static bool is_load_line(const char *line) {
    const char *s = strstr(line, "\"service\":\"");
    if (!s)
        return false;
    s += 11;
    while (*s && *s != '"')
        s += *s == '\\' && s[1] ? 2 : 1;
    return strncmp(s, "\",\"load\":", 9) == 0;
}

/* Recorded commands, parsed for the set they replay on (ctx). */
static enum pp_status parse_recorded(void *ctx, const char *line, struct command *out, bool *empty,
                                     struct pp_error *err) {
    int64_t at;
    return commands_parse_line(ctx, line, false, &at, out, empty, err);
}

static void warn_recorded(void *ctx, int64_t t, const char *text, const struct pp_error *err) {
    (void)ctx;
    fprintf(stderr, "podpilot replay: t=%lld: command \"%s\": %s\n", (long long)t, text,
            err->message);
}

/* pat in the n bytes at s, or NULL (memmem is not POSIX). */
static const char *find(const char *s, size_t n, const char *pat) {
    const size_t k = strlen(pat);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(s + i, pat, k) == 0)
            return s + i;
    return NULL;
}

/* The span of a decision line that format 1 wrote differently for a KPA:
 * from "recommended": to ,"actual": (false when the line has none). */
static bool kpa_v1_span(const char *s, size_t n, size_t *from, size_t *to) {
    const char *a = find(s, n, "\"class\":\"kpa\"") ? find(s, n, "\"recommended\":") : NULL;
    const char *b = a ? find(a, n - (size_t)(a - s), ",\"actual\":") : NULL;
    if (!b)
        return false;
    *from = (size_t)(a - s);
    *to = (size_t)(b - s);
    return true;
}

/* A replayed line against a recorded one; with a format 1 recording a KPA
 * decision's recommended and desired are left out. */
static bool same_line(const char *rec, size_t nr, const char *got, size_t ng, int format) {
    if (nr == ng && memcmp(rec, got, nr) == 0)
        return true;
    size_t fr, tr, fg, tg;
    if (format != 1 || !kpa_v1_span(rec, nr, &fr, &tr) || !kpa_v1_span(got, ng, &fg, &tg))
        return false;
    return fr == fg && memcmp(rec, got, fr) == 0 && nr - tr == ng - tg &&
           memcmp(rec + tr, got + tg, nr - tr) == 0;
}

/* Compares this tick's replayed lines with the recorded ones (load reports
 * aside); on the first difference says where. */
static bool same_as_recorded(const struct run *run, const struct record_tick *t, int format,
                             bool *reported) {
    const char *p = run->out ? run->out : "";
    for (size_t i = 0; i < t->n_outputs; i++) {
        if (is_load_line(t->outputs[i]))
            continue;
        const char *nl = strchr(p, '\n');
        const size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (!nl || !same_line(t->outputs[i], t->output_lens[i], p, n, format)) {
            if (!*reported)
                fprintf(stderr,
                        "podpilot replay: t=%lld differs from the recording:\n  recorded: "
                        "%s\n  replayed: %.*s\n",
                        (long long)t->t, t->outputs[i], (int)n, nl ? p : "(nothing)");
            *reported = true;
            return false;
        }
        p = nl + 1;
    }
    if (*p) {
        if (!*reported)
            fprintf(stderr, "podpilot replay: t=%lld: replay printed more than the recording: %s",
                    (long long)t->t, p);
        *reported = true;
        return false;
    }
    return true;
}

static int check_services(const struct svc_set *set, const cJSON *header) {
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(header, "services");
    size_t i = 0;
    const cJSON *s;
    bool same = (size_t)cJSON_GetArraySize(svcs) == set->n;
    cJSON_ArrayForEach(s, svcs) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
        if (!same || i >= set->n || !cJSON_IsString(name) ||
            strcmp(name->valuestring, set->svcs[i].name) != 0)
            same = false;
        i++;
    }
    if (same)
        return 0;
    fprintf(stderr, "podpilot replay: the recording's manifests no longer build the services it "
                    "recorded (a different podpilot version?)\n");
    return 1;
}

static int plain_replay(const struct replay_cli *c, struct record_reader *rd, struct svc_set *set) {
    struct run run = {0};
    struct pp_error err = {0};
    const struct source_commands cmds = {parse_recorded, warn_recorded, set};
    struct source *src = source_record_create(rd, c->to, &cmds);
    run.loop = loop_create(set, src, on_record, &run, &err);
    if (!run.loop) {
        fprintf(stderr, "podpilot replay: %s\n", err.message);
        source_destroy(src);
        return 1;
    }
    bool reported = false;
    int64_t ticks = 0;
    for (;;) {
        run_reset(&run);
        if (!loop_tick(run.loop))
            break;
        const struct record_tick *t = source_record_tick(src);
        ticks++;
        same_as_recorded(&run, t, record_format(rd), &reported);
        if (t->t < c->from)
            continue;
        fwrite(run.out ? run.out : "", 1, run.len, stdout);
        for (size_t i = 0; i < t->n_outputs; i++)
            if (is_load_line(t->outputs[i])) {
                fwrite(t->outputs[i], 1, t->output_lens[i], stdout);
                fputc('\n', stdout);
            }
        fflush(stdout);
        headless_pace(c->speed);
    }
    if (record_problem(rd)[0])
        fprintf(stderr, "podpilot replay: warning: %s\n", record_problem(rd));
    run_free(&run);
    source_destroy(src);
    if (ticks == 0 && !record_problem(rd)[0])
        fprintf(stderr, "podpilot replay: warning: %s has no ticks\n", c->file);
    return reported || ferror(stdout) || record_corrupt(rd) ? 1 : 0;
}

/* ---- what-if ---- */

struct compare {
    size_t recorded; /* index in the recording */
    struct replay_tally rec, what;
    int64_t diverged_at; /* -1: never */
    int32_t rec_at, what_at;
    bool live; /* a shadow-mode recording: pods and metrics, no request demand */
};

static void pct_change(char *buf, size_t size, double a, double b) {
    if (a == 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, " (%+.0f%%)", 100 * (b - a) / a);
}

static void report_text(const struct compare *cmp, const struct svc_config *w,
                        const struct svc_config *r, int64_t seconds) {
    printf("%s/%s (%s -> %s):\n", w->namespace_, w->name, svc_class_name(r->cls),
           svc_class_name(w->cls));
    if (cmp->diverged_at < 0)
        printf("  decisions never diverge over %lld s.\n", (long long)seconds);
    else
        printf("  decisions diverge at t=%llds (recorded %d replica%s, what-if %d).\n",
               (long long)cmp->diverged_at, cmp->rec_at, cmp->rec_at == 1 ? "" : "s", cmp->what_at);
    char pct[32];
    pct_change(pct, sizeof(pct), cmp->rec.replica_seconds, cmp->what.replica_seconds);
    printf("  replica-seconds: %.0f recorded, %.0f what-if%s.\n", cmp->rec.replica_seconds,
           cmp->what.replica_seconds, pct);
    if (cmp->live) {
        printf("  provisioning: not judged (a live recording holds the pods' metrics, not the "
               "requests they served).\n");
        return;
    }
    printf("  under-provisioned: %lld s recorded, %lld s what-if; over-provisioned: %lld s "
           "recorded, %lld s what-if.\n",
           (long long)cmp->rec.under_s, (long long)cmp->what.under_s, (long long)cmp->rec.over_s,
           (long long)cmp->what.over_s);
}

static cJSON *tally_json(const struct replay_tally *t, bool live) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "replica_seconds", t->replica_seconds);
    if (live) { /* no demand recorded: not judged */
        cJSON_AddNullToObject(o, "under_provisioned_s");
        cJSON_AddNullToObject(o, "over_provisioned_s");
        return o;
    }
    cJSON_AddNumberToObject(o, "under_provisioned_s", (double)t->under_s);
    cJSON_AddNumberToObject(o, "over_provisioned_s", (double)t->over_s);
    return o;
}

static void report_json(const struct compare *cmp, const struct svc_config *w,
                        const struct svc_config *r, int64_t seconds) {
    cJSON *o = cJSON_CreateObject();
    char name[SVC_NAME_MAX + 70];
    snprintf(name, sizeof(name), "%s/%s", w->namespace_, w->name);
    cJSON_AddStringToObject(o, "service", name);
    cJSON_AddStringToObject(o, "recorded_class", svc_class_name(r->cls));
    cJSON_AddStringToObject(o, "what_if_class", svc_class_name(w->cls));
    cJSON_AddNumberToObject(o, "seconds", (double)seconds);
    if (cmp->diverged_at < 0) {
        cJSON_AddNullToObject(o, "diverged_at");
    } else {
        cJSON_AddNumberToObject(o, "diverged_at", (double)cmp->diverged_at);
        cJSON_AddNumberToObject(o, "recorded_replicas_then", cmp->rec_at);
        cJSON_AddNumberToObject(o, "what_if_replicas_then", cmp->what_at);
    }
    cJSON_AddItemToObject(o, "recorded", tally_json(&cmp->rec, cmp->live));
    cJSON_AddItemToObject(o, "what_if", tally_json(&cmp->what, cmp->live));
    char *text = cJSON_PrintUnformatted(o);
    printf("%s\n", text);
    free(text);
    cJSON_Delete(o);
}

static int what_if(const struct replay_cli *c, struct record_reader *rd, struct svc_set *rec) {
    struct sources src = {0};
    struct pp_error err = {0};
    for (size_t i = 0; i < c->n_with; i++)
        if (sources_add_path(&src, c->with[i], false, &err) != PP_OK) {
            char msg[1200];
            pp_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "podpilot replay: %s\n", msg);
            sources_free(&src);
            return 1;
        }
    struct svc_set w;
    svc_set_init(&w);
    int rc = build_set(&src, false, &w, NULL);
    sources_free(&src);
    struct compare *cmp = xcalloc(w.n ? w.n : 1, sizeof(*cmp));
    for (size_t j = 0; rc == 0 && j < w.n; j++) {
        cmp[j].diverged_at = -1;
        cmp[j].recorded = svc_set_match(rec, w.svcs[j].name);
        if (cmp[j].recorded == rec->n) {
            fprintf(stderr, "podpilot replay: %s: service %s is not in the recording (recorded:",
                    w.svcs[j].origin, w.svcs[j].name);
            for (size_t i = 0; i < rec->n; i++)
                fprintf(stderr, "%s %s", i ? "," : "", rec->svcs[i].name);
            fprintf(stderr, ")\n");
            rc = 1;
        }
    }
    w.start = rec->start;
    struct run a = {0}, b = {0};
    size_t *recorded = xcalloc(w.n ? w.n : 1, sizeof(*recorded));
    for (size_t j = 0; j < w.n; j++)
        recorded[j] = cmp[j].recorded;
    const struct source_commands rec_cmds = {parse_recorded, warn_recorded, rec};
    const struct source_commands w_cmds = {parse_recorded, NULL, &w};
    struct source *ra = NULL, *wb = NULL;
    if (rc == 0) {
        ra = source_record_create(rd, c->to, &rec_cmds);
        wb = source_whatif_create(&w, rec, recorded, ra, &w_cmds);
        a.loop = loop_create(rec, ra, on_record, &a, &err);
        b.loop = a.loop ? loop_create(&w, wb, on_record, &b, &err) : NULL;
        if (!b.loop) {
            fprintf(stderr, "podpilot replay: %s\n", err.message);
            rc = 1;
        }
    }
    int64_t seconds = 0;
    if (rc == 0) {
        struct whatif *wi = source_whatif_pods(wb);
        for (;;) {
            run_reset(&a);
            run_reset(&b);
            /* The recording's tick first: the what-if source reads it. */
            if (!loop_tick(a.loop))
                break;
            loop_tick(b.loop);
            const struct record_tick *t = source_record_tick(ra);
            const pp_time now = rec->start + PP_SEC(t->t);
            const bool counted = t->t >= c->from;
            seconds += counted;
            for (size_t j = 0; j < w.n; j++) {
                const size_t i = cmp[j].recorded;
                const struct loop_obs *o = &t->obs[i];
                const struct loop_obs *wo = loop_observation(b.loop, j);
                const int32_t ra_n = loop_view(a.loop, i)->actual;
                const int32_t wa = loop_view(b.loop, j)->actual;
                cmp[j].live |= o->live;
                if (counted) {
                    replay_tally_add(&cmp[j].rec, &rec->sim_pods[i], &rec->svcs[i].pods,
                                     o->ready + o->starting, o->ready, o->demand);
                    replay_tally_add(&cmp[j].what, &w.sim_pods[j], &w.svcs[j].pods,
                                     wo->ready + wo->starting, wo->ready, o->demand);
                }
                if (cmp[j].diverged_at < 0 && ra_n != wa) {
                    cmp[j].diverged_at = t->t;
                    cmp[j].rec_at = ra_n;
                    cmp[j].what_at = wa;
                    source_whatif_diverge(wb, j);
                }
                whatif_actuate(wi, j, wa, now);
            }
        }
        if (record_problem(rd)[0])
            fprintf(stderr, "podpilot replay: warning: %s\n", record_problem(rd));
        for (size_t j = 0; j < w.n; j++) {
            if (c->json)
                report_json(&cmp[j], &w.svcs[j], &rec->svcs[cmp[j].recorded], seconds);
            else
                report_text(&cmp[j], &w.svcs[j], &rec->svcs[cmp[j].recorded], seconds);
        }
    }
    run_free(&a);
    run_free(&b);
    source_destroy(ra);
    source_destroy(wb);
    free(recorded);
    free(cmp);
    svc_set_fini(&w);
    return rc == 0 && record_corrupt(rd) ? 1 : rc;
}

/* ---- the console on a recording ---- */

struct replay_source {
    const char *path;
    struct svc_set *set;
    struct record_reader *rd;
};

static struct source *src_open(void *ctx, struct pp_error *err) {
    struct replay_source *s = ctx;
    s->rd = record_open(s->path, err);
    if (!s->rd)
        return NULL;
    const struct source_commands cmds = {parse_recorded, NULL, s->set};
    return source_record_create(s->rd, -1, &cmds);
}

static void src_close(void *ctx, struct source *src) {
    struct replay_source *s = ctx;
    source_destroy(src);
    record_reader_close(s->rd);
    s->rd = NULL;
}

/* Seconds where something happened: operator commands, panic start and end. */
static int64_t scan_markers(struct record_reader *rd, int64_t **markers, size_t *n) {
    struct record_tick t;
    int64_t end = 0;
    size_t cap = 0;
    while (record_next(rd, &t) == 1) {
        end = t.t;
        bool mark = t.n_commands > 0;
        for (size_t i = 0; i < t.n_outputs && !mark; i++)
            mark = strstr(t.outputs[i], "\"event\":\"Panicking\"") ||
                   strstr(t.outputs[i], "\"event\":\"Unpanicking\"");
        if (!mark)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *markers = xrealloc(*markers, cap * sizeof(**markers));
        }
        (*markers)[(*n)++] = t.t;
    }
    return end;
}

static int console_replay(const struct replay_cli *c, struct record_reader *rd,
                          struct svc_set *set) {
    int64_t *markers = NULL;
    size_t n_markers = 0;
    const int64_t end = scan_markers(rd, &markers, &n_markers);
    if (record_problem(rd)[0])
        fprintf(stderr, "podpilot replay: warning: %s\n", record_problem(rd));
    struct replay_source src = {.path = c->file, .set = set};
    const struct runner_source rs = {src_open, src_close, &src};
    const struct runner_options ro = {.speed = c->speed_set ? c->speed : 1, .source = &rs};
    struct pp_error err = {0};
    struct runner *r = runner_start(set, &ro, NULL, NULL, &err);
    if (!r) {
        fprintf(stderr, "podpilot replay: %s\n", err.message);
        free(markers);
        return 1;
    }
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    const char *no_color = getenv("NO_COLOR");
    const struct tui_options to = {
        .monochrome = no_color && no_color[0],
        .ascii = !codeset || strcmp(codeset, "UTF-8") != 0,
        .replay = true,
        .replay_end = end,
        .markers = markers,
        .n_markers = n_markers,
    };
    if (c->from > 0)
        runner_seek(r, c->from);
    const int rc = tui_run(r, &to);
    runner_stop(r);
    free(markers);
    return rc;
}

int replay_main(int argc, char **argv) {
    struct replay_cli c = {0};
    int rc = parse_args(argc, argv, &c);
    if (rc >= 0) {
        free(c.with);
        return rc;
    }
    struct pp_error err = {0};
    struct record_reader *rd = record_open(c.file, &err);
    if (!rd) {
        fprintf(stderr, "podpilot replay: %s\n", err.message);
        free(c.with);
        return 1;
    }
    struct sources src = {0};
    struct svc_set set;
    svc_set_init(&set);
    if (!sources_from_header(&src, record_header(rd))) {
        fprintf(stderr, "podpilot replay: %s:1: the header has no sources to build from\n", c.file);
        rc = 1;
    } else {
        rc = build_set(&src, false, &set, NULL);
        if (rc == 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(record_header(rd), "shadow")))
            build_shadow(&set); /* a live session: as shadow mode ran it */
        if (rc == 0)
            rc = check_services(&set, record_header(rd));
    }
    if (rc == 0) {
        set.start = record_start(rd);
        if (c.n_with)
            rc = what_if(&c, rd, &set);
        else if (!c.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
            rc = console_replay(&c, rd, &set);
        else
            rc = plain_replay(&c, rd, &set);
    }
    svc_set_fini(&set);
    sources_free(&src);
    record_reader_close(rd);
    free(c.with);
    return rc;
}
