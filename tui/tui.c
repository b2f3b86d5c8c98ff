/* The console's run loop: snapshots in (with each service's history for
 * the charts), keys and draws out; and the same drawing for bench/tui. */
#include "tui/tui_internal.h"

#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- snapshots and history ---- */

/* The tick after a command was submitted says how it went: a rejection in
 * full on the status line (it was only a red event in the log), or that it
 * applied. */
static void command_outcome(struct tui *t, const struct snapshot *s) {
    if (!t->awaiting[0] || s->t <= t->awaiting_after)
        return;
    const size_t n = strlen(t->awaiting);
    for (size_t e = 0; e < s->n_events; e++) {
        const struct snap_event *ev = &s->events[e];
        if (ev->t > (double)t->awaiting_after && strcmp(ev->reason, "OverrideRejected") == 0 &&
            strncmp(ev->message, t->awaiting, n) == 0 && ev->message[n] == ':') {
            tui_say(t, true, "rejected: %s", ev->message);
            if (strncmp(t->awaiting, "load ", 5) == 0 && t->kbd_loads > 0)
                t->kbd_loads--; /* no report will come */
            t->awaiting[0] = '\0';
            return;
        }
    }
    if (t->prompt == P_NONE)
        tui_say(t, false, "%s: applied", t->awaiting);
    t->awaiting[0] = '\0';
}

static void take_snapshot(struct tui *t) {
    const struct snapshot *s = runner_acquire(t->runner);
    if (!s)
        return;
    if (t->snap && s->seq == t->snap->seq) {
        runner_release(t->runner, s);
        return;
    }
    if (!t->hist) {
        t->n = s->n;
        t->hist = xcalloc(s->n ? s->n : 1, sizeof(*t->hist));
        t->marked = xcalloc(s->n ? s->n : 1, sizeof(*t->marked));
        t->rows = xcalloc(s->n ? s->n : 1, sizeof(*t->rows));
    }
    if (s->t != t->last_t || !t->snap) {
        for (size_t i = 0; i < s->n && i < t->n; i++) {
            const struct loop_view *v = &s->svcs[i].view;
            history_add(&t->hist[i], (const double[H_SERIES]){v->stable, v->panic, v->actual,
                                                              (double)v->loads_running});
        }
        t->last_t = s->t;
    }
    if (s->focus < s->n && s->signals.n && (s->focus != t->sig_svc || s->t != t->sig_t)) {
        if (s->focus != t->sig_svc) /* another service: its figures start afresh */
            memset(&t->sig_hist, 0, sizeof(t->sig_hist));
        double v[H_SERIES];
        for (size_t k = 0; k < H_SERIES; k++)
            v[k] = k < s->signals.n ? s->signals.v[k].value : NAN;
        history_add(&t->sig_hist, v);
        t->sig_svc = s->focus;
        t->sig_t = s->t;
    }
    runner_release(t->runner, t->snap);
    t->snap = s;
    command_outcome(t, s);
    /* A load test finished. One started from the keyboard opens its report,
     * as k9s shows its benchmarks; one from the files or --load only says
     * so: it never takes the screen from what the user is reading. */
    if (s->report_seq > t->report_seen) {
        t->report_seen = s->report_seq;
        const char *svc = s->report_svc < s->n ? s->svcs[s->report_svc].view.service : "?";
        const bool mine = t->kbd_loads > 0;
        if (mine)
            t->kbd_loads--;
        if (mine && t->prompt == P_NONE && !t->opt->replay &&
            (t->view == V_OVERVIEW || t->view == V_DETAIL)) {
            t->back = t->view;
            t->view = V_REPORT;
            t->scroll = 0;
            tui_say(t, false, "load test on %s finished; esc: back", svc);
        } else if (t->prompt == P_NONE) {
            tui_say(t, false, "load test on %s finished; B shows its report", svc);
        }
    }
}

static const struct tui *sorting; /* qsort has no context; the console is one thread */

static int cmp_double(double a, double b) {
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b); /* no value sorts last */
    return (a > b) - (a < b);
}

