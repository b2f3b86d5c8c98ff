/* hey's command line, shared by the simulated load tests and the HTTP load
 * generator: the same flags, defaults and errors as hey 0.1.4 (rakyll/hey).
 * Its report is engine/hey_report. */
#ifndef PODPILOT_HEY_H
#define PODPILOT_HEY_H

#include "engine/common.h"

#include <stdio.h>

struct hey_args {
    int64_t n;       /* -n, 200 */
    int32_t c;       /* -c, 50 */
    double q;        /* -q per worker, 0 = no limit */
    pp_time z;       /* -z, 0 = until n */
    int32_t t;       /* -t seconds, 20; 0 = none */
    char method[16]; /* -m, GET */
    char host[256];  /* -host */
    char url[512];   /* the one positional argument; may be empty in a simulation */
    /* podpilot's open-loop extensions (not hey): --rate RPS, --trace FILE, --after D */
    double rate;
    char trace[512];
    pp_time after;
};

/* Parses hey's flags from a command line such as "-z 30s -c 5 -m POST URL".
 * Words split on blanks; single or double quotes group. Unknown flags and
 * hey's usage errors ("-n cannot be less than -c.") fail with hey's text.
 * need_url: a URL is required (a real load test) or optional (simulated). */
enum pp_status hey_parse(const char *line, bool need_url, struct hey_args *out,
                         struct pp_error *err);

#endif
