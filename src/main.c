/* chartd entry point: `serve` and `check` are C (config, server, workers); every other command is lua/cli.lua. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "runtime.h"
#include "server.h"
#include "workers.h"

/* serve / check: a bad configuration is exit code 2 with one line naming the variable. */
static int host_command(const char *command) {
  struct chartd_config cfg;
  char err[1024];
  if (config_load(&cfg, ".env", err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 2;
  }
  if (strcmp(command, "serve") == 0) return server_run(&cfg);
  if (workers_selfcheck(&cfg, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 2;
  }
  printf("chartd: configuration and scripts OK (port %d, planner %s, %d workers, home %s)\n", cfg.port, cfg.planner,
         cfg.workers, runtime_home());
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "serve") == 0 || strcmp(argv[1], "check") == 0)) return host_command(argv[1]);
  char err[256];
  lua_State *L = runtime_new_state(runtime_home(), err, sizeof err);
  if (L == NULL) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  int rc = runtime_call(L, "cli", "main", argc - 1, argv + 1);
  lua_close(L);
  return rc < 0 ? 1 : rc;
}
