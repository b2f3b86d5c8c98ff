#include "app/kube.h"

#include "app/build.h"
#include "app/cli.h"
#include "app/console.h"
#include "app/headless.h"
#include "k8s/source_kube.h"
#include "k8s/kube_client.h"
#include "engine/goparse.h"
#include "k8s/kubeconfig.h"
#include "k8s/scrape_proxy.h"
#include "k8s/steer.h"
#include "k8s/watch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int kube_flag(int argc, char **argv, int *i, struct kube_flags *f, const char *p) {
    const char *a = argv[*i];
    if (strcmp(a, "--kube") == 0) {
        f->kube = true;
        return 1;
    }
    if (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0) {
        f->all_namespaces = f->kube = true;
        return 1;
    }
    if (strncmp(a, "--exporter", 10) == 0 && (a[10] == '\0' || a[10] == '=')) {
        const char *v = a[10] == '=' ? a + 11 : *i + 1 < argc ? argv[++*i] : NULL;
        char svc[SVC_NAME_MAX], msg[200];
        struct scrape_spec sp;
        if (!v || !exporter_flag_parse(v, svc, &sp, msg, sizeof(msg))) {
            cli_fail(p, "--exporter: %s", v ? msg : "expected SVC=KIND[:PORT][/PATH]");
            return -1;
        }
        if (f->n_exporters == MAX_EXPORTER_FLAGS) {
            cli_fail(p, "--exporter: at most %d of them (use '*' or NS/* for many services)",
                     MAX_EXPORTER_FLAGS);
            return -1;
        }
        f->exporters[f->n_exporters++] = v;
        f->kube = true;
        return 1;
    }
    if (strncmp(a, "--scrape-interval", 17) == 0 && (a[17] == '\0' || a[17] == '=')) {
        const char *v = a[17] == '=' ? a + 18 : *i + 1 < argc ? argv[++*i] : NULL;
        pp_time d = 0;
        char msg[200] = "expected a duration, e.g. 5s";
        if (!v || !goparse_duration_msg(v, &d, msg, sizeof(msg))) {
            cli_fail(p, "--scrape-interval: %s", msg);
            return -1;
        }
        if (d < PP_SEC(1) || d > PP_SEC(3600)) {
            cli_fail(p, "--scrape-interval: %s is outside 1s to 1h", v);
            return -1;
        }
        f->scrape_interval_s = (int)(d / PP_NS_PER_SEC);
        return 1;
    }
    if (strcmp(a, "--act") == 0) {
        f->act = f->kube = true;
        return 1;
    }
    if (strncmp(a, "--knative-version", 17) == 0 && (a[17] == '\0' || a[17] == '=')) {
        const char *v = a[17] == '=' ? a + 18 : *i + 1 < argc ? argv[++*i] : NULL;
        int major = 0, minor = -1;
        char end = 0;
        if (!v || sscanf(v[0] == 'v' ? v + 1 : v, "%d.%d%c", &major, &minor, &end) < 2 ||
            major != 1 || minor < 0 || (end && end != '.')) {
            cli_fail(p, "--knative-version: expected 1.N (Knative Serving's version, e.g. 1.21)");
            return -1;
        }
        f->knative_minor = minor + 1; /* 0: not given */
        f->kube = true;
        return 1;
    }
    if (strncmp(a, "--scrape-via", 12) == 0 && (a[12] == '\0' || a[12] == '=')) {
        const char *v = a[12] == '=' ? a + 13 : *i + 1 < argc ? argv[++*i] : NULL;
        if (!v || (strcmp(v, "direct") != 0 && strcmp(v, "proxy") != 0)) {
            cli_fail(p, "--scrape-via: direct (pod IPs, from inside the cluster) or proxy (the "
                        "API server's pod proxy)");
            return -1;
        }
        f->scrape_via = v;
        return 1;
    }
    static const char *const names[] = {"--kubeconfig", "--context", "--namespace", "-n"};
    const char **slots[] = {&f->kubeconfig, &f->context, &f->namespace_, &f->namespace_};
    for (size_t k = 0; k < 4; k++) {
        const size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n) != 0 || (a[n] != '\0' && a[n] != '='))
            continue;
        const char *v = a[n] == '=' ? a + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
        if (!v || !v[0]) {
            cli_fail(p, "%s needs a value", names[k]);
            return -1;
        }
        *slots[k] = v;
        f->kube = true;
        return 1;
    }
    return 0;
}

