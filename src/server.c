/* The WebSocket + HTTP server: one libwebsockets service thread doing I/O only.
 *
 * This file sets the server up and runs it: the lws context (protocols, mounts), the
 * hand-over from other threads (workers' replies, reload results, the front door's
 * connections), the drain on SIGTERM. The protocols live in ws_protocol.c and
 * http_routes.c, the connections in outbound.c (src/server_conn.h says who does what).
 *
 * Threads: everything in this file except post_reply(), on_reload(), wake_service() and the
 * signal handlers runs on the lws service thread. Other threads append to a locked queue and
 * call lws_cancel_service(); the service thread drains it in server_wake(). */
#include "server.h"
#include "server_conn.h"

#include <curl/curl.h>
#include <libwebsockets.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "budget.h"
#include "catalog.h"
#include "conversations.h"
#include "errors.h"
#include "front_door.h"
#include "generation.h"
#include "http_head.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "render_cache.h"
#include "runtime.h"
#include "workers.h"
#include "ws_message.h"

#ifndef CHARTD_VERSION
#define CHARTD_VERSION "dev"
#endif

#define CLOSE_WAIT_MS (CONFIG_CLOSE_WAIT_S * 1000) /* after the 1001 closes, how long to wait for clients to go */
/* Stopping joins the reload thread and the workers: one held in a C call that no budget's stop
 * reaches would keep the process alive for good (kill -9 needed). Every STOP_WAIT_S, a stop
 * held up by such a run (budget_stuck) ends the process without it, exit status 1; a slow but
 * healthy stop (big states closing, a sanitizer's leak check) is waited for. */
#define STOP_WAIT_S 10

/* A reload attempt, from the reload thread to the service thread (g.mu). */
struct reload_event {
  struct reload_event *next;
  bool ok;
  char *message; /* the `reload` message for subscribers */
  char *hello, *chart_types, *themes;
};

struct pending {
  struct pending *next;
  struct worker_reply r;
};

struct server_shared srv;

