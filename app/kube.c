#include "app/kube.h"

#include "app/cli.h"
#include "k8s/kubeconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char prog[] = "podpilot kubeconfig";

static const char usage[] =
    "usage: podpilot kubeconfig [--kubeconfig FILE] [--context NAME] [-n NAMESPACE]\n"
    "\n"
    "Prints the cluster, user and namespace podpilot would use, resolved as\n"
    "kubectl resolves them: --kubeconfig alone, else every file in KUBECONFIG\n"
    "(the first to name a cluster, user or context wins it whole, current-context\n"
    "from the first that sets one, missing files skipped), else ~/.kube/config,\n"
    "else the in-cluster service account. Paths are relative to their file. The\n"
    "output is what `kubectl config view --minify -o json` prints for the same\n"
    "files: tokens and passwords REDACTED, certificate and key data DATA+OMITTED.\n"
    "\n"
    "options:\n"
    "  --kubeconfig FILE  this file only\n"
    "  --context NAME     this context instead of current-context\n"
    "  -n, --namespace NS this namespace instead of the context's\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 done, 1 the kubeconfig cannot be used (the message says why),\n"
    "2 a bad command line.\n";

static const char *value(int argc, char **argv, int *i, const char *name) {
    const size_t n = strlen(name);
    if (strcmp(argv[*i], name) == 0)
        return *i + 1 < argc ? argv[++*i] : NULL;
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    return NULL;
}

int kubeconfig_main(int argc, char **argv) {
    struct kube_config_args a = {0};
    kube_config_args_from_env(&a);
    for (int i = 2; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if ((v = value(argc, argv, &i, "--kubeconfig"))) {
            a.kubeconfig = v;
        } else if ((v = value(argc, argv, &i, "--context"))) {
            a.context = v;
        } else if ((v = value(argc, argv, &i, "--namespace")) ||
                   (v = value(argc, argv, &i, "-n"))) {
            a.namespace_ = v;
        } else {
            static const char *const known[] = {"--kubeconfig", "--context", "--namespace",
                                                "-n",           "--help",    NULL};
            return cli_unknown(prog, argv[i], known);
        }
    }
    struct kube_config c;
    struct pp_error err = {0};
    if (kube_config_load(&a, &c, &err) != PP_OK) {
        char msg[1200];
        pp_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "podpilot: %s\n", msg);
        return 1;
    }
    cJSON *view = kube_config_view(&c);
    char *text = cJSON_Print(view);
    puts(text);
    free(text);
    cJSON_Delete(view);
    kube_config_fini(&c);
    return 0;
}
