#include "app/build.h"

#include "app/loads.h"
#include "app/zone.h"
#include "engine/record.h"
#include "k8s/manifest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void sources_add_text(struct sources *s, const char *name, const char *text, size_t len) {
    s->names = xrealloc(s->names, (s->n + 1) * sizeof(*s->names));
    s->texts = xrealloc(s->texts, (s->n + 1) * sizeof(*s->texts));
    s->lens = xrealloc(s->lens, (s->n + 1) * sizeof(*s->lens));
    s->names[s->n] = xstrdup(name);
    s->texts[s->n] = xmalloc(len + 1);
    memcpy(s->texts[s->n], text, len);
    s->texts[s->n][len] = '\0';
    s->lens[s->n++] = len;
}

enum pp_status sources_add_file(struct sources *s, const char *path, struct pp_error *err) {
    size_t len;
    char *text = manifest_read_file(path, &len, err);
    if (!text)
        return PP_ERR_IO;
    sources_add_text(s, path, text, len);
    free(text);
    return PP_OK;
}

static bool manifest_name(const char *name) {
    const size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

/* A directory's manifests in name order (as kubectl -f DIR), its
 * subdirectories too when recursive; how many files it added. */
static enum pp_status add_dir(struct sources *s, const char *dir, bool recursive, size_t *added,
                              struct pp_error *err) {
    struct dirent **list;
    const int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0)
        return pp_fail(err, PP_ERR_IO, "", "%s: cannot read the directory", dir);
    enum pp_status st = PP_OK;
    for (int i = 0; i < n; i++) {
        const char *e = list[i]->d_name;
        char path[4096];
        struct stat sb;
        if (st == PP_OK && e[0] != '.' &&
            snprintf(path, sizeof(path), "%s/%s", dir, e) < (int)sizeof(path) &&
            stat(path, &sb) == 0) {
            if (S_ISDIR(sb.st_mode) && recursive)
                st = add_dir(s, path, true, added, err);
            else if (S_ISREG(sb.st_mode) && manifest_name(e) &&
                     (st = sources_add_file(s, path, err)) == PP_OK)
                (*added)++;
        }
        free(list[i]);
    }
    free(list);
    return st;
}

enum pp_status sources_add_path(struct sources *s, const char *path, bool recursive,
                                struct pp_error *err) {
    if (strcmp(path, "-") == 0) {
        size_t len;
        char *text = manifest_read_file("/dev/stdin", &len, err);
        if (!text)
            return PP_ERR_IO;
        sources_add_text(s, "(stdin)", text, len);
        free(text);
        return PP_OK;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return sources_add_file(s, path, err);
    size_t added = 0;
    const enum pp_status st = add_dir(s, path, recursive, &added, err);
    if (st == PP_OK && added == 0)
        return pp_fail(err, PP_ERR_IO, "", "%s: no .yaml, .yml or .json files%s", path,
                       recursive ? "" : " (-R reads its subdirectories)");
    return st;
}

void sources_free(struct sources *s) {
    for (size_t i = 0; i < s->n; i++) {
        free(s->names[i]);
        free(s->texts[i]);
    }
    free(s->names);
    free(s->texts);
    free(s->lens);
    *s = (struct sources){0};
}

static void print_error(const struct pp_error *err) {
    char msg[1200];
    pp_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "podpilot: %s\n", msg);
}

static int add_loads(struct svc_set *set, const struct sources *s) {
    for (size_t i = 0; i < s->n_loads; i++) {
        const char *colon = strchr(s->loads[i], ':');
        if (!colon)
            continue;
        char svc[SVC_NAME_MAX + 70];
        snprintf(svc, sizeof(svc), "%.*s", (int)(colon - s->loads[i]), s->loads[i]);
        char *end = svc + strlen(svc);
        while (end > svc && end[-1] == ' ')
            *--end = '\0';
        const char *name = svc;
        while (*name == ' ')
            name++;
        struct pp_error err = {0};
        if (loads_add(set, name, colon + 1, &err) != PP_OK) {
            fprintf(stderr, "podpilot: --load '%s': %s%s%s\n", s->loads[i], err.field,
                    err.field[0] ? ": " : "", err.message);
            return 2;
        }
    }
    return 0;
}

