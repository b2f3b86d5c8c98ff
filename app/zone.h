/* Loads a time zone by IANA name the way Go's time.LoadLocation does:
 * "UTC" (or "") is UTC, "Local" is /etc/localtime, anything else is read
 * from $ZONEINFO (a directory) or /usr/share/zoneinfo. */
#ifndef PODPILOT_APP_ZONE_H
#define PODPILOT_APP_ZONE_H

#include "engine/tz.h"

/* NULL with err filled ("unknown time zone Mars/Base") when the name is not
 * a zone or not a valid name. */
struct tz *zone_load(const char *name, struct pp_error *err);

#endif
