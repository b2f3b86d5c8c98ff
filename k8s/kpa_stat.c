#include "k8s/kpa_stat.h"

#include <math.h>
#include <string.h>

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

struct reader {
    const uint8_t *p;
    size_t n, at;
    const char *why;
};

static bool fail(struct reader *r, const char *why) {
    r->why = why;
    return false;
}

/* A base-128 varint of at most 10 bytes. */
static bool varint(struct reader *r, uint64_t *out) {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (r->at >= r->n)
            return fail(r, "truncated varint");
        const uint8_t b = r->p[r->at++];
        if (shift == 63 && b > 1)
            return fail(r, "varint longer than 64 bits");
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return fail(r, "varint longer than 10 bytes");
}

static bool fixed64(struct reader *r, uint64_t *out) {
    if (r->n - r->at < 8)
        return fail(r, "truncated fixed64");
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | r->p[r->at + (size_t)i]; /* little-endian on the wire */
    r->at += 8;
    *out = v;
    return true;
}

static bool length(struct reader *r, size_t *out) {
    uint64_t len;
    if (!varint(r, &len))
        return false;
    if (len > r->n - r->at)
        return fail(r, "length past the end of the message");
    *out = (size_t)len;
    return true;
}

static bool skip(struct reader *r, unsigned wire) {
    uint64_t v;
    size_t len;
    switch (wire) {
    case WIRE_VARINT:
        return varint(r, &v);
    case WIRE_FIXED64:
        return fixed64(r, &v);
    case WIRE_LEN:
        if (!length(r, &len))
            return false;
        r->at += len;
        return true;
    case WIRE_FIXED32:
        if (r->n - r->at < 4)
            return fail(r, "truncated fixed32");
        r->at += 4;
        return true;
    default:
        return fail(r, "unknown wire type (groups are not proto3)");
    }
}

static bool figure(struct reader *r, double *out) {
    uint64_t bits;
    if (!fixed64(r, &bits))
        return false;
    double d;
    memcpy(&d, &bits, sizeof(d));
    if (!isfinite(d) || d < 0)
        return fail(r, "a figure that is not a finite non-negative number");
    *out = d;
    return true;
}

static bool field(struct reader *r, unsigned num, unsigned wire, struct kpa_stat_msg *m) {
    double *const figures[] = {&m->concurrency, &m->proxied_concurrency, &m->rps, &m->proxied_rps,
                               &m->uptime_s};
    if (num == 1) {
        size_t len;
        if (wire != WIRE_LEN)
            return fail(r, "pod_name is not length-delimited");
        if (!length(r, &len))
            return false;
        if (len >= sizeof(m->pod_name))
            return fail(r, "pod_name longer than a pod name can be");
        memcpy(m->pod_name, r->p + r->at, len);
        m->pod_name[len] = '\0';
        r->at += len;
        return true;
    }
    if (num >= 2 && num <= 6) {
        if (wire != WIRE_FIXED64)
            return fail(r, "a figure that is not a double");
        return figure(r, figures[num - 2]);
    }
    if (num == 7) {
        uint64_t v;
        if (wire != WIRE_VARINT)
            return fail(r, "timestamp is not a varint");
        if (!varint(r, &v))
            return false;
        m->timestamp = (int64_t)v;
        return true;
    }
    return skip(r, wire);
}

bool kpa_stat_decode(const uint8_t *p, size_t n, struct kpa_stat_msg *out, const char **why,
                     size_t *where) {
    struct reader r = {.p = p, .n = n};
    *out = (struct kpa_stat_msg){0};
    while (r.at < r.n) {
        const size_t start = r.at;
        uint64_t key;
        bool ok = varint(&r, &key);
        if (ok && (key >> 3) == 0)
            ok = fail(&r, "field number 0");
        if (ok && key >> 3 > UINT32_MAX)
            ok = fail(&r, "field number too large");
        if (ok)
            ok = field(&r, (unsigned)(key >> 3), (unsigned)(key & 7), out);
        if (!ok) {
            *why = r.why;
            *where = start;
            *out = (struct kpa_stat_msg){0};
            return false;
        }
    }
    return true;
}

/* v as a varint at out[*at]; false when it does not fit. */
static bool put_varint(uint64_t v, uint8_t *out, size_t *at, size_t size) {
    do {
        if (*at >= size)
            return false;
        out[(*at)++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return true;
}

bool kpa_stat_encode(const struct kpa_stat_msg *m, uint8_t *out, size_t size, size_t *len) {
    size_t at = 0;
    const size_t name = strlen(m->pod_name);
    if (name) {
        if (!put_varint(0x0a, out, &at, size) || !put_varint(name, out, &at, size) ||
            size - at < name)
            return false;
        memcpy(out + at, m->pod_name, name);
        at += name;
    }
    const double figures[] = {m->concurrency, m->proxied_concurrency, m->rps, m->proxied_rps,
                              m->uptime_s};
    for (unsigned i = 0; i < 5; i++) {
        if (figures[i] == 0)
            continue;
        uint64_t bits;
        memcpy(&bits, &figures[i], sizeof(bits));
        if (!put_varint((uint64_t)(i + 2) << 3 | WIRE_FIXED64, out, &at, size) || size - at < 8)
            return false;
        for (int b = 0; b < 8; b++)
            out[at++] = (uint8_t)(bits >> (8 * b));
    }
    if (m->timestamp && (!put_varint(7 << 3 | WIRE_VARINT, out, &at, size) ||
                         !put_varint((uint64_t)m->timestamp, out, &at, size)))
        return false;
    *len = at;
    return true;
}
