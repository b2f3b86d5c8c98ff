/* libFuzzer: any bytes as a kubeconfig (through a memfd: the loader reads
 * files), resolved and viewed as `podpilot kubeconfig` does. */
#include "tests/fuzz/memfile.h"

#include <stdlib.h>

#include "k8s/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    const int fd = memfile(data, size, path, sizeof(path));
    if (fd < 0)
        return 0;
    const struct kube_config_args a = {.kubeconfig = path};
    struct kube_config c;
    struct pp_error err = {0};
    if (kube_config_load(&a, &c, &err) == PP_OK) {
        cJSON *v = kube_config_view(&c);
        char *text = cJSON_PrintUnformatted(v);
        free(text);
        cJSON_Delete(v);
        kube_config_fini(&c);
    }
    close(fd);
    return 0;
}
