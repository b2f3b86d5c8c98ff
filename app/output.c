#include "app/output.h"

#include <stdio.h>

int output_record_to(struct recorder *r, const struct svc_set *set, const char *path,
                     const cJSON *header) {
    struct pp_error err = {0};
    struct record_writer *w = record_create(path, header, set->start, set->n, &err);
    if (!w) {
        fprintf(stderr, "podpilot: %s: %s\n", err.field, err.message);
        return 1;
    }
    recorder_attach(r, w);
    return 0;
}

int output_finish(struct recorder *r) {
    struct pp_error err = {0};
    const bool stopped = recorder_failed(r, NULL);
    if (recorder_detach(r, &err) == PP_OK)
        return 0;
    fprintf(stderr, "podpilot: %s%s\n", stopped ? "recording stopped: " : "", err.message);
    return 1;
}