/* What podpilot reads from a cluster, as a manifest reader reads files. */
static const struct {
    const char *group_version, *resource;
} resources[] = {
    {"apps/v1", "deployments"},
    {"serving.kserve.io/v1beta1", "inferenceservices"},
    {"serving.knative.dev/v1", "services"},
    {"autoscaling.internal.knative.dev/v1alpha1", "podautoscalers"},
    {"mlops.seldon.io/v1alpha1", "models"},
    {"keda.sh/v1alpha1", "scaledobjects"},
    {"autoscaling/v2", "horizontalpodautoscalers"},
    {"autoscaling.alibabacloud.com/v1beta1", "cronhorizontalpodautoscalers"},
};

/* An API list as kubectl get -o json prints it: kind List, each item with
 * its kind and apiVersion (the apiserver leaves them out of typed lists). */
static void as_list(cJSON *page, cJSON *items) {
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(page, "kind"));
    const char *api = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(page, "apiVersion"));
    char item_kind[128] = "";
    if (kind && strlen(kind) > 4 && strcmp(kind + strlen(kind) - 4, "List") == 0)
        snprintf(item_kind, sizeof(item_kind), "%.*s", (int)strlen(kind) - 4, kind);
    cJSON *it;
    cJSON *arr = cJSON_DetachItemFromObjectCaseSensitive(page, "items");
    cJSON_ArrayForEach(it, arr) {
        if (!cJSON_GetObjectItemCaseSensitive(it, "kind"))
            cJSON_AddStringToObject(it, "kind", item_kind);
        if (!cJSON_GetObjectItemCaseSensitive(it, "apiVersion"))
            cJSON_AddStringToObject(it, "apiVersion", api ? api : "");
    }
    while (arr && cJSON_GetArraySize(arr) > 0)
        cJSON_AddItemToArray(items, cJSON_DetachItemFromArray(arr, 0));
    cJSON_Delete(arr);
}

/* Every page of one resource (limit 500, continue), into items. */
static enum pp_status list_all(struct kube_client *k, const char *base, cJSON *items, long *status,
                               struct pp_error *err) {
    struct buf body = {0};
    char cont[4096] = "", path[8192];
    enum pp_status st = PP_OK;
    bool restarted = false;
    for (int pages = 0; st == PP_OK && pages < 10000; pages++) {
        char *esc = cont[0] ? kube_escape(cont) : NULL;
        snprintf(path, sizeof(path), "%s?limit=500%s%s", base, esc ? "&continue=" : "",
                 esc ? esc : "");
        free(esc);
        if ((st = kube_get(k, path, &body, status, err)) != PP_OK) {
            if (*status == 410 && cont[0] && !restarted) { /* the continue token expired */
                restarted = true;
                cont[0] = '\0';
                while (cJSON_GetArraySize(items) > 0) /* the pages so far are stale */
                    cJSON_DeleteItemFromArray(items, 0);
                st = PP_OK;
                continue;
            }
            break;
        }
        cJSON *page = cJSON_Parse(body.p);
        if (!page) {
            st = pp_fail(err, PP_ERR_PARSE, "kube", "GET %s: the answer is not JSON", path);
            break;
        }
        const char *next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(page, "metadata"), "continue"));
        snprintf(cont, sizeof(cont), "%s", next ? next : "");
        as_list(page, items);
        cJSON_Delete(page);
        if (!cont[0])
            break;
    }
    buf_free(&body);
    return st;
}

static void resource_path(const struct kube_flags *f, const struct kube_config *c, size_t i,
                          char *out, size_t size) {
    const char *gv = resources[i].group_version;
    const char *root = strchr(gv, '/') ? "apis" : "api";
    if (f->all_namespaces)
        snprintf(out, size, "/%s/%s/%s", root, gv, resources[i].resource);
    else
        snprintf(out, size, "/%s/%s/namespaces/%s/%s", root, gv, c->namespace_,
                 resources[i].resource);
}

static void say(const struct pp_error *err) {
    char msg[1200];
    pp_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "podpilot: %s\n", msg);
}

