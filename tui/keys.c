/* What each key does, in each view and in prompts; the replay player's keys. */
#include "tui/tui_internal.h"

#include <stdio.h>
#include <string.h>

static bool any_load(const struct tui *t) {
    for (size_t i = 0; t->snap && i < t->snap->n; i++)
        if (t->snap->svcs[i].view.loads_running)
            return true;
    return false;
}

static size_t overridden(const struct tui *t) {
    size_t n = 0;
    for (size_t i = 0; t->snap && i < t->snap->n; i++)
        n += t->snap->svcs[i].view.override[0] != '\0';
    return n;
}

void tui_quit(struct tui *t) {
    const size_t n = t->opt->restore_on_quit ? overridden(t) : 0;
    if (n > 0) {
        t->prompt = P_CONFIRM_QUIT;
        t->restore_prompt = true;
        tui_say(t, false, "Overrides on %zu service%s: restore before quitting? (y/n, esc: stay)",
                n, n == 1 ? "" : "s");
    } else if (any_load(t) && !t->opt->replay) {
        t->prompt = P_CONFIRM_QUIT;
        tui_say(t, false, "A load test is running. Quit? (y/n)");
    } else if (t->snap && t->snap->recording) {
        t->prompt = P_CONFIRM_QUIT;
        tui_say(t, false, "Recording. Quit and close the recording? (y/n)");
    } else {
        t->quit = true;
    }
}

/* A view on top of the current one: esc comes back to it (the detail, or
 * the overview); the same key again closes it. */
static void open_view(struct tui *t, enum view_kind v) {
    t->scroll = 0;
    if (t->view == v) {
        t->view = t->back;
        t->back = V_OVERVIEW;
        return;
    }
    if (t->view == V_OVERVIEW || t->view == V_DETAIL)
        t->back = t->view;
    t->view = v;
}

static void submit_line(struct tui *t, const char *line) {
    struct command cmd;
    struct pp_error err = {0};
    if (t->opt->parse(t->opt->parse_ctx, line, &cmd, &err) != PP_OK ||
        runner_submit(t->runner, &cmd, &err) != PP_OK) {
        tui_say(t, true, "%s: %s%s%s", line, err.field, err.field[0] ? ": " : "", err.message);
        return;
    }
    tui_say(t, false, "%s: applies at the next tick", cmd.text);
    if (cmd.kind == CMD_LOAD)
        t->kbd_loads++; /* its report opens when it ends */
    snprintf(t->awaiting, sizeof(t->awaiting), "%s", cmd.text);
    t->awaiting_after = t->snap ? t->snap->t : 0;
}

/* "VERB SVC ARGS" for each marked row, or the selected one. */
static void act(struct tui *t, const char *verb, const char *args) {
    size_t acted = 0;
    char line[600];
    for (size_t r = 0; r < t->n_rows; r++) {
        const size_t i = t->rows[r];
        if (!t->marked[i])
            continue;
        snprintf(line, sizeof(line), "%s %s%s%s", verb, t->snap->svcs[i].view.service,
                 args[0] ? " " : "", args);
        submit_line(t, line);
        acted++;
    }
    const struct loop_view *v = tui_selected(t);
    if (acted == 0 && v) {
        snprintf(line, sizeof(line), "%s %s%s%s", verb, v->service, args[0] ? " " : "", args);
        submit_line(t, line);
    }
}

static void prompt_done(struct tui *t) {
    const enum prompt_kind p = t->prompt;
    t->input[t->input_len] = '\0';
    t->prompt = P_NONE;
    switch (p) {
    case P_FILTER:
        snprintf(t->filter, sizeof(t->filter), "%s", t->input);
        break;
    case P_COMMAND:
        if (strcmp(t->input, "q") == 0 || strcmp(t->input, "quit") == 0 ||
            strcmp(t->input, "q!") == 0) /* k9s: :q */
            tui_quit(t);
        else if (t->input_len)
            submit_line(t, t->input);
        tui_line_remember(t, t->input);
        break;
    case P_VERB:
        act(t, t->verb->name, t->input);
        break;
    default:
        break;
    }
}

static void start_prompt(struct tui *t, enum prompt_kind p, const char *initial) {
    t->prompt = p;
    t->history_at = 0;
    tui_line_set(t, initial);
    t->message[0] = '\0';
}

/* The prompt for a verb's argument, as the command table words it. */
static void verb_prompt(struct tui *t, const char *verb, const char *initial) {
    t->verb = command_find(verb);
    if (t->verb && t->verb->prompt)
        start_prompt(t, P_VERB, initial);
}

