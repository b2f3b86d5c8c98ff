#include "app/services.h"

#include "app/build.h"
#include "app/cli.h"
#include "app/demo.h"
#include "app/kube.h"

#include "engine/record.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char prog[] = "podpilot services";

static const char usage[] =
    "usage: podpilot services [-o name] [FILE...]\n"
    "       podpilot services --kube [--context C] [--kubeconfig F] [-n NS | -A]\n"
    "                              [-o name] [-w]\n"
    "\n"
    "Lists the services FILE... make (the built-in demo's without files), one\n"
    "per line: NAMESPACE, NAME, CLASS, the InferenceService or Model it came\n"
    "from, and where it is declared. Every place a service is named (commands,\n"
    "--load, the Simulation document) takes NAME, NAMESPACE/NAME or the owner.\n"
    "\n"
    "With --kube the objects come from the cluster the kubeconfig names (see\n"
    "podpilot kubeconfig): Deployments, InferenceServices, Knative Services and\n"
    "PodAutoscalers, Seldon Models, KEDA ScaledObjects, HPAs and CronHPAs of the\n"
    "namespace (-A: all of them), listed 500 at a time, read by the same reader\n"
    "as files. A resource the cluster does not serve is skipped with a note.\n"
    "Nothing is written to the cluster.\n"
    "\n"
    "options:\n"
    "  -o name   namespace/name only, one per line (as kubectl's -o name)\n"
    "  --kube    read the cluster; --kubeconfig F, --context C, -n NS and -A as\n"
    "            kubectl takes them (any of them implies --kube)\n"
    "  -w        with --kube: list, then watch, a line per service ADDED,\n"
    "            MODIFIED or DELETED, until Ctrl-C (as kubectl get -w\n"
    "            --output-watch-events)\n"
    "  --help    this text\n"
    "\n"
    "Exit status: 0 done, 1 a file was refused, 2 a bad command line.\n";

/* -o VALUE, -oVALUE, -o=VALUE, --output VALUE, --output=VALUE; NULL when
 * a is not the flag. */
static const char *output_flag(int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
        return *i + 1 < argc ? argv[++*i] : "";
    if (strncmp(a, "--output=", 9) == 0)
        return a + 9;
    if (strncmp(a, "-o", 2) == 0)
        return a + 2 + (a[2] == '=');
    return NULL;
}

static void row(const struct svc_config *c, bool names_only, const char *event) {
    if (names_only)
        printf("%s%s%s/%s\n", event ? event : "", event ? " " : "", c->namespace_, c->name);
    else
        printf("%s%s%-20s %-40s %-5s %-24s %s\n", event ? event : "", event ? " " : "",
               c->namespace_, c->name, svc_class_label(c->cls), c->owner[0] ? c->owner : "-",
               c->origin);
}

static void header(bool names_only, bool events) {
    if (!names_only)
        printf("%s%-20s %-40s %-5s %-24s %s\n", events ? "EVENT    " : "", "NAMESPACE", "NAME",
               "CLASS", "OWNER", "FROM");
}

/* A service's settings without where it was read, to tell a change. */
static char *settings(const struct svc_set *set, size_t i) {
    cJSON *o = record_service_json(set, i);
    cJSON_DeleteItemFromObjectCaseSensitive(o, "origin");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static size_t find(const struct svc_set *set, const struct svc_config *c) {
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->svcs[i].name, c->name) == 0 &&
            strcmp(set->svcs[i].namespace_, c->namespace_) == 0)
            return i;
    return set->n;
}

/* What changed between two builds, as kubectl get -w --output-watch-events. */
static void diff(const struct svc_set *old, const struct svc_set *now, bool names_only) {
    for (size_t i = 0; i < now->n; i++) {
        const size_t j = find(old, &now->svcs[i]);
        if (j == old->n) {
            row(&now->svcs[i], names_only, "ADDED   ");
            continue;
        }
        char *a = settings(old, j), *b = settings(now, i);
        if (strcmp(a, b) != 0)
            row(&now->svcs[i], names_only, "MODIFIED");
        free(a);
        free(b);
    }
    for (size_t j = 0; j < old->n; j++)
        if (find(now, &old->svcs[j]) == now->n)
            row(&old->svcs[j], names_only, "DELETED ");
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

/* -w: the list, then a line per service that changes, until interrupted. */
static int watch(const struct kube_flags *kf, bool names_only) {
    struct kube_live *l = kube_live_open(kf, 30);
    if (!l)
        return 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct svc_set prev;
    svc_set_init(&prev);
    struct sources src = {0};
    kube_live_sources(l, &src);
    int rc = src.n ? build_set(&src, false, &prev, NULL) : 0;
    sources_free(&src);
    header(names_only, true);
    for (size_t i = 0; rc == 0 && i < prev.n; i++)
        row(&prev.svcs[i], names_only, "ADDED   ");
    fflush(stdout);
    while (rc == 0 && !interrupted) {
        const struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (!kube_live_changed(l))
            continue;
        struct svc_set now;
        svc_set_init(&now);
        struct sources s2 = {0};
        kube_live_sources(l, &s2);
        /* a change the reader refuses is said, and the last good list stays */
        if (s2.n == 0 || build_set(&s2, false, &now, NULL) == 0) {
            diff(&prev, &now, names_only);
            svc_set_fini(&prev);
            prev = now;
        } else {
            svc_set_fini(&now);
        }
        sources_free(&s2);
        fflush(stdout);
    }
    svc_set_fini(&prev);
    kube_live_close(l);
    return rc ? rc : interrupted ? 128 + interrupted : 0;
}

int services_main(int argc, char **argv) {
    bool names_only = false, watching = false;
    struct kube_flags kf = {0};
    int taken;
    struct sources src = {0};
    struct pp_error err = {0};
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            sources_free(&src);
            return 0;
        } else if ((v = output_flag(argc, argv, &i)) != NULL) {
            if (strcmp(v, "name") != 0)
                rc = cli_fail(prog, "-o: the only output is \"name\", got \"%s\"", v);
            names_only = true;
        } else if (strcmp(a, "-w") == 0 || strcmp(a, "--watch") == 0) {
            watching = true;
        } else if ((taken = kube_flag(argc, argv, &i, &kf, prog)) != 0) {
            rc = taken < 0 ? 2 : 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const known[] = {
                "-o",        "--output", "--help",      "--kube", "--kubeconfig",
                "--context", "-n",       "--namespace", "-A",     "--all-namespaces",
                "-w",        "--watch",  NULL};
            rc = cli_unknown(prog, a, known);
        } else if (sources_add_path(&src, a, true, &err) != PP_OK) {
            char msg[1200];
            pp_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "podpilot: %s\n", msg);
            rc = 1;
        }
    }
    if (rc == 0 && watching && (!kf.kube || src.n > 0))
        rc = cli_fail(prog, "-w watches a cluster: give --kube (and no files)");
    if (rc == 0 && watching) {
        sources_free(&src);
        return watch(&kf, names_only);
    }
    if (rc == 0 && kf.kube)
        rc = kube_add_sources(&kf, &src);
    else if (rc == 0 && src.n == 0)
        sources_add_text(&src, "(built-in demo)", demo_manifests, demo_manifests_len);
    struct svc_set set;
    svc_set_init(&set);
    if (rc == 0)
        rc = build_set(&src, false, &set, NULL);
    if (rc == 0)
        header(names_only, false);
    for (size_t i = 0; rc == 0 && i < set.n; i++)
        row(&set.svcs[i], names_only, NULL);
    svc_set_fini(&set);
    sources_free(&src);
    return rc;
}