struct kube_client *kube_open_cluster(const struct kube_flags *f, struct kube_config *c) {
    struct kube_config_args a = {0};
    kube_config_args_from_env(&a);
    a.kubeconfig = f->kubeconfig;
    a.context = f->context;
    a.namespace_ = f->namespace_;
    struct pp_error err = {0};
    if (kube_config_load(&a, c, &err) != PP_OK) {
        say(&err);
        return NULL;
    }
    struct kube_client *k = kube_client_create(c, &err);
    if (!k) {
        say(&err);
        kube_config_fini(c);
    }
    return k;
}

static void add_list(struct sources *src, const struct kube_config *c, size_t i, const char *text) {
    char name[512];
    snprintf(name, sizeof(name), "cluster %s: %s.%s", c->context, resources[i].resource,
             resources[i].group_version);
    sources_add_text(src, name, text, strlen(text));
}

int kube_add_sources(const struct kube_flags *f, struct sources *src) {
    struct kube_config c;
    struct kube_client *k = kube_open_cluster(f, &c);
    if (!k)
        return 1;
    struct pp_error err = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(resources) / sizeof(resources[0]); i++) {
        char base[1024];
        resource_path(f, &c, i, base, sizeof(base));
        cJSON *list = cJSON_CreateObject();
        cJSON_AddStringToObject(list, "apiVersion", "v1");
        cJSON_AddStringToObject(list, "kind", "List");
        cJSON *items = cJSON_AddArrayToObject(list, "items");
        long status = 0;
        if (list_all(k, base, items, &status, &err) != PP_OK) {
            if (status == 404) { /* not served here: no KServe, no KEDA */
                fprintf(stderr, "podpilot: note: cluster \"%s\" does not serve %s (%s); skipped\n",
                        c.cluster, resources[i].resource, resources[i].group_version);
            } else {
                say(&err);
                rc = 1;
            }
        } else if (cJSON_GetArraySize(items) > 0) {
            char *text = cJSON_Print(list);
            add_list(src, &c, i, text);
            free(text);
        }
        cJSON_Delete(list);
    }
    kube_client_destroy(k);
    kube_config_fini(&c);
    return rc;
}

/* ---- watching ---- */

#define N_RESOURCES (sizeof(resources) / sizeof(resources[0]))

/* Shadow mode also watches the pods and polls metrics.k8s.io (which
 * cannot be watched) every 15 s, as the HPA controller reads it. */
enum { PODS = N_RESOURCES, POD_METRICS, N_LIVE };

struct kube_live {
    struct kube_config c;
    struct kube_client *k;
    struct kube_watcher *w;
    uint64_t seen[N_RESOURCES];
    /* shadow mode: the custom and external metrics the HPAs read, polled
     * by a second watcher on a client of its own */
    struct kube_client *mk;
    struct source_kube_metrics cm;
    /* shadow mode's KPA services: their pods' stats, scraped through the
     * pod proxy on a third client */
    struct kube_client *sk;
    struct stat_scraper *scraper;
    /* --prometheus: GPU services' utilization, from dcgm-exporter's series */
    struct gpu_poll *gpu;
    /* --exporter: the services' own exporters (a client of its own when
     * through the pod proxy, owned by the scraper's transport) */
    struct scraper *exporters;
    struct scrape_spec *ex_specs;
    /* --act: the overrides' writer, on a client of its own */
    struct kube_client *wk;
    struct steer *steer;
};

