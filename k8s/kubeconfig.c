#include "k8s/kubeconfig.h"

#include "k8s/manifest.h"
#include "k8s/yamldoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 16
#define MAX_FILE_BYTES (16u << 20)

struct kfile {
    char *path, *dir;
    char *text;
    struct ydoc yd;
    bool parsed;
};

struct loader {
    struct kfile files[MAX_FILES];
    size_t n;
    struct pp_error *err;
};

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static bool is_file(const char *path) {
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A file whole, as the manifest reader reads one; at most 16 MiB. */
static enum pp_status read_text(const char *path, char **text, size_t *len, struct pp_error *err) {
    struct pp_error e = {0};
    *text = manifest_read_file(path, len, &e);
    if (!*text)
        return pp_fail(err, PP_ERR_IO, "kubeconfig", "%s: %s", path, e.message);
    if (*len > MAX_FILE_BYTES) {
        free(*text);
        return pp_fail(err, PP_ERR_LIMIT, "kubeconfig", "%s: larger than 16 MiB", path);
    }
    return PP_OK;
}

static enum pp_status add_file(struct loader *l, const char *path) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->files[i].path, path) == 0)
            return PP_OK; /* deduplicated, as filepath.SplitList's users do */
    if (l->n == MAX_FILES)
        return pp_fail(l->err, PP_ERR_LIMIT, "KUBECONFIG", "at most %d files are read", MAX_FILES);
    struct kfile *f = &l->files[l->n];
    size_t len;
    if (read_text(path, &f->text, &len, l->err) != PP_OK)
        return PP_ERR_IO;
    f->path = xstrdup(path);
    const char *slash = strrchr(path, '/');
    f->dir = slash ? strndup(path, (size_t)(slash - path) + 1) : xstrdup("./");
    l->n++;
    f->yd.file = f->path;
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)f->text, len);
    const bool ok = yaml_parser_load(&p, &f->yd.y);
    enum pp_status st = PP_OK;
    if (!ok)
        st = ydoc_parse_error(l->err, f->path, &p);
    yaml_parser_delete(&p);
    if (!ok)
        return st;
    f->parsed = true;
    f->yd.root = yaml_document_get_root_node(&f->yd.y);
    if (f->yd.root && f->yd.root->type != YAML_MAPPING_NODE)
        return ydoc_fail(l->err, &f->yd, f->yd.root, "", "a kubeconfig is a mapping");
    return PP_OK;
}

/* --kubeconfig alone; else every KUBECONFIG entry that exists; else
 * ~/.kube/config if it does. */
static enum pp_status find_files(struct loader *l, const struct kube_config_args *a) {
    if (a->kubeconfig) {
        if (!is_file(a->kubeconfig))
            return pp_fail(l->err, PP_ERR_IO, "--kubeconfig", "stat %s: no such file",
                           a->kubeconfig);
        return add_file(l, a->kubeconfig);
    }
    if (a->env_kubeconfig && a->env_kubeconfig[0]) {
        char *list = xstrdup(a->env_kubeconfig), *save = NULL;
        enum pp_status st = PP_OK;
        for (char *p = strtok_r(list, ":", &save); p && st == PP_OK; p = strtok_r(NULL, ":", &save))
            if (is_file(p))
                st = add_file(l, p);
        free(list);
        return st;
    }
    if (a->home) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/.kube/config", a->home);
        if (is_file(path))
            return add_file(l, path);
    }
    return PP_OK;
}

/* The first file's entry `name` under `list` (contexts, clusters, users):
 * its inner map (context, cluster, user), and the file it came from. */
static const yaml_node_t *entry(const struct loader *l, const char *list, const char *inner,
                                const char *name, const struct kfile **from) {
    for (size_t i = 0; i < l->n; i++) {
        const struct kfile *f = &l->files[i];
        if (!f->parsed)
            continue;
        const yaml_node_t *seq = ydoc_get(&f->yd, f->yd.root, list);
        for (size_t k = 0; k < ydoc_seq_len(seq); k++) {
            const yaml_node_t *e = ydoc_seq_at(&f->yd, seq, k);
            const char *n = ydoc_scalar(ydoc_get(&f->yd, e, "name"));
            if (n && strcmp(n, name) == 0) {
                *from = f;
                const yaml_node_t *in = ydoc_get(&f->yd, e, inner);
                return in ? in : e;
            }
        }
    }
    return NULL;
}