static int by_sort(const void *pa, const void *pb) {
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const struct loop_view *va = &sorting->snap->svcs[a].view;
    const struct loop_view *vb = &sorting->snap->svcs[b].view;
    int c = 0;
    switch (sorting->sort) {
    case SORT_NAME:
        c = strcmp(va->service, vb->service);
        break;
    case SORT_CLASS:
        c = (int)va->cls - (int)vb->cls;
        break;
    case SORT_STABLE:
        c = cmp_double(va->stable, vb->stable);
        break;
    case SORT_REPLICAS:
        c = (va->actual > vb->actual) - (va->actual < vb->actual);
        break;
    case SORT_NONE:
        break;
    }
    if (sorting->sort_desc)
        c = -c;
    if (c == 0 && sorting->sort != SORT_NAME) /* ties by name, ascending either way */
        c = strcmp(va->service, vb->service);
    return c ? c : (a > b) - (a < b); /* and the manifests' order */
}

/* k9s's filter: a case-insensitive extended regular expression over
 * "namespace/name class"; one that does not compile matches as text,
 * case-insensitively. Compiled once per change of the filter. */
static bool filter_match(struct tui *t, const struct loop_view *v) {
    if (strcmp(t->filter_compiled, t->filter) != 0) {
        if (t->filter_ok)
            regfree(&t->filter_re);
        t->filter_ok = regcomp(&t->filter_re, t->filter, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
        snprintf(t->filter_compiled, sizeof(t->filter_compiled), "%s", t->filter);
    }
    char subject[320];
    snprintf(subject, sizeof(subject), "%s %s", v->service, svc_class_label(v->cls));
    if (t->filter_ok)
        return regexec(&t->filter_re, subject, 0, NULL, 0) == 0;
    const size_t n = strlen(t->filter);
    for (const char *p = subject; *p; p++)
        if (strncasecmp(p, t->filter, n) == 0)
            return true;
    return false;
}

void tui_refilter(struct tui *t) {
    t->n_rows = 0;
    for (size_t i = 0; t->snap && i < t->snap->n; i++)
        if (!t->filter[0] || filter_match(t, &t->snap->svcs[i].view))
            t->rows[t->n_rows++] = i;
    if (t->sort != SORT_NONE && t->n_rows > 1) {
        sorting = t;
        qsort(t->rows, t->n_rows, sizeof(*t->rows), by_sort);
    }
    if (t->sel >= t->n_rows)
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
}

void tui_sync_focus(struct tui *t) {
    const bool one = t->view == V_DETAIL || t->view == V_DESCRIBE;
    const size_t want = one && t->n_rows ? t->rows[t->sel] : SIZE_MAX;
    if (want == t->focus)
        return;
    t->focus = want;
    runner_focus(t->runner, want);
}

const struct loop_view *tui_selected(const struct tui *t) {
    if (!t->snap || t->n_rows == 0)
        return NULL;
    return &t->snap->svcs[t->rows[t->sel]].view;
}

/* A console on the current screen: colours, the first snapshot, drawn. */
static void tui_start(struct tui *t, struct runner *r, const struct tui_options *opt) {
    *t = (struct tui){.runner = r, .opt = opt, .span_s = 300, .last_t = -1, .focus = SIZE_MAX};
    tui_colours(t);
    t->chart_buf = xcalloc(CHART_ROWS, CHART_CELLS * 3 + 1);
    take_snapshot(t);
    if (opt->n_notes) /* the files' warnings: the event log keeps them */
        tui_say(t, true, "%zu warning%s reading the files (l lists them): %s", opt->n_notes,
                opt->n_notes == 1 ? "" : "s", opt->notes[0]);
    tui_draw(t);
}

static void tui_fini(struct tui *t) {
    runner_release(t->runner, t->snap);
    free(t->hist);
    free(t->marked);
    free(t->rows);
    free(t->chart_buf);
    if (t->filter_ok)
        regfree(&t->filter_re);
}

/* Ctrl-C is q (it asks while a load test or a recording runs; a second
 * Ctrl-C then quits); SIGTERM quits. Either way the recording is closed
 * the normal way after endwin. */
static volatile sig_atomic_t got_int, got_term;

static void on_signal(int sig) {
    if (sig == SIGINT)
        got_int = 1;
    else
        got_term = 1;
}

static void catch_signals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: poll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
}