static struct kube_live *live_open(const struct kube_flags *f, int sync_timeout_s, bool shadow) {
    struct kube_live *l = xcalloc(1, sizeof(*l));
    if (!(l->k = kube_open_cluster(f, &l->c))) {
        free(l);
        return NULL;
    }
    char paths[N_LIVE][1024];
    const char *ps[N_LIVE];
    int poll[N_LIVE] = {0};
    for (size_t i = 0; i < N_RESOURCES; i++)
        resource_path(f, &l->c, i, paths[i], sizeof(paths[i]));
    const char *ns = f->all_namespaces ? NULL : l->c.namespace_;
    snprintf(paths[PODS], sizeof(paths[PODS]), ns ? "/api/v1/namespaces/%s/pods" : "/api/v1/pods",
             ns);
    snprintf(paths[POD_METRICS], sizeof(paths[POD_METRICS]),
             ns ? "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods"
                : "/apis/metrics.k8s.io/v1beta1/pods",
             ns);
    poll[POD_METRICS] = 15;
    for (size_t i = 0; i < N_LIVE; i++)
        ps[i] = paths[i];
    struct pp_error err = {0};
    l->w = kube_watcher_start(l->k, ps, poll, shadow ? N_LIVE : N_RESOURCES, 300, &err);
    for (int t = 0; l->w && t < sync_timeout_s * 10 && !kube_watcher_synced(l->w); t++) {
        const struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (t == 50) /* a large cluster lists for a while: say so once */
            fprintf(stderr, "podpilot: cluster \"%s\": still listing (up to %d s)...\n",
                    l->c.cluster, sync_timeout_s);
    }
    if (!l->w || !kube_watcher_synced(l->w)) {
        struct kube_watch_stats st = {0};
        if (l->w)
            kube_watcher_stats(l->w, &st);
        fprintf(stderr, "podpilot: cluster \"%s\": not listed within %d s%s%s\n", l->c.cluster,
                sync_timeout_s, st.last_error[0] ? ": " : "", st.last_error);
        if (!l->w)
            say(&err);
        kube_live_close(l);
        return NULL;
    }
    return l;
}

struct kube_live *kube_live_open(const struct kube_flags *f, int sync_timeout_s) {
    return live_open(f, sync_timeout_s, false);
}

bool kube_live_changed(struct kube_live *l) {
    for (size_t i = 0; i < N_RESOURCES; i++) {
        size_t n;
        if (kube_watcher_version(l->w, i, &n) != l->seen[i])
            return true;
    }
    return false;
}

void kube_live_sources(struct kube_live *l, struct sources *src) {
    for (size_t i = 0; i < N_RESOURCES; i++) {
        bool synced;
        size_t n;
        kube_watcher_version(l->w, i, &n);
        char *text = kube_watcher_list(l->w, i, &l->seen[i], &synced);
        if (text && n > 0)
            add_list(src, &l->c, i, text);
        free(text);
    }
}

void kube_live_stats(struct kube_live *l, struct kube_watch_stats *out) {
    kube_watcher_stats(l->w, out);
}

void kube_live_close(struct kube_live *l) {
    if (!l)
        return;
    gpu_poll_stop(l->gpu);
    scraper_stop(l->exporters);
    free(l->ex_specs);
    stat_scraper_stop(l->scraper);
    kube_client_destroy(l->sk);
    kube_watcher_stop(l->cm.w);
    kube_client_destroy(l->mk);
    source_kube_metrics_fini(&l->cm);
    steer_stop(l->steer);
    kube_client_destroy(l->wk);
    kube_watcher_stop(l->w);
    kube_client_destroy(l->k);
    kube_config_fini(&l->c);
    free(l);
}

/* ---- shadow mode ---- */

static size_t resource_index(const char *resource) {
    for (size_t i = 0; i < N_RESOURCES; i++)
        if (strcmp(resources[i].resource, resource) == 0)
            return i;
    return 0;
}

static struct source_kube_index shadow_index(void) {
    return (struct source_kube_index){.deployments = resource_index("deployments"),
                                      .hpas = resource_index("horizontalpodautoscalers"),
                                      .pods = PODS,
                                      .pod_metrics = POD_METRICS,
                                      .podautoscalers = resource_index("podautoscalers")};
}

static struct source *open_shadow(struct svc_set *set, void *ctx, struct pp_error *err) {
    struct kube_live *l = ctx;
    const struct source_kube_index idx = shadow_index();
    const struct source_kube_feeds feeds = {&l->cm,       l->scraper,  l->gpu,
                                            l->exporters, l->ex_specs, l->steer};
    return source_kube_create(set, l->w, &idx, &feeds, err);
}

/* The HPAs' Pods, Object and External metrics, polled every 15 s from the
 * custom and external metrics APIs, as the controller reads them. */
