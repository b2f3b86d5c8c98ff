/* k8s/kpa_stat: queue-proxy's protobuf Stat, decoded as the Knative
 * scraper decodes it; every malformed message refused with where, never
 * read past its end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "k8s/kpa_stat.h"

/* Stat{pod_name: "p-1", average_concurrent_requests: 1.5, request_count: 3,
 * timestamp: 300}, as Go's proto.Marshal writes it. */
static const uint8_t sample[] = {
    0x0a, 0x03, 'p',  '-',  '1',                          /* 1: "p-1" */
    0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, /* 2: 1.5 */
    0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, /* 4: 3.0 */
    0x38, 0xac, 0x02,                                     /* 7: 300 */
};

static bool decode(const uint8_t *p, size_t n, struct kpa_stat_msg *m, const char **why,
                   size_t *where) {
    return kpa_stat_decode(p, n, m, why, where);
}

static void test_decodes_what_queue_proxy_sends(void **state) {
    (void)state;
    struct kpa_stat_msg m;
    const char *why = NULL;
    size_t where = 0;
    assert_true(decode(sample, sizeof(sample), &m, &why, &where));
    assert_string_equal(m.pod_name, "p-1");
    assert_true(m.concurrency == 1.5);
    assert_true(m.proxied_concurrency == 0); /* proto3 leaves zeros out */
    assert_true(m.rps == 3.0);
    assert_true(m.timestamp == 300);
    /* an empty message is every field zero */
    assert_true(decode(sample, 0, &m, &why, &where));
    assert_true(m.concurrency == 0 && m.pod_name[0] == '\0');
}

static void test_encode_round_trips_and_leaves_zeros_out(void **state) {
    (void)state;
    struct kpa_stat_msg in = {.concurrency = 1.5, .rps = 3, .timestamp = 300};
    memcpy(in.pod_name, "p-1", 4);
    uint8_t buf[KPA_STAT_MAX_BYTES];
    size_t n = 0;
    assert_true(kpa_stat_encode(&in, buf, sizeof(buf), &n));
    assert_int_equal(n, sizeof(sample));
    assert_memory_equal(buf, sample, sizeof(sample));
    in.proxied_concurrency = 0.25;
    in.proxied_rps = 1;
    in.uptime_s = 12.5;
    struct kpa_stat_msg out;
    const char *why;
    size_t where;
    assert_true(kpa_stat_encode(&in, buf, sizeof(buf), &n));
    assert_true(decode(buf, n, &out, &why, &where));
    assert_true(out.proxied_concurrency == 0.25 && out.proxied_rps == 1 && out.uptime_s == 12.5);
    assert_false(kpa_stat_encode(&in, buf, 10, &n)); /* does not fit */
    const struct kpa_stat_msg zero = {0};
    assert_true(kpa_stat_encode(&zero, buf, sizeof(buf), &n));
    assert_int_equal(n, 0); /* proto3: an all-zero message is no bytes */
}

static void test_unknown_fields_are_skipped(void **state) {
    (void)state;
    /* field 9 varint, field 10 bytes, field 11 fixed32, field 12 fixed64, then the sample */
    uint8_t msg[64] = {0x48, 0x96, 0x01, 0x52, 0x02, 'x', 'y', 0x5d, 1, 2, 3,
                       4,    0x61, 1,    2,    3,    4,   5,   6,    7, 8};
    memcpy(msg + 21, sample, sizeof(sample));
    struct kpa_stat_msg m;
    const char *why;
    size_t where;
    assert_true(decode(msg, 21 + sizeof(sample), &m, &why, &where));
    assert_string_equal(m.pod_name, "p-1");
    assert_true(m.rps == 3.0);
}

static void test_every_truncation_is_refused_or_whole(void **state) {
    (void)state;
    /* Cut at every byte: a cut inside a field fails and says where that
     * field began; a cut between fields is a shorter, valid message. */
    const size_t bounds[] = {0, 5, 14, 23, sizeof(sample)};
    for (size_t n = 0; n <= sizeof(sample); n++) {
        uint8_t copy[sizeof(sample)];
        memcpy(copy, sample, n); /* a buffer of exactly n bytes for ASan */
        struct kpa_stat_msg m;
        const char *why = NULL;
        size_t where = 99;
        bool whole = false;
        for (size_t b = 0; b < 5; b++)
            whole |= bounds[b] == n;
        assert_int_equal(decode(copy, n, &m, &why, &where), whole);
        if (!whole) {
            assert_non_null(why);
            assert_true(where < n);
        }
    }
}

static void test_malformed_messages_say_why(void **state) {
    (void)state;
    struct kpa_stat_msg m;
    const char *why = NULL;
    size_t where = 0;
    const uint8_t wrong_wire[] = {0x10, 0x01}; /* field 2 as a varint */
    assert_false(decode(wrong_wire, sizeof(wrong_wire), &m, &why, &where));
    assert_string_equal(why, "a figure that is not a double");
    const uint8_t nan[] = {0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
    assert_false(decode(nan, sizeof(nan), &m, &why, &where));
    assert_string_equal(why, "a figure that is not a finite non-negative number");
    const uint8_t negative[] = {0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf}; /* -1.0 */
    assert_false(decode(negative, sizeof(negative), &m, &why, &where));
    const uint8_t group[] = {0x4b}; /* field 9, wire type 3 */
    assert_false(decode(group, sizeof(group), &m, &why, &where));
    assert_string_equal(why, "unknown wire type (groups are not proto3)");
    const uint8_t zero_field[] = {0x00, 0x01};
    assert_false(decode(zero_field, sizeof(zero_field), &m, &why, &where));
    const uint8_t long_varint[] = {0x38, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_false(decode(long_varint, sizeof(long_varint), &m, &why, &where));
    assert_int_equal(where, 0);
    const uint8_t past_end[] = {0x11, 0x01, 0x0a, 0x7f, 'a'}; /* a length past the end */
    assert_false(decode(past_end + 2, 3, &m, &why, &where));
    assert_string_equal(why, "length past the end of the message");
    uint8_t long_name[300] = {0x0a, 0xa0, 0x02}; /* 288 bytes */
    memset(long_name + 3, 'a', 288);
    assert_false(decode(long_name, 291, &m, &why, &where));
    assert_string_equal(why, "pod_name longer than a pod name can be");
    assert_true(m.pod_name[0] == '\0' && m.concurrency == 0); /* nothing half-decoded */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decodes_what_queue_proxy_sends),
        cmocka_unit_test(test_encode_round_trips_and_leaves_zeros_out),
        cmocka_unit_test(test_unknown_fields_are_skipped),
        cmocka_unit_test(test_every_truncation_is_refused_or_whole),
        cmocka_unit_test(test_malformed_messages_say_why),
    };
    return cmocka_run_group_tests_name("kpa_stat", tests, NULL, NULL);
}