static const char *str(const struct kfile *f, const yaml_node_t *map, const char *key) {
    const char *s = ydoc_scalar(ydoc_get(&f->yd, map, key));
    return s && s[0] ? s : NULL;
}

static bool flag(const struct kfile *f, const yaml_node_t *map, const char *key) {
    const char *s = str(f, map, key);
    return s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0);
}

/* A path next to the file it was written in (ResolveLocalPaths). */
static char *resolve_path(const struct kfile *f, const char *p) {
    if (!p)
        return NULL;
    if (p[0] == '/')
        return xstrdup(p);
    const size_t n = strlen(f->dir) + strlen(p) + 1;
    char *out = xmalloc(n);
    snprintf(out, n, "%s%s", f->dir, p);
    return out;
}

bool kube_base64_decode(const char *s, struct kube_blob *out) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const size_t n = strlen(s);
    unsigned char *p = xmalloc(n / 4 * 3 + 4);
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        if (c == '=' || c == '\n' || c == '\r' || c == ' ')
            continue;
        const char *at = strchr(alphabet, c);
        if (!at || !c) {
            free(p);
            return false;
        }
        acc = (acc << 6) | (uint32_t)(at - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            p[len++] = (unsigned char)(acc >> bits);
        }
    }
    out->p = p;
    out->len = len;
    return true;
}

static enum pp_status blob(struct loader *l, const struct kfile *f, const yaml_node_t *map,
                           const char *key, struct kube_blob *out) {
    const char *s = str(f, map, key);
    if (s && !kube_base64_decode(s, out))
        return ydoc_fail(l->err, &f->yd, ydoc_get(&f->yd, map, key), key, "illegal base64 data");
    return PP_OK;
}

static enum pp_status read_cluster(struct loader *l, struct kube_config *c) {
    const struct kfile *f = NULL;
    const yaml_node_t *m = entry(l, "clusters", "cluster", c->cluster, &f);
    if (!m)
        return pp_fail(l->err, PP_ERR_INVALID, "cluster",
                       "context \"%s\" names cluster \"%s\", which no kubeconfig file defines",
                       c->context, c->cluster);
    c->server = dup_or_null(str(f, m, "server"));
    if (!c->server)
        return ydoc_fail(l->err, &f->yd, m, "server", "no server found for cluster \"%s\"",
                         c->cluster);
    c->raw_ca_file = dup_or_null(str(f, m, "certificate-authority"));
    c->ca_file = resolve_path(f, c->raw_ca_file);
    if (blob(l, f, m, "certificate-authority-data", &c->ca) != PP_OK)
        return PP_ERR_INVALID;
    if (c->ca_file && c->ca.p)
        return ydoc_fail(l->err, &f->yd, m, "certificate-authority",
                         "certificate-authority-data and certificate-authority are both "
                         "specified for %s. certificate-authority-data will override.",
                         c->cluster);
    c->insecure = flag(f, m, "insecure-skip-tls-verify");
    c->tls_server_name = dup_or_null(str(f, m, "tls-server-name"));
    c->disable_compression = flag(f, m, "disable-compression");
    const char *proxy = str(f, m, "proxy-url");
    if (proxy && strncmp(proxy, "http://", 7) != 0 && strncmp(proxy, "https://", 8) != 0 &&
        strncmp(proxy, "socks5://", 9) != 0)
        return ydoc_fail(l->err, &f->yd, ydoc_get(&f->yd, m, "proxy-url"), "proxy-url",
                         "invalid 'proxy-url' \"%s\" for cluster \"%s\": the scheme must be "
                         "http, https or socks5",
                         proxy, c->cluster);
    c->proxy_url = dup_or_null(proxy);
    return PP_OK;
}

