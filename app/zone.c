#include "app/zone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Go refuses names that could escape the zoneinfo directory. */
static bool valid_name(const char *name) {
    if (name[0] == '/' || name[0] == '\\' || strstr(name, ".."))
        return false;
    return strlen(name) < 200;
}

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (size_t)1 << 22) /* no zone file is 4 MB */
                break;
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

struct tz *zone_load(const char *name, struct pp_error *err) {
    if (!name || !*name || strcmp(name, "UTC") == 0)
        return tz_utc();
    char path[sizeof(err->file)];
    if (strcmp(name, "Local") == 0) {
        snprintf(path, sizeof(path), "/etc/localtime");
    } else {
        if (!valid_name(name)) {
            pp_fail(err, PP_ERR_INVALID, "timezone", "invalid time zone name \"%s\"", name);
            return NULL;
        }
        const char *dir = getenv("ZONEINFO");
        int n =
            snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            pp_fail(err, PP_ERR_INVALID, "timezone", "zoneinfo path for \"%s\" is too long", name);
            return NULL;
        }
    }
    size_t len = 0;
    uint8_t *data = read_all(path, &len);
    if (!data) {
        pp_fail(err, PP_ERR_IO, "timezone", "unknown time zone %s (%s: %s)", name, path,
                strerror(errno));
        return NULL;
    }
    struct tz *z = tz_parse(data, len, err);
    free(data);
    if (!z && err)
        snprintf(err->file, sizeof(err->file), "%s", path);
    return z;
}
