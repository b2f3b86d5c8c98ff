/* podpilot: watch and steer autoscaling of model-serving workloads. */
#include "app/build.h"
#include "app/cli.h"
#include "app/console.h"
#include "app/demo.h"
#include "app/headless.h"
#include "tui/theme.h"
#include "app/replay.h"
#include "app/kube.h"
#include "app/load_cmd.h"
#include "app/restore_cmd.h"
#include "app/metrics_cmd.h"
#include "app/metrics_http.h"
#include "app/services.h"
#include "engine/goparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LOADS 64

static const char usage[] =
    "usage: podpilot [--headless] [options] [FILE...]\n"
    "       podpilot replay RECORDING [--with CONFIG] ...  (podpilot replay --help)\n"
    "       podpilot services [-o name] [FILE...]  the services the files make\n"
    "       podpilot kubeconfig [--context C] ...  the cluster a kubeconfig names\n"
    "       podpilot metrics check FILE|URL|-     what an exporter says (--json)\n"
    "       podpilot metrics query EXPR ...        a PromQL query on Prometheus\n"
    "       podpilot metrics gpus [--json]         this machine's GPUs (NVML)\n"
    "       podpilot load [hey's flags] URL        a real HTTP load test, hey's report\n"
    "       podpilot restore --kube [-n NS|-A]     undo --act's overrides left behind\n"
    "       podpilot --help | --version\n"
    "\n"
    "Runs podpilot's embedded autoscaling engine on a simulated cluster built from\n"
    "your manifests: KServe InferenceServices (serving.kserve.io and\n"
    "serving.kubeflow.org v1beta1), Knative Services (serving.knative.dev/v1),\n"
    "autoscaling/v2 HorizontalPodAutoscalers, KEDA ScaledObjects (keda.sh/v1alpha1),\n"
    "Deployments, Seldon Models and CronHorizontalPodAutoscalers, plus an optional\n"
    "podpilot.io/v1alpha1 Simulation document (pods, seed, loads; see README.md).\n"
    "Without files it runs the built-in demo: a KPA service and an HPA service\n"
    "under loads that rise, burst and stop. FILE may be a directory (its .yaml,\n"
    ".yml and .json files in name order, as kubectl -f), a kind: List as\n"
    "kubectl get -o yaml or -o json prints it, or - for standard input\n"
    "(kubectl get isvc,hpa -A -o yaml | podpilot -); commands then come only\n"
    "from --commands.\n"
    "\n"
    "On a terminal it opens the console (? lists its keys), at real-time pace.\n"
    "With --headless, or when stdin or stdout is not a terminal, output is JSON\n"
    "lines on stdout: one per scaler decision, one per event, one per finished\n"
    "load test (with hey's report); fields in README.md.\n"
    "\n"
    "options:\n"
    "  --headless           the engine alone, JSON lines out (not k9s' meaning:\n"
    "                       there is no UI at all)\n"
    "  --duration D         simulated time to run: seconds (90) or a duration (300s,\n"
    "                       10m); default: until the last load ends, plus 6m; at\n"
    "                       least 5m\n"
    "  --speed X|max        simulated seconds per wall second (default: 1 in the\n"
    "                       console, max - as fast as possible - headless)\n"
    "  --theme NAME|FILE    the console's colours: default, light, high-contrast,\n"
    "                       monochrome (themes/*.yaml), or a theme file of your\n"
    "                       own; NO_COLOR set and not empty: no colour at all;\n"
    "                       an unknown name exits 2, a file that does not read 1\n"
    "  --seed N             the simulation's random seed (default 1, or the\n"
    "                       Simulation document's)\n"
    "  --load 'SVC: FLAGS'  put load on service SVC with hey's flags, e.g.\n"
    "                       'flowers-sample: -z 30s -c 5' (repeatable); also\n"
    "                       --rate RPS (Poisson), --trace FILE (seconds,rps lines),\n"
    "                       --after D (start time)\n"
    "  --commands FILE      operator commands, one per line: AT COMMAND ARGS, e.g.\n"
    "                       '30 pin flowers-sample 3' (AT in seconds since the\n"
    "                       start). Standard input takes the same lines, AT\n"
    "                       optional (without it: the next tick). Commands:\n"
    "%s"
    "                       A bad line in FILE stops before anything runs.\n"
    "  --record FILE        record the session (mode 0600; JSON lines, format in\n"
    "                       README.md) for podpilot replay; complete to the last\n"
    "                       tick even after kill -9\n"
    "  --metrics-addr ADDR  headless: serve the decisions as Prometheus metrics\n"
    "                       at http://ADDR/metrics (and /healthz); ADDR is\n"
    "                       [HOST]:PORT, e.g. :9464 or 127.0.0.1:9464\n"
    "  --record-dir DIR     where the console's r key writes its recordings\n"
    "                       (podpilot-YYYYMMDD-HHMMSS.jsonl; default: the current\n"
    "                       directory)\n"
    "  -R, --recursive      a directory FILE: its subdirectories too\n";