static void prompt_key(struct tui *t, int ch) {
    if (t->prompt == P_CONFIRM_PAUSE || t->prompt == P_CONFIRM_QUIT) {
        const enum prompt_kind p = t->prompt;
        t->prompt = P_NONE;
        t->message[0] = '\0';
        if (p == P_CONFIRM_QUIT && t->restore_prompt) {
            t->restore_prompt = false;
            *t->opt->restore_on_quit = ch == 'y' || ch == 'Y';
            t->quit = ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N';
            return;
        }
        if (ch == 'y' || ch == 'Y') {
            if (p == P_CONFIRM_QUIT) {
                t->quit = true;
            } else {
                const struct loop_view *v = tui_selected(t);
                act(t, v && v->paused ? "resume" : "pause", "");
            }
        }
        return;
    }
    t->message[0] = '\0'; /* Tab's candidates last one key */
    if (ch == 27) {       /* esc */
        if (t->prompt == P_FILTER)
            t->filter[0] = '\0';
        t->prompt = P_NONE;
        return;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        prompt_done(t);
        return;
    }
    tui_line_key(t, ch);       /* edited as a shell line (line.c) */
    if (t->prompt == P_FILTER) /* filter as you type */
        snprintf(t->filter, sizeof(t->filter), "%s", t->input);
}

/* The replay player's keys (asciinema's); true when ch was one. */
static bool replay_key(struct tui *t, int ch) {
    const struct snapshot *s = t->snap;
    if (!s)
        return false;
    switch (ch) {
    case ' ':
        runner_pause(t->runner, !runner_paused(t->runner));
        return true;
    case KEY_LEFT:
        runner_seek(t->runner, s->t - 5);
        return true;
    case KEY_RIGHT:
        runner_seek(t->runner, s->t + 5 < t->opt->replay_end ? s->t + 5 : t->opt->replay_end);
        return true;
    case '+':
    case '=': {
        const double v = runner_speed(t->runner);
        runner_set_speed(t->runner, v > 0 && v < 1024 ? v * 2 : 1024);
        return true;
    }
    case '-': {
        const double v = runner_speed(t->runner);
        runner_set_speed(t->runner, v > 0.25 ? v / 2 : 0.25);
        return true;
    }
    case '[':
    case ']': {
        int64_t to = -1;
        for (size_t i = 0; i < t->opt->n_markers; i++) {
            const int64_t m = t->opt->markers[i];
            if (ch == '[' && m < s->t)
                to = m;
            if (ch == ']' && m > s->t && to < 0)
                to = m;
        }
        if (to >= 0)
            runner_seek(t->runner, to);
        else
            tui_say(t, false, "no %s marker", ch == '[' ? "earlier" : "later");
        return true;
    }
    case ',':
        runner_pause(t->runner, true);
        runner_seek(t->runner, s->t - 1);
        return true;
    case '.':
        runner_pause(t->runner, true);
        runner_step(t->runner);
        return true;
    case 's':
    case 'u':
    case 't':
    case 'z':
    case 'b':
    case ':':
        tui_say(t, true,
                "replay plays the recorded commands; for what-if: podpilot replay FILE "
                "--with CONFIG");
        return true;
    default:
        return false;
    }
}

/* "Pause a?" for the selected row; with marks, every marked row by name
 * ("Pause 2 services: a, b?"), as many names as the status line holds. */
