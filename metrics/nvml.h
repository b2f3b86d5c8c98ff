/* The GPUs of the machine podpilot runs on, through NVIDIA's NVML
 * (libnvidia-ml.so.1, part of the driver): opened with dlopen at run time,
 * never linked, so podpilot builds and runs without it and a missing
 * library is a message, not a failure to start. Per GPU: name, UUID,
 * utilization and memory; per process, SM utilization where the driver
 * gives it. */
#ifndef PODPILOT_NVML_H
#define PODPILOT_NVML_H

#include "engine/common.h"

#define NVML_MAX_GPUS 64
#define NVML_MAX_PROCS 64

struct nvml_proc {
    unsigned pid;
    unsigned sm_util, mem_util; /* percent over the driver's last samples */
};

struct nvml_gpu {
    unsigned index;
    char name[96], uuid[96];
    bool util_ok; /* the driver gave utilization */
    unsigned util_gpu, util_mem;
    bool mem_ok;
    unsigned long long mem_total, mem_used; /* bytes */
    size_t n_procs;
    struct nvml_proc procs[NVML_MAX_PROCS];
    char note[120]; /* why a figure is missing ("Not Supported") */
};

struct nvml;

/* Loads library (NULL: libnvidia-ml.so.1, found as the dynamic linker
 * finds it) and initializes it; NULL with why ("no NVIDIA driver library",
 * "the driver is not loaded"). */
struct nvml *nvml_open(const char *library, struct pp_error *err);
void nvml_close(struct nvml *n);

/* Every GPU the caller may read (a GPU it lacks permission for is
 * skipped and counted in *hidden), at most cap. */
size_t nvml_read(struct nvml *n, struct nvml_gpu *out, size_t cap, size_t *hidden,
                 struct pp_error *err);

#endif
