/* The prompt's line as a shell edits it: ^U the line, ^W a word, up/down
 * through the : lines submitted before, Tab completes a verb (the first
 * word) or a service (the second, by namespace/name or by name) and lists
 * the candidates when several match. */
#include "tui/tui_internal.h"

#include "engine/command.h"

#include <stdio.h>
#include <string.h>

static void set_input(struct tui *t, const char *s) {
    snprintf(t->input, sizeof(t->input), "%s", s);
    t->input_len = strlen(t->input);
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

/* The candidate `i` of the word being completed, or NULL past the last. */
static const char *candidate(const struct tui *t, bool verb, size_t i) {
    if (verb)
        return i < command_count ? command_table[i].name : NULL;
    return t->snap && i < t->snap->n ? t->snap->svcs[i].view.service : NULL;
}

static void complete(struct tui *t) {
    size_t start = t->input_len;
    while (start && t->input[start - 1] != ' ')
        start--;
    size_t words = 0; /* the words before the one being completed */
    for (size_t i = 0; i < start; i++)
        words += t->input[i] != ' ' && (i + 1 == start || t->input[i + 1] == ' ');
    if (words > 1)
        return;
    const bool verb = words == 0;
    const char *word = t->input + start;
    const size_t wlen = t->input_len - start;
    const char *first = NULL;
    size_t common = 0, matches = 0;
    char list[sizeof(t->message)];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; candidate(t, verb, i); i++) {
        const char *c = candidate(t, verb, i);
        const char *slash = verb ? NULL : strchr(c, '/');
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
        tui_say(t, true, "no %s starts with \"%.*s\"", verb ? "verb" : "service", (int)wlen, word);
        return;
    }
    char line[sizeof(t->input)];
    if (matches == 1 || common >= wlen) /* never shorter than what was typed */
        snprintf(line, sizeof(line), "%.*s%.*s%s", (int)start, t->input, (int)common, first,
                 matches == 1 ? " " : "");
    else
        snprintf(line, sizeof(line), "%s", t->input);
    set_input(t, line);
    if (matches > 1)
        tui_say(t, false, "%s", list);
}

bool tui_line_key(struct tui *t, int ch) {
    switch (ch) {
    case 21: /* ^U */
        t->input_len = 0;
        break;
    case 23: /* ^W: the word before the cursor */
        while (t->input_len && t->input[t->input_len - 1] == ' ')
            t->input_len--;
        while (t->input_len && t->input[t->input_len - 1] != ' ')
            t->input_len--;
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
            set_input(t, "");
        else
            set_input(t, t->history_lines[(t->n_history - t->history_at) % LINE_HISTORY]);
        return true;
    }
    case '\t':
        if (t->prompt == P_COMMAND)
            complete(t);
        return true;
    default:
        return false;
    }
    t->input[t->input_len] = '\0';
    return true;
}
