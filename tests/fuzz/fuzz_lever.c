/* libFuzzer: any bytes as an object the API server sent back (the lever's
 * object, its podpilot.io/original annotation among them: anyone who may
 * edit the object may write it). Every verb on every lever plans, renders
 * and restores without crashing; a rendered body is JSON. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/lever.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    cJSON *obj = cJSON_Parse(text);
    free(text);
    if (!obj)
        return 0;
    static const char *const lines[] = {
        "pin s 3",      "unpin s",        "pause s",        "resume s",
        "target s 7.5", "target s reset", "set s window 9", "set s minReplicas 2"};
    for (int kind = 0; kind < LEVER_KINDS; kind++) {
        struct lever_object o;
        lever_object_init(&o, (enum lever_kind)kind, "ml", "s");
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
            struct command c;
            struct pp_error err = {0};
            if (command_parse(lines[i], &c, &err) != PP_OK)
                abort();
            struct lever_plan p;
            if (lever_plan(&o, obj, &c, 2, &p, &err) != PP_OK)
                continue;
            const char *ctype;
            char *body = lever_render(&p, obj, &ctype);
            cJSON *back = cJSON_Parse(body);
            if (!back)
                abort();
            cJSON_Delete(back);
            free(body);
            lever_plan_fini(&p);
        }
        struct lever_plan p;
        struct pp_error err = {0};
        if (lever_plan_restore_all(&o, obj, &p, &err)) {
            const char *ctype;
            free(lever_render(&p, obj, &ctype));
            lever_plan_fini(&p);
        }
    }
    cJSON_Delete(obj);
    return 0;
}
