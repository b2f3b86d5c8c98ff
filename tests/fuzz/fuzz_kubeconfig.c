/* libFuzzer: any bytes as a kubeconfig (through a memfd: the loader reads
 * files), resolved and viewed as `podpilot kubeconfig` does. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "k8s/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const int fd = memfd_create("kubeconfig", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
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
