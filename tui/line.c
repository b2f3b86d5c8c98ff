/* The prompt's line as a shell (readline's emacs keys) edits it: a cursor
 * moved by left/right, ^A/Home and ^E/End, ^B/^F; backspace and ^H before
 * it, Delete and ^D under it; ^U kills to the start, ^K to the end, ^W the
 * word before the cursor; up/down go through the : lines submitted
 * before; Tab completes a verb (the first word), a service (the second,
 * by namespace/name or by name) or, after `set SVC`, a knob of that
 * service's autoscaler, and lists the candidates when several match. */
#include "tui/tui_internal.h"

#include "engine/command.h"

#include <stdio.h>
#include <string.h>

void tui_line_set(struct tui *t, const char *s) {
    snprintf(t->input, sizeof(t->input), "%s", s);
    t->input_len = t->input_cur = strlen(t->input);
}

/* Remove [from, to) of the line; the cursor goes to from. */
static void cut(struct tui *t, size_t from, size_t to) {
    memmove(t->input + from, t->input + to, t->input_len - to);
    t->input_len -= to - from;
    t->input_cur = from;
}

static void insert(struct tui *t, char c) {
    if (t->input_len + 1 >= sizeof(t->input))
        return;
    memmove(t->input + t->input_cur + 1, t->input + t->input_cur, t->input_len - t->input_cur);
    t->input[t->input_cur++] = c;
    t->input_len++;
}

void tui_line_remember(struct tui *t, const char *line) {
    if (!line[0])
        return;
    const size_t last = (t->n_history + LINE_HISTORY - 1) % LINE_HISTORY;
    if (t->n_history && strcmp(t->history_lines[last], line) == 0)
        return; /* bash's ignoredups */
    snprintf(t->history_lines[t->n_history % LINE_HISTORY], sizeof(t->history_lines[0]), "%s",
             line);
    t->n_history++;
}

enum word { W_VERB, W_SERVICE, W_KNOB };

/* The knobs `set` takes, read once from the text --help prints (one
 * source): a class's header line, then its names, comma separated, with
 * parenthesised notes left out. */
#define MAX_KNOBS 64
static struct knob {
    enum svc_class cls;
    char name[48];
} knobs[MAX_KNOBS];
static size_t n_knobs;

static void read_knobs(void) {
    if (n_knobs)
        return;
    enum svc_class cls = SVC_NONE;
    for (const char *p = command_knob_help; *p;) {
        const size_t len = strcspn(p, "\n");
        if (p[0] != ' ') { /* "KPA (...):", "HPA (...):", "Seldon lag (...):" */
            cls = strncmp(p, "KPA", 3) == 0   ? SVC_KPA
                  : strncmp(p, "HPA", 3) == 0 ? SVC_HPA
                                              : SVC_LAG;
        } else {
            int depth = 0;
            size_t w = 0;
            char word[48];
            for (size_t i = 0; i <= len; i++) {
                const char c = i < len ? p[i] : ',';
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth > 0 || c == ')' || c == ' ')
                    continue;
                if (c != ',') {
                    if (w + 1 < sizeof(word))
                        word[w++] = c;
                    continue;
                }
                if (w && n_knobs < MAX_KNOBS) {
                    knobs[n_knobs].cls = cls;
                    snprintf(knobs[n_knobs++].name, sizeof(knobs[0].name), "%.*s", (int)w, word);
                }
                w = 0;
            }
        }
        p += len + (p[len] == '\n');
    }
}

/* The class of the service a word names, SVC_NONE when none. */
static enum svc_class class_of(const struct tui *t, const char *word, size_t len) {
    for (size_t i = 0; t->snap && i < t->snap->n; i++) {
        const char *s = t->snap->svcs[i].view.service, *slash = strchr(s, '/');
        if ((strlen(s) == len && strncmp(s, word, len) == 0) ||
            (slash && strlen(slash + 1) == len && strncmp(slash + 1, word, len) == 0))
            return t->snap->svcs[i].view.cls == SVC_KEDA ? SVC_HPA /* its HPA's knobs */
                                                         : t->snap->svcs[i].view.cls;
    }
    return SVC_NONE;
}

/* The candidate `i` of the word being completed, or NULL past the last;
 * knobs of class cls (all of them when SVC_NONE). */
static const char *candidate(const struct tui *t, enum word kind, enum svc_class cls, size_t i) {
    if (kind == W_VERB)
        return i < command_count ? command_table[i].name : NULL;
    if (kind == W_SERVICE)
        return t->snap && i < t->snap->n ? t->snap->svcs[i].view.service : NULL;
    for (size_t k = 0; k < n_knobs; k++)
        if ((cls == SVC_NONE || knobs[k].cls == cls) && i-- == 0)
            return knobs[k].name;
    return NULL;
}

