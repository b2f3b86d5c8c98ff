#define _DEFAULT_SOURCE   /* timegm */
#define _XOPEN_SOURCE 700 /* strptime */
#include "k8s/kube_client.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TOKEN_MAX 16384

struct kube_client {
    CURL *curl;
    const struct kube_config *c; /* the caller's, alive as long as the client */
    char base[1024];             /* scheme://host:port[/prefix], the host the TLS name when set */
    char connect_to[600];        /* tls-server-name: the name's host:port to the real one */
    char token[TOKEN_MAX];
    time_t token_read;   /* tokenFile: re-read after a minute */
    time_t token_expiry; /* exec: 0 = never */
    bool exec_cert;      /* the plugin gave a client certificate */
    struct kube_blob exec_crt, exec_key;
};

/* https://host:port/prefix with the TLS name in place of host, and the
 * CONNECT_TO entry that still reaches the real host (libcurl has no SNI
 * option of its own). */
static enum pp_status set_base(struct kube_client *k, struct pp_error *err) {
    const char *s = k->c->server;
    const char *host = strstr(s, "://");
    host = host ? host + 3 : s;
    const char *end = host + strcspn(host, "/");
    const char *colon = NULL;
    if (*host == '[')
        colon = strchr(host, ']') ? strchr(host, ']') + 1 : NULL;
    else
        colon = memchr(host, ':', (size_t)(end - host));
    if (colon && *colon != ':')
        colon = NULL;
    const int hlen = (int)((colon ? colon : end) - host);
    const char *port = colon ? colon + 1 : strncmp(s, "https", 5) == 0 ? "443" : "80";
    const int plen = colon ? (int)(end - colon - 1) : (int)strlen(port);
    char prefix[512];
    snprintf(prefix, sizeof(prefix), "%s", end);
    const size_t pl = strlen(prefix);
    if (pl && prefix[pl - 1] == '/')
        prefix[pl - 1] = '\0';
    const int scheme = (int)(host - s);
    const char *name = k->c->tls_server_name;
    if (name) {
        snprintf(k->base, sizeof(k->base), "%.*s%s:%.*s%s", scheme, s, name, plen, port, prefix);
        snprintf(k->connect_to, sizeof(k->connect_to), "%s:%.*s:%.*s:%.*s", name, plen, port, hlen,
                 host, plen, port);
    } else {
        snprintf(k->base, sizeof(k->base), "%.*s%s", (int)(end - s), s, prefix);
    }
    if (hlen == 0)
        return pp_fail(err, PP_ERR_INVALID, "server", "cluster \"%s\": \"%s\" has no host",
                       k->c->cluster, s);
    return PP_OK;
}

struct kube_client *kube_client_create(const struct kube_config *c, struct pp_error *err) {
    static bool inited;
    if (!inited) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        inited = true;
    }
    struct kube_client *k = xcalloc(1, sizeof(*k));
    k->c = c;
    k->curl = curl_easy_init();
    if (!k->curl || set_base(k, err) != PP_OK) {
        if (k->curl == NULL)
            pp_fail(err, PP_ERR_IO, "kube", "libcurl could not start");
        kube_client_destroy(k);
        return NULL;
    }
    return k;
}

void kube_client_destroy(struct kube_client *k) {
    if (!k)
        return;
    if (k->curl)
        curl_easy_cleanup(k->curl);
    memset(k->token, 0, sizeof(k->token));
    struct kube_blob *b[] = {&k->exec_crt, &k->exec_key};
    for (size_t i = 0; i < 2; i++) {
        if (b[i]->p)
            memset(b[i]->p, 0, b[i]->len);
        free(b[i]->p);
    }
    free(k);
}

