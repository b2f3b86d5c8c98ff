/* metrics/nvml: the driver library opened at run time (a stand-in built
 * by the tests, loaded by dlopen as the real one is): each GPU's name,
 * UUID, utilization and memory; a GPU this user may not read skipped and
 * counted; a figure the driver does not support named, not zero; each
 * process's newest sample; a missing library or an unloaded driver a
 * clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/nvml.h"

static void reads_gpus(void **state) {
    (void)state;
    struct pp_error err = {0};
    struct nvml *n = nvml_open(FAKE_NVML, &err);
    assert_non_null(n);
    struct nvml_gpu g[4];
    size_t hidden = 9;
    const size_t k = nvml_read(n, g, 4, &hidden, &err);
    assert_int_equal(k, 2);
    assert_int_equal(hidden, 1); /* GPU 2: no permission */
    assert_string_equal(g[0].name, "NVIDIA A100-SXM4-40GB");
    assert_string_equal(g[0].uuid, "GPU-5fd4a1d2-0b6e-4c1c-9d0e-1b2c3d4e5f60");
    assert_true(g[0].util_ok);
    assert_int_equal(g[0].util_gpu, 87);
    assert_int_equal(g[0].util_mem, 40);
    assert_true(g[0].mem_ok);
    assert_true(g[0].mem_used == 31ull << 30 && g[0].mem_total == 40ull << 30);
    assert_int_equal(g[0].n_procs, 2); /* pid 100's two samples: the newest */
    assert_int_equal(g[0].procs[0].pid, 100);
    assert_int_equal(g[0].procs[0].sm_util, 60);
    assert_int_equal(g[0].procs[1].pid, 200);
    assert_int_equal(g[0].procs[1].sm_util, 27);
    assert_int_equal(g[1].index, 1);
    assert_false(g[1].util_ok); /* not supported: no figure */
    assert_string_equal(g[1].note, "utilization: Not Supported");
    assert_true(g[1].mem_ok);
    assert_int_equal(g[1].n_procs, 0);
    /* a smaller buffer: the first GPUs only */
    assert_int_equal(nvml_read(n, g, 1, &hidden, &err), 1);
    nvml_close(n);
}

static void missing_library(void **state) {
    (void)state;
    struct pp_error err = {0};
    assert_null(nvml_open("/nonexistent/libnvidia-ml.so.1", &err));
    assert_non_null(
        strstr(err.message, "no NVIDIA driver library (/nonexistent/libnvidia-ml.so.1)"));
    /* a library that is not NVML at all */
    assert_null(nvml_open("libm.so.6", &err));
    assert_non_null(strstr(err.message, "has no nvmlInit_v2"));
}

static void driver_not_loaded(void **state) {
    (void)state;
    setenv("FAKE_NVML", "noload", 1);
    struct pp_error err = {0};
    assert_null(nvml_open(FAKE_NVML, &err));
    assert_non_null(strstr(err.message, "Driver Not Loaded (is this a GPU node?)"));
    unsetenv("FAKE_NVML");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_gpus),
        cmocka_unit_test(missing_library),
        cmocka_unit_test(driver_not_loaded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
