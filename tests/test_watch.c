/* k8s/watch: a watch stream cut into events at any chunk boundary (the
 * reflector itself runs against the test API server in kube_test.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "k8s/watch.h"

struct seen {
    char objs[8][160];
    size_t n;
};

static void on_obj(void *ctx, const char *obj, size_t len) {
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->objs[s->n++], sizeof(s->objs[0]), "%.*s", (int)len, obj);
}

static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a}{\\\"b\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"spec\":{\"x\":[1,{\"y\":2}]}}}\n"
    "  {\"type\":\"BOOKMARK\",\"object\":{}}";

/* Every way to cut the stream in two gives the same three events. */
static void test_any_split_gives_the_same_events(void **state) {
    (void)state;
    const size_t n = strlen(stream);
    for (size_t cut = 0; cut <= n; cut++) {
        struct ndjson nd = {0};
        struct seen s = {0};
        assert_true(ndjson_feed(&nd, stream, cut, 1024, on_obj, &s));
        assert_true(ndjson_feed(&nd, stream + cut, n - cut, 1024, on_obj, &s));
        assert_int_equal(s.n, 3);
        assert_string_equal(
            s.objs[0], "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a}{\\\"b\"}}}");
        assert_string_equal(s.objs[2], "{\"type\":\"BOOKMARK\",\"object\":{}}");
        ndjson_fini(&nd);
    }
}

/* Byte by byte, as the slowest network would hand it over. */
static void test_byte_by_byte(void **state) {
    (void)state;
    struct ndjson nd = {0};
    struct seen s = {0};
    for (size_t i = 0; stream[i]; i++)
        assert_true(ndjson_feed(&nd, stream + i, 1, 1024, on_obj, &s));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.objs[1],
                        "{\"type\":\"MODIFIED\",\"object\":{\"spec\":{\"x\":[1,{\"y\":2}]}}}");
    ndjson_fini(&nd);
}

static void test_garbage_and_giants_are_refused(void **state) {
    (void)state;
    struct ndjson nd = {0};
    struct seen s = {0};
    assert_false(ndjson_feed(&nd, "<html>", 6, 1024, on_obj, &s)); /* a proxy's error page */
    ndjson_reset(&nd);
    char big[300];
    memset(big, 'x', sizeof(big));
    big[0] = '{';
    big[1] = '"';
    assert_true(ndjson_feed(&nd, big, 100, 200, on_obj, &s));
    assert_false(ndjson_feed(&nd, big + 100, 200, 200, on_obj, &s)); /* past max_bytes */
    assert_int_equal(s.n, 0);
    ndjson_fini(&nd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_split_gives_the_same_events),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_garbage_and_giants_are_refused),
    };
    return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
