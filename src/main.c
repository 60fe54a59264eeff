/* chartd entry point: `serve`, `check` and `sign` are C (config, server, workers); every other command is lua/cli.lua. Every command reads .env and the environment the same way. */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bytecode.h"
#include "check.h"
#include "config.h"
#include "runtime.h"
#include "server.h"
#include "sign.h"
#include "state.h"

static const char SERVE_USAGE[] =
    "usage: chartd serve [--dev]\n"
    "Runs the WebSocket + HTTP server on WEBSOCKET_PORT (PORT wins), configured by the environment\n"
    "and .env (every variable: .env.example). --dev turns hot reload of lua/, prompts/, themes/ on\n"
    "whatever APP_ENV says. SIGTERM drains (CHARTD_DRAIN_SECONDS) and exits.\n"
    "Exit codes: 0 stopped by a signal, 1 cannot start (port taken, scripts broken), 2 bad configuration.\n";

static const char CHECK_USAGE[] =
    "usage: chartd check [--llm]\n"
    "Validates the configuration (environment and .env) and the scripts (the hot reload's self-test),\n"
    "then exits. --llm also makes one cheap call to the LLM to prove the key and the model.\n"
    "Exit codes: 0 OK, 1 the LLM call failed, 2 bad configuration or scripts.\n";

static bool wants_help(int argc, char **argv) {
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
  return false;
}

/* Every command: .env and the environment, validated; a bad value is exit 2 with one line.
 * Names that look like a mistaken setting are warned about (the server logs them itself). */
static int load_config(struct chartd_config *cfg, bool print_warnings) {
  char err[1024];
  if (config_load(cfg, ".env", err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 2;
  }
  for (const char *w = cfg->warnings; print_warnings && *w;) {
    size_t n = strcspn(w, "\n");
    fprintf(stderr, "chartd: warning: %.*s\n", (int)n, w);
    w += n + (w[n] == '\n');
  }
  return 0;
}

static int serve(int argc, char **argv) {
  bool dev = false;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--dev") == 0) {
      dev = true;
    } else {
      fprintf(stderr, "chartd serve: unknown option %s; allowed --dev, --help\n", argv[i]);
      return 2;
    }
  }
  struct chartd_config cfg;
  int rc = load_config(&cfg, false);
  if (rc) return rc;
  if (dev) cfg.reload = true;
  return server_run(&cfg);
}

static int check(int argc, char **argv) {
  bool llm = false;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--llm") == 0) {
      llm = true;
    } else {
      fprintf(stderr, "chartd check: unknown option %s; allowed --llm, --help\n", argv[i]);
      return 2;
    }
  }
  struct chartd_config cfg;
  char err[1024];
  int rc = load_config(&cfg, true);
  if (rc) return rc;
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
  rc = check_llm(&cfg, msg, sizeof msg);
  fprintf(rc == 0 ? stdout : stderr, "chartd: %s\n", msg);
  return rc == 0 ? 0 : 1;
}

/* The CLI's scripts precompiled by the build, in luac/ beside the executable (build/luac). */
static void install_bytecode(lua_State *L) {
  char dir[4200];
  ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 8);
  if (n <= 0) return;
  dir[n] = '\0';
  char *slash = strrchr(dir, '/');
  if (slash == NULL) return;
  strcpy(slash, "/luac");
  bytecode_install(L, dir);
}

int main(int argc, char **argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread starts (workers, lws) */
  const char *command = argc >= 2 ? argv[1] : "";
  bool help = wants_help(argc, argv);
  if (strcmp(command, "serve") == 0) {
    if (help) return fputs(SERVE_USAGE, stdout), 0;
    return serve(argc, argv);
  }
  if (strcmp(command, "check") == 0) {
    if (help) return fputs(CHECK_USAGE, stdout), 0;
    return check(argc, argv);
  }
  struct chartd_config cfg = {0};
  bool config_needed = argc >= 2 && command[0] != '-' && strcmp(command, "help") != 0 && !help;
  if (config_needed) {
    int rc = load_config(&cfg, true);
    if (rc) return rc;
  }
  if (strcmp(command, "sign") == 0) return sign_command(&cfg, argc - 2, argv + 2);
  char err[256];
  lua_State *L = runtime_new_state(runtime_home(), err, sizeof err);
  if (L == NULL) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  install_bytecode(L);
  if (config_needed) state_publish_config(L, &cfg); /* the planner the server would use: LLM_* included */
  int rc = runtime_call(L, "cli", "main", argc - 1, argv + 1);
  lua_close(L);
  return rc < 0 ? 1 : rc;
}
