#include "app/restore_cmd.h"

#include "app/cli.h"
#include "app/kube.h"
#include "k8s/kubeconfig.h"
#include "k8s/lever.h"
#include "k8s/steer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const prog = "podpilot restore";

static const char usage[] =
    "usage: podpilot restore --kube [--kubeconfig FILE] [--context NAME] [-n NS | -A]\n"
    "                        [--dry-run]\n"
    "\n"
    "Puts back what `podpilot --kube --act` changed: every HorizontalPodAutoscaler,\n"
    "InferenceService, Knative Revision and PodAutoscaler, ScaledObject, Seldon\n"
    "Model and Deployment in the namespace (or all, -A) that carries a\n"
    "podpilot.io/original annotation gets the values it records, and loses the\n"
    "annotation: a dry run first, the object's resourceVersion as precondition\n"
    "(a conflict is read again and retried), fieldManager=podpilot, an Event\n"
    "on the object. One line per object.\n"
    "\n"
    "  --dry-run  say what would be written (the request bodies), write nothing\n"
    "\n"
    "Exit status: 0 every object restored (or none to restore), 1 one could not\n"
    "be (the line says why), 2 a bad command line.\n";

/* Restores the annotated objects of one kind; counts into ok and failed. */
static void restore_kind(struct kube_client *k, enum lever_kind kind, const char *ns, bool dry_run,
                         int *ok, int *failed) {
    struct lever_object o;
    lever_object_init(&o, kind, ns ? ns : "", "");
    const bool core = strchr(o.api, '/') == NULL;
    char path[512];
    if (ns)
        snprintf(path, sizeof(path), "/%s/%s/namespaces/%s/%s", core ? "api" : "apis", o.api, ns,
                 o.resource);
    else
        snprintf(path, sizeof(path), "/%s/%s/%s", core ? "api" : "apis", o.api, o.resource);
    struct buf b = {0};
    long status;
    struct pp_error err = {0};
    if (kube_get(k, path, &b, &status, &err) != PP_OK) {
        if (status != 404) { /* 404: the cluster does not serve it */
            fprintf(stderr, "podpilot: %s\n", err.message);
            ++*failed;
        }
        buf_free(&b);
        return;
    }
    cJSON *list = cJSON_Parse(b.p ? b.p : "");
    buf_free(&b);
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items")) {
        cJSON *orig = lever_originals(it);
        cJSON_Delete(orig);
        if (!orig)
            continue;
        const char *name = cJSON_GetStringValue(lever_at(it, "/metadata/name"));
        const char *ons = cJSON_GetStringValue(lever_at(it, "/metadata/namespace"));
        lever_object_init(&o, kind, ons ? ons : "", name ? name : "");
        if (dry_run) {
            struct lever_plan p;
            if (lever_plan_restore_all(&o, it, &p, &err)) {
                const char *ctype;
                char *body = lever_render(&p, it, &ctype);
                printf("would restore %s %s/%s: PATCH (%s) %s%s\n", o.label, o.ns, o.name, ctype,
                       body, p.scale ? ", then PUT /scale" : "");
                free(body);
                lever_plan_fini(&p);
            }
            ++*ok;
            continue;
        }
        struct steer_result r = {0};
        const struct command none = {.kind = CMD_UNPIN};
        const struct steer_options so = {.knative_minor = -1};
        if (steer_write(k, &o, &none, true, 0, &so, &r) == PP_OK) {
            printf("%s\n", r.message);
            ++*ok;
        } else {
            printf("not restored: %s\n", r.message);
            ++*failed;
        }
    }
    cJSON_Delete(list);
}

int restore_main(int argc, char **argv) {
    struct kube_flags f = {0};
    bool dry_run = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--dry-run") == 0) {
            dry_run = true;
            continue;
        }
        const int taken = kube_flag(argc, argv, &i, &f, prog);
        if (taken < 0)
            return 2;
        if (taken == 0 || f.act || f.n_exporters || f.knative_minor) {
            static const char *const known[] = {"--kube",      "--kubeconfig", "--context",
                                                "--namespace", "-n",           "-A",
                                                "--dry-run",   "--help",       NULL};
            return cli_unknown(prog, argv[i], known);
        }
    }
    if (!f.kube)
        return cli_fail(prog, "restore works on a cluster: give --kube (or --kubeconfig, "
                              "--context, -n)");
    struct kube_config c;
    struct kube_client *k = kube_open_cluster(&f, &c);
    if (!k)
        return 1;
    int ok = 0, failed = 0;
    const char *ns = f.all_namespaces ? NULL : c.namespace_;
    for (int kind = 0; kind < LEVER_KINDS; kind++)
        restore_kind(k, (enum lever_kind)kind, ns, dry_run, &ok, &failed);
    if (ok == 0 && failed == 0)
        printf("nothing to restore: no object in %s%s%s carries %s\n", ns ? "namespace " : "",
               ns ? ns : "any namespace", "", LEVER_ORIGINAL);
    kube_client_destroy(k);
    kube_config_fini(&c);
    return failed ? 1 : 0;
}
