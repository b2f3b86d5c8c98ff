/* libFuzzer: any bytes as a watch stream, cut at the chunk size the first
 * byte gives, each event parsed as the watcher parses it. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "k8s/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *ctx, const char *obj, size_t len) {
    (void)ctx;
    cJSON *ev = cJSON_ParseWithLength(obj, len);
    cJSON_Delete(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    const size_t chunk = (size_t)data[0] + 1;
    struct ndjson nd = {0};
    for (size_t off = 1; off < size; off += chunk) {
        const size_t n = size - off < chunk ? size - off : chunk;
        if (!ndjson_feed(&nd, (const char *)data + off, n, 1u << 16, on_event, NULL))
            break;
    }
    ndjson_fini(&nd);
    return 0;
}