static void complete(struct tui *t) {
    if (t->input_cur != t->input_len) { /* completes at the end: go there first */
        t->input_cur = t->input_len;
        return;
    }
    size_t start = t->input_len;
    while (start && t->input[start - 1] != ' ')
        start--;
    size_t words = 0; /* the words before the one being completed */
    for (size_t i = 0; i < start; i++)
        words += t->input[i] != ' ' && (i + 1 == start || t->input[i + 1] == ' ');
    const bool set = strncmp(t->input, "set ", 4) == 0;
    if (words > 2 || (words == 2 && !set))
        return;
    const enum word kind = words == 0 ? W_VERB : words == 1 ? W_SERVICE : W_KNOB;
    enum svc_class cls = SVC_NONE;
    if (kind == W_KNOB) { /* the service is the second word */
        read_knobs();
        const char *svc = t->input + 4;
        while (*svc == ' ')
            svc++;
        cls = class_of(t, svc, strcspn(svc, " "));
    }
    const char *word = t->input + start;
    const size_t wlen = t->input_len - start;
    const char *first = NULL;
    size_t common = 0, matches = 0;
    char list[sizeof(t->message)];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; candidate(t, kind, cls, i); i++) {
        const char *c = candidate(t, kind, cls, i);
        const char *slash = kind == W_SERVICE ? strchr(c, '/') : NULL;
        if (strncmp(c, word, wlen) != 0 && !(slash && strncmp(slash + 1, word, wlen) == 0))
            continue; /* a service by namespace/name or by its name */
        if (!first) {
            first = c;
            common = strlen(c);
        } else {
            size_t k = 0;
            while (k < common && c[k] == first[k])
                k++;
            common = k;
        }
        if (used + strlen(c) + 3 < sizeof(list))
            used +=
                (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", matches ? "  " : "", c);
        matches++;
    }
    if (!first) {
        static const char *const what[] = {"verb", "service", "knob"};
        tui_say(t, true, "no %s starts with \"%.*s\"", what[kind], (int)wlen, word);
        return;
    }
    char line[sizeof(t->input)];
    if (matches == 1 || common >= wlen) /* never shorter than what was typed */
        snprintf(line, sizeof(line), "%.*s%.*s%s", (int)start, t->input, (int)common, first,
                 matches == 1 ? " " : "");
    else
        snprintf(line, sizeof(line), "%s", t->input);
    tui_line_set(t, line);
    if (matches > 1)
        tui_say(t, false, "%s", list);
}

bool tui_line_key(struct tui *t, int ch) {
    size_t k = t->input_cur;
    switch (ch) {
    case KEY_LEFT:
    case 2: /* ^B */
        t->input_cur -= t->input_cur > 0;
        return true;
    case KEY_RIGHT:
    case 6: /* ^F */
        t->input_cur += t->input_cur < t->input_len;
        return true;
    case KEY_HOME:
    case 1: /* ^A */
        t->input_cur = 0;
        return true;
    case KEY_END:
    case 5: /* ^E */
        t->input_cur = t->input_len;
        return true;
    case KEY_BACKSPACE:
    case 127:
    case 8: /* ^H */
        if (k)
            cut(t, k - 1, k);
        break;
    case KEY_DC:
    case 4: /* ^D */
        if (k < t->input_len)
            cut(t, k, k + 1);
        break;
    case 21: /* ^U: to the start */
        cut(t, 0, k);
        break;
    case 11: /* ^K: to the end */
        cut(t, k, t->input_len);
        break;
    case 23: /* ^W: the word before the cursor */
        while (k && t->input[k - 1] == ' ')
            k--;
        while (k && t->input[k - 1] != ' ')
            k--;
        cut(t, k, t->input_cur);
        break;
    case KEY_UP:
    case KEY_DOWN: {
        if (t->prompt != P_COMMAND || !t->n_history)
            return true;
        const size_t kept = t->n_history < LINE_HISTORY ? t->n_history : LINE_HISTORY;
        if (ch == KEY_UP && t->history_at < kept)
            t->history_at++;
        else if (ch == KEY_DOWN && t->history_at > 0)
            t->history_at--;
        if (t->history_at == 0)
            tui_line_set(t, "");
        else
            tui_line_set(t, t->history_lines[(t->n_history - t->history_at) % LINE_HISTORY]);
        return true;
    }
    case '\t':
        if (t->prompt == P_COMMAND)
            complete(t);
        return true;
    default:
        if (ch < 32 || ch >= 127)
            return false;
        insert(t, (char)ch);
        break;
    }
    t->input[t->input_len] = '\0';
    return true;
}