/* The cluster's flags, between the usage's two halves (one string would
 * pass C's 4095-byte limit). */
static const char usage_kube[] =
    "  --kube               shadow mode: the cluster the kubeconfig names,\n"
    "                       read-only; its HPA, KEDA, KPA and CronHPA services\n"
    "                       recomputed on what the cluster's own autoscalers read\n"
    "                       (pods, metrics APIs, queue-proxy stats), beside\n"
    "                       the cluster's own decision (the console's CLUSTER\n"
    "                       column; \"cluster\", \"agree\" headless); real-time,\n"
    "                       until interrupted or --duration; --record keeps what\n"
    "                       it watched for replay and --with; --metrics-addr\n"
    "                       serves it to Prometheus (deploy/ runs it in-cluster)\n"
    "  --prometheus URL     with --kube: GPU services' utilization from\n"
    "                       dcgm-exporter's DCGM_FI_PROF_SM_ACTIVE where it has\n"
    "                       it, else DCGM_FI_DEV_GPU_UTIL, polled every 5 s\n"
    "  --exporter SVC=KIND[:PORT][/PATH]\n"
    "                       with --kube: scrape service SVC's pods' own exporter\n"
    "                       and show its figures in the service's view (Enter):\n"
    "                       vllm (:8000; waiting, running, KV cache %), ovms\n"
    "                       (:8888; streams ratio), queue-proxy (:9091; queue\n"
    "                       depth, requests/s), seldon (:9006; inferences/s);\n"
    "                       path /metrics. SVC: NAME, NS/NAME, NS/* or *\n"
    "                       (repeatable, the last that matches wins). A pod that\n"
    "                       does not answer adds nothing (stale, never a zero)\n"
    "  --scrape-interval D  how often (default 5s); each scrape times out at 3 s\n"
    "                       (or D, if shorter); at most 50 requests a second\n"
    "  --scrape-via direct|proxy\n"
    "                       to pod IPs (the default inside a cluster) or through\n"
    "                       the API server's pod proxy (the default outside)\n"
    "  --act                ACTIVE mode (with --kube): pin, unpin, target, pause,\n"
    "                       resume and set are written to the cluster through\n"
    "                       each autoscaler's own fields (an HPA's min/max and\n"
    "                       behavior, a KServe InferenceService, a Knative\n"
    "                       Revision's or PodAutoscaler's annotations, KEDA's\n"
    "                       paused annotations, a Seldon Model, a Deployment's\n"
    "                       /scale): a dry run first, the object's version as\n"
    "                       precondition, the values before kept in its\n"
    "                       podpilot.io/original annotation (podpilot restore\n"
    "                       --kube puts them back), an Event on the object\n"
    "  --knative-version 1.N  the cluster's Knative Serving (default: read from\n"
    "                       knative-serving/controller); >= 1.21 writes the\n"
    "                       Revision, before it the PodAutoscaler\n"
    "  --kubeconfig F, --context C, -n NS, -A\n"
    "                       as kubectl takes them (podpilot kubeconfig shows the\n"
    "                       result); any of them implies --kube\n";

