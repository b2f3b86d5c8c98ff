/* libFuzzer: any bytes as a manifest file, read and built into services as
 * `podpilot FILE` does, then the engine created on them and run three
 * ticks. Must not crash, hang or grow without bound. */
#include <stddef.h>
#include <stdint.h>

#include "app/loads.h"
#include "engine/loop.h"
#include "engine/source_sim.h"
#include "k8s/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const struct loop_record *r) {
    (void)ctx;
    (void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct manifest *m = manifest_create();
    struct svc_set set;
    svc_set_init(&set);
    struct pp_error err = {0};
    if (manifest_add_text(m, "fuzz.yaml", (const char *)data, size, &err) == PP_OK &&
        manifest_build(m, &set, &err) == PP_OK && loads_resolve(&set, &err) == PP_OK) {
        struct source *src = source_sim_create(&set, &err);
        struct loop *l = src ? loop_create(&set, src, ignore, NULL, &err) : NULL;
        for (int t = 0; l && t < 3; t++)
            loop_tick(l);
        loop_destroy(l);
        source_destroy(src);
    }
    manifest_destroy(m);
    svc_set_fini(&set);
    return 0;
}