static enum pp_status read_exec(struct loader *l, const struct kfile *f, const yaml_node_t *e,
                                struct kube_config *c) {
    struct kube_exec *x = &c->exec;
    c->has_exec = true;
    x->api_version = dup_or_null(str(f, e, "apiVersion"));
    c->raw_command = dup_or_null(str(f, e, "command"));
    if (!c->raw_command)
        return ydoc_fail(l->err, &f->yd, e, "exec.command",
                         "command must be specified for %s to use exec authentication plugin",
                         c->user);
    x->command =
        strchr(c->raw_command, '/') ? resolve_path(f, c->raw_command) : xstrdup(c->raw_command);
    if (!x->api_version)
        return ydoc_fail(l->err, &f->yd, e, "exec.apiVersion",
                         "apiVersion must be specified for %s to use exec authentication plugin",
                         c->user);
    if (strcmp(x->api_version, "client.authentication.k8s.io/v1") != 0 &&
        strcmp(x->api_version, "client.authentication.k8s.io/v1beta1") != 0)
        return ydoc_fail(l->err, &f->yd, ydoc_get(&f->yd, e, "apiVersion"), "exec.apiVersion",
                         "exec plugin: invalid apiVersion \"%s\"", x->api_version);
    const yaml_node_t *args = ydoc_get(&f->yd, e, "args");
    for (size_t i = 0; i < ydoc_seq_len(args) && x->n_args < KUBE_MAX_ARGS; i++) {
        const char *v = ydoc_scalar(ydoc_seq_at(&f->yd, args, i));
        x->args[x->n_args++] = xstrdup(v ? v : "");
    }
    const yaml_node_t *env = ydoc_get(&f->yd, e, "env");
    for (size_t i = 0; i < ydoc_seq_len(env) && x->n_env < KUBE_MAX_ARGS; i++) {
        const yaml_node_t *v = ydoc_seq_at(&f->yd, env, i);
        const char *name = str(f, v, "name"), *value = ydoc_scalar(ydoc_get(&f->yd, v, "value"));
        x->env_names[x->n_env] = xstrdup(name ? name : "");
        x->env_values[x->n_env++] = xstrdup(value ? value : "");
    }
    x->install_hint = dup_or_null(str(f, e, "installHint"));
    x->provide_cluster_info = flag(f, e, "provideClusterInfo");
    const char *mode = str(f, e, "interactiveMode");
    x->interactive_set = mode != NULL;
    if (!mode && strstr(x->api_version, "/v1beta1") == NULL)
        return ydoc_fail(l->err, &f->yd, e, "exec.interactiveMode",
                         "interactiveMode must be specified for %s to use exec authentication "
                         "plugin",
                         c->user);
    if (!mode || strcmp(mode, "IfAvailable") == 0)
        x->interactive = KUBE_IA_IF_AVAILABLE;
    else if (strcmp(mode, "Never") == 0)
        x->interactive = KUBE_IA_NEVER;
    else if (strcmp(mode, "Always") == 0)
        x->interactive = KUBE_IA_ALWAYS;
    else
        return ydoc_fail(l->err, &f->yd, ydoc_get(&f->yd, e, "interactiveMode"),
                         "exec.interactiveMode", "invalid interactiveMode for %s: \"%s\"", c->user,
                         mode);
    return PP_OK;
}

static enum pp_status client_cert(struct loader *l, const struct kfile *f, const yaml_node_t *m,
                                  struct kube_config *c) {
    c->raw_cert_file = dup_or_null(str(f, m, "client-certificate"));
    c->raw_key_file = dup_or_null(str(f, m, "client-key"));
    c->cert_file = resolve_path(f, c->raw_cert_file);
    c->key_file = resolve_path(f, c->raw_key_file);
    if (blob(l, f, m, "client-certificate-data", &c->cert) != PP_OK ||
        blob(l, f, m, "client-key-data", &c->key) != PP_OK)
        return PP_ERR_INVALID;
    if (c->cert_file && c->cert.p)
        return ydoc_fail(l->err, &f->yd, m, "client-certificate",
                         "client-cert-data and client-cert are both specified for %s. "
                         "client-cert-data will override.",
                         c->user);
    if (c->key_file && c->key.p)
        return ydoc_fail(l->err, &f->yd, m, "client-key",
                         "client-key-data and client-key are both specified for %s; "
                         "client-key-data will override",
                         c->user);
    if ((c->cert_file || c->cert.p) && !c->key_file && !c->key.p)
        return ydoc_fail(l->err, &f->yd, m, "client-key",
                         "client-key-data or client-key must be specified for %s to use the "
                         "clientCert authentication method.",
                         c->user);
    return PP_OK;
}