static int load_zones(struct svc_set *set) {
    for (size_t i = 0; i < set->n; i++) {
        struct svc_config *c = &set->svcs[i];
        if (!c->cron.set || !c->cron.zone[0])
            continue;
        struct pp_error err = {0};
        c->cron_tz = zone_load(c->cron.zone, &err);
        if (!c->cron_tz) {
            fprintf(stderr, "podpilot: cronTimeZone \"%s\": %s\n", c->cron.zone, err.message);
            return 1;
        }
    }
    return 0;
}

void build_notes_free(struct build_notes *n) {
    for (size_t i = 0; i < n->n; i++)
        free(n->lines[i]);
    free(n->lines);
    *n = (struct build_notes){0};
}

int build_set(const struct sources *s, bool parse_loads, struct svc_set *set,
              struct build_notes *notes) {
    struct manifest *m = manifest_create();
    struct pp_error err = {0};
    enum pp_status st = PP_OK;
    for (size_t i = 0; st == PP_OK && i < s->n; i++)
        st = manifest_add_text(m, s->names[i], s->texts[i], s->lens[i], &err);
    if (st == PP_OK)
        st = manifest_build(m, set, &err);
    if (st == PP_OK && parse_loads)
        st = loads_resolve(set, &err);
    if (st != PP_OK) {
        print_error(&err);
        manifest_destroy(m);
        return 1;
    }
    const char *const *warnings;
    const size_t n = manifest_warnings(m, &warnings);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "podpilot: warning: %s\n", warnings[i]);
    if (notes && n) {
        notes->lines = xrealloc(notes->lines, (notes->n + n) * sizeof(*notes->lines));
        for (size_t i = 0; i < n; i++)
            notes->lines[notes->n++] = xstrdup(warnings[i]);
    }
    manifest_destroy(m);
    if (set->n == 0) {
        fprintf(stderr, "podpilot: no InferenceService, HorizontalPodAutoscaler, Deployment, "
                        "Model or CronHorizontalPodAutoscaler in the files\n");
        return 1;
    }
    int rc = parse_loads ? add_loads(set, s) : 0;
    return rc ? rc : load_zones(set);
}

size_t build_shadow(struct svc_set *set) {
    size_t others = 0;
    for (size_t i = 0; i < set->n; i++)
        if (!svc_class_has_hpa(set->svcs[i].cls) && set->svcs[i].cls != SVC_KPA &&
            set->svcs[i].cls != SVC_CRON && set->svcs[i].cls != SVC_NONE) {
            set->svcs[i].cls = SVC_NONE;
            others++;
        }
    return others;
}

cJSON *build_header(const struct sources *s, const struct svc_set *set) {
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "version", PODPILOT_VERSION);
    char when[40];
    const time_t secs = (time_t)(set->start / PP_NS_PER_SEC);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(h, "start", when);
    cJSON_AddNumberToObject(h, "seed", (double)set->seed);
    cJSON *src = cJSON_AddArrayToObject(h, "sources");
    for (size_t i = 0; i < s->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->names[i]);
        cJSON_AddStringToObject(o, "text", s->texts[i]);
        cJSON_AddItemToArray(src, o);
    }
    cJSON *loads = cJSON_AddArrayToObject(h, "loads");
    for (size_t i = 0; i < s->n_loads; i++)
        cJSON_AddItemToArray(loads, cJSON_CreateString(s->loads[i]));
    cJSON *svcs = cJSON_AddArrayToObject(h, "services");
    for (size_t i = 0; i < set->n; i++)
        cJSON_AddItemToArray(svcs, record_service_json(set, i));
    return h;
}

bool sources_from_header(struct sources *s, const cJSON *header) {
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(header, "sources");
    const cJSON *o;
    cJSON_ArrayForEach(o, src) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
        if (!cJSON_IsString(name) || !cJSON_IsString(text))
            return false;
        sources_add_text(s, name->valuestring, text->valuestring, strlen(text->valuestring));
    }
    return s->n > 0;
}
