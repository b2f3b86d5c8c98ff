/* The built-in demo: manifests embedded in the binary, run when podpilot is
 * given no files. A KServe service scaled by Knative's KPA (target 1, as in
 * the KServe autoscaling docs) and a RawDeployment one scaled by an HPA on
 * CPU (as in the Alibaba ACK docs), under loads that rise, burst and stop. */
#ifndef PODPILOT_DEMO_H
#define PODPILOT_DEMO_H

#include <stddef.h>

extern const char demo_manifests[];
extern const size_t demo_manifests_len;

#endif
