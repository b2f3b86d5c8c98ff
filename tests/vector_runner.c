/* Runs every scenario file of one kind in a directory and checks podpilot's
 * decisions against upstream's: `vector_runner KIND DIR`. Prints the first
 * differing tick and field of each failure and ends with "N passed, M failed". */
#include "tests/vec.h"

#include "engine/common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *kind;
    vec_run_fn run;
} kinds[] = {
    {"kpa", vec_kpa_run},
    {"cron", vec_cron_run},
    {"lag", vec_lag_run},
    {"hpa", vec_hpa_run},
};

static bool is_scenario(const char *name) {
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && !strstr(name, ".expected.");
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_scenarios(const char *dir, char ***out) {
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 64;
    char **names = xmalloc(cap * sizeof(*names));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_scenario(e->d_name))
            continue;
        if (n == cap) {
            cap *= 2;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    *out = names;
    return n;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vector_runner KIND DIR   (KIND: kpa, cron, lag, hpa)\n");
        return 2;
    }
    vec_run_fn run = NULL;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(argv[1], kinds[i].kind) == 0)
            run = kinds[i].run;
    }
    if (!run) {
        fprintf(stderr, "vector_runner: unknown kind \"%s\"\n", argv[1]);
        return 2;
    }
    char **names = NULL;
    size_t n = list_scenarios(argv[2], &names);
    if (n == 0) {
        fprintf(stderr, "vector_runner: no scenario files (*.json) in %s\n", argv[2]);
        return 2;
    }
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096], diag[1024] = "";
        snprintf(path, sizeof(path), "%s/%s", argv[2], names[i]);
        if (run(path, diag, sizeof(diag))) {
            passed++;
            printf("ok   %s\n", names[i]);
        } else {
            failed++;
            printf("FAIL %s: %s\n", names[i], diag);
        }
        free(names[i]);
    }
    free(names);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