static const char usage_end[] =
    "  --help               this text\n"
    "  --version            podpilot's version\n"
    "\n"
    "Knobs for `set` (upstream's names):\n"
    "%s"
    "\n"
    "Exit status: 0 done, 1 a manifest, a command or the engine refused something\n"
    "(the message names file:line:column and field), 2 a bad command line,\n"
    "130 interrupted (SIGINT/SIGTERM, Ctrl-C in the console; the recording ends at\n"
    "the last tick).\n";

/* The verbs' usages for --help, as many to a line as fit in 79 columns. */
static void wrap_commands(char *buf, size_t size) {
    const char *const indent = "                         ";
    size_t used = 0, col = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < command_count && used < size; i++) {
        const char *u = command_table[i].usage;
        const bool last = i + 1 == command_count;
        const size_t need = strlen(u) + (last ? 0 : 2);
        if (col && col + 1 + need > 79) {
            used += (size_t)snprintf(buf + used, size - used, "\n");
            col = 0;
        }
        const int k =
            snprintf(buf + used, size - used, "%s%s%s", col ? " " : indent, u, last ? "\n" : " |");
        used += k > 0 ? (size_t)k : 0;
        col = col ? col + 1 + need : strlen(indent) + need;
    }
}

static const char prog[] = "podpilot";

