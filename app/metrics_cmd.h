/* `podpilot metrics check FILE|URL|-`: what an exporter really says, as
 * promtool check metrics judges it, or every sample as a JSON line. */
#ifndef PODPILOT_METRICS_CMD_H
#define PODPILOT_METRICS_CMD_H

/* argv[1] is "metrics". Returns the exit status: 0, 1 (problems found, or
 * the input could not be read) or 2 (usage). */
int metrics_main(int argc, char **argv);

#endif
