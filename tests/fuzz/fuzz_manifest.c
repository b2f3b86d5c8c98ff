/* libFuzzer: any bytes as a manifest file, read and built into services as
 * `podpilot FILE` does. Must not crash, hang or grow without bound. */
#include <stddef.h>
#include <stdint.h>

#include "k8s/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct manifest *m = manifest_create();
    struct svc_set set;
    svc_set_init(&set);
    struct pp_error err = {0};
    if (manifest_add_text(m, "fuzz.yaml", (const char *)data, size, &err) == PP_OK)
        manifest_build(m, &set, &err);
    manifest_destroy(m);
    svc_set_fini(&set);
    return 0;
}