char *kube_escape(const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

void kube_client_url(const struct kube_client *k, const char *path, char *out, size_t size) {
    snprintf(out, size, "%s%s", k->base, path);
}

/* ---- credentials ---- */

static enum pp_status read_token_file(struct kube_client *k, struct pp_error *err) {
    const time_t now = time(NULL);
    if (k->token[0] && now - k->token_read < 60)
        return PP_OK;
    FILE *f = fopen(k->c->token_file, "rb");
    if (!f)
        return pp_fail(err, PP_ERR_IO, "tokenFile", "%s: %s", k->c->token_file, strerror(errno));
    const size_t n = fread(k->token, 1, sizeof(k->token) - 1, f);
    fclose(f);
    k->token[n] = '\0';
    size_t a = 0, e = n; /* strings.TrimSpace */
    while (a < e && (k->token[a] == ' ' || k->token[a] == '\n' || k->token[a] == '\r' ||
                     k->token[a] == '\t'))
        a++;
    while (e > a && (k->token[e - 1] == ' ' || k->token[e - 1] == '\n' || k->token[e - 1] == '\r' ||
                     k->token[e - 1] == '\t'))
        e--;
    memmove(k->token, k->token + a, e - a);
    k->token[e - a] = '\0';
    if (!k->token[0])
        return pp_fail(err, PP_ERR_INVALID, "tokenFile", "read empty token from file %s",
                       k->c->token_file);
    k->token_read = now;
    return PP_OK;
}

/* KUBERNETES_EXEC_INFO: the ExecCredential the plugin is handed. */
static char *exec_info(const struct kube_client *k) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "ExecCredential");
    cJSON_AddStringToObject(o, "apiVersion", k->c->exec.api_version);
    cJSON *spec = cJSON_AddObjectToObject(o, "spec");
    if (k->c->exec.provide_cluster_info) {
        cJSON *cl = cJSON_AddObjectToObject(spec, "cluster");
        cJSON_AddStringToObject(cl, "server", k->c->server);
        if (k->c->tls_server_name)
            cJSON_AddStringToObject(cl, "tls-server-name", k->c->tls_server_name);
        if (k->c->insecure)
            cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", true);
        cJSON_AddNullToObject(cl, "config");
    }
    cJSON_AddBoolToObject(spec, "interactive", false);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* command as execvp would find it: with a '/', itself; else on PATH. */
static bool find_program(const char *command, char *out, size_t size) {
    if (strchr(command, '/')) {
        snprintf(out, size, "%s", command);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    char *list = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(list, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, size, "%s/%s", d[0] ? d : ".", command);
        found = access(out, X_OK) == 0;
    }
    free(list);
    return found;
}

/* The caller's environment, the plugin's env[] over it, and
 * KUBERNETES_EXEC_INFO. */
static char **child_env(const struct kube_client *k) {
    const struct kube_exec *x = &k->c->exec;
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + x->n_env + 2, sizeof(*env));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0;
        for (size_t j = 0; j < x->n_env && !replaced; j++) {
            const size_t len = strlen(x->env_names[j]);
            replaced = strncmp(environ[i], x->env_names[j], len) == 0 && environ[i][len] == '=';
        }
        if (!replaced)
            env[m++] = xstrdup(environ[i]);
    }
    for (size_t j = 0; j < x->n_env; j++) {
        const size_t len = strlen(x->env_names[j]) + strlen(x->env_values[j]) + 2;
        env[m] = xmalloc(len);
        snprintf(env[m++], len, "%s=%s", x->env_names[j], x->env_values[j]);
    }
    char *info = exec_info(k);
    const size_t len = strlen(info) + 22;
    env[m] = xmalloc(len);
    snprintf(env[m++], len, "KUBERNETES_EXEC_INFO=%s", info);
    free(info);
    return env;
}

static void free_env(char **env) {
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
}

/* Runs the plugin with its env and KUBERNETES_EXEC_INFO; its stdout into
 * out. Interactive plugins are not run: podpilot owns the terminal. */
