/* libFuzzer: any bytes as a queue-proxy's answer on port 9090. A message
 * that decodes re-encodes to one that decodes to the same figures. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/kpa_stat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct kpa_stat_msg m, again;
    const char *why;
    size_t where;
    if (!kpa_stat_decode(data, size, &m, &why, &where)) {
        if (!why || where >= size)
            abort(); /* a refusal says why, and where inside the message */
        return 0;
    }
    uint8_t buf[512];
    size_t n = 0;
    if (!kpa_stat_encode(&m, buf, sizeof(buf), &n) ||
        !kpa_stat_decode(buf, n, &again, &why, &where) || strcmp(m.pod_name, again.pod_name) != 0 ||
        m.concurrency != again.concurrency || m.proxied_concurrency != again.proxied_concurrency ||
        m.rps != again.rps || m.proxied_rps != again.proxied_rps || m.uptime_s != again.uptime_s ||
        m.timestamp != again.timestamp)
        abort();
    return 0;
}