static const char *value_of(int argc, char **argv, int *i) {
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool flag_is(const char *arg, const char *name) {
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

struct cli {
    struct headless_options opt;
    bool seed_set;
    uint64_t seed;
    const char *loads[MAX_LOADS];
    size_t n_loads;
    const char **files;
    size_t n_files;
    const char *commands_file;
    bool headless, speed_set;
    bool recursive;  /* -R: directories' subdirectories too */
    bool from_stdin; /* a FILE is "-": the manifests come on standard input */
    const char *theme;
    const char *record_dir; /* --record-dir: where r writes; the current directory by default */
    struct kube_flags kube; /* --kube: shadow a cluster instead of simulating files */
};

static int parse_args(int argc, char **argv, struct cli *c) {
    c->files = xcalloc((size_t)argc, sizeof(*c->files));
    int taken;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            char verbs[1024];
            wrap_commands(verbs, sizeof(verbs));
            printf(usage, verbs);
            fputs(usage_kube, stdout);
            printf(usage_end, command_knob_help);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("podpilot %s\n", PODPILOT_VERSION);
            return 0;
        } else if (strcmp(a, "--headless") == 0) {
            c->headless = true;
        } else if (strcmp(a, "-R") == 0 || strcmp(a, "--recursive") == 0) {
            c->recursive = true;
        } else if (flag_is(a, "--duration")) {
            const char *v = value_of(argc, argv, &i);
            int64_t d; /* seconds, as command times: 90, 90s, 5m */
            if (!v || !cli_seconds(v, &d) || d < 1 || d > 86400 * 7)
                return cli_fail(prog,
                                "--duration: expected seconds or a duration like 90, 300s or 5m "
                                "(1s to 168h), got \"%s\"",
                                v ? v : "");
            c->opt.duration_s = d;
        } else if (flag_is(a, "--speed")) {
            const char *v = value_of(argc, argv, &i);
            double x;
            if (v && strcmp(v, "max") == 0)
                c->opt.speed = 0;
            else if (v && goparse_float(v, &x) && x > 0 && x <= 1e6)
                c->opt.speed = x;
            else
                return cli_fail(prog, "--speed: expected a positive number or \"max\", got \"%s\"",
                                v ? v : "");
            c->speed_set = true;
        } else if (flag_is(a, "--theme")) {
            const char *v = value_of(argc, argv, &i);
            if (!v || !*v)
                return cli_fail(prog, "--theme: expected a theme name or file");
            c->theme = v;
        } else if (flag_is(a, "--seed")) {
            const char *v = value_of(argc, argv, &i);
            int64_t s;
            if (!v || !goparse_int64(v, &s) || s < 0)
                return cli_fail(prog, "--seed: expected a non-negative integer, got \"%s\"",
                                v ? v : "");
            c->seed = (uint64_t)s;
            c->seed_set = true;
        } else if (flag_is(a, "--load")) {
            const char *v = value_of(argc, argv, &i);
            if (!v || !strchr(v, ':'))
                return cli_fail(prog,
                                "--load: expected 'SERVICE: HEY-FLAGS', e.g. 'flowers-sample: -z "
                                "30s -c 5', got \"%s\"",
                                v ? v : "");
            if (c->n_loads == MAX_LOADS)
                return cli_fail(prog, "--load: at most %d loads", MAX_LOADS);
            c->loads[c->n_loads++] = v;
        } else if (flag_is(a, "--commands")) {
            const char *v = value_of(argc, argv, &i);
            if (!v || !*v)
                return cli_fail(prog, "--commands: expected a file of commands");
            c->commands_file = v;
        } else if (flag_is(a, "--record")) {
            const char *v = value_of(argc, argv, &i);
            if (!v || !*v)
                return cli_fail(prog, "--record: expected a file to record to");
            c->opt.record_path = v;
        } else if (flag_is(a, "--metrics-addr")) {
            const char *v = value_of(argc, argv, &i);
            struct pp_error err = {0};
            if (!v || !*v)
                return cli_fail(prog, "--metrics-addr: expected [HOST]:PORT, e.g. :9464");
            if (metrics_http_check(v, &err) != PP_OK)
                return cli_fail(prog, "--metrics-addr: %s", err.message);
            c->opt.metrics_addr = v;
        } else if (flag_is(a, "--prometheus")) {
            const char *v = value_of(argc, argv, &i);
            if (!v || (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0))
                return cli_fail(prog, "--prometheus: expected an http:// or https:// URL");
            c->kube.prometheus = v;
        } else if (flag_is(a, "--record-dir")) {
            const char *v = value_of(argc, argv, &i);
            struct stat st;
            if (!v || !*v)
                return cli_fail(prog, "--record-dir: expected a directory");
            if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode))
                return cli_fail(prog, "--record-dir: %s: not a directory", v);
            if (access(v, W_OK | X_OK) != 0)
                return cli_fail(prog, "--record-dir: %s: not writable", v);
            c->record_dir = v;
        } else if ((taken = kube_flag(argc, argv, &i, &c->kube, prog)) != 0) {
            if (taken < 0)
                return 2;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const known[] = {"--headless",
                                                "--duration",
                                                "--speed",
                                                "--theme",
                                                "--seed",
                                                "--load",
                                                "--commands",
                                                "--record",
                                                "--help",
                                                "--version",
                                                "--record-dir",
                                                "--recursive",
                                                "--kube",
                                                "--kubeconfig",
                                                "--context",
                                                "--namespace",
                                                "-n",
                                                "-A",
                                                "--metrics-addr",
                                                "--prometheus",
                                                "--exporter",
                                                "--scrape-interval",
                                                "--scrape-via",
                                                "--act",
                                                "--knative-version",
                                                NULL};
            return cli_unknown(prog, a, known);
        } else {
            if (strcmp(a, "-") == 0 && c->from_stdin)
                return cli_fail(prog, "-: standard input can be read once");
            c->from_stdin |= strcmp(a, "-") == 0;
            c->files[c->n_files++] = a;
        }
    }
    return -1;
}

static void print_error(const struct pp_error *err) {
    char msg[1200];
    pp_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "podpilot: %s\n", msg);
}

