/* The scraper's way to a pod from outside the cluster: the API server's
 * pod proxy (/api/v1/namespaces/NS/pods/POD:PORT/proxy/PATH), with the
 * kubeconfig's credentials, as `kubectl get --raw` reaches it. */
#ifndef PODPILOT_SCRAPE_PROXY_H
#define PODPILOT_SCRAPE_PROXY_H

#include "k8s/kube_client.h"
#include "metrics/scrape.h"

/* A transport on k, which it then owns (destroyed with the scraper). */
struct scrape_transport scrape_proxy(struct kube_client *k);

#endif