static void take_signals(struct tui *t) {
    if (got_term)
        t->quit = t->interrupted = true;
    if (got_int) {
        got_int = 0;
        if (t->prompt == P_CONFIRM_QUIT)
            t->quit = true;
        else
            tui_quit(t);
        t->interrupted = t->quit; /* asked: a y later is the user's answer, exit 0 */
    }
}

int tui_run(struct runner *r, const struct tui_options *opt) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "podpilot: the console needs a terminal; use --headless for JSON lines\n");
        return 1;
    }
    set_escdelay(25); /* htop's habit: esc is not a one-second wait */
    if (!initscr()) {
        fprintf(stderr, "podpilot: cannot initialise the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 1;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    catch_signals();
    struct tui t;
    tui_start(&t, r, opt);
    while (!t.quit) {
        struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                              {.fd = runner_wake_fd(r), .events = POLLIN}};
        /* EINTR: SIGWINCH (ncurses reports KEY_RESIZE), Ctrl-C or SIGTERM;
         * another thread may take the signal, so the flags are read on
         * every wake-up, not only when poll fails. */
        const bool interrupted = poll(p, 2, 1000) < 0;
        const bool asked = got_int || got_term;
        take_signals(&t);
        if (t.quit)
            break;
        bool dirty = asked;
        if (interrupted) {
            if (dirty)
                tui_draw(&t);
            continue;
        }
        if (p[1].revents & POLLIN) {
            runner_drain_wake(r);
            if (!t.frozen) {
                take_snapshot(&t);
                dirty = true;
            }
        }
        int ch;
        while ((ch = getch()) != ERR) {
            tui_key(&t, ch);
            dirty = true;
            if (t.quit)
                break;
        }
        if (dirty)
            tui_draw(&t);
    }
    endwin();
    const bool interrupted = t.interrupted;
    tui_fini(&t);
    return interrupted ? 130 : 0;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t written(FILE *f) {
    fflush(f);
    struct stat st;
    return fstat(fileno(f), &st) == 0 ? (size_t)st.st_size : 0;
}

int tui_bench(struct runner *r, const struct tui_options *opt, int cols, int lines, int frames,
              struct tui_bench *out) {
    char c[16], l[16];
    snprintf(c, sizeof(c), "%d", cols);
    snprintf(l, sizeof(l), "%d", lines);
    setenv("COLUMNS", c, 1);
    setenv("LINES", l, 1);
    FILE *f = tmpfile(), *in = fopen("/dev/null", "r");
    SCREEN *scr = f && in ? newterm("xterm-256color", f, in) : NULL;
    if (!scr) {
        if (f)
            fclose(f);
        if (in)
            fclose(in);
        return 1;
    }
    set_term(scr);
    struct tui t;
    tui_start(&t, r, opt);
    double ms = 0;
    size_t bytes = 0;
    for (int i = 0; i < frames; i++) {
        const uint64_t seq = t.snap ? t.snap->seq : 0;
        while (t.snap && t.snap->seq == seq && !t.snap->done) {
            struct pollfd p = {.fd = runner_wake_fd(r), .events = POLLIN};
            poll(&p, 1, 100);
            runner_drain_wake(r);
            take_snapshot(&t);
        }
        const size_t b0 = written(f);
        const double t0 = now_ms();
        tui_draw(&t);
        ms += now_ms() - t0;
        bytes += written(f) - b0;
    }
    const size_t b0 = written(f);
    tui_draw(&t);
    out->idle_bytes = written(f) - b0;
    out->console_bytes = t.n * (sizeof(*t.hist) + sizeof(*t.marked) + sizeof(*t.rows)) +
                         CHART_ROWS * (CHART_CELLS * 3 + 1) + sizeof(t);
    out->frame_ms = frames ? ms / frames : 0;
    out->frame_bytes = frames ? (double)bytes / frames : 0;
    endwin();
    delscreen(scr);
    fclose(f);
    fclose(in);
    tui_fini(&t);
    return 0;
}
