#include "engine/tz.h"

#include <stdlib.h>
#include <string.h>

struct tz_type {
    int32_t offset;
    char abbrev[16];
};

struct tz {
    size_t ntrans, ntypes;
    int64_t *when;    /* transition instants, ascending */
    uint8_t *type_of; /* type index after each transition */
    struct tz_type *types;
    size_t first_type; /* type before the first transition */
};

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

struct header {
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool read_header(const uint8_t *p, size_t len, struct header *h) {
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    return h->type > 0 && h->type < 256 && h->time < 100000 && h->chars < 65536;
}

static size_t block_size(const struct header *h, size_t tsize) {
    return h->time * tsize + h->time + h->type * 6 + h->chars + h->leap * (tsize + 4) + h->isstd +
           h->isut;
}

/* RFC 8536 §3.2: the first type with no transitions before it is type 0. */
static struct tz *build(const uint8_t *p, const struct header *h, size_t tsize) {
    struct tz *z = xcalloc(1, sizeof(*z));
    z->ntrans = h->time;
    z->ntypes = h->type;
    z->when = xcalloc(h->time ? h->time : 1, sizeof(int64_t));
    z->type_of = xcalloc(h->time ? h->time : 1, 1);
    z->types = xcalloc(h->type, sizeof(struct tz_type));
    for (size_t i = 0; i < h->time; i++)
        z->when[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
    const uint8_t *idx = p + h->time * tsize;
    const uint8_t *tt = idx + h->time;
    const char *chars = (const char *)(tt + h->type * 6);
    for (size_t i = 0; i < h->time; i++)
        z->type_of[i] = idx[i] < h->type ? idx[i] : 0;
    for (size_t i = 0; i < h->type; i++) {
        z->types[i].offset = (int32_t)be32(tt + i * 6);
        uint8_t ai = tt[i * 6 + 5];
        if (ai < h->chars) {
            size_t n = strnlen(chars + ai, h->chars - ai);
            if (n >= sizeof(z->types[i].abbrev))
                n = sizeof(z->types[i].abbrev) - 1;
            memcpy(z->types[i].abbrev, chars + ai, n);
        }
    }
    return z;
}

struct tz *tz_parse(const uint8_t *data, size_t len, struct pp_error *err) {
    struct header h;
    if (!read_header(data, len, &h)) {
        pp_fail(err, PP_ERR_PARSE, "", "not a TZif time zone file");
        return NULL;
    }
    size_t v1 = 44 + block_size(&h, 4);
    if (v1 > len) {
        pp_fail(err, PP_ERR_PARSE, "", "truncated TZif data");
        return NULL;
    }
    if (data[4] >= '2') {
        struct header h2;
        if (!read_header(data + v1, len - v1, &h2) || v1 + 44 + block_size(&h2, 8) > len) {
            pp_fail(err, PP_ERR_PARSE, "", "truncated TZif version 2 data");
            return NULL;
        }
        return build(data + v1 + 44, &h2, 8);
    }
    return build(data + 44, &h, 4);
}

struct tz *tz_utc(void) {
    struct tz *z = xcalloc(1, sizeof(*z));
    z->ntypes = 1;
    z->when = xcalloc(1, sizeof(int64_t));
    z->type_of = xcalloc(1, 1);
    z->types = xcalloc(1, sizeof(struct tz_type));
    memcpy(z->types[0].abbrev, "UTC", 4);
    return z;
}

void tz_destroy(struct tz *z) {
    if (!z)
        return;
    free(z->when);
    free(z->type_of);
    free(z->types);
    free(z);
}

/* The zone in effect at unix and the span [start, end) it covers. */
static const struct tz_type *lookup(const struct tz *z, int64_t unix, int64_t *start,
                                    int64_t *end) {
    *start = INT64_MIN;
    *end = INT64_MAX;
    if (z->ntrans == 0 || unix < z->when[0]) {
        if (z->ntrans)
            *end = z->when[0];
        return &z->types[z->first_type];
    }
    size_t lo = 0, hi = z->ntrans; /* last transition <= unix */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->when[mid] <= unix)
            lo = mid;
        else
            hi = mid;
    }
    *start = z->when[lo];
    if (lo + 1 < z->ntrans)
        *end = z->when[lo + 1];
    return &z->types[z->type_of[lo]];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year, int *month, int *day) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp + (mp < 10 ? 3 : -9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int64_t floor_div(int64_t a, int64_t b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void tz_fields(const struct tz *z, int64_t unix, struct tz_fields *out) {
    int64_t start, end;
    const struct tz_type *t = lookup(z, unix, &start, &end);
    const int64_t local = unix + t->offset;
    const int64_t days = floor_div(local, 86400);
    const int64_t secs = local - days * 86400;
    civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
    out->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    out->offset = t->offset;
    memcpy(out->abbrev, t->abbrev, sizeof(out->abbrev));
}

int64_t tz_date(const struct tz *z, int year, int month, int day, int hour, int minute,
                int second) {
    /* Normalize the month into the year first, as time.Date does; days,
     * hours, minutes and seconds then simply add up. */
    int64_t m = month - 1;
    int64_t y = year + floor_div(m, 12);
    m -= floor_div(m, 12) * 12;
    int64_t unix = days_from_civil(y, m + 1, 1) * 86400 + (int64_t)(day - 1) * 86400 +
                   (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
    /* Go: look the offset up at the local time taken as UTC; if the instant
     * it gives falls outside that zone's span, use the zone at that instant. */
    int64_t start, end;
    int32_t offset = lookup(z, unix, &start, &end)->offset;
    if (offset != 0) {
        int64_t utc = unix - offset;
        if (utc < start || utc >= end)
            offset = lookup(z, utc, &start, &end)->offset;
        unix -= offset;
    }
    return unix;
}
