// The playground's WebSocket client: one connection (so follow-ups share the server's memory
// of the last chart), request ids, per-request callbacks, reconnection after a drop. A
// reconnect names the session hello gave (?session=TOKEN), so the conversation continues —
// on another replica too when the servers share Redis. Protocol: docs/protocol.md "Sessions".

export class Connection {
  // handlers: { open(hello), close(reason), message(msg) } — message gets what no request claims
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.pending = new Map(); // id -> { progress(msg), done(msg) }
    this.counter = 0;
    this.session = null; // hello's token; null: the next connection starts a new conversation
    this.retryMs = 500;
    this.closedByUs = false;
    this.open();
  }

  open() {
    this.closedByUs = false;
    const url = this.session
      ? `${this.url}${this.url.includes("?") ? "&" : "?"}session=${encodeURIComponent(this.session)}` : this.url;
    const ws = new WebSocket(url, "chartd.v1");
    this.ws = ws;
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onopen = () => { this.retryMs = 500; };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return; // an old socket replaced by reset()
      // Requests in flight cannot finish on another connection: end them here.
      for (const [id, p] of this.pending) {
        p.done({ type: "error", id, code: "connection_lost",
          message: `the connection closed (${ev.code}${ev.reason ? " " + ev.reason : ""}) before the answer came`,
          retryable: true });
      }
      this.pending.clear();
      this.handlers.close(ev.reason || `code ${ev.code}`);
      if (!this.closedByUs) {
        setTimeout(() => this.open(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 8000);
      }
    };
  }

  // A new connection and a new session: a new conversation.
  reset() {
    this.closedByUs = true;
    this.session = null;
    const old = this.ws;
    this.ws = null;
    for (const [id, p] of this.pending) {
      p.done({ type: "error", id, code: "cancelled", message: "a new conversation was started", retryable: false });
    }
    this.pending.clear();
    old.close(1000, "new conversation");
    this.open();
  }

  get ready() { return this.ws && this.ws.readyState === WebSocket.OPEN; }

  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    if (msg.type === "hello") {
      const resumed = this.session !== null && msg.session === this.session;
      this.session = msg.session || null;
      this.handlers.open(msg, resumed);
      return;
    }
    const p = msg.id != null ? this.pending.get(msg.id) : undefined;
    if (!p) { this.handlers.message(msg); return; }
    if (msg.type === "progress") { p.progress(msg); return; }
    this.pending.delete(msg.id);
    p.done(msg);
  }

  // Sends a chart.request; returns its id. fields: prompt/spec/data/theme/format/width/height/scale.
  request(fields, callbacks) {
    const id = `r${++this.counter}`;
    if (!this.ready) {
      callbacks.done({ type: "error", id, code: "not_connected",
        message: "not connected to chartd (reconnecting); try again in a moment", retryable: true });
      return id;
    }
    this.pending.set(id, callbacks);
    this.send({ type: "chart.request", id, ...fields });
    return id;
  }

  cancel(id) { if (this.pending.has(id)) this.send({ type: "chart.cancel", id }); }

  send(msg) { if (this.ready) this.ws.send(JSON.stringify(msg)); }
}