static enum pp_status read_user(struct loader *l, struct kube_config *c) {
    const struct kfile *f = NULL;
    const yaml_node_t *m = c->user ? entry(l, "users", "user", c->user, &f) : NULL;
    if (!m)
        return PP_OK; /* no user: anonymous, as client-go allows */
    const yaml_node_t *ap = ydoc_get(&f->yd, m, "auth-provider");
    const char *provider = str(f, ap, "name");
    if (provider && (strcmp(provider, "gcp") == 0 || strcmp(provider, "azure") == 0))
        return ydoc_fail(l->err, &f->yd, ap, "auth-provider",
                         "The %s auth plugin has been removed. Please use the \"%s\" kubectl/"
                         "client-go credential plugin instead.",
                         provider, provider[0] == 'g' ? "gke-gcloud-auth-plugin" : "kubelogin");
    c->token = dup_or_null(str(f, m, "token"));
    if (!c->token && provider && strcmp(provider, "oidc") == 0) /* its id-token is a bearer */
        c->token = dup_or_null(str(f, ydoc_get(&f->yd, ap, "config"), "id-token"));
    c->raw_token_file = dup_or_null(str(f, m, "tokenFile"));
    c->token_file = resolve_path(f, c->raw_token_file);
    c->username = dup_or_null(str(f, m, "username"));
    c->password = dup_or_null(str(f, m, "password"));
    c->impersonate = dup_or_null(str(f, m, "as"));
    if ((c->token || c->token_file) && (c->username || c->password))
        return ydoc_fail(l->err, &f->yd, m, "user",
                         "more than one authentication method found for %s; found [token "
                         "basicAuth], only one is allowed",
                         c->user);
    if (client_cert(l, f, m, c) != PP_OK)
        return PP_ERR_INVALID;
    const yaml_node_t *e = ydoc_get(&f->yd, m, "exec");
    return e ? read_exec(l, f, e, c) : PP_OK;
}

static bool has_credentials(const struct kube_config *c) {
    return c->token || c->token_file || c->username || c->password || c->has_exec || c->cert_file ||
           c->cert.p;
}

void kube_config_args_from_env(struct kube_config_args *a) {
    a->env_kubeconfig = getenv("KUBECONFIG");
    a->home = getenv("HOME");
    a->service_host = getenv("KUBERNETES_SERVICE_HOST");
    a->service_port = getenv("KUBERNETES_SERVICE_PORT");
    a->sa_dir = getenv("PODPILOT_SA_DIR");
    if (!a->sa_dir)
        a->sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    a->pod_namespace = getenv("POD_NAMESPACE");
}

/* InClusterConfig: possible iff the service's host and port are set and
 * the service-account token is a file. */
static bool in_cluster_possible(const struct kube_config_args *a, char *token, size_t size) {
    if (!a->service_host || !a->service_port || !a->service_host[0] || !a->sa_dir)
        return false;
    snprintf(token, size, "%s/token", a->sa_dir);
    return is_file(token);
}

static enum pp_status in_cluster(const struct kube_config_args *a, const char *token,
                                 struct kube_config *c) {
    const bool v6 = strchr(a->service_host, ':') != NULL;
    char url[512], path[4096];
    snprintf(url, sizeof(url), v6 ? "https://[%s]:%s" : "https://%s:%s", a->service_host,
             a->service_port);
    c->in_cluster = true;
    c->context = xstrdup("in-cluster");
    c->cluster = xstrdup("in-cluster");
    c->user = xstrdup("in-cluster");
    c->server = xstrdup(url);
    c->token_file = xstrdup(token);
    c->raw_token_file = xstrdup(token);
    snprintf(path, sizeof(path), "%s/ca.crt", a->sa_dir);
    if (is_file(path))
        c->ca_file = xstrdup(path), c->raw_ca_file = xstrdup(path);
    const char *ns = a->namespace_ ? a->namespace_ : a->pod_namespace;
    char *text = NULL;
    size_t len;
    snprintf(path, sizeof(path), "%s/namespace", a->sa_dir);
    if (!ns && is_file(path) && read_text(path, &text, &len, NULL) == PP_OK) {
        while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
            text[--len] = '\0';
        ns = text;
    }
    c->namespace_ = xstrdup(ns && ns[0] ? ns : "default");
    c->namespace_set = ns && ns[0];
    free(text);
    return PP_OK;
}

