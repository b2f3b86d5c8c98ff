#include "app/services.h"

#include "app/build.h"
#include "app/cli.h"
#include "app/demo.h"
#include "app/kube.h"

#include <stdio.h>
#include <string.h>

static const char prog[] = "podpilot services";

static const char usage[] =
    "usage: podpilot services [-o name] [FILE...]\n"
    "       podpilot services --kube [--context C] [--kubeconfig F] [-n NS | -A] [-o name]\n"
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

int services_main(int argc, char **argv) {
    bool names_only = false;
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
        } else if ((taken = kube_flag(argc, argv, &i, &kf, prog)) != 0) {
            rc = taken < 0 ? 2 : 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const known[] = {
                "-o",           "--output",         "--help", "--kube",
                "--kubeconfig", "--context",        "-n",     "--namespace",
                "-A",           "--all-namespaces", NULL};
            rc = cli_unknown(prog, a, known);
        } else if (sources_add_path(&src, a, true, &err) != PP_OK) {
            char msg[1200];
            pp_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "podpilot: %s\n", msg);
            rc = 1;
        }
    }
    if (rc == 0 && kf.kube)
        rc = kube_add_sources(&kf, &src);
    else if (rc == 0 && src.n == 0)
        sources_add_text(&src, "(built-in demo)", demo_manifests, demo_manifests_len);
    struct svc_set set;
    svc_set_init(&set);
    if (rc == 0)
        rc = build_set(&src, false, &set, NULL);
    if (rc == 0 && !names_only)
        printf("%-20s %-40s %-5s %-24s %s\n", "NAMESPACE", "NAME", "CLASS", "OWNER", "FROM");
    for (size_t i = 0; rc == 0 && i < set.n; i++) {
        const struct svc_config *c = &set.svcs[i];
        if (names_only)
            printf("%s/%s\n", c->namespace_, c->name);
        else
            printf("%-20s %-40s %-5s %-24s %s\n", c->namespace_, c->name, svc_class_label(c->cls),
                   c->owner[0] ? c->owner : "-", c->origin);
    }
    svc_set_fini(&set);
    sources_free(&src);
    return rc;
}
