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

/* What a real HTTP run reads beyond a simulated one: hey's request and
 * transport flags, and podpilot's additions. */
#define HEY_MAX_HEADERS 64
struct hey_http {
    char *headers[HEY_MAX_HEADERS]; /* -H "Name: value", as given */
    size_t n_headers;
    char *accept, *content_type, *user_agent, *auth, *proxy; /* -A, -T, -U, -a, -x; NULL: none */
    char *cacert; /* --cacert: the CA that signed an https server's certificate */
    char *body;   /* -d, or -D's file */
    size_t body_len;
    char output[16]; /* -o: "csv" or "" */
    int cpus;        /* -cpus; 0: the machine's */
    bool h2, disable_compression, disable_keepalive, disable_redirects;
    /* podpilot's: -k (TLS unverified, which hey always is), --json (the
     * report as JSON), --reconnect-after N|D (new connections every N
     * requests or D: spreads keep-alive load onto pods a scale-up made) */
    bool insecure, json;
    int64_t reconnect_n;
    pp_time reconnect_d;
};
void hey_http_fini(struct hey_http *h);

/* hey's flags from argv[0..argc) (a shell's words, as `podpilot load`
 * gets them), the request and transport flags into http. */
enum pp_status hey_parse_argv(int argc, char **argv, bool need_url, struct hey_args *out,
                              struct hey_http *http, struct pp_error *err);

/* hey_parse_argv's, from a command line (quotes group words). */
enum pp_status hey_parse_line(const char *line, bool need_url, struct hey_args *out,
                              struct hey_http *http, struct pp_error *err);

/* Parses hey's flags from a command line such as "-z 30s -c 5 -m POST URL".
 * Words split on blanks; single or double quotes group. Unknown flags and
 * hey's usage errors ("-n cannot be less than -c.") fail with hey's text.
 * need_url: a URL is required (a real load test) or optional (simulated). */
enum pp_status hey_parse(const char *line, bool need_url, struct hey_args *out,
                         struct pp_error *err);

#endif
