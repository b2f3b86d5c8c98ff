#include "app/commands.h"

#include "app/loads.h"
#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_at(const char *word, int64_t *at) {
    int64_t s;
    pp_time d;
    if (goparse_int64(word, &s) && s >= 0) {
        *at = s;
        return true;
    }
    if (goparse_duration(word, &d) && d >= 0) {
        *at = d / PP_NS_PER_SEC;
        return true;
    }
    return false;
}

enum pp_status commands_parse_line(struct svc_set *set, const char *line, bool need_at, int64_t *at,
                                   struct command *cmd, bool *empty, struct pp_error *err) {
    char text[1024];
    snprintf(text, sizeof(text), "%s", line);
    char *hash = strchr(text, '#');
    if (hash)
        *hash = '\0';
    char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    *empty = *p == '\0';
    *at = -1;
    if (*empty)
        return PP_OK;
    if (isdigit((unsigned char)*p)) {
        char word[64];
        size_t n = strcspn(p, " \t");
        snprintf(word, sizeof(word), "%.*s", (int)n, p);
        if (!parse_at(word, at))
            return pp_fail(err, PP_ERR_PARSE, "AT",
                           "expected seconds since the start (30, 30s, 2m), got \"%s\"", word);
        p += n;
    } else if (need_at) {
        return pp_fail(err, PP_ERR_PARSE, "AT",
                       "a command line starts with the second it applies at: \"30 pin "
                       "SVC 3\"");
    }
    if (command_parse(p, cmd, err) != PP_OK)
        return PP_ERR_PARSE;
    if (cmd->kind == CMD_LOAD) {
        if (loads_parse_flags(set, cmd->arg, &cmd->load, err) != PP_OK)
            return PP_ERR_PARSE;
        cmd->load_ready = true;
    }
    return PP_OK;
}

void commands_add(struct command_list *l, int64_t at, int line, const struct command *cmd) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    /* Keep AT order; equal ATs keep their order. */
    size_t i = l->n;
    while (i > l->next && l->v[i - 1].at > at) {
        l->v[i] = l->v[i - 1];
        i--;
    }
    l->v[i] = (struct scheduled){.at = at, .line = line, .cmd = *cmd};
    l->n++;
}

enum pp_status commands_read_file(struct svc_set *set, const char *path, struct command_list *out,
                                  struct pp_error *err) {
    snprintf(out->source, sizeof(out->source), "%s", path);
    FILE *f = fopen(path, "r");
    if (!f)
        return pp_fail(err, PP_ERR_IO, "--commands", "%s: %s", path, strerror(errno));
    char line[1024];
    int lineno = 0;
    enum pp_status st = PP_OK;
    while (st == PP_OK && fgets(line, sizeof(line), f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) { /* fgets stopped at the buffer's end */
            st = pp_fail(err, PP_ERR_LIMIT, "--commands", "%s:%d: a line longer than %zu bytes",
                         path, lineno, sizeof(line) - 2);
            break;
        }
        struct command cmd;
        int64_t at;
        bool empty;
        struct pp_error e = {0};
        line[strcspn(line, "\r\n")] = '\0';
        st = commands_parse_line(set, line, true, &at, &cmd, &empty, &e);
        if (st != PP_OK) {
            pp_fail(err, st, "--commands", "%s:%d: %s%s%s", path, lineno, e.field,
                    e.field[0] ? ": " : "", e.message);
            break;
        }
        if (!empty)
            commands_add(out, at, lineno, &cmd);
    }
    fclose(f);
    return st;
}

void commands_free(struct command_list *l) {
    free(l->v);
    *l = (struct command_list){0};
}
