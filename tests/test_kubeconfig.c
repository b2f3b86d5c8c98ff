/* k8s/kubeconfig: loading rules on files written here (the kubectl
 * comparison is tests/kubeconfig_test.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "k8s/kubeconfig.h"

static char dir[64];

static void write_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/pp-kubeconfig-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

static void test_base64(void **state) {
    (void)state;
    struct kube_blob b;
    assert_true(kube_base64_decode("aGVsbG8=", &b));
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.p, "hello", 5);
    free(b.p);
    assert_true(kube_base64_decode("aGVsbG8", &b)); /* unpadded */
    assert_int_equal(b.len, 5);
    free(b.p);
    assert_false(kube_base64_decode("aGV*bG8=", &b));
}

static void test_first_file_wins_whole_entries_and_paths_resolve_next_to_it(void **state) {
    (void)state;
    write_file("a", "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"
                    "clusters:\n- name: k\n  cluster: {server: \"https://a:1\", "
                    "certificate-authority: ca.pem}\n"
                    "users:\n- name: u\n  user: {tokenFile: tok}\n");
    write_file("b", "current-context: other\nclusters:\n- name: k\n  cluster: {server: "
                    "\"https://b:2\", insecure-skip-tls-verify: true}\n"
                    "users:\n- name: u\n  user: {token: t2}\n");
    char env[256];
    snprintf(env, sizeof(env), "%s/a:%s/none:%s/b", dir, dir, dir);
    const struct kube_config_args a = {.env_kubeconfig = env};
    struct kube_config c;
    struct pp_error err = {0};
    assert_int_equal(kube_config_load(&a, &c, &err), PP_OK);
    assert_string_equal(c.context, "c");
    assert_string_equal(c.server, "https://a:1");
    assert_false(c.insecure); /* b's k is discarded whole */
    assert_null(c.token);     /* so is b's u */
    char want[256];
    snprintf(want, sizeof(want), "%s/ca.pem", dir);
    assert_string_equal(c.ca_file, want);
    snprintf(want, sizeof(want), "%s/tok", dir);
    assert_string_equal(c.token_file, want);
    assert_string_equal(c.namespace_, "default");
    kube_config_fini(&c);
}

static void test_exec_plugin_is_read(void **state) {
    (void)state;
    write_file("e", "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u, "
                    "namespace: ns}\nclusters:\n- name: k\n  cluster: {server: \"https://k\"}\n"
                    "users:\n- name: u\n  user:\n    exec:\n      apiVersion: "
                    "client.authentication.k8s.io/v1beta1\n      command: ./bin/plug\n"
                    "      args: [get-token]\n      env: [{name: X, value: y}]\n"
                    "      provideClusterInfo: true\n");
    char path[256];
    snprintf(path, sizeof(path), "%s/e", dir);
    const struct kube_config_args a = {.kubeconfig = path, .namespace_ = "flag-ns"};
    struct kube_config c;
    struct pp_error err = {0};
    assert_int_equal(kube_config_load(&a, &c, &err), PP_OK);
    assert_true(c.has_exec);
    char want[256];
    snprintf(want, sizeof(want), "%s/./bin/plug", dir); /* a '/': next to the file */
    assert_string_equal(c.exec.command, want);
    assert_int_equal(c.exec.n_args, 1);
    assert_string_equal(c.exec.env_values[0], "y");
    assert_true(c.exec.provide_cluster_info);
    assert_int_equal(c.exec.interactive, KUBE_IA_IF_AVAILABLE); /* v1beta1's default */
    assert_string_equal(c.namespace_, "flag-ns");               /* the flag beats the context */
    kube_config_fini(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_first_file_wins_whole_entries_and_paths_resolve_next_to_it),
        cmocka_unit_test(test_exec_plugin_is_read),
    };
    return cmocka_run_group_tests_name("kubeconfig", tests, setup, teardown);
}