static int run(const struct cli *c) {
    if (c->opt.metrics_addr && !c->headless && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "podpilot: --metrics-addr serves a headless run: add --headless\n");
        return 2;
    }
    if ((c->kube.scrape_interval_s || c->kube.scrape_via) && c->kube.n_exporters == 0) {
        fprintf(stderr, "podpilot: --scrape-interval and --scrape-via are for --exporter's "
                        "scrapes: add --exporter SVC=KIND\n");
        return 2;
    }
    if (c->kube.prometheus && !c->kube.kube) {
        fprintf(stderr, "podpilot: --prometheus reads a cluster's GPU figures: add --kube\n");
        return 2;
    }
    if (c->kube.kube) {
        if (c->n_files || c->n_loads) {
            fprintf(stderr, "podpilot: --kube shadows a cluster: it takes no FILE or --load\n");
            return 2;
        }
        const char *no_color = getenv("NO_COLOR");
        struct theme theme;
        struct pp_error err = {0};
        enum pp_status ts;
        if (c->theme && (ts = theme_resolve(c->theme, &theme, &err)) != PP_OK) {
            print_error(&err);
            return ts == PP_ERR_PARSE ? 1 : 2;
        }
        const struct console_options co = {.monochrome = no_color && no_color[0],
                                           .theme = c->theme ? &theme : NULL,
                                           .record_dir = "."};
        const bool console = !c->headless && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        return kube_run(&c->kube, &c->opt, console ? &co : NULL);
    }
    struct sources src = {.loads = c->loads, .n_loads = c->n_loads};
    struct pp_error err = {0};
    if (c->n_files == 0)
        sources_add_text(&src, "(built-in demo)", demo_manifests, demo_manifests_len);
    for (size_t i = 0; i < c->n_files; i++)
        if (sources_add_path(&src, c->files[i], c->recursive, &err) != PP_OK) {
            print_error(&err);
            sources_free(&src);
            return 1;
        }
    struct svc_set set;
    svc_set_init(&set);
    struct command_list cmds = {0};
    cJSON *header = NULL;
    struct build_notes notes = {0};
    int rc = build_set(&src, true, &set, &notes);
    if (rc == 0 && c->seed_set)
        set.seed = c->seed;
    if (rc == 0 && c->commands_file &&
        commands_read_file(&set, c->commands_file, &cmds, &err) != PP_OK) {
        fprintf(stderr, "podpilot: %s\n", err.message);
        rc = 1;
    }
    const bool console = !c->headless && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    struct theme theme;
    enum pp_status ts;
    if (rc == 0 && c->theme && (ts = theme_resolve(c->theme, &theme, &err)) != PP_OK) {
        print_error(&err);
        rc = ts == PP_ERR_PARSE ? 1 : 2; /* a file that does not read, or a bad option */
    }
    if (rc == 0 && console && c->commands_file) {
        fprintf(stderr, "podpilot: --commands needs --headless (in the console, type : and a "
                        "command)\n");
        rc = 2;
    }
    if (rc == 0 && console) {
        const char *no_color = getenv("NO_COLOR");
        const struct console_options co = {
            .speed = c->speed_set ? c->opt.speed : 1,
            .duration_s = c->opt.duration_s,
            .monochrome = no_color && no_color[0],
            .theme = c->theme ? &theme : NULL,
            .record_path = c->opt.record_path,
            .record_dir = c->record_dir ? c->record_dir : ".",
            .notes = (const char *const *)notes.lines,
            .n_notes = notes.n,
        };
        struct console_options with = co;
        with.header = header = build_header(&src, &set); /* --record, or r later */
        rc = console_run(&set, &with);
    } else if (rc == 0) {
        struct headless_options opt = c->opt;
        opt.commands = c->commands_file ? &cmds : NULL;
        opt.read_stdin = !c->from_stdin; /* "-" took it: commands only from --commands */
        if (opt.record_path)
            opt.header = header = build_header(&src, &set);
        headless_catch_signals();
        rc = headless_run(&set, &opt, stdout);
    }
    cJSON_Delete(header);
    commands_free(&cmds);
    svc_set_fini(&set);
    build_notes_free(&notes);
    sources_free(&src);
    return rc;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "replay") == 0)
        return replay_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "services") == 0)
        return services_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "kubeconfig") == 0)
        return kubeconfig_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "metrics") == 0)
        return metrics_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "load") == 0)
        return load_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "restore") == 0)
        return restore_main(argc, argv);
    struct cli c = {0};
    int rc = parse_args(argc, argv, &c);
    if (rc < 0)
        rc = run(&c);
    free(c.files);
    return rc;
}
