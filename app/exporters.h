/* --exporter SVC=KIND[:PORT][/PATH]: which services' own exporters shadow
 * mode scrapes (vLLM's queue, OVMS's streams ratio, queue-proxy's user
 * metrics, Seldon's agent), with each kind's default port and /metrics. */
#ifndef PODPILOT_EXPORTERS_H
#define PODPILOT_EXPORTERS_H

#include "engine/service.h"
#include "metrics/scrape.h"

#define MAX_EXPORTER_FLAGS 64

/* One flag's value read: false with why in msg. SVC is NAME (in any
 * namespace), NS/NAME, every service of a namespace (NS/ and a star) or
 * a star alone: all of them. */
bool exporter_flag_parse(const char *v, char svc[SVC_NAME_MAX], struct scrape_spec *out, char *msg,
                         size_t size);

/* Each service's spec from the flags, a later flag over an earlier one
 * (every flag was parsed before); interval_s for all. Returns how many
 * services are scraped; a flag that names no service is said on stderr. */
size_t exporter_specs(const char *const *flags, size_t n, int interval_s, const struct svc_set *set,
                      struct scrape_spec *specs);

#endif
