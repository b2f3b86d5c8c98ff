/* podpilot services [FILE...]: the services the files make, as `kubectl
 * get` lists objects; `-o name` for scripts and shell completion. */
#ifndef PODPILOT_SERVICES_H
#define PODPILOT_SERVICES_H

int services_main(int argc, char **argv);

#endif
