/* From what the user gave — manifest texts, --load flags — to the set of
 * services the engine runs. Recordings keep the same inputs in their
 * header, so replay builds the set the session ran. */
#ifndef PODPILOT_BUILD_H
#define PODPILOT_BUILD_H

#include "engine/service.h"

#include <cjson/cJSON.h>

struct sources {
    char **names; /* file names, "(built-in demo)" */
    char **texts;
    size_t *lens;
    size_t n;
    const char *const *loads; /* "SVC: FLAGS" */
    size_t n_loads;
};

/* Reads a manifest file whole; err as the manifest reader gives it. */
enum pp_status sources_add_file(struct sources *s, const char *path, struct pp_error *err);
/* As kubectl -f takes it: a file; a directory's *.yaml, *.yml and *.json
 * in name order (its subdirectories too when recursive, as -R); "-"
 * standard input, named "(stdin)". */
enum pp_status sources_add_path(struct sources *s, const char *path, bool recursive,
                                struct pp_error *err);
void sources_add_text(struct sources *s, const char *name, const char *text, size_t len);
void sources_free(struct sources *s);

/* The warnings reading the manifests gave ("FILE:LINE:COL: ..."), for the
 * console's event log and status line. */
struct build_notes {
    char **lines;
    size_t n;
};
void build_notes_free(struct build_notes *n);

/* Builds the set: manifests, then loads ("SVC: FLAGS"; parsed only when
 * `parse_loads`), then cron time zones. Prints warnings and errors on
 * stderr, and keeps the warnings in `notes` when it is not NULL; returns
 * 0, 1 (a manifest or zone was refused) or 2 (a bad --load). */
int build_set(const struct sources *s, bool parse_loads, struct svc_set *set,
              struct build_notes *notes);

/* Shadow mode recomputes what it can read from a cluster: services whose
 * scaler is not an HPA (or KEDA's), a KPA or a CronHPA are shown as the cluster runs them,
 * class SVC_NONE. Returns how many were. A live recording's header says
 * "shadow": true and replay applies the same. */
size_t build_shadow(struct svc_set *set);

/* The recording header: version, seed, start, the sources and loads, and
 * the resolved settings of every service. */
cJSON *build_header(const struct sources *s, const struct svc_set *set);

/* Sources back from a recording header; false when it has none. */
bool sources_from_header(struct sources *s, const cJSON *header);

#endif
