/* A kubeconfig resolved as kubectl resolves it (client-go's clientcmd):
 * the files (--kubeconfig, KUBECONFIG, ~/.kube/config) merged first-wins,
 * one context's cluster, user and namespace, paths next to their file, the
 * webhook-style checks with client-go's words; or the in-cluster config. */
#ifndef PODPILOT_KUBECONFIG_H
#define PODPILOT_KUBECONFIG_H

#include "engine/common.h"

#include <cjson/cJSON.h>

#define KUBE_MAX_ARGS 32

enum kube_interactive { KUBE_IA_IF_AVAILABLE, KUBE_IA_NEVER, KUBE_IA_ALWAYS };

/* users[].user.exec: a credential plugin. */
struct kube_exec {
    char *command; /* resolved next to its file when it holds a '/' */
    char *api_version;
    char *args[KUBE_MAX_ARGS];
    size_t n_args;
    char *env_names[KUBE_MAX_ARGS], *env_values[KUBE_MAX_ARGS];
    size_t n_env;
    char *install_hint;
    bool provide_cluster_info;
    enum kube_interactive interactive;
    bool interactive_set;
};

/* Bytes from a *-data field (base64 in the file) or read from a file. */
struct kube_blob {
    unsigned char *p;
    size_t len;
};

struct kube_config {
    char *context, *cluster, *user, *namespace_;
    bool namespace_set; /* by the context or the flag; else "default" */
    bool in_cluster;
    /* the cluster */
    char *server;
    char *ca_file;         /* certificate-authority, absolute */
    struct kube_blob ca;   /* certificate-authority-data */
    bool insecure;         /* insecure-skip-tls-verify */
    char *tls_server_name; /* SNI and the name the certificate must carry */
    char *proxy_url;
    bool disable_compression;
    /* the user: at most one of token and basic auth */
    char *token;
    char *token_file; /* absolute; re-read by the client */
    char *cert_file, *key_file;
    struct kube_blob cert, key;
    char *username, *password;
    bool has_exec;
    struct kube_exec exec;
    char *impersonate; /* as */
    /* paths as written, for kube_config_view */
    char *raw_ca_file, *raw_cert_file, *raw_key_file, *raw_token_file, *raw_command;
};

/* Where to look: the flag values and the environment, passed in so tests
 * (and in-cluster runs) can say them. NULL = unset. */
struct kube_config_args {
    const char *kubeconfig; /* --kubeconfig */
    const char *context;    /* --context */
    const char *namespace_; /* -n */
    const char *env_kubeconfig;
    const char *home;
    /* in-cluster: KUBERNETES_SERVICE_HOST/PORT and the service-account
     * directory (/var/run/secrets/kubernetes.io/serviceaccount) */
    const char *service_host, *service_port, *sa_dir;
    const char *pod_namespace; /* POD_NAMESPACE */
};

/* The args from the process environment (PODPILOT_SA_DIR overrides the
 * service-account directory, for tests). */
void kube_config_args_from_env(struct kube_config_args *a);

/* Resolves a's kubeconfig into out; err says what kubectl would say
 * (`context "x" does not exist`, `no server found for cluster "c"`, ...)
 * with the file and field where there is one. */
enum pp_status kube_config_load(const struct kube_config_args *a, struct kube_config *out,
                                struct pp_error *err);
void kube_config_fini(struct kube_config *c);

/* The config as `kubectl config view --minify -o json` prints it:
 * credentials REDACTED and data DATA+OMITTED, never the secrets. */
cJSON *kube_config_view(const struct kube_config *c);

/* Standard base64 (with or without padding); false on a bad character. */
bool kube_base64_decode(const char *s, struct kube_blob *out);

#endif