static enum pp_status run_plugin(struct kube_client *k, struct buf *out, struct pp_error *err) {
    const struct kube_exec *x = &k->c->exec;
    if (x->interactive == KUBE_IA_ALWAYS)
        return pp_fail(err, PP_ERR_INVALID, "exec",
                       "exec plugin %s needs a terminal (interactiveMode Always), which podpilot "
                       "keeps for its console; run kubectl once to cache its credentials",
                       x->command);
    char path[4096];
    if (!find_program(x->command, path, sizeof(path)))
        return pp_fail(err, PP_ERR_IO, "exec", "exec: executable %s not found%s%s", x->command,
                       x->install_hint ? "\n\n" : "", x->install_hint ? x->install_hint : "");
    /* everything the child needs, made before fork: after it, only exec */
    char **envp = child_env(k);
    char *argv[KUBE_MAX_ARGS + 2];
    argv[0] = x->command;
    for (size_t i = 0; i < x->n_args; i++)
        argv[i + 1] = x->args[i];
    argv[x->n_args + 1] = NULL;
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        free_env(envp);
        return pp_fail(err, PP_ERR_IO, "exec", "pipe: %s", strerror(errno));
    }
    const int devnull = open("/dev/null", O_RDONLY);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        if (devnull >= 0)
            dup2(devnull, 0);
        close(pipefd[0]);
        close(pipefd[1]);
        execve(path, argv, envp);
        _exit(127);
    }
    if (devnull >= 0)
        close(devnull);
    free_env(envp);
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return pp_fail(err, PP_ERR_IO, "exec", "fork: %s", strerror(errno));
    }
    char chunk[4096];
    ssize_t n;
    buf_clear(out);
    while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0)
        if (out->len < 1u << 20)
            buf_put(out, chunk, (size_t)n);
    close(pipefd[0]);
    int wst = 0;
    waitpid(pid, &wst, 0);
    if (WIFEXITED(wst) && WEXITSTATUS(wst) == 127)
        return pp_fail(err, PP_ERR_IO, "exec", "exec: executable %s not found%s%s", x->command,
                       x->install_hint ? "\n\n" : "", x->install_hint ? x->install_hint : "");
    if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0)
        return pp_fail(err, PP_ERR_IO, "exec", "exec: executable %s failed with exit code %d",
                       x->command, WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst));
    return PP_OK;
}

static time_t parse_rfc3339(const char *s) {
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return timegm(&tm);
}

/* The plugin's ExecCredential: a token, or a certificate and key. */
static enum pp_status take_credential(struct kube_client *k, const char *text,
                                      struct pp_error *err) {
    const struct kube_exec *x = &k->c->exec;
    cJSON *o = cJSON_Parse(text);
    const char *api = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "apiVersion"));
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
    enum pp_status rc = PP_OK;
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "token"));
    const char *crt =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "clientCertificateData"));
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "clientKeyData"));
    if (!o)
        rc = pp_fail(err, PP_ERR_PARSE, "exec", "exec plugin %s did not print an ExecCredential",
                     x->command);
    else if (!api || strcmp(api, x->api_version) != 0)
        rc = pp_fail(err, PP_ERR_INVALID, "exec",
                     "exec plugin is configured to use API version %s, plugin returned version %s",
                     x->api_version, api ? api : "");
    else if (!cJSON_IsObject(st))
        rc = pp_fail(err, PP_ERR_INVALID, "exec", "exec plugin didn't return a status field");
    else if (!token && !crt && !key)
        rc = pp_fail(err, PP_ERR_INVALID, "exec",
                     "exec plugin didn't return a token or cert/key pair");
    else if (!token && (!crt || !key))
        rc = pp_fail(err, PP_ERR_INVALID, "exec",
                     "exec plugin returned only certificate or key, not both");
    if (rc == PP_OK) {
        if (token)
            snprintf(k->token, sizeof(k->token), "%s", token);
        if (crt && key) {
            free(k->exec_crt.p);
            free(k->exec_key.p);
            k->exec_crt = (struct kube_blob){(unsigned char *)xstrdup(crt), strlen(crt)};
            k->exec_key = (struct kube_blob){(unsigned char *)xstrdup(key), strlen(key)};
            k->exec_cert = true;
        }
        k->token_expiry = parse_rfc3339(
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "expirationTimestamp")));
        if (!k->token_expiry)
            k->token_expiry = (time_t)-1; /* none: cached for good */
    }
    if (o && token) /* the parsed copy of the secret */
        memset(cJSON_GetObjectItemCaseSensitive(st, "token")->valuestring, 0, strlen(token));
    cJSON_Delete(o);
    return rc;
}

static enum pp_status exec_credentials(struct kube_client *k, bool force, struct pp_error *err) {
    if (!force && k->token_expiry &&
        (k->token_expiry == (time_t)-1 || time(NULL) < k->token_expiry))
        return PP_OK;
    struct buf out = {0};
    enum pp_status st = run_plugin(k, &out, err);
    if (st == PP_OK)
        st = take_credential(k, out.p ? out.p : "", err);
    if (out.p)
        memset(out.p, 0, out.len);
    buf_free(&out);
    return st;
}

