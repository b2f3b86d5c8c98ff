/* A stand-in libnvidia-ml.so.1 for the tests (no GPU here): the NVML calls
 * podpilot makes, with NVML's signatures and return codes. Three GPUs: an
 * A100 with two processes (one with two samples), a T4 whose utilization
 * is not supported, and one this user may not read. FAKE_NVML=noload plays
 * a machine whose driver is not loaded. */
#include <stdlib.h>
#include <string.h>

typedef struct dev *nvmlDevice_t;
struct dev {
    int i;
};
static struct dev devs[3] = {{0}, {1}, {2}};

typedef struct {
    unsigned int gpu, memory;
} nvmlUtilization_t;
typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
    unsigned int pid;
    unsigned long long timeStamp;
    unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;

static int inited;

int nvmlInit_v2(void) {
    const char *m = getenv("FAKE_NVML");
    if (m && strcmp(m, "noload") == 0)
        return 9; /* NVML_ERROR_DRIVER_NOT_LOADED */
    inited++;
    return 0;
}

int nvmlShutdown(void) {
    if (!inited)
        return 1; /* NVML_ERROR_UNINITIALIZED */
    inited--;
    return 0;
}

const char *nvmlErrorString(int rc) {
    switch (rc) {
    case 0:
        return "Success";
    case 1:
        return "Uninitialized";
    case 3:
        return "Not Supported";
    case 4:
        return "Insufficient Permissions";
    case 7:
        return "Insufficient Size";
    case 9:
        return "Driver Not Loaded";
    default:
        return "Unknown Error";
    }
}

int nvmlDeviceGetCount_v2(unsigned int *n) {
    if (!inited)
        return 1;
    *n = 3;
    return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) {
    if (i >= 3)
        return 2; /* NVML_ERROR_INVALID_ARGUMENT */
    if (i == 2)
        return 4;
    *d = &devs[i];
    return 0;
}

int nvmlDeviceGetName(nvmlDevice_t d, char *out, unsigned int len) {
    const char *n = d->i == 0 ? "NVIDIA A100-SXM4-40GB" : "Tesla T4";
    if (strlen(n) + 1 > len)
        return 7;
    memcpy(out, n, strlen(n) + 1);
    return 0;
}

int nvmlDeviceGetUUID(nvmlDevice_t d, char *out, unsigned int len) {
    const char *u = d->i == 0 ? "GPU-5fd4a1d2-0b6e-4c1c-9d0e-1b2c3d4e5f60"
                              : "GPU-6ae5b2e3-1c7f-4d2d-8e1f-2c3d4e5f6071";
    if (strlen(u) + 1 > len)
        return 7;
    memcpy(out, u, strlen(u) + 1);
    return 0;
}

int nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
    if (d->i == 1)
        return 3;
    u->gpu = 87;
    u->memory = 40;
    return 0;
}

int nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
    const unsigned long long gib = 1ull << 30;
    m->total = d->i == 0 ? 40 * gib : 15 * gib;
    m->used = d->i == 0 ? 31 * gib : gib;
    m->free = m->total - m->used;
    return 0;
}

int nvmlDeviceGetProcessUtilization(nvmlDevice_t d, nvmlProcessUtilizationSample_t *s,
                                    unsigned int *n, unsigned long long last_seen) {
    (void)last_seen;
    if (d->i != 0)
        return 6; /* NVML_ERROR_NOT_FOUND: no samples */
    static const nvmlProcessUtilizationSample_t have[] = {
        {100, 1000, 50, 10, 0, 0}, {200, 1000, 27, 5, 0, 0}, {100, 2000, 60, 12, 0, 0}};
    if (!s || *n < 3) {
        *n = 3;
        return 7;
    }
    memcpy(s, have, sizeof(have));
    *n = 3;
    return 0;
}