static void confirm_pause(struct tui *t, const struct loop_view *v) {
    const char *verb = v->paused ? "Resume" : "Pause";
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        n += t->marked[t->rows[r]];
    if (n == 0) {
        tui_say(t, false, "%s autoscaling of %s? (y/n)", verb, v->service);
        return;
    }
    char names[220];
    size_t used = 0, listed = 0;
    names[0] = '\0';
    for (size_t r = 0; r < t->n_rows; r++) {
        const size_t i = t->rows[r];
        if (!t->marked[i])
            continue;
        const char *name = t->snap->svcs[i].view.service;
        if (used + strlen(name) + 8 >= sizeof(names))
            break;
        used +=
            (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", listed ? ", " : "", name);
        listed++;
    }
    if (listed < n)
        snprintf(names + used, sizeof(names) - used, " and %zu more", n - listed);
    tui_say(t, false, "%s %zu service%s: %s? (y/n)", verb, n, n == 1 ? "" : "s", names);
}

/* The overview pages its selection: PgDn/PgUp, ^F/^B a screen, ^D/^U half. */
static bool page_rows(struct tui *t, int ch) {
    const size_t page = LINES > 4 ? (size_t)(LINES - 3) : 1, half = page > 1 ? page / 2 : 1;
    size_t down = 0, up = 0;
    switch (ch) {
    case KEY_NPAGE:
    case 6:
        down = page;
        break;
    case KEY_PPAGE:
    case 2:
        up = page;
        break;
    case 4:
        down = half;
        break;
    case 21:
        up = half;
        break;
    default:
        return false;
    }
    t->sel = up > t->sel ? 0 : t->sel - up;
    t->sel = t->sel + down < t->n_rows ? t->sel + down : (t->n_rows ? t->n_rows - 1 : 0);
    return true;
}

void tui_key(struct tui *t, int ch) {
    if (t->prompt != P_NONE) {
        prompt_key(t, ch);
        return;
    }
    t->message[0] = '\0';
    tui_refilter(t); /* the rows a filter typed in the same read leaves */
    if (t->opt->replay && replay_key(t, ch))
        return;
    static const int spans[] = {60, 300, 900, 1800, 3600};
    const bool text_view = t->view != V_OVERVIEW && t->view != V_DETAIL;
    if (text_view && tui_pager_key(t, ch))
        return;
    if (t->view == V_OVERVIEW && page_rows(t, ch))
        return;
    switch (ch) {
    case 'q':
        tui_quit(t);
        break;
    case '?':
        open_view(t, V_HELP);
        break;
    case 27: /* back to where the view was opened from */
        t->scroll = 0;
        t->view = t->view == V_DETAIL || t->view == V_OVERVIEW ? V_OVERVIEW : t->back;
        t->back = V_OVERVIEW;
        break;
    case 'd': {
        const struct loop_view *v = tui_selected(t);
        if (v && svc_class_has_hpa(v->cls)) {
            open_view(t, V_DESCRIBE);
        } else if (v) {
            tui_say(t, true, "d: %s is not scaled by an HPA; enter shows its detail", v->service);
        }
        break;
    }
    case 'N':
    case 'C':
    case 'S':
    case 'R': {
        const enum sort_kind k = ch == 'N'   ? SORT_NAME
                                 : ch == 'C' ? SORT_CLASS
                                 : ch == 'S' ? SORT_STABLE
                                             : SORT_REPLICAS;
        t->sort_desc = t->sort == k ? !t->sort_desc : false; /* ascending first, as k9s */
        t->sort = k;
        break;
    }
    case '\n':
    case '\r':
    case KEY_ENTER:
        if (t->view == V_OVERVIEW && tui_selected(t))
            t->view = V_DETAIL;
        break;
    case 'l':
        open_view(t, V_EVENTS);
        break;
    case 'B':
        if (t->snap && t->snap->report_seq > 0)
            open_view(t, V_REPORT);
        else
            tui_say(t, false, "no load test has finished yet");
        break;
    case '/':
        start_prompt(t, P_FILTER, t->filter);
        break;
    case ':':
        start_prompt(t, P_COMMAND, "");
        break;
    case 's':
        if (tui_selected(t))
            verb_prompt(t, "pin", "");
        break;
    case 't':
        if (tui_selected(t))
            verb_prompt(t, "target", "");
        break;
    case 'b':
        if (tui_selected(t)) {
            /* live: the service's own URL, a model's predict path POSTed */
            const char *url = t->opt->load_urls ? t->opt->load_urls[t->rows[t->sel]] : "";
            char initial[512];
            snprintf(initial, sizeof(initial), "-z 30s -c 5%s%s",
                     url[0] && strstr(url, ":predict") ? " -m POST -T application/json "
                     : url[0]                          ? " "
                                                       : "",
                     url);
            verb_prompt(t, "load", initial);
        }
        break;
    case 'u':
        act(t, "unpin", "");
        break;
    case 'z': {
        const struct loop_view *v = tui_selected(t);
        if (v) {
            t->prompt = P_CONFIRM_PAUSE;
            confirm_pause(t, v);
        }
        break;
    }
    case 'U': /* htop: clear every mark */
        for (size_t i = 0; i < t->n; i++)
            t->marked[i] = false;
        break;
    case 'Z':
        t->frozen = !t->frozen;
        break;
    case 'r':
        if (t->opt->record_toggle) {
            char msg[600];
            t->opt->record_toggle(t->opt->record_ctx, msg, sizeof(msg));
            tui_say(t, strncmp(msg, "cannot", 6) == 0 || strncmp(msg, "busy", 4) == 0, "%s", msg);
        }
        break;
    case ' ':
        if (tui_selected(t)) {
            t->marked[t->rows[t->sel]] = !t->marked[t->rows[t->sel]];
            if (t->sel + 1 < t->n_rows)
                t->sel++;
        }
        break;
    case 'j':
    case KEY_DOWN:
        if (t->sel + 1 < t->n_rows)
            t->sel++;
        break;
    case 'k':
    case KEY_UP:
        if (t->sel > 0)
            t->sel--;
        break;
    case 'g':
    case KEY_HOME:
        t->sel = 0;
        break;
    case 'G':
    case KEY_END:
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
        break;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
        t->span_s = spans[ch - '1'];
        break;
    default:
        break;
    }
}