/* ---- requests ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx) {
    struct buf *b = ctx;
    buf_put(b, p, size * n);
    return size * n;
}

static void tls_options(struct kube_client *k, CURL *c) {
    const struct kube_config *cf = k->c;
    if (cf->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cf->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, cf->ca_file);
    if (cf->ca.p) {
        struct curl_blob b = {cf->ca.p, cf->ca.len, CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &b);
    }
    const struct kube_blob *crt = k->exec_cert ? &k->exec_crt : &cf->cert;
    const struct kube_blob *key = k->exec_cert ? &k->exec_key : &cf->key;
    if (cf->cert_file)
        curl_easy_setopt(c, CURLOPT_SSLCERT, cf->cert_file);
    if (crt->p) {
        struct curl_blob b = {crt->p, crt->len, CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &b);
        curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (cf->key_file)
        curl_easy_setopt(c, CURLOPT_SSLKEY, cf->key_file);
    if (key->p) {
        struct curl_blob b = {key->p, key->len, CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &b);
        curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
}

static struct curl_slist *headers(struct kube_client *k, const char *accept) {
    char line[TOKEN_MAX + 32];
    snprintf(line, sizeof(line), "Accept: %s", accept ? accept : "application/json");
    struct curl_slist *h = curl_slist_append(NULL, line);
    if (k->token[0]) {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", k->token);
        h = curl_slist_append(h, line);
        memset(line, 0, sizeof(line)); /* curl_slist_append copied it */
    }
    if (k->c->impersonate) {
        snprintf(line, sizeof(line), "Impersonate-User: %s", k->c->impersonate);
        h = curl_slist_append(h, line);
    }
    return h;
}

/* What went wrong on the wire, in the words an operator searches for. */
static enum pp_status curl_failed(struct kube_client *k, CURLcode rc, const char *errbuf,
                                  const char *path, struct pp_error *err) {
    const char *what = curl_easy_strerror(rc);
    if (rc == CURLE_PEER_FAILED_VERIFICATION)
        what = strstr(errbuf, "subject name") || strstr(errbuf, "no alternative")
                   ? "x509: the certificate is not valid for this host"
                   : "x509: certificate signed by unknown authority";
    else if (rc == CURLE_COULDNT_CONNECT)
        what = "connection refused";
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        what = "timed out";
    return pp_fail(err, PP_ERR_IO, "kube", "cluster \"%s\" (%s): GET %s: %s (%s)", k->c->cluster,
                   k->c->server, path, what, errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* A non-2xx answer: the Status's message when there is one. */
static enum pp_status http_failed(struct kube_client *k, long status, const struct buf *body,
                                  const char *method, const char *path, struct pp_error *err) {
    cJSON *o = body->p ? cJSON_Parse(body->p) : NULL;
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "message"));
    char text[600];
    if (status == 401)
        snprintf(text, sizeof(text), "the server has asked for the client to provide credentials");
    else
        snprintf(text, sizeof(text), "%s", msg ? msg : "no message");
    cJSON_Delete(o);
    return pp_fail(err, PP_ERR_IO, "kube", "cluster \"%s\": %s %s: %ld: %s", k->c->cluster,
                   method ? method : "GET", path, status, text);
}

static enum pp_status credentials(struct kube_client *k, bool retry, struct pp_error *err) {
    if (k->c->has_exec)
        return exec_credentials(k, retry, err);
    if (k->c->token_file)
        return read_token_file(k, err);
    if (k->c->token && !k->token[0])
        snprintf(k->token, sizeof(k->token), "%s", k->c->token);
    return PP_OK;
}

static enum pp_status credentials(struct kube_client *k, bool retry, struct pp_error *err);

