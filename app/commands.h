/* Operator commands from a file (--commands FILE) or standard input:
 * one per line, "AT COMMAND ARGS", AT in seconds since the start ("30",
 * "30s", "2m"); '#' starts a comment. On standard input AT is optional
 * (without it the command applies at the next tick). A load's hey flags
 * are parsed here, into the command. */
#ifndef PODPILOT_COMMANDS_H
#define PODPILOT_COMMANDS_H

#include "engine/command.h"
#include "engine/service.h"

struct scheduled {
    int64_t at; /* applied at the first tick at or after this second */
    int line;
    struct command cmd;
};

struct command_list {
    struct scheduled *v;
    size_t n, cap, next; /* next: the first not yet submitted */
    char source[256];    /* the file name, or "stdin" */
};

/* Parses one line. Returns PP_OK with *empty set for a blank or comment
 * line; *at is -1 when the line has no AT (allowed only if !need_at). */
enum pp_status commands_parse_line(struct svc_set *set, const char *line, bool need_at, int64_t *at,
                                   struct command *cmd, bool *empty, struct pp_error *err);

/* Reads a whole command file, in AT order (stable). err says file:line. */
enum pp_status commands_read_file(struct svc_set *set, const char *path, struct command_list *out,
                                  struct pp_error *err);
void commands_add(struct command_list *l, int64_t at, int line, const struct command *cmd);
void commands_free(struct command_list *l);

#endif
