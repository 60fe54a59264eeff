/* The front door: chartd's own listening socket, where every connection's first request head is checked (src/http_head.c) before libwebsockets gets it. */
#define _GNU_SOURCE
#include "front_door.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "http_head.h"
#include "log.h"

#define REFUSAL_LOG_INTERVAL_MS 10000 /* refused heads are logged at most once per interval */

struct pending {
  struct pending *prev, *next; /* g.pending (front door thread) or g.ready list (g.mu) */
  int fd;
  char *buf;
  size_t len, cap;
  size_t head_len; /* handed over: the first head's bytes at the start of buf (peeked or consumed) */
  double deadline;
};

static struct {
  struct front_door_options o;
  int listen_fd, epoll_fd, wake_fd;
  pthread_t thread;
  bool started;
  atomic_bool stop;
  struct pending *pending;    /* heads still arriving (front door thread only) */
  pthread_mutex_t mu;         /* guards the ready queue */
  struct pending *ready_head, *ready_tail;
  bool listening;             /* the listen fd is in the epoll set (paused while out of fds) */
  atomic_bool draining;       /* front_door_drain: new work is refused with 503 */
  double resume_at;
  double refusal_logged;      /* when the last refusal line was written */
  unsigned long refusals_quiet; /* refusals since then */
} g = {.listen_fd = -1, .epoll_fd = -1, .wake_fd = -1, .mu = PTHREAD_MUTEX_INITIALIZER};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void drop(struct pending *p) {
  if (p->prev) p->prev->next = p->next; else g.pending = p->next;
  if (p->next) p->next->prev = p->prev;
  epoll_ctl(g.epoll_fd, EPOLL_CTL_DEL, p->fd, NULL);
}

static void close_pending(struct pending *p) {
  drop(p);
  close(p->fd);
  free(p->buf);
  free(p);
}

/* The answer to a refused head, written as far as the socket takes it at once (it is a few
 * hundred bytes: a fresh socket's buffer holds it), then the connection is closed. */
static void refuse(struct pending *p, const struct http_head *h) {
  char body_msg[256];
  snprintf(body_msg, sizeof body_msg, "HTTP %d: %s", h->status, h->message);
  size_t blen = 0;
  char *body = error_json("invalid_request", NULL, body_msg, NULL, NULL, NULL, &blen, NULL);
  char head[512];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
                   h->status, h->reason, body ? blen : 0, h->allow ? "Allow: GET, HEAD, POST, OPTIONS\r\n" : "");
  if (send(p->fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n && body)
    (void)send(p->fd, body, blen, MSG_NOSIGNAL | MSG_DONTWAIT);
  free(body);
  shutdown(p->fd, SHUT_WR);
  double t = now_ms();
  if (t - g.refusal_logged >= REFUSAL_LOG_INTERVAL_MS) {
    char esc[300];
    log_json_escape(esc, sizeof esc, h->message, strlen(h->message));
    log_writef(LOG_WARN, "http_refused", "\"status\":%d,\"reason\":\"%s\",\"refused_since_last_line\":%lu", h->status,
               esc, g.refusals_quiet);
    g.refusal_logged = t;
    g.refusals_quiet = 0;
  } else {
    g.refusals_quiet++;
  }
  close_pending(p);
}

/* Draining (SIGTERM): new work is answered 503 before it reaches lws, so a proxy in front
 * (deploy/nginx.conf: proxy_next_upstream http_503) sends it to another replica; probes
 * and pages still pass, and /readyz says 503 itself. */
static void refuse_draining(struct pending *p) {
  size_t blen = 0;
  char *body = error_json("busy", NULL, "this instance is shutting down; retry (another instance will answer)", NULL,
                          NULL, NULL, &blen, NULL);
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                   "Retry-After: 1\r\nConnection: close\r\n\r\n",
                   body ? blen : 0);
  if (send(p->fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n && body)
    (void)send(p->fd, body, blen, MSG_NOSIGNAL | MSG_DONTWAIT);
  free(body);
  shutdown(p->fd, SHUT_WR);
  close_pending(p);
}

/* A good head: the connection goes to the lws thread as it is. */
static void hand_over(struct pending *p, const struct http_head *h) {
  size_t request = h->length + (h->content_length > 0 ? (size_t)h->content_length : 0);
  p->head_len = h->length;
  if (h->websocket || p->len <= request) {
    p->len = 0; /* nothing was consumed: lws reads the request itself */
  } else {
    /* Pipelined requests after this one (lws 4.1 answers none of them): a GET's are taken
     * off the socket and lws gets the first head alone, answered with Connection: close;
     * after a body they are refused outright. */
    if (strcmp(h->method, "POST") == 0) {
      struct http_head refusal = {.status = 400, .reason = "Bad Request",
                                  .message = "requests pipelined after a POST are not served; send one request per "
                                             "connection, or wait for each answer"};
      refuse(p, &refusal);
      return;
    }
    ssize_t got = recv(p->fd, p->buf, p->len, MSG_DONTWAIT);
    p->len = got > 0 && (size_t)got >= h->length ? h->length : 0;
  }
  drop(p);
  p->prev = p->next = NULL;
  pthread_mutex_lock(&g.mu);
  if (g.ready_tail) g.ready_tail->next = p; else g.ready_head = p;
  g.ready_tail = p;
  pthread_mutex_unlock(&g.mu);
  if (g.o.ready) g.o.ready(g.o.ud);
}

/* The head is peeked, not read: lws then reads the connection from its first byte itself
 * (lws 4.1 loses a POST body handed to it with lws_adopt_socket_readbuf). The socket is
 * edge-triggered, so a head that is still arriving wakes this thread once per new segment. */
