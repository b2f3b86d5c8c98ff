/* Operator commands: what the console's `:` line, a headless command file
 * and standard input say to the engine, one command a line, VERB SVC ARGS;
 * the verbs are command_table's. The parser checks the words; the loop
 * checks them against the services (loop_submit). A load's flags stay text
 * here: hey's parser lives in app/, and the caller fills `load` before
 * submitting. */
#ifndef PODPILOT_COMMAND_H
#define PODPILOT_COMMAND_H

#include "engine/load.h"

enum command_kind {
    CMD_PIN,
    CMD_UNPIN,
    CMD_TARGET,
    CMD_TARGET_RESET,
    CMD_PAUSE,
    CMD_RESUME,
    CMD_SET,
    CMD_LOAD,
    CMD_STOP,
};

struct command {
    enum command_kind kind;
    char service[232];     /* as written: name, namespace/name, or the InferenceService */
    int32_t replicas;      /* pin */
    double value;          /* target */
    char knob[96];         /* set */
    char arg[256];         /* set: the value as written; load: hey's flags */
    struct load_spec load; /* load: filled by the caller from arg (no trace) */
    bool load_ready;
    char text[640]; /* the command, one line, as it will be recorded */
};

/* One operator verb, declared once: the parser, --help, the console's help
 * screen and its prompts read this table (tmux's cmd_entry). */
struct command_entry {
    const char *name;   /* "pin" */
    const char *usage;  /* "pin SVC N" */
    const char *help;   /* what it does, one line */
    const char *prompt; /* the console's prompt for its argument; NULL: it takes none */
    enum command_kind kind;
    /* The words after SVC into out, and their canonical text into canon;
     * NULL: the verb takes none. */
    enum pp_status (*parse)(const char **p, const struct command_entry *e, struct command *out,
                            char *canon, size_t size, struct pp_error *err);
};
extern const struct command_entry command_table[];
extern const size_t command_count;
const struct command_entry *command_find(const char *name);
/* The verbs' names (or usages) joined by sep; returns the full length. */
size_t command_list(char *buf, size_t size, const char *sep, bool usages);

/* Parses one command line (leading and trailing blanks ignored). Fails
 * with the problem named: "pin: expected a replica count 0..1000, got x". */
enum pp_status command_parse(const char *line, struct command *out, struct pp_error *err);

/* One line per knob `set` understands, for --help, `?` and errors. */
extern const char command_knob_help[];

#endif