static int watch_custom_metrics(struct kube_live *l, const struct svc_set *set) {
    const struct source_kube_index idx = shadow_index();
    source_kube_metric_paths(set, l->w, &idx, &l->cm);
    if (l->cm.n == 0)
        return 0;
    struct pp_error err = {0};
    int *poll = xcalloc(l->cm.n, sizeof(*poll));
    for (size_t i = 0; i < l->cm.n; i++)
        poll[i] = 15;
    if ((l->mk = kube_client_create(&l->c, &err)))
        l->cm.w =
            kube_watcher_start(l->mk, (const char *const *)l->cm.paths, poll, l->cm.n, 300, &err);
    free(poll);
    if (!l->cm.w) {
        say(&err);
        return 1;
    }
    for (int t = 0; t < 100 && !kube_watcher_synced(l->cm.w); t++) { /* 10 s at most */
        const struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Knative's own input for the KPA services: each ready pod's queue-proxy
 * report, scraped every second through the API server's pod proxy, at
 * most SCRAPE_BUDGET requests a second (load on the API server). */
#define SCRAPE_BUDGET 50

static int scrape_stats(struct kube_live *l, const struct svc_set *set) {
    size_t n_kpa = 0;
    for (size_t i = 0; i < set->n; i++)
        n_kpa += set->svcs[i].cls == SVC_KPA;
    if (n_kpa == 0)
        return 0;
    struct pp_error err = {0};
    if (!(l->sk = kube_client_create(&l->c, &err)) ||
        !(l->scraper = stat_scraper_start(l->sk, set->n, SCRAPE_BUDGET, &err))) {
        say(&err);
        return 1;
    }
    return 0;
}

/* --exporter: the services' own exporters, every --scrape-interval, at
 * most SCRAPE_BUDGET requests a second: to pod IPs from inside the
 * cluster, through the pod proxy from outside (or as --scrape-via says). */
static int scrape_exporters(struct kube_live *l, const struct kube_flags *f,
                            const struct svc_set *set) {
    if (f->n_exporters == 0)
        return 0;
    l->ex_specs = xcalloc(set->n ? set->n : 1, sizeof(*l->ex_specs));
    if (exporter_specs(f->exporters, f->n_exporters, f->scrape_interval_s, set, l->ex_specs) == 0)
        return 0;
    const bool direct = f->scrape_via ? strcmp(f->scrape_via, "direct") == 0 : l->c.in_cluster;
    struct pp_error err = {0};
    struct scrape_transport t = scrape_direct();
    if (!direct) {
        struct kube_client *xk = kube_client_create(&l->c, &err);
        if (!xk) {
            say(&err);
            return 1;
        }
        t = scrape_proxy(xk);
    }
    if (!(l->exporters = scraper_start(&t, l->ex_specs, set->n, SCRAPE_BUDGET, &err))) {
        say(&err);
        return 1;
    }
    return 0;
}

struct shadow_opener {
    struct svc_set *set;
    struct kube_live *l;
};

static struct source *open_runner_source(void *ctx, struct pp_error *err) {
    struct shadow_opener *o = ctx;
    return open_shadow(o->set, o->l, err);
}

static void close_runner_source(void *ctx, struct source *src) {
    (void)ctx;
    source_destroy(src);
}

/* Active mode's overrides still on the cluster, said as the session ends. */
static void say_left(struct steer *s) {
    const size_t left = steer_restore(s, false, stderr);
    if (left)
        fprintf(stderr,
                "podpilot: overrides left in place on %zu object%s (their podpilot.io/original "
                "annotations keep the values before): podpilot restore --kube puts them back\n",
                left, left == 1 ? "" : "s");
}

/* The console on the live cluster: the same views, a CLUSTER column. */
static int run_console(struct svc_set *set, struct kube_live *l, const struct headless_options *opt,
                       const cJSON *header, const struct console_options *base) {
    struct shadow_opener o = {set, l};
    const struct runner_source rs = {open_runner_source, close_runner_source, &o};
    struct console_options co = *base;
    co.speed = 1;
    co.duration_s = opt->duration_s;
    co.source = &rs;
    co.header = header;
    co.record_path = opt->record_path;
    co.live = true;
    co.active = l->steer != NULL;
    bool restore = false;
    co.restore_on_quit = l->steer ? &restore : NULL;
    int rc = console_run(set, &co);
    if (restore && steer_restore(l->steer, true, stderr) > 0)
        rc = rc ? rc : 1;
    else if (l->steer)
        say_left(l->steer);
    return rc;
}

/* --act: the writer, and what the cluster lets it do. */
static int start_steer(struct kube_live *l, const struct kube_flags *f, const struct svc_set *set) {
    if (!f->act)
        return 0;
    struct pp_error err = {0};
    const struct steer_options so = {.knative_minor = f->knative_minor - 1, .user = l->c.user};
    if (!(l->wk = kube_client_create(&l->c, &err)) ||
        !(l->steer = steer_start(l->wk, set, &so, &err))) {
        say(&err);
        return 1;
    }
    char missing[2048];
    if (steer_missing(l->steer, missing, sizeof(missing)) > 0)
        fprintf(stderr,
                "podpilot: active mode: permissions missing (overrides of those services "
                "are refused):\n%s",
                missing);
    return 0;
}

/* A live recording's header: the cluster's objects as the sources (replay
 * builds the same services from them), marked shadow. */
static cJSON *live_header(const struct sources *src, const struct svc_set *set,
                          const struct kube_live *l) {
    cJSON *h = build_header(src, set);
    cJSON_AddBoolToObject(h, "shadow", l->steer == NULL);
    if (l->steer)
        cJSON_AddTrueToObject(h, "active");
    cJSON_AddStringToObject(h, "context", l->c.context);
    return h;
}

int kube_run(const struct kube_flags *f, const struct headless_options *opt,
             const struct console_options *console) {
    struct kube_live *l = live_open(f, 120, true); /* 100,000 pods list in tens of seconds */
    if (!l)
        return 1;
    struct sources src = {0};
    kube_live_sources(l, &src);
    struct svc_set set;
    svc_set_init(&set);
    int rc = build_set(&src, false, &set, NULL);
    const size_t others = rc == 0 ? build_shadow(&set) : 0;
    if (rc == 0)
        rc = watch_custom_metrics(l, &set);
    if (rc == 0)
        rc = scrape_stats(l, &set);
    if (rc == 0)
        rc = scrape_exporters(l, f, &set);
    if (rc == 0)
        rc = start_steer(l, f, &set);
    if (rc == 0 && f->prometheus) {
        const struct promapi_options po = {.url = f->prometheus};
        struct pp_error err = {0};
        if (!(l->gpu = gpu_poll_start(&po, 5, &err))) {
            fprintf(stderr, "podpilot: %s\n", err.message);
            rc = 1;
        }
    }
    if (others)
        fprintf(
            stderr,
            "podpilot: note: shadow mode recomputes HPA, KEDA, KPA and CronHPA services; %zu other "
            "service%s shown as the cluster runs them\n",
            others, others == 1 ? " is" : "s are");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    set.start = (pp_time)ts.tv_sec * PP_NS_PER_SEC + ts.tv_nsec;
    struct headless_options o = *opt;
    o.speed = 1;                                                      /* the cluster's time */
    o.duration_s = opt->duration_s > 0 ? opt->duration_s : INT64_MAX; /* until interrupted */
    o.open_source = open_shadow;
    o.source_ctx = l;
    o.read_stdin = true; /* load and stop; overrides are refused, read-only */
    cJSON *header = rc == 0 && (opt->record_path || console) ? live_header(&src, &set, l) : NULL;
    o.header = header;
    if (rc == 0 && console) {
        rc = run_console(&set, l, opt, header, console);
    } else if (rc == 0) {
        if (l->steer)
            fprintf(stderr,
                    "podpilot: ACTIVE mode on cluster \"%s\" (%s): overrides are written to "
                    "the cluster through each autoscaler's own fields\n",
                    l->c.cluster, l->c.server);
        else
            fprintf(stderr,
                    "podpilot: shadow mode on cluster \"%s\" (%s): read-only, nothing is "
                    "written to the cluster\n",
                    l->c.cluster, l->c.server);
        headless_catch_signals();
        rc = headless_run(&set, &o, stdout);
    }
    if (l->steer && !console) /* headless cannot ask: the annotations keep what to put back */
        say_left(l->steer);
    cJSON_Delete(header);
    svc_set_fini(&set);
    sources_free(&src);
    kube_live_close(l);
    return rc;
}
