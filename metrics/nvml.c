#include "metrics/nvml.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NVML's ABI, as its header has it (API version 13): return codes, an
 * opaque device pointer, and the structs the calls fill. */
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
};

typedef int nvml_return;
typedef struct nvml_device_st *nvml_device;

struct nvml_utilization {
    unsigned int gpu, memory;
};

struct nvml_memory {
    unsigned long long total, free, used;
};

struct nvml_process_sample {
    unsigned int pid;
    unsigned long long timestamp;
    unsigned int sm_util, mem_util, enc_util, dec_util;
};

struct nvml {
    void *lib;
    nvml_return (*init)(void);
    nvml_return (*shutdown)(void);
    nvml_return (*count)(unsigned int *);
    nvml_return (*handle)(unsigned int, nvml_device *);
    nvml_return (*name)(nvml_device, char *, unsigned int);
    nvml_return (*uuid)(nvml_device, char *, unsigned int);
    nvml_return (*util)(nvml_device, struct nvml_utilization *);
    nvml_return (*memory)(nvml_device, struct nvml_memory *);
    const char *(*error)(nvml_return);
    /* optional: older drivers lack it */
    nvml_return (*procs)(nvml_device, struct nvml_process_sample *, unsigned int *,
                         unsigned long long);
};

static const char *why(const struct nvml *n, nvml_return rc) {
    const char *s = n->error ? n->error(rc) : NULL;
    return s && s[0] ? s : "unknown error";
}

struct nvml *nvml_open(const char *library, struct pp_error *err) {
    const char *path = library ? library : "libnvidia-ml.so.1";
    void *lib = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        pp_fail(err, PP_ERR_IO, "nvml", "no NVIDIA driver library (%s): %s", path,
                e ? e : "not found");
        return NULL;
    }
    struct nvml *n = xcalloc(1, sizeof(*n));
    n->lib = lib;
    /* versioned symbols: the header defines the plain names to them */
    static const struct {
        const char *sym;
        size_t at;
    } need[] = {
        {"nvmlInit_v2", offsetof(struct nvml, init)},
        {"nvmlShutdown", offsetof(struct nvml, shutdown)},
        {"nvmlDeviceGetCount_v2", offsetof(struct nvml, count)},
        {"nvmlDeviceGetHandleByIndex_v2", offsetof(struct nvml, handle)},
        {"nvmlDeviceGetName", offsetof(struct nvml, name)},
        {"nvmlDeviceGetUUID", offsetof(struct nvml, uuid)},
        {"nvmlDeviceGetUtilizationRates", offsetof(struct nvml, util)},
        {"nvmlDeviceGetMemoryInfo", offsetof(struct nvml, memory)},
        {"nvmlErrorString", offsetof(struct nvml, error)},
    };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        void *f = dlsym(lib, need[i].sym);
        if (!f) {
            pp_fail(err, PP_ERR_IO, "nvml", "%s has no %s: a driver older than NVML 10?", path,
                    need[i].sym);
            dlclose(lib);
            free(n);
            return NULL;
        }
        memcpy((char *)n + need[i].at, &f, sizeof(f));
    }
    void *p = dlsym(lib, "nvmlDeviceGetProcessUtilization");
    memcpy(&n->procs, &p, sizeof(p));
    const nvml_return rc = n->init();
    if (rc != NVML_SUCCESS) {
        pp_fail(err, PP_ERR_IO, "nvml", "%s: %s%s", path, why(n, rc),
                rc == NVML_ERROR_DRIVER_NOT_LOADED ? " (is this a GPU node?)" : "");
        dlclose(lib);
        free(n);
        return NULL;
    }
    return n;
}

void nvml_close(struct nvml *n) {
    if (!n)
        return;
    n->shutdown();
    dlclose(n->lib);
    free(n);
}

static void read_procs(struct nvml *n, nvml_device d, struct nvml_gpu *g) {
    if (!n->procs)
        return;
    unsigned int count = 0;
    nvml_return rc = n->procs(d, NULL, &count, 0);
    if (rc != NVML_ERROR_INSUFFICIENT_SIZE || count == 0)
        return; /* no samples (NOT_FOUND), or not on this GPU */
    struct nvml_process_sample s[NVML_MAX_PROCS * 4];
    count = count < sizeof(s) / sizeof(s[0]) ? count : (unsigned)(sizeof(s) / sizeof(s[0]));
    if ((rc = n->procs(d, s, &count, 0)) != NVML_SUCCESS)
        return;
    /* several samples per process: the newest of each */
    for (unsigned i = 0; i < count; i++) {
        size_t k = 0;
        while (k < g->n_procs && g->procs[k].pid != s[i].pid)
            k++;
        if (k == g->n_procs) {
            if (g->n_procs == NVML_MAX_PROCS)
                continue;
            g->n_procs++;
        }
        g->procs[k] = (struct nvml_proc){s[i].pid, s[i].sm_util, s[i].mem_util};
    }
}

size_t nvml_read(struct nvml *n, struct nvml_gpu *out, size_t cap, size_t *hidden,
                 struct pp_error *err) {
    unsigned int count = 0;
    *hidden = 0;
    nvml_return rc = n->count(&count);
    if (rc != NVML_SUCCESS) {
        pp_fail(err, PP_ERR_IO, "nvml", "counting GPUs: %s", why(n, rc));
        return 0;
    }
    size_t k = 0;
    for (unsigned i = 0; i < count && k < cap; i++) {
        nvml_device d = NULL;
        if ((rc = n->handle(i, &d)) != NVML_SUCCESS) {
            /* the count includes GPUs this user may not read */
            ++*hidden;
            continue;
        }
        struct nvml_gpu *g = &out[k++];
        memset(g, 0, sizeof(*g));
        g->index = i;
        if (n->name(d, g->name, sizeof(g->name)) != NVML_SUCCESS)
            snprintf(g->name, sizeof(g->name), "?");
        if (n->uuid(d, g->uuid, sizeof(g->uuid)) != NVML_SUCCESS)
            snprintf(g->uuid, sizeof(g->uuid), "?");
        g->name[sizeof(g->name) - 1] = g->uuid[sizeof(g->uuid) - 1] = '\0';
        struct nvml_utilization u;
        if ((rc = n->util(d, &u)) == NVML_SUCCESS) {
            g->util_ok = true;
            g->util_gpu = u.gpu <= 100 ? u.gpu : 100;
            g->util_mem = u.memory <= 100 ? u.memory : 100;
        } else {
            snprintf(g->note, sizeof(g->note), "utilization: %s", why(n, rc));
        }
        struct nvml_memory m;
        if ((rc = n->memory(d, &m)) == NVML_SUCCESS) {
            g->mem_ok = true;
            g->mem_total = m.total;
            g->mem_used = m.used <= m.total ? m.used : m.total;
        } else if (!g->note[0]) {
            snprintf(g->note, sizeof(g->note), "memory: %s", why(n, rc));
        }
        read_procs(n, d, g);
    }
    return k;
}