static void loader_fini(struct loader *l) {
    for (size_t i = 0; i < l->n; i++) {
        if (l->files[i].parsed)
            yaml_document_delete(&l->files[i].yd.y);
        free(l->files[i].path);
        free(l->files[i].dir);
        free(l->files[i].text);
    }
}

static const char *current_context(const struct loader *l) {
    for (size_t i = 0; i < l->n; i++) {
        const struct kfile *f = &l->files[i];
        const char *cc = f->parsed ? str(f, f->yd.root, "current-context") : NULL;
        if (cc)
            return cc;
    }
    return NULL;
}

static enum pp_status resolve(struct loader *l, const struct kube_config_args *a,
                              struct kube_config *c) {
    const char *name = a->context ? a->context : current_context(l);
    char token[4096];
    if (!name && !a->kubeconfig && in_cluster_possible(a, token, sizeof(token)))
        return in_cluster(a, token, c);
    if (!name)
        return pp_fail(l->err, PP_ERR_INVALID, "context",
                       l->n ? "current-context is not set; pass --context"
                            : "no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) "
                              "and not running in a cluster");
    const struct kfile *f = NULL;
    const yaml_node_t *ctx = entry(l, "contexts", "context", name, &f);
    if (!ctx)
        return pp_fail(l->err, PP_ERR_INVALID, "context", "context \"%s\" does not exist", name);
    c->context = xstrdup(name);
    c->cluster = dup_or_null(str(f, ctx, "cluster"));
    c->user = dup_or_null(str(f, ctx, "user"));
    const char *ns = a->namespace_ ? a->namespace_ : str(f, ctx, "namespace");
    c->namespace_set = ns != NULL;
    c->namespace_ = xstrdup(ns ? ns : "default");
    if (!c->cluster)
        return ydoc_fail(l->err, &f->yd, ctx, "cluster", "context \"%s\" names no cluster", name);
    if (read_cluster(l, c) != PP_OK || read_user(l, c) != PP_OK)
        return PP_ERR_INVALID;
    if (strncmp(c->server, "https://", 8) != 0 && has_credentials(c))
        return pp_fail(l->err, PP_ERR_INVALID, "server",
                       "cluster \"%s\" is %s: credentials are sent only over https (kubectl does "
                       "not send them over http either)",
                       c->cluster, c->server);
    return PP_OK;
}

enum pp_status kube_config_load(const struct kube_config_args *a, struct kube_config *out,
                                struct pp_error *err) {
    *out = (struct kube_config){0};
    struct loader l = {.err = err};
    enum pp_status st = find_files(&l, a);
    if (st == PP_OK)
        st = resolve(&l, a, out);
    loader_fini(&l);
    if (st != PP_OK)
        kube_config_fini(out);
    return st;
}

void kube_config_fini(struct kube_config *c) {
    char **strs[] = {&c->context,          &c->cluster,          &c->user,
                     &c->namespace_,       &c->server,           &c->ca_file,
                     &c->tls_server_name,  &c->proxy_url,        &c->token,
                     &c->token_file,       &c->cert_file,        &c->key_file,
                     &c->username,         &c->password,         &c->impersonate,
                     &c->raw_ca_file,      &c->raw_cert_file,    &c->raw_key_file,
                     &c->raw_token_file,   &c->raw_command,      &c->exec.command,
                     &c->exec.api_version, &c->exec.install_hint};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (*strs[i] && (strs[i] == &c->token || strs[i] == &c->password))
            memset(*strs[i], 0, strlen(*strs[i])); /* secrets do not outlive their use */
        free(*strs[i]);
    }
    for (size_t i = 0; i < c->exec.n_args; i++)
        free(c->exec.args[i]);
    for (size_t i = 0; i < c->exec.n_env; i++) {
        free(c->exec.env_names[i]);
        free(c->exec.env_values[i]);
    }
    struct kube_blob *blobs[] = {&c->ca, &c->cert, &c->key};
    for (size_t i = 0; i < 3; i++) {
        if (blobs[i]->p)
            memset(blobs[i]->p, 0, blobs[i]->len);
        free(blobs[i]->p);
    }
    *c = (struct kube_config){0};
}

