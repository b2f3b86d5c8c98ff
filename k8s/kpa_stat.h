/* Knative queue-proxy's autoscaling report as its port 9090 serves it: one
 * protobuf `Stat` message (pkg/autoscaler/metrics/stat.proto), decoded by hand. */
#ifndef PODPILOT_KPA_STAT_H
#define PODPILOT_KPA_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The scraper reads at most this much of an answer (http_scrape_client.go:
 * 6 doubles of 10 bytes, a pod name of 256, 20 to spare). */
#define KPA_STAT_MAX_BYTES (6 * 10 + 256 + 20)

/* The Content-Type the scraper accepts, and nothing else. */
#define KPA_STAT_MIME "application/protobuf"

struct kpa_stat_msg {
    char pod_name[254];         /* field 1; a pod name is at most 253 bytes */
    double concurrency;         /* 2: average_concurrent_requests */
    double proxied_concurrency; /* 3: average_proxied_concurrent_requests */
    double rps;                 /* 4: request_count, already per second */
    double proxied_rps;         /* 5: proxied_request_count */
    double uptime_s;            /* 6: process_uptime */
    int64_t timestamp;          /* 7 */
};

/* Decodes p[0..n) into out (proto3: an absent field is zero; unknown
 * fields skipped). False, with why (static text) and where the byte
 * offset, for a truncated or malformed message, a known field of the
 * wrong wire type, a pod name too long, or a value that is not a finite
 * non-negative number (NaN and infinities are never acted on). */
bool kpa_stat_decode(const uint8_t *p, size_t n, struct kpa_stat_msg *out, const char **why,
                     size_t *where);

/* m encoded as queue-proxy encodes it (zeros left out) into out, *len
 * bytes (0 for an all-zero message); false when it does not fit. For
 * tests and the fuzzer. */
bool kpa_stat_encode(const struct kpa_stat_msg *m, uint8_t *out, size_t size, size_t *len);

#endif
