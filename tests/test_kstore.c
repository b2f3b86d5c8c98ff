/* k8s/kstore and k8s/pod_index: a watch store that costs the same at any
 * size (put, replace, get, delete with the index kept whole), a mirror
 * that follows it with only what changed, and which pods each selector
 * selects in one pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "k8s/kstore.h"
#include "k8s/pod_index.h"

static cJSON *pod(const char *ns, const char *name, const char *app, int gen) {
    char text[512];
    snprintf(text, sizeof(text),
             "{\"metadata\":{\"namespace\":\"%s\",\"name\":\"%s\",\"labels\":{\"app\":\"%s\","
             "\"tier\":\"x\"}},\"gen\":%d}",
             ns, name, app, gen);
    return cJSON_Parse(text);
}

static int gen_of(const cJSON *o) {
    return o ? (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "gen")) : -1;
}

static void put(struct kstore *s, const char *ns, const char *name, const char *app, int gen) {
    cJSON *o = pod(ns, name, app, gen);
    char key[256];
    kstore_key(o, s->n, key, sizeof(key));
    kstore_put(s, key, o);
}

static void test_put_get_replace_delete_at_scale(void **state) {
    (void)state;
    struct kstore s = {0};
    char name[32], key[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "p-%d", i);
        put(&s, "ml", name, "web", 1);
    }
    assert_int_equal(s.n, 5000);
    put(&s, "ml", "p-17", "web", 2); /* a MODIFIED replaces */
    assert_int_equal(s.n, 5000);
    assert_int_equal(gen_of(kstore_get(&s, "ml/p-17")), 2);
    /* delete every third; the rest are all still found, the deleted not */
    for (int i = 0; i < 5000; i += 3) {
        snprintf(key, sizeof(key), "ml/p-%d", i);
        assert_true(kstore_delete(&s, key));
    }
    assert_false(kstore_delete(&s, "ml/p-0"));
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "ml/p-%d", i);
        assert_true((kstore_get(&s, key) != NULL) == (i % 3 != 0));
    }
    assert_int_equal(s.n, 5000 - 1667);
    assert_null(kstore_get(&s, "other/p-1")); /* the namespace is part of the key */
    kstore_fini(&s);
    assert_null(kstore_get(&s, "ml/p-1"));
}

static void test_a_mirror_follows_with_only_what_changed(void **state) {
    (void)state;
    struct kstore s = {0}, m = {0};
    uint64_t seen = 0, gen = 0;
    put(&s, "ml", "a", "web", 1);
    put(&s, "ml", "b", "web", 1);
    assert_int_equal(kstore_sync(&s, &m, &seen, &gen), KSTORE_CHANGED | KSTORE_MEMBERS);
    assert_int_equal(m.n, 2);
    assert_int_equal(kstore_sync(&s, &m, &seen, &gen), 0); /* nothing moved */
    put(&s, "ml", "a", "web", 5); /* a status change: same pods, same labels */
    assert_int_equal(kstore_sync(&s, &m, &seen, &gen), KSTORE_CHANGED);
    put(&s, "ml", "a", "api", 1); /* relabelled: selectors may select otherwise */
    assert_int_equal(kstore_sync(&s, &m, &seen, &gen), KSTORE_CHANGED | KSTORE_MEMBERS);
    cJSON *before = kstore_get(&m, "ml/b");
    put(&s, "ml", "a", "web", 2);
    kstore_delete(&s, "ml/b");
    put(&s, "ml", "b", "web", 3); /* deleted, then back */
    put(&s, "ml", "c", "web", 1);
    kstore_delete(&s, "ml/c"); /* added, then gone */
    assert_true(kstore_sync(&s, &m, &seen, &gen));
    assert_int_equal(m.n, 2);
    assert_int_equal(gen_of(kstore_get(&m, "ml/a")), 2);
    assert_int_equal(gen_of(kstore_get(&m, "ml/b")), 3);
    assert_ptr_not_equal(kstore_get(&m, "ml/b"), before);
    assert_null(kstore_get(&m, "ml/c"));
    /* a relist built aside and swapped in: the mirror takes it whole */
    struct kstore fresh = {0};
    put(&fresh, "ml", "z", "web", 9);
    kstore_swap(&s, &fresh);
    kstore_fini(&fresh);
    assert_true(kstore_sync(&s, &m, &seen, &gen));
    assert_int_equal(m.n, 1);
    assert_int_equal(gen_of(kstore_get(&m, "ml/z")), 9);
    /* more deletions than tombstones are kept: a whole resync, still right */
    char name[32];
    for (int i = 0; i < KSTORE_MAX_TOMBSTONES + 10; i++) {
        snprintf(name, sizeof(name), "t-%d", i);
        put(&s, "ml", name, "web", 1);
        char key[64];
        snprintf(key, sizeof(key), "ml/%s", name);
        kstore_delete(&s, key);
    }
    assert_true(kstore_sync(&s, &m, &seen, &gen));
    assert_int_equal(m.n, 1);
    kstore_fini(&s);
    kstore_fini(&m);
}

static void test_pod_index_selects_as_match_labels_do(void **state) {
    (void)state;
    struct kstore pods = {0};
    put(&pods, "ml", "web-1", "web", 1);
    put(&pods, "ml", "web-2", "web", 1);
    put(&pods, "ml", "api-1", "api", 1);
    put(&pods, "other", "web-9", "web", 1); /* another namespace */
    cJSON *web = cJSON_Parse("{\"matchLabels\":{\"app\":\"web\"}}");
    cJSON *two = cJSON_Parse("{\"matchLabels\":{\"tier\":\"x\",\"app\":\"api\"}}");
    cJSON *none = cJSON_Parse("{\"matchLabels\":{}}");
    cJSON *miss = cJSON_Parse("{\"matchLabels\":{\"app\":\"web\",\"tier\":\"y\"}}");
    const cJSON *sels[] = {web, two, none, NULL, miss, web};
    const char *nss[] = {"ml", "ml", "ml", "ml", "ml", "other"};
    struct pod_index x = {0};
    pod_index_build(&x, &pods, sels, nss, 6);
    const size_t *at;
    const size_t want[] = {2, 1, 0, 0, 0, 1};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(pod_index_get(&x, i, &at), want[i]);
    pod_index_get(&x, 1, &at);
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(pods.objs[at[0]], "metadata"), "name")),
        "api-1");
    assert_int_equal(pod_index_get(&x, 99, &at), 0);
    kstore_delete(&pods, "ml/web-1"); /* rebuilt after a change */
    pod_index_build(&x, &pods, sels, nss, 6);
    assert_int_equal(pod_index_get(&x, 0, &at), 1);
    pod_index_fini(&x);
    cJSON_Delete(web);
    cJSON_Delete(two);
    cJSON_Delete(none);
    cJSON_Delete(miss);
    kstore_fini(&pods);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace_delete_at_scale),
        cmocka_unit_test(test_a_mirror_follows_with_only_what_changed),
        cmocka_unit_test(test_pod_index_selects_as_match_labels_do),
    };
    return cmocka_run_group_tests_name("kstore", tests, NULL, NULL);
}