static void on_readable(struct pending *p) {
  if (p->cap == 0) {
    p->cap = HTTP_MAX_HEAD + 2;
    p->buf = malloc(p->cap);
    if (p->buf == NULL) {
      close_pending(p);
      return;
    }
  }
  ssize_t got = recv(p->fd, p->buf, p->cap, MSG_PEEK | MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (got <= 0) {
    close_pending(p); /* gone before its head was complete */
    return;
  }
  p->len = (size_t)got;
  struct http_head h;
  switch (http_head_check(p->buf, p->len, &h)) {
  case HTTP_HEAD_OK:
    if (atomic_load(&g.draining) && h.websocket) refuse_draining(p);
    else hand_over(p, &h);
    break;
  case HTTP_HEAD_REFUSED:
    refuse(p, &h);
    break;
  case HTTP_HEAD_INCOMPLETE:
    if (p->len == p->cap) { /* cannot happen: past the limits the check refuses */
      close_pending(p);
    }
    break;
  }
}

static void set_listening(bool on) {
  if (on == g.listening) return;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(g.epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, g.listen_fd, &ev);
  g.listening = on;
}

static void on_accept(void) {
  for (;;) {
    int fd = accept4(g.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Out of descriptors: the backlog keeps the rest waiting; look again in 100 ms
         * rather than spinning on a listen socket that stays readable. */
        set_listening(false);
        g.resume_at = now_ms() + 100;
      }
      return;
    }
    struct pending *p = calloc(1, sizeof *p);
    if (p == NULL) {
      close(fd);
      continue;
    }
    p->fd = fd;
    p->deadline = now_ms() + FRONT_HEAD_TIMEOUT_MS;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = p};
    if (epoll_ctl(g.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      free(p);
      continue;
    }
    p->next = g.pending;
    if (g.pending) g.pending->prev = p;
    g.pending = p;
  }
}

static void *front_main(void *arg) {
  (void)arg;
  struct epoll_event events[64];
  while (!atomic_load(&g.stop)) {
    int n = epoll_wait(g.epoll_fd, events, 64, 250);
    for (int i = 0; i < n; i++) {
      if (events[i].data.ptr == NULL) on_accept();
      else if (events[i].data.ptr != (void *)&g.wake_fd) on_readable(events[i].data.ptr);
    }
    double t = now_ms();
    if (!g.listening && t >= g.resume_at) set_listening(true);
    for (struct pending *p = g.pending, *next; p; p = next) {
      next = p->next;
      if (t > p->deadline) close_pending(p); /* a silent or slow socket */
    }
  }
  return NULL;
}

int front_door_start(const struct front_door_options *o, char *err, size_t errlen) {
  g.o = *o;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sl;
  bool v6 = strchr(o->bind, ':') != NULL;
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET6, o->bind, &a->sin6_addr) != 1) goto bad_address;
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->bind, &a->sin_addr) != 1) goto bad_address;
    sl = sizeof *a;
  }
  g.listen_fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (g.listen_fd < 0 || setsockopt(g.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(g.listen_fd, (struct sockaddr *)&ss, sl) != 0 || listen(g.listen_fd, 4096) != 0) {
    snprintf(err, errlen, "cannot listen on %s port %d: %s", o->bind, o->port, strerror(errno));
    if (g.listen_fd >= 0) close(g.listen_fd);
    g.listen_fd = -1;
    return -1;
  }
  g.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  g.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct epoll_event wake = {.events = EPOLLIN, .data.ptr = (void *)&g.wake_fd};
  if (g.epoll_fd < 0 || g.wake_fd < 0 || epoll_ctl(g.epoll_fd, EPOLL_CTL_ADD, g.wake_fd, &wake) != 0) {
    snprintf(err, errlen, "epoll: %s", strerror(errno));
    return -1;
  }
  set_listening(true);
  atomic_store(&g.stop, false);
  if (pthread_create(&g.thread, NULL, front_main, NULL) != 0) {
    snprintf(err, errlen, "cannot start the front door thread");
    return -1;
  }
  g.started = true;
  return 0;
bad_address:
  snprintf(err, errlen, "%s is not an IP address", o->bind);
  return -1;
}

int front_door_take(char **buf, size_t *len, size_t *head_len) {
  pthread_mutex_lock(&g.mu);
  struct pending *p = g.ready_head;
  if (p) {
    g.ready_head = p->next;
    if (g.ready_head == NULL) g.ready_tail = NULL;
  }
  pthread_mutex_unlock(&g.mu);
  if (p == NULL) return -1;
  int fd = p->fd;
  *buf = p->buf;
  *len = p->len;
  *head_len = p->head_len;
  free(p);
  return fd;
}

void front_door_drain(void) { atomic_store(&g.draining, true); }

void front_door_stop(void) {
  if (g.started) {
    atomic_store(&g.stop, true);
    uint64_t one = 1;
    ssize_t w = write(g.wake_fd, &one, sizeof one);
    (void)w;
    pthread_join(g.thread, NULL);
    g.started = false;
  }
  while (g.pending) close_pending(g.pending);
  for (struct pending *p = g.ready_head, *next; p; p = next) {
    next = p->next;
    close(p->fd);
    free(p->buf);
    free(p);
  }
  g.ready_head = g.ready_tail = NULL;
  if (g.listen_fd >= 0) close(g.listen_fd);
  if (g.epoll_fd >= 0) close(g.epoll_fd);
  if (g.wake_fd >= 0) close(g.wake_fd);
  g.listen_fd = g.epoll_fd = g.wake_fd = -1;
}