enum pp_status kube_request_init(struct kube_client *k, struct kube_request *req, const char *path,
                                 size_t (*write_fn)(char *, size_t, size_t, void *), void *ctx,
                                 long timeout_s, struct pp_error *err) {
    if (credentials(k, false, err) != PP_OK)
        return PP_ERR_INVALID;
    CURL *c = req->easy ? req->easy : curl_easy_init();
    if (!c)
        return pp_fail(err, PP_ERR_IO, "kube", "libcurl could not start a request");
    if (req->easy)
        curl_easy_reset(c);
    req->easy = c;
    req->errbuf[0] = '\0';
    snprintf(req->path, sizeof(req->path), "%s", path);
    char url[2048];
    kube_client_url(k, path, url, sizeof(url));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, req->errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "podpilot/" PODPILOT_VERSION " (linux)");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_fn);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, ctx);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    if (!k->c->disable_compression)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    if (k->connect_to[0]) {
        req->connect_to = curl_slist_append(NULL, k->connect_to);
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, req->connect_to);
    }
    if (k->c->proxy_url) {
        char proxy[1024];
        const bool socks = strncmp(k->c->proxy_url, "socks5://", 9) == 0;
        snprintf(proxy, sizeof(proxy), "%s%s", socks ? "socks5h://" : "",
                 socks ? k->c->proxy_url + 9 : k->c->proxy_url);
        curl_easy_setopt(c, CURLOPT_PROXY, proxy);
    }
    if (k->c->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, k->c->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, k->c->password ? k->c->password : "");
    }
    tls_options(k, c);
    req->headers = headers(k, req->accept);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, req->headers);
    return PP_OK;
}

enum pp_status kube_request_result(struct kube_client *k, struct kube_request *req, int code,
                                   const struct buf *body, long *status, struct pp_error *err) {
    *status = 0;
    if (code != CURLE_OK)
        return curl_failed(k, (CURLcode)code, req->errbuf, req->path, err);
    curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, status);
    if (*status >= 200 && *status < 300)
        return PP_OK;
    const struct buf none = {0};
    return http_failed(k, *status, body ? body : &none, req->method, req->path, err);
}

void kube_request_fini(struct kube_request *req, bool keep_handle) {
    if (req->easy)
        curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(req->headers);
    curl_slist_free_all(req->connect_to);
    req->headers = req->connect_to = NULL;
    if (!keep_handle && req->easy) {
        curl_easy_cleanup(req->easy);
        req->easy = NULL;
    }
}

void kube_client_refresh(struct kube_client *k) { k->token_read = 0; }

static enum pp_status send_once(struct kube_client *k, const struct kube_write *w, const char *path,
                                struct buf *body, long *status, struct pp_error *err) {
    struct kube_request req = {.easy = k->curl};
    buf_clear(body);
    enum pp_status st = kube_request_init(k, &req, path, on_body, body, 60, err);
    if (st == PP_OK && w) {
        req.method = w->method;
        curl_easy_setopt(k->curl, CURLOPT_CUSTOMREQUEST, w->method);
        curl_easy_setopt(k->curl, CURLOPT_POSTFIELDS, w->body ? w->body : "");
        curl_easy_setopt(k->curl, CURLOPT_POSTFIELDSIZE, (long)(w->body ? strlen(w->body) : 0));
        char ctype[128];
        snprintf(ctype, sizeof(ctype), "Content-Type: %s",
                 w->content_type ? w->content_type : "application/json");
        req.headers = curl_slist_append(req.headers, ctype);
        curl_easy_setopt(k->curl, CURLOPT_HTTPHEADER, req.headers);
    }
    if (st == PP_OK) {
        const CURLcode rc = curl_easy_perform(k->curl);
        if (!body->p)
            buf_put(body, "", 0);
        st = kube_request_result(k, &req, rc, body, status, err);
    }
    kube_request_fini(&req, true);
    return st;
}

enum pp_status kube_get(struct kube_client *k, const char *path, struct buf *body, long *status,
                        struct pp_error *err) {
    return kube_send(k, NULL, path, body, status, err);
}

enum pp_status kube_send(struct kube_client *k, const struct kube_write *w, const char *path,
                         struct buf *body, long *status, struct pp_error *err) {
    *status = 0;
    enum pp_status st = send_once(k, w, path, body, status, err); /* credentials fresh in init */
    if (*status == 401 && (k->c->has_exec || k->c->token_file)) {
        /* a rotated credential: the plugin once more, the file read again */
        k->token_read = 0;
        if (credentials(k, true, err) != PP_OK)
            return PP_ERR_INVALID;
        st = send_once(k, w, path, body, status, err);
    }
    return st;
}
