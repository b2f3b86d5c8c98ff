/* podpilot kubeconfig: what `--kube` would connect to, resolved as kubectl
 * resolves a kubeconfig and printed as `kubectl config view --minify -o
 * json` prints it (credentials never shown). */
#ifndef PODPILOT_KUBE_H
#define PODPILOT_KUBE_H

int kubeconfig_main(int argc, char **argv);

#endif
