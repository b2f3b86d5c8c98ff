/* Time zones from TZif data (RFC 8536) with Go's time package semantics:
 * civil fields of an instant, and time.Date's choice for local times that a
 * DST change skips or repeats. Pure: the caller reads the zoneinfo file. */
#ifndef PODPILOT_TZ_H
#define PODPILOT_TZ_H

#include "engine/common.h"

struct tz;

/* Civil time in a zone; month 1-12, wday 0 = Sunday. */
struct tz_fields {
    int year, month, day, hour, minute, second, wday;
    int32_t offset;  /* seconds east of UTC */
    char abbrev[16]; /* "CST", "EDT" */
};

/* Parses TZif v1/v2+ data. Instants after the last transition keep the last
 * offset: the POSIX footer rule is not applied (Debian ships "fat" files with
 * transitions through 2037). */
struct tz *tz_parse(const uint8_t *data, size_t len, struct pp_error *err);
/* A fixed UTC zone, for tests and for TZ=UTC. */
struct tz *tz_utc(void);
void tz_destroy(struct tz *z);

void tz_fields(const struct tz *z, int64_t unix, struct tz_fields *out);
/* Go's time.Date(year, month, day, hour, min, sec, 0, loc).Unix(): fields out
 * of range normalize (month 13 is January next year); a local time in a DST
 * gap or overlap resolves as Go does. */
int64_t tz_date(const struct tz *z, int year, int month, int day, int hour, int minute, int second);

#endif
