/* The WebSocket + HTTP server: one libwebsockets service thread doing I/O only. */
#ifndef CHARTD_SERVER_H
#define CHARTD_SERVER_H

#include "config.h"

/* Starts the workers, listens on cfg->port and serves until SIGTERM/SIGINT, then drains:
 * stops accepting, lets requests in flight finish (up to the request timeout), closes
 * clients with 1001. Returns the process exit code (0 after a clean drain). */
int server_run(const struct chartd_config *cfg);

#endif
