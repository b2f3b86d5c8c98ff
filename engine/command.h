/* Operator commands: what the console's `:` line, a headless command file
 * and standard input say to the engine. One line, one command:
 *
 *   pin SVC N            hold SVC at N replicas; the scaler keeps computing
 *   unpin SVC
 *   target SVC VALUE     override the scaler's target (KPA target, the HPA's
 *   target SVC reset     first metric, the lag threshold); reset restores it
 *   pause SVC            hold SVC where it is; resume lets the scaler act
 *   resume SVC
 *   set SVC KNOB VALUE   change a scaler setting (see command_knob_help)
 *   load SVC HEY-FLAGS   start a load test (hey's flags: -z 30s -c 5 ...)
 *   stop SVC             stop SVC's running load tests
 *
 * The parser checks the words; the loop checks them against the services
 * (loop_submit). A load's flags stay text here: hey's parser lives in
 * loadgen/, and the caller fills `load` before submitting. */
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
    char service[232]; /* as written: name, namespace/name, or the InferenceService */
    int32_t replicas;  /* pin */
    double value;      /* target */
    char knob[96];     /* set */
    char arg[256];     /* set: the value as written; load: hey's flags */
    struct load_spec load; /* load: filled by the caller from arg (no trace) */
    bool load_ready;
    char text[640]; /* the command, one line, as it will be recorded */
};

/* Parses one command line (leading and trailing blanks ignored). Fails
 * with the problem named: "pin: expected a replica count 0..1000, got x". */
enum pp_status command_parse(const char *line, struct command *out, struct pp_error *err);

/* One line per knob `set` understands, for --help, `?` and errors. */
extern const char command_knob_help[];

#endif
