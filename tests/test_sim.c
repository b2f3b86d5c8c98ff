#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/sim.h"

static void test_pods_become_ready_after_the_cold_start(void **state) {
    (void)state;
    struct sim_pods p;
    sim_pods_init(&p, 1, PP_SEC(10));
    sim_pods_scale(&p, 3, PP_SEC(100));
    assert_int_equal(p.ready, 1);
    assert_int_equal(sim_pods_total(&p), 3);
    sim_pods_advance(&p, PP_SEC(109));
    assert_int_equal(p.ready, 1);
    sim_pods_advance(&p, PP_SEC(110));
    assert_int_equal(p.ready, 3);
    assert_int_equal(p.starting, 0);
}

static void test_shrinking_removes_starting_pods_first(void **state) {
    (void)state;
    struct sim_pods p;
    sim_pods_init(&p, 2, PP_SEC(10));
    sim_pods_scale(&p, 4, 0);
    sim_pods_scale(&p, 3, PP_SEC(1));
    assert_int_equal(p.ready, 2);
    assert_int_equal(p.starting, 1);
    sim_pods_scale(&p, 1, PP_SEC(2));
    assert_int_equal(p.ready, 1);
    assert_int_equal(p.starting, 0);
    sim_pods_scale(&p, -5, PP_SEC(3));
    assert_int_equal(sim_pods_total(&p), 0);
    sim_pods_scale(&p, SIM_MAX_PODS + 10, PP_SEC(3));
    assert_int_equal(sim_pods_total(&p), SIM_MAX_PODS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_become_ready_after_the_cold_start),
        cmocka_unit_test(test_shrinking_removes_starting_pods_first),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
