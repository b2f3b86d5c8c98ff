/* k8s/kube_client: what it sends where (the wire is tests/kube_test.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/kube_client.h"

static void url_of(const char *server, const char *tls_name, const char *path, const char *want) {
    struct kube_config c = {
        .cluster = "k", .server = (char *)server, .tls_server_name = (char *)tls_name};
    struct pp_error err = {0};
    struct kube_client *k = kube_client_create(&c, &err);
    assert_non_null(k);
    char url[512];
    kube_client_url(k, path, url, sizeof(url));
    assert_string_equal(url, want);
    kube_client_destroy(k);
}

static void test_urls_keep_the_server_prefix_and_use_the_tls_name(void **state) {
    (void)state;
    url_of("https://10.0.0.1:6443", NULL, "/api", "https://10.0.0.1:6443/api");
    url_of("https://rancher.example/k8s/clusters/c-1/", NULL, "/apis",
           "https://rancher.example/k8s/clusters/c-1/apis");
    /* the TLS name in the URL (libcurl sends it as SNI), CONNECT_TO reaching 10.0.0.1 */
    url_of("https://10.0.0.1:6443", "kubernetes.default.svc", "/version",
           "https://kubernetes.default.svc:6443/version");
    url_of("https://[fd00::1]:443", NULL, "/api", "https://[fd00::1]:443/api");
}

static void test_escape(void **state) {
    (void)state;
    char *s = kube_escape("{\"start\":2, \"rv\":\"7\"}");
    assert_string_equal(s, "%7B%22start%22%3A2%2C%20%22rv%22%3A%227%22%7D");
    free(s);
    s = kube_escape("a-b_c.d~e");
    assert_string_equal(s, "a-b_c.d~e");
    free(s);
}

static void test_a_server_without_a_host_is_refused(void **state) {
    (void)state;
    struct kube_config c = {.cluster = "k", .server = "https://"};
    struct pp_error err = {0};
    assert_null(kube_client_create(&c, &err));
    assert_non_null(strstr(err.message, "has no host"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls_keep_the_server_prefix_and_use_the_tls_name),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_a_server_without_a_host_is_refused),
    };
    return cmocka_run_group_tests_name("kube_client", tests, NULL, NULL);
}