static struct {
  pthread_mutex_t mu;             /* guards the reply queue and the reload events */
  struct pending *head, *tail;
  struct reload_event *reloads;   /* newest first, applied oldest first */
  volatile sig_atomic_t signalled;
  bool closing_all;
  double drain_deadline, close_deadline;
  bool done;
  lws_sorted_usec_list_t tick;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void adopt_connections(void);
static void drain_replies(void);
static void drain_reloads(void);
static void drain_tick(lws_sorted_usec_list_t *sul);

/* Reload thread: hands the result to the service thread. Workers are told at once: they
 * build the new generation's state before their next request. */
static void on_reload(void *ud, const struct reload_result *r) {
  (void)ud;
  metrics_reload_done(r->ok, r->duration_ms);
  if (r->ok) workers_generation_advanced();
  struct reload_event *e = calloc(1, sizeof *e);
  if (e == NULL) return;
  e->ok = r->ok;
  size_t cap = strlen(r->changed_json) + (r->error ? strlen(r->error) * 6 : 0) + 128;
  e->message = malloc(cap);
  if (e->message == NULL) {
    free(e);
    return;
  }
  int n = snprintf(e->message, cap, "{\"type\":\"reload\",\"generation\":%u,\"ok\":%s,\"changed\":%s", r->generation,
                   r->ok ? "true" : "false", r->changed_json);
  if (r->error) {
    memcpy(e->message + n, ",\"error\":\"", 10);
    n += 10;
    n += (int)log_json_escape(e->message + n, cap - (size_t)n, r->error, strlen(r->error));
    e->message[n++] = '"';
  }
  e->message[n++] = '}';
  e->message[n] = '\0';
  if (r->ok && r->hello_json && r->chart_types_json && r->themes_json) {
    e->hello = strdup(r->hello_json);
    e->chart_types = strdup(r->chart_types_json);
    e->themes = strdup(r->themes_json);
  }
  pthread_mutex_lock(&g.mu);
  e->next = g.reloads;
  g.reloads = e;
  pthread_mutex_unlock(&g.mu);
  if (srv.ctx) lws_cancel_service(srv.ctx);
}

static void reload_event_free(struct reload_event *e) {
  free(e->message);
  free(e->hello);
  free(e->chart_types);
  free(e->themes);
  free(e);
}

/* New catalog, the message to subscribers, and their live previews. */
static void drain_reloads(void) {
  pthread_mutex_lock(&g.mu);
  struct reload_event *list = g.reloads, *ordered = NULL;
  g.reloads = NULL;
  pthread_mutex_unlock(&g.mu);
  while (list) { /* newest first → oldest first */
    struct reload_event *next = list->next;
    list->next = ordered;
    ordered = list;
    list = next;
  }
  while (ordered) {
    struct reload_event *e = ordered;
    ordered = e->next;
    if (e->hello) catalog_set(e->hello, e->chart_types, e->themes);
    for (struct conn *c = srv.conns; c; c = c->next) {
      if (c->http || !c->accepted || !c->sub_reload || c->close_code) continue;
      ws_send_copy(c, e->message);
      if (!e->ok || !c->rerender || c->last_request == NULL || srv.draining) continue;
      char *copy = malloc(c->last_request_len + 1);
      if (copy == NULL) continue;
      memcpy(copy, c->last_request, c->last_request_len + 1);
      workers_submit(c->id, c->last_id[0] ? c->last_id : NULL, NULL, copy, c->last_request_len);
    }
    reload_event_free(e);
  }
}

/* Applies pending replies; runs on EVENT_WAIT_CANCELLED. */
static void drain_replies(void) {
  pthread_mutex_lock(&g.mu);
  struct pending *p = g.head;
  g.head = g.tail = NULL;
  pthread_mutex_unlock(&g.mu);
  while (p) {
    struct pending *next = p->next;
    struct conn *c = conn_find(p->r.conn_id);
    if (c && !c->http && c->accepted) {
      ws_send(c, p->r.body, p->r.len);
    } else if (c && c->http && c->job_pending) {
      c->job_pending = false;
      c->have_response = true;
      c->status = p->r.status;
      snprintf(c->mime, sizeof c->mime, "%s", p->r.mime);
      memcpy(c->etag, p->r.etag, sizeof c->etag);
      memcpy(c->filename, p->r.filename, sizeof c->filename);
      c->body = p->r.body;
      c->body_len = p->r.len;
      metrics_bytes_sent(p->r.len);
      watch_sending(c);
      lws_callback_on_writable(c->wsi);
    } else {
      free(p->r.body); /* the connection went away */
    }
    free(p);
    p = next;
  }
}

static void begin_close_all(void) {
  /* Replies posted before the last job ended are queued first: a close frame must not pass
   * them (lws may run this tick before it reads the wake-up those replies sent). */
  drain_replies();
  g.closing_all = true;
  g.close_deadline = now_ms() + CLOSE_WAIT_MS;
  for (struct conn *c = srv.conns; c; c = c->next) {
    if (c->http || !c->accepted || c->close_code) continue;
    c->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
    c->close_reason = "server shutting down";
    lws_callback_on_writable(c->wsi);
  }
}

/* The drain state machine, checked every 100 ms once a signal arrived. */
static void drain_tick(lws_sorted_usec_list_t *sul) {
  (void)sul;
  if (g.signalled && !srv.draining) {
    srv.draining = true;
    front_door_drain();
    g.drain_deadline = now_ms() + srv.cfg.drain_s * 1000.0;
    log_writef(LOG_INFO, "draining", "\"requests_in_flight\":%d,\"grace_s\":%d", workers_running() + workers_queued(),
          srv.cfg.drain_s);
  }
  if (srv.draining && !g.closing_all && (workers_running() + workers_queued() == 0 || now_ms() > g.drain_deadline))
    begin_close_all();
  if (g.closing_all && (srv.ws_open == 0 || now_ms() > g.close_deadline)) g.done = true;
  if (!g.done) lws_sul_schedule(srv.ctx, 0, &g.tick, drain_tick, 100 * LWS_US_PER_MS);
  else lws_cancel_service(srv.ctx);
}

void server_wake(void) {
  adopt_connections();
  drain_replies();
  drain_reloads();
  if (g.signalled && !srv.draining) drain_tick(NULL);
}

/* Front door thread: a checked connection is waiting. */
static void wake_service(void *ud) {
  (void)ud;
  if (srv.ctx) lws_cancel_service(srv.ctx);
}

/* Connections whose first head passed the front door become lws connections (lws closes
 * the socket itself when it cannot adopt it). */
static void adopt_connections(void) {
  char *buf;
  size_t len, head_len;
  int fd;
  while ((fd = front_door_take(&buf, &len, &head_len)) >= 0) {
    http_note_head(fd, buf, head_len); /* before adopting: lws may parse the head at once */
    if (len > 0) lws_adopt_socket_readbuf(srv.ctx, fd, buf, len);
    else lws_adopt_socket(srv.ctx, fd);
    free(buf);
  }
}

static void post_reply(void *ud, struct worker_reply *r) {
  (void)ud;
  struct pending *p = malloc(sizeof *p);
  if (p == NULL) {
    free(r->body);
    return;
  }
  p->r = *r;
  p->next = NULL;
  pthread_mutex_lock(&g.mu);
  if (g.tail) g.tail->next = p; else g.head = p;
  g.tail = p;
  pthread_mutex_unlock(&g.mu);
  lws_cancel_service(srv.ctx);
}

static void on_signal(int sig) {
  (void)sig;
  g.signalled = 1;
  if (srv.ctx) lws_cancel_service(srv.ctx); /* a write to lws's pipe: async-signal-safe */
}

/* SIGHUP: a reload with the same safety as a save (reload_request is one write(2)). */
static void on_sighup(int sig) {
  (void)sig;
  reload_request();
}

static void lws_log(int level, const char *line) {
  char esc[1024], fields[1100];
  if (strstr(line, "adopt_socket_readbuf: calling service")) return; /* lws 4.1 says it at error level */
  size_t n = strlen(line);
  while (n && line[n - 1] == '\n') n--;
  log_json_escape(esc, sizeof esc, line, n);
  snprintf(fields, sizeof fields, "\"message\":\"%s\"", esc);
  log_write(level == LLL_ERR ? LOG_ERROR : LOG_WARN, "lws", fields);
}

static const struct lws_protocols PROTOCOLS[] = {
    /* protocols[0]: a WebSocket client naming no subprotocol lands here too. */
    {"chartd.v1", ws_callback, sizeof(struct pss), CHUNK, 0, NULL, 0},
    {"chartd-http", http_callback, sizeof(struct pss), CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Idle WebSockets get a ping after CHARTD_IDLE_PING s and are dropped after CHARTD_IDLE_TIMEOUT
 * s without a valid frame (lws keeps a pointer: it lives as long as the context). */
static lws_retry_bo_t retry_policy;

#define API_MOUNT(var, next_mount, path)                                                                  \
  static const struct lws_http_mount var = {                                                              \
      .mount_next = next_mount, .mountpoint = path, .origin = "chartd-http",                             \
      .origin_protocol = LWSMPRO_CALLBACK, .mountpoint_len = sizeof(path) - 1}

API_MOUNT(MOUNT_V1, NULL, "/v1");
API_MOUNT(MOUNT_METRICS, &MOUNT_V1, "/metrics");
API_MOUNT(MOUNT_READYZ, &MOUNT_METRICS, "/readyz");
API_MOUNT(MOUNT_HEALTHZ, &MOUNT_READYZ, "/healthz");

static void *stop_watch(void *arg) {
  (void)arg;
  for (int waited = STOP_WAIT_S;; waited += STOP_WAIT_S) {
    sleep(STOP_WAIT_S);
    int running = workers_running(), stuck = budget_stuck();
    if (stuck > 0) {
      log_writef(LOG_ERROR, "stop_forced", "\"waited_s\":%d,\"requests_running\":%d,\"stuck_runs\":%d", waited,
                 running, stuck);
      _exit(1);
    }
  }
  return NULL;
}

int server_run(const struct chartd_config *cfg) {
  srv.cfg = *cfg;
  conversations_configure((size_t)cfg->conversation_mb << 20, cfg->session_ttl_s * 1000.0, cfg->redis_host[0] != '\0');
  srv.out_cap = (size_t)cfg->max_chart_mb * 2 * 1024 * 1024;
  log_set_level(cfg->log_level == CONFIG_LOG_DEBUG ? LOG_DEBUG : cfg->log_level == CONFIG_LOG_INFO ? LOG_INFO
                : cfg->log_level == CONFIG_LOG_WARNING                                           ? LOG_WARN
                                                                                                 : LOG_ERROR);
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
  /* names in the environment that look like a mistaken setting (WEBSOKET_PORT) */
  for (const char *w = cfg->warnings; *w;) {
    size_t n = strcspn(w, "\n");
    char esc[512];
    log_json_escape(esc, sizeof esc, w, n);
    log_writef(LOG_WARN, "config_warning", "\"message\":\"%s\"", esc);
    w += n;
    if (*w == '\n') w++;
  }
  signal(SIGPIPE, SIG_IGN);
  /* Blocks of 1 MiB and more (a render's pixels, PNG buffers, big strings) are mmapped and
   * go back to the system when freed. Setting the threshold turns off glibc's dynamic one,
   * which rises after each big free until 32 MiB blocks stay in the heap, and RSS stayed
   * at its peak after one large render (workers also malloc_trim when idle). */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread starts */

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_sighup;
  sigaction(SIGHUP, &sa, NULL);

  char err[512];
  /* Generation 1: the scripts as they are now, read once; every worker builds from it. */
  struct generation *first = generation_read(runtime_home(), 1, err, sizeof err);
  if (first == NULL) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  generation_publish(first);
  render_cache_use(cfg->cache_mb > 0 ? memory_cache_new((size_t)cfg->cache_mb << 20) : NULL);
  if (workers_start(cfg, post_reply, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  /* 20 ms gathers an editor's write-temp-and-rename burst (a few ms apart); the content
   * hash skips the duplicates a shorter wait lets through. Every ms here is save-to-active. */
  struct reload_options ro = {.home = runtime_home(), .watch = cfg->reload, .debounce_ms = 20,
                              .budget_ms = cfg->script_budget_ms, .cfg = cfg, .on_result = on_reload};
  if (reload_start(&ro, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    workers_stop();
    return 1;
  }

  static char web_root[4200];
  snprintf(web_root, sizeof web_root, "%s/web", runtime_home());
  static struct lws_http_mount root;
  root = (struct lws_http_mount){.mount_next = &MOUNT_HEALTHZ, .mountpoint = "/", .origin = web_root,
                                 .def = "index.html", .origin_protocol = LWSMPRO_FILE, .mountpoint_len = 1};

  /* lws's table of descriptors covers every fd the process can have: connections come from
   * the front door's accept, which pauses itself when the process runs out of fds. */
  struct rlimit rl;
  unsigned int fds = 4096;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 64)
    fds = (unsigned int)rl.rlim_cur;

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  /* lws does not listen: the front door does (src/front_door.c) and hands lws the
   * connections whose first head is sound. lws must hold any head the front door passes. */
  info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
  info.max_http_header_data = HTTP_MAX_HEAD + 1024;
  info.protocols = PROTOCOLS;
  info.mounts = &root;
  info.vhost_name = "chartd";
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.fd_limit_per_thread = fds;
  retry_policy.secs_since_valid_ping = (uint16_t)cfg->idle_ping_s;
  retry_policy.secs_since_valid_hangup = (uint16_t)cfg->idle_timeout_s;
  info.retry_and_idle_policy = &retry_policy;
  srv.ctx = lws_create_context(&info);
  struct front_door_options fo = {.bind = cfg->bind, .port = cfg->port, .ready = wake_service};
  if (srv.ctx == NULL || front_door_start(&fo, err, sizeof err) != 0) {
    if (srv.ctx == NULL) snprintf(err, sizeof err, "cannot start libwebsockets");
    fprintf(stderr, "chartd: %s\n", err);
    front_door_stop();
    if (srv.ctx) lws_context_destroy(srv.ctx);
    reload_stop();
    workers_stop();
    return 1;
  }

  if (g.signalled) lws_cancel_service(srv.ctx); /* a signal during start-up */
  lws_sul_schedule(srv.ctx, 0, &srv.send_sul, send_tick, SEND_TICK_MS * LWS_US_PER_MS);

  bool v6 = strchr(cfg->bind, ':') != NULL;
  log_writef(LOG_INFO, "listening",
        "\"url\":\"ws://%s%s%s:%d/\",\"http\":\"http://%s%s%s:%d/\",\"bind\":\"%s\",\"planner\":\"%s\",\"workers\":%d,"
        "\"version\":\"%s\",\"max_connections\":%d,\"timeout_s\":%d",
        v6 ? "[" : "", cfg->bind, v6 ? "]" : "", cfg->port, v6 ? "[" : "", cfg->bind, v6 ? "]" : "", cfg->port, cfg->bind,
        cfg->planner, cfg->workers, CHARTD_VERSION, cfg->max_connections, cfg->timeout_s);

  while (!g.done) {
    if (lws_service(srv.ctx, 0) < 0) break;
  }
  pthread_t watch;
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  (void)pthread_create(&watch, &detached, stop_watch, NULL); /* without it, stopping is as before */
  pthread_attr_destroy(&detached);
  lws_sul_cancel(&g.tick);
  lws_sul_cancel(&srv.send_sul);
  reload_stop(); /* before the context goes: on_reload calls lws_cancel_service */
  front_door_stop(); /* so does the front door */
  lws_context_destroy(srv.ctx);
  srv.ctx = NULL;
  workers_stop();
  render_cache_use(NULL);
  conversations_clear();
  while (srv.conns) conn_free(srv.conns);
  while (g.head) {
    struct pending *p = g.head;
    g.head = p->next;
    free(p->r.body);
    free(p);
  }
  while (g.reloads) {
    struct reload_event *e = g.reloads;
    g.reloads = e->next;
    reload_event_free(e);
  }
  curl_global_cleanup();
  log_writef(LOG_INFO, "stopped", "\"reason\":\"signal\"");
  return 0;
}

