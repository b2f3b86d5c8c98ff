/* A manifest text built into a set, as the app builds files: the tests'
 * one way to do it. Included by the suites that read manifests. */
#ifndef PODPILOT_TESTS_BUILD_TEXT_H
#define PODPILOT_TESTS_BUILD_TEXT_H

#include <string.h>

#include "app/loads.h"
#include "k8s/manifest.h"

/* Builds text (named name in messages); returns the status and leaves the
 * set and error for checks. */
static inline enum pp_status build_text(const char *name, const char *text, struct svc_set *set,
                                        struct pp_error *err) {
    struct manifest *m = manifest_create();
    svc_set_init(set);
    memset(err, 0, sizeof(*err));
    enum pp_status s = manifest_add_text(m, name, text, strlen(text), err);
    if (s == PP_OK)
        s = manifest_build(m, set, err);
    if (s == PP_OK)
        s = loads_resolve(set, err);
    manifest_destroy(m);
    return s;
}

#endif
