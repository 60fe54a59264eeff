/* chartd entry point: `serve` and `check` are C (config, server, workers); every other command is lua/cli.lua. */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "runtime.h"
#include "server.h"

/* `chartd serve --dev`: hot reload on whatever APP_ENV says. */
static bool serve_dev;

/* serve / check: a bad configuration is exit code 2 with one line naming the variable. */
static int host_command(const char *command, bool llm) {
  struct chartd_config cfg;
  char err[1024];
  if (config_load(&cfg, ".env", err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 2;
  }
  if (serve_dev) cfg.reload = true;
  if (strcmp(command, "serve") == 0) return server_run(&cfg);
  if (check_scripts(&cfg, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 2;
  }
  printf("chartd: configuration and scripts OK (port %d, planner %s, %d workers, home %s)\n", cfg.port, cfg.planner,
         cfg.workers, runtime_home());
  if (!llm) return 0;
  if (strcmp(cfg.planner, "openai") != 0) {
    fprintf(stderr, "chartd: --llm: the planner is offline (set OPENAI_API_KEY or LLM_PROVIDER=openai)\n");
    return 1;
  }
  /* One cheap call that proves the key and the model; exit 1 when it fails. */
  char msg[1024];
  int rc = check_llm(&cfg, msg, sizeof msg);
  fprintf(rc == 0 ? stdout : stderr, "chartd: %s\n", msg);
  return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread starts (workers, lws) */
  if (argc >= 2 && strcmp(argv[1], "check") == 0) {
    bool llm = false;
    for (int i = 2; i < argc; i++) {
      if (strcmp(argv[i], "--llm") == 0) {
        llm = true;
      } else {
        fprintf(stderr, "chartd check: unknown option %s; allowed --llm\n", argv[i]);
        return 2;
      }
    }
    return host_command("check", llm);
  }
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) {
    for (int i = 2; i < argc; i++) {
      if (strcmp(argv[i], "--dev") == 0) {
        serve_dev = true;
      } else {
        fprintf(stderr, "chartd serve: unknown option %s; allowed --dev\n", argv[i]);
        return 2;
      }
    }
    return host_command("serve", false);
  }
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