/* ---- the view ---- */

static void put(cJSON *o, const char *key, const char *v) {
    if (v)
        cJSON_AddStringToObject(o, key, v);
}

static cJSON *exec_view(const struct kube_exec *x, const char *command) {
    cJSON *e = cJSON_CreateObject();
    put(e, "command", command ? command : "");
    if (x->n_args) {
        cJSON *args = cJSON_AddArrayToObject(e, "args");
        for (size_t i = 0; i < x->n_args; i++)
            cJSON_AddItemToArray(args, cJSON_CreateString(x->args[i]));
    }
    if (x->n_env) {
        cJSON *env = cJSON_AddArrayToObject(e, "env");
        for (size_t i = 0; i < x->n_env; i++) {
            cJSON *v = cJSON_CreateObject();
            put(v, "name", x->env_names[i]);
            put(v, "value", x->env_values[i]);
            cJSON_AddItemToArray(env, v);
        }
    }
    put(e, "apiVersion", x->api_version);
    put(e, "installHint", x->install_hint);
    cJSON_AddBoolToObject(e, "provideClusterInfo", x->provide_cluster_info);
    static const char *const modes[] = {"IfAvailable", "Never", "Always"};
    if (x->interactive_set)
        put(e, "interactiveMode", modes[x->interactive]);
    return e;
}

cJSON *kube_config_view(const struct kube_config *c) {
    cJSON *v = cJSON_CreateObject();
    put(v, "kind", "Config");
    put(v, "apiVersion", "v1");
    cJSON_AddObjectToObject(v, "preferences");
    cJSON *cl = cJSON_CreateObject();
    put(cl, "server", c->server);
    if (c->insecure)
        cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", true);
    put(cl, "tls-server-name", c->tls_server_name);
    put(cl, "certificate-authority", c->raw_ca_file);
    if (c->ca.p)
        put(cl, "certificate-authority-data", "DATA+OMITTED");
    put(cl, "proxy-url", c->proxy_url);
    if (c->disable_compression)
        cJSON_AddBoolToObject(cl, "disable-compression", true);
    cJSON *clusters = cJSON_AddArrayToObject(v, "clusters");
    cJSON *ce = cJSON_CreateObject();
    put(ce, "name", c->cluster);
    cJSON_AddItemToObject(ce, "cluster", cl);
    cJSON_AddItemToArray(clusters, ce);
    cJSON *users = cJSON_AddArrayToObject(v, "users");
    if (c->user) {
        cJSON *u = cJSON_CreateObject();
        put(u, "client-certificate", c->raw_cert_file);
        if (c->cert.p)
            put(u, "client-certificate-data", "DATA+OMITTED");
        put(u, "client-key", c->raw_key_file);
        if (c->key.p)
            put(u, "client-key-data", "DATA+OMITTED");
        if (c->token)
            put(u, "token", "REDACTED");
        put(u, "tokenFile", c->raw_token_file);
        put(u, "as", c->impersonate);
        put(u, "username", c->username);
        if (c->password)
            put(u, "password", "REDACTED");
        if (c->has_exec)
            cJSON_AddItemToObject(u, "exec", exec_view(&c->exec, c->raw_command));
        cJSON *ue = cJSON_CreateObject();
        put(ue, "name", c->user);
        cJSON_AddItemToObject(ue, "user", u);
        cJSON_AddItemToArray(users, ue);
    }
    cJSON *contexts = cJSON_AddArrayToObject(v, "contexts");
    cJSON *cx = cJSON_CreateObject(), *ctx = cJSON_CreateObject();
    put(ctx, "cluster", c->cluster);
    put(ctx, "user", c->user);
    if (c->namespace_set)
        put(ctx, "namespace", c->namespace_);
    put(cx, "name", c->context);
    cJSON_AddItemToObject(cx, "context", ctx);
    cJSON_AddItemToArray(contexts, cx);
    put(v, "current-context", c->context);
    return v;
}
