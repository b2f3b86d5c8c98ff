/* metrics/pod_plan: a plan changes (and its version moves) only when its
 * namespace, a pod's name, IP or flag, or the count changes; a copy is
 * whole and the buffers grow, never shrink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "metrics/pod_plan.h"

static void changes_only_on_change(void **state) {
    (void)state;
    struct pod_plan p = {0};
    assert_true(pod_plan_set(&p, "ml", NULL, NULL, NULL, 0)); /* the first plan, even empty */
    assert_int_equal(p.version, 1);
    assert_false(pod_plan_set(&p, "ml", NULL, NULL, NULL, 0));
    const char *names[] = {"a", "b"}, *ips[] = {"10.0.0.1", NULL};
    const bool young[] = {true, false};
    assert_true(pod_plan_set(&p, "ml", names, ips, young, 2));
    assert_false(pod_plan_set(&p, "ml", names, ips, young, 2));
    assert_int_equal(p.version, 2);
    assert_string_equal(p.ips[0], "10.0.0.1");
    assert_string_equal(p.ips[1], ""); /* not given: empty */
    assert_true(p.flags[0] && !p.flags[1]);
    const char *moved[] = {"10.0.0.9", NULL};
    assert_true(pod_plan_set(&p, "ml", names, moved, young, 2)); /* a new IP */
    const bool grown[] = {false, false};
    assert_true(pod_plan_set(&p, "ml", names, moved, grown, 2)); /* a pod no longer young */
    assert_true(pod_plan_set(&p, "other", names, moved, grown, 2));
    assert_true(pod_plan_set(&p, "other", names, moved, grown, 1));
    assert_int_equal(p.n, 1);
    assert_int_equal(p.version, 6);
    struct pod_plan c = {0};
    pod_plan_copy(&c, &p);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.version, 6);
    assert_string_equal(c.ns, "other");
    assert_string_equal(c.names[0], "a");
    assert_string_equal(c.ips[0], "10.0.0.9");
    pod_plan_fini(&c);
    pod_plan_fini(&p);
    assert_int_equal(p.cap, 0);
}

static void long_names_cut_to_the_buffer(void **state) {
    (void)state;
    char name[400];
    memset(name, 'x', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    const char *names[] = {name};
    struct pod_plan p = {0};
    assert_true(pod_plan_set(&p, "ml", names, NULL, NULL, 1));
    assert_int_equal(strlen(p.names[0]), POD_PLAN_NAME - 1); /* a pod name is at most 253 */
    pod_plan_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changes_only_on_change),
        cmocka_unit_test(long_names_cut_to_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
