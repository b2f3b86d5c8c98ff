/* podpilot: watch and steer autoscaling of model-serving workloads. */
#include "app/demo.h"

#include "engine/goparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: podpilot [--headless] [--duration D] [--speed X|max]\n"
    "       podpilot --help | --version\n"
    "\n"
    "Runs podpilot's embedded autoscaling engine on the built-in demo: a KServe\n"
    "InferenceService scaled by Knative's KPA (target 1, min-scale 1) under a\n"
    "load that rises to 5 in-flight requests, bursts to 20 and stops. Every\n"
    "decision (each 2 s) is printed as one JSON line; see README.md for the fields.\n"
    "\n"
    "options:\n"
    "  --headless      print JSON lines (the only mode so far: the console and\n"
    "                  reading your own manifests are on the roadmap)\n"
    "  --duration D    simulated time to run, e.g. 300s, 5m (default 300s)\n"
    "  --speed X|max   simulated seconds per wall second (default max: as fast\n"
    "                  as possible)\n"
    "  --help          this text\n"
    "  --version       podpilot's version\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "podpilot: ");
    vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start above */
    fprintf(stderr, "\nTry 'podpilot --help'.\n");
    va_end(ap);
    return 2;
}

static const char *value_of(int argc, char **argv, int *i) {
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool flag_is(const char *arg, const char *name) {
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int main(int argc, char **argv) {
    struct demo_options opt = {.duration_s = 300, .speed = 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("podpilot %s\n", PODPILOT_VERSION);
            return 0;
        } else if (strcmp(a, "--headless") == 0) {
            continue;
        } else if (flag_is(a, "--duration")) {
            const char *v = value_of(argc, argv, &i);
            pp_time d;
            if (!v || !goparse_duration(v, &d) || d <= 0 || d > PP_SEC(86400 * 7))
                return fail("--duration: expected a duration like 300s or 5m (at most 168h), "
                            "got \"%s\"",
                            v ? v : "");
            opt.duration_s = (int)(d / PP_NS_PER_SEC);
        } else if (flag_is(a, "--speed")) {
            const char *v = value_of(argc, argv, &i);
            double x;
            if (v && strcmp(v, "max") == 0)
                opt.speed = 0;
            else if (v && goparse_float(v, &x) && x > 0 && x <= 1e6)
                opt.speed = x;
            else
                return fail("--speed: expected a positive number or \"max\", got \"%s\"",
                            v ? v : "");
        } else if (a[0] == '-') {
            return fail("unknown option \"%s\"", a);
        } else {
            return fail("%s: reading manifests is not built yet; run without files for the "
                        "built-in demo",
                        a);
        }
    }
    return demo_run(&opt, stdout);
}
