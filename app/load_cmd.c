#include "app/load_cmd.h"

#include "app/cli.h"
#include "loadgen/http.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char *const prog = "podpilot load";

static const char usage[] =
    "usage: podpilot load [options...] URL\n"
    "\n"
    "Sends HTTP/1.1 requests to URL (http:// or https://) as hey (rakyll/hey 0.1.4)\n"
    "does, with its flags and defaults, and prints hey's report byte for byte (k9s\n"
    "and scripts that read hey's output read it). Each of the -c workers is a\n"
    "connection that sends its share of -n requests one after another (hey drops\n"
    "the remainder), kept alive.\n"
    "\n"
    "  -n  requests to send (default 200)\n"
    "  -c  workers running at once (default 50); -n cannot be less than -c\n"
    "  -q  rate limit per worker, requests a second (default none); latencies are\n"
    "      then taken from each request's intended send time, so a slow server\n"
    "      shows in them (no coordinated omission; hey measures from the send)\n"
    "  -z  run this long (10s, 3m); -n is then ignored\n"
    "  -o  csv: one row per response instead of the report\n"
    "  -m  method (default GET)      -H \"Name: value\" header (repeatable)\n"
    "  -t  timeout per request, seconds (default 20, 0 none)\n"
    "  -A  Accept header             -T  Content-Type (default text/html)\n"
    "  -d  request body              -D  request body from a file\n"
    "  -U  User-Agent (before hey/0.0.1)   -a user:pass  basic auth\n"
    "  -x  an HTTP proxy host:port   -host  the Host header\n"
    "  -disable-compression  no Accept-Encoding: gzip\n"
    "  -disable-keepalive    a new connection for every request\n"
    "  -disable-redirects    (redirects are never followed: a 3xx is its status)\n"
    "  -cpus N               threads, each an event loop (default: one per 256\n"
    "                         workers, at most the cores; hey: GOMAXPROCS)\n"
    "\n"
    "podpilot's own:\n"
    "  --reconnect-after N|D  new connections every N requests or D (30s): with\n"
    "                         keep-alive, a ClusterIP keeps each connection on the\n"
    "                         pod it first reached, so pods a scale-up adds would\n"
    "                         get no load (kubernetes/kubernetes#101887)\n"
    "  --json                 the report as one JSON object\n"
    "  --cacert FILE          https: the CA that signed the server's certificate\n"
    "                         (else the system's CAs)\n"
    "  -k, --insecure         https without verifying the server, as hey always does\n"
    "                         (podpilot verifies its certificate and name by default)\n"
    "  -h2                    not built yet (HTTP/1.1 only; hey needs TLS for it too)\n"
    "\n"
    "Ctrl-C stops the test and prints what it measured, as hey does (exit 130).\n"
    "Exit status: 0 the report printed (even if every request failed, as hey),\n"
    "1 nothing could be sent (an unknown host, say), 2 a usage error.\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

int load_main(int argc, char **argv) {
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
    struct hey_args a;
    struct hey_http h;
    struct pp_error err = {0};
    if (hey_parse_argv(argc - 2, argv + 2, true, &a, &h, &err) != PP_OK)
        return cli_fail(prog, "%s", err.message);
    if (a.rate > 0 || a.trace[0] || a.after > 0) {
        hey_http_fini(&h);
        return cli_fail(prog,
                        "--rate, --trace and --after are the simulation's, not a real test's");
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct lg_result r;
    const enum pp_status st = loadgen_run(&a, &h, &interrupted, &r, &err);
    if (st != PP_OK) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        hey_http_fini(&h);
        return st == PP_ERR_INVALID ? 2 : 1;
    }
    if (h.output[0])
        loadgen_csv(stdout, &r);
    else if (h.json)
        loadgen_json(stdout, &a, &r);
    else
        loadgen_report(stdout, &r);
    if (r.paced && !h.json)
        fprintf(stderr, "podpilot: -q paced the workers: latencies are from each request's "
                        "intended send time\n");
    const int rc = r.interrupted ? 130 : 0;
    loadgen_result_fini(&r);
    hey_http_fini(&h);
    return rc;
}
