/*
 * simplepush.js: the Simple Push API of Firefox OS (navigator.push, navigator.mozSetMessageHandler) for any modern
 * browser, over a SimplePush server. Load it from the push server, before the app's code:
 *
 *   <script src="https://push.example.com/simplepush.js"></script>
 *
 * and it talks to that server (wss://push.example.com/). SimplePush.configure({serverURL}) picks another one.
 * It behaves like Gecko's client: the UAID and the registrations (channel ID, endpoint, last version) live in
 * localStorage; a changed UAID drops them and sends 'push-register'; 'push' fires only for a newer version; every
 * update is acked; idle connections ping; lost connections come back with exponential back-off.
 * The tabs of one origin share one connection where Web Locks exist. Nothing is installed when the browser has its
 * own navigator.push.
 */
(function (global) {
  'use strict';

  const navigator = global.navigator;
  const STORAGE_KEY = 'simplepush';
  /** The Web Lock and BroadcastChannel that let the tabs of one origin share one connection. */
  const TABS_NAME = 'simplepush';
  /** The server closes sockets that ping faster than this (P6.2). */
  const MIN_PING_INTERVAL = 20000;
  const WAKEUP_CLOSE_CODE = 4774;

  const current = global.document && global.document.currentScript;
  const options = {
    serverURL: current && current.src ? webSocketURL(current.src) : null,
    pingInterval: 25 * 60 * 1000,
    requestTimeout: 10000,
    queueTimeout: 30000,
    retryBase: 5000,
    retryMax: 5 * 60 * 1000,
    jitter: 0.2,
  };

  function webSocketURL(scriptURL) {
    const url = new URL('/', scriptURL);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  class SimplePushError extends Error {
    constructor(name, message) {
      super(message);
      this.name = name;
    }
    toJSON() {
      return { name: this.name, message: this.message };
    }
  }

  function report(error) {
    if (typeof global.reportError === 'function') {
      global.reportError(error);
    } else {
      setTimeout(() => { throw error; });
    }
  }

  function later(fn) {
    setTimeout(fn, 0);
  }

  /** A DOMRequest: handlers may be attached after the call returns; a late handler still gets called once. */
  class SimplePushRequest {
    #handlers = { success: null, error: null };
    #dispatched = false;

    constructor() {
      this.readyState = 'pending';
      this.result = undefined;
      this.error = null;
    }

    get onsuccess() { return this.#handlers.success; }
    set onsuccess(fn) { this.#attach('success', fn); }
    get onerror() { return this.#handlers.error; }
    set onerror(fn) { this.#attach('error', fn); }

    toJSON() {
      return { readyState: this.readyState, result: this.result, error: this.error };
    }

    /** Settles once; later calls are ignored. */
    _settle(result, error) {
      if (this.readyState === 'done') return;
      this.readyState = 'done';
      this.result = error ? undefined : result;
      this.error = error || null;
      later(() => {
        this.#dispatched = true;
        this.#call(this.error ? 'error' : 'success');
      });
    }

    #attach(type, fn) {
      this.#handlers[type] = typeof fn === 'function' ? fn : null;
      const settledType = this.error ? 'error' : 'success';
      if (this.#dispatched && type === settledType && this.#handlers[type]) {
        later(() => this.#call(type));
      }
    }

    #call(type) {
      const handler = this.#handlers[type];
      if (!handler) return;
      try {
        handler.call(this, { type, target: this });
      } catch (e) {
        report(e);
      }
    }
  }

  /** UAID and registrations, kept in localStorage (or in memory when it is unavailable). */
  const store = {
    state: { uaid: null, channels: {} },
    load() {
      try {
        const saved = JSON.parse(global.localStorage.getItem(STORAGE_KEY) || 'null');
        if (saved && typeof saved === 'object' && saved.channels && typeof saved.channels === 'object') {
          this.state = { uaid: typeof saved.uaid === 'string' ? saved.uaid : null, channels: saved.channels };
        }
      } catch (e) {
        // No storage (private mode, sandboxed frame): registrations last as long as the page.
      }
    },
    save() {
      try {
        global.localStorage.setItem(STORAGE_KEY, JSON.stringify(this.state));
      } catch (e) {
        // See load().
      }
    },
    channelIDs() { return Object.keys(this.state.channels); },
    byEndpoint(endpoint) {
      return Object.keys(this.state.channels).find((id) => this.state.channels[id].endpoint === endpoint);
    },
  };

  /** System messages ('push', 'push-register'): queued until the app sets a handler, as Gecko does. */
  const messages = {
    handlers: {},
    queued: {},
    set(type, fn) {
      this.handlers[type] = typeof fn === 'function' ? fn : null;
      const waiting = this.queued[type] || [];
      delete this.queued[type];
      waiting.forEach((message) => this.send(type, message));
    },
    send(type, message) {
      later(() => {
        const handler = this.handlers[type];
        if (!handler) {
          (this.queued[type] = this.queued[type] || []).push(message);
          return;
        }
        try {
          handler(message);
        } catch (e) {
          report(e);
        }
      });
    },
  };

  const events = new EventTarget();

  /** The connection to the push server: one WebSocket, hello first, then requests. */
  const connection = {
    state: 'idle', // idle | connecting | connected | waiting (for a retry)
    socket: null,
    helloDone: false,
    failures: 0,
    retryTimer: null,
    pingTimer: null,
    pongTimer: null,
    queue: [], // requests not yet sent: {kind, channelID, request, deadline}
    inFlight: new Map(), // 'register:' + channelID -> entry

    setState(state, detail) {
      if (this.state === state && !detail) return;
      this.state = state;
      const full = Object.assign({ state }, detail);
      this.lastDetail = full;
      events.dispatchEvent(new CustomEvent('statechange', { detail: full }));
      tabs.broadcast({ type: 'state', detail: full });
    },
    lastDetail: { state: 'idle' },

    /** Connects when there is something to do: registrations to listen on or requests to send. */
    ensure() {
      if (this.socket || this.retryTimer || !tabs.connects()) return;
      if (store.channelIDs().length === 0 && this.queue.length === 0) return;
      this.connect();
    },

    connect() {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      if (!options.serverURL) {
        this.failAll(new SimplePushError('NetworkError', 'no push server: load simplepush.js from it or call '
            + 'SimplePush.configure({serverURL})'));
        return;
      }
      let socket;
      try {
        socket = new WebSocket(options.serverURL, 'push-notification');
      } catch (e) {
        this.failAll(new SimplePushError('NetworkError', 'bad serverURL ' + options.serverURL + ': ' + e.message));
        return;
      }
      this.socket = socket;
      this.helloDone = false;
      this.setState('connecting', { attempt: this.failures + 1 });
      socket.onopen = () => {
        const hello = { messageType: 'hello', channelIDs: store.channelIDs() };
        if (store.state.uaid) hello.uaid = store.state.uaid;
        this.sendJSON(hello);
        this.armPong(); // the hello reply must come in time, like a pong
      };
      socket.onmessage = (event) => this.received(event.data);
      socket.onclose = (event) => this.closed(socket, event.code);
      socket.onerror = () => { /* onclose follows */ };
    },

    sendJSON(message) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(message));
      }
    },

    received(data) {
      this.idle();
      let message;
      try {
        message = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (!message || typeof message !== 'object') return;
      switch (message.messageType) {
        case 'hello': this.hello(message); break;
        case 'register': this.registered(message); break;
        case 'unregister': this.unregistered(message); break;
        case 'notification': this.notification(message); break;
        default: break; // '{}' pong and anything unknown (P1.2, survey 9.2.8)
      }
    },

    hello(message) {
      if (this.helloDone || typeof message.uaid !== 'string' || message.uaid === '') {
        return;
      }
      this.helloDone = true;
      this.failures = 0;
      const previous = store.state.uaid;
      const hadRegistrations = store.channelIDs().length > 0;
      if (previous !== message.uaid) {
        // A new UAID: the server does not know our channels any more (P2.4); the app must register again.
        store.state = { uaid: message.uaid, channels: {} };
        store.save();
        if (previous && hadRegistrations) {
          messages.send('push-register', {});
          tabs.broadcast({ type: 'message', name: 'push-register', message: {} });
        }
      }
      this.setState('connected', { uaid: message.uaid, reset: Boolean(previous) && previous !== message.uaid });
      const waiting = this.queue;
      this.queue = [];
      waiting.forEach((entry) => this.send(entry));
    },

    registered(message) {
      const entry = this.inFlight.get('register:' + message.channelID);
      if (!entry) return; // an answer we did not ask for
      this.inFlight.delete('register:' + message.channelID);
      clearTimeout(entry.timer);
      clearTimeout(entry.deadline);
      if (message.status !== 200 || typeof message.pushEndpoint !== 'string') {
        entry.request._settle(null, new SimplePushError('ServerError',
            'the push server refused the registration (status ' + message.status + ')'));
        this.ensureIdleClose();
        return;
      }
      store.state.channels[message.channelID] = { endpoint: message.pushEndpoint, version: 0 };
      store.save();
      entry.request._settle(message.pushEndpoint);
    },

    unregistered(message) {
      const entry = this.inFlight.get('unregister:' + message.channelID);
      if (!entry) return;
      this.inFlight.delete('unregister:' + message.channelID);
      clearTimeout(entry.timer);
      clearTimeout(entry.deadline);
      if (message.status !== 200) {
        entry.request._settle(null, new SimplePushError('ServerError',
            'the push server refused the unregistration (status ' + message.status + ')'));
      } else {
        entry.request._settle(entry.endpoint);
      }
      this.ensureIdleClose();
    },

    notification(message) {
      const updates = Array.isArray(message.updates) ? message.updates : [];
      const acks = [];
      let changed = false;
      for (const update of updates) {
        if (!update || typeof update.channelID !== 'string') continue;
        const version = Number(update.version);
        if (!Number.isFinite(version) || version < 0) continue;
        acks.push({ channelID: update.channelID, version });
        const channel = store.state.channels[update.channelID];
        if (channel && version > channel.version) {
          channel.version = version;
          changed = true;
          const push = { pushEndpoint: channel.endpoint, version };
          messages.send('push', push);
          tabs.broadcast({ type: 'message', name: 'push', message: push });
        }
      }
      if (changed) store.save();
      // Every update is acked, also stale and unknown ones: otherwise the server keeps them pending (P5.3, P5.4).
      if (acks.length > 0) this.sendJSON({ messageType: 'ack', updates: acks });
    },

    /** Sends a request now if the hello is done, else keeps it for the next hello. */
    submit(entry) {
      entry.deadline = setTimeout(() => this.expire(entry), options.queueTimeout);
      if (this.helloDone) {
        this.send(entry);
      } else {
        this.queue.push(entry);
        this.ensure();
      }
    },

    send(entry) {
      this.inFlight.set(entry.kind + ':' + entry.channelID, entry);
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        this.inFlight.delete(entry.kind + ':' + entry.channelID);
        clearTimeout(entry.deadline);
        entry.request._settle(null, new SimplePushError('TimeoutError',
            'the push server did not answer the ' + entry.kind + ' in ' + options.requestTimeout + ' ms'));
      }, options.requestTimeout);
      this.sendJSON({ messageType: entry.kind, channelID: entry.channelID });
    },

    /** A request that never reached a connected server in time. */
    expire(entry) {
      const index = this.queue.indexOf(entry);
      if (index < 0) return; // sent: its own timer answers
      this.queue.splice(index, 1);
      entry.request._settle(null, new SimplePushError('NetworkError',
          'no connection to the push server at ' + options.serverURL));
    },

    failAll(error) {
      const waiting = this.queue;
      this.queue = [];
      waiting.forEach((entry) => {
        clearTimeout(entry.deadline);
        entry.request._settle(null, error);
      });
      this.setState('idle');
    },

    /** Nothing to listen on and nothing to ask: the socket can go. */
    ensureIdleClose() {
      if (store.channelIDs().length === 0 && this.queue.length === 0 && this.inFlight.size === 0 && this.socket) {
        const socket = this.socket;
        this.detach();
        socket.close(1000);
        this.setState('idle');
      }
    },

    /** Any message from the server restarts the idle timer; a ping goes out after pingInterval of silence. */
    idle() {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
      clearTimeout(this.pingTimer);
      const interval = Math.max(options.pingInterval, MIN_PING_INTERVAL);
      this.pingTimer = setTimeout(() => {
        this.sendJSON({});
        this.armPong();
      }, interval);
    },

    armPong() {
      clearTimeout(this.pongTimer);
      const socket = this.socket;
      this.pongTimer = setTimeout(() => {
        // No answer in time (survey 9.2.6): the connection is dead even if the browser does not know yet.
        if (socket === this.socket) {
          socket.close(4000, 'no answer');
          this.closed(socket, 1006);
        }
      }, options.requestTimeout);
    },

    detach() {
      const socket = this.socket;
      if (socket) {
        socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      }
      this.socket = null;
      this.helloDone = false;
      clearTimeout(this.pingTimer);
      clearTimeout(this.pongTimer);
      this.pingTimer = this.pongTimer = null;
    },

    closed(socket, code) {
      if (socket !== this.socket) return;
      this.detach();
      // Requests in flight go again after the next hello: register and unregister are idempotent (P3.3, P3.5).
      for (const entry of this.inFlight.values()) {
        clearTimeout(entry.timer);
        this.queue.push(entry);
      }
      this.inFlight.clear();
      if (store.channelIDs().length === 0 && this.queue.length === 0) {
        this.setState('idle');
        return;
      }
      // Exponential back-off (Gecko: 5 s x 2^failures, capped); after 4774 (UDP wake-up, P8.2), which a browser
      // cannot receive, wait the longest.
      const exponent = Math.min(this.failures, 30);
      this.failures += 1;
      let delay = code === WAKEUP_CLOSE_CODE
        ? options.retryMax
        : Math.min(options.retryBase * Math.pow(2, exponent), options.retryMax);
      delay = Math.round(delay * (1 + Math.random() * options.jitter));
      this.setState('waiting', { code, retryIn: delay });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delay);
    },

    /** A new serverURL: drop the socket to the old one and connect to the new one now, without back-off. */
    switchServer() {
      const socket = this.socket;
      if (socket) {
        this.closed(socket, 1000);
        socket.close(1000);
      }
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.failures = 0;
      this.ensure();
    },

    /** The network is back: waiting out the back-off would only delay recovery. */
    online() {
      if (this.retryTimer) this.connect();
    },
  };

  function newChannelID() {
    if (global.crypto && typeof global.crypto.randomUUID === 'function') {
      return global.crypto.randomUUID();
    }
    // randomUUID needs a secure context; getRandomValues does not.
    const bytes = global.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-'
        + hex.slice(20);
  }

  /** Sends a request on this tab's connection; an unregister first forgets its channel here. */
  function submitLocally(entry) {
    if (entry.kind === 'unregister') {
      const channelID = store.byEndpoint(entry.endpoint);
      if (!channelID) {
        entry.request._settle(null, new SimplePushError('NotFoundError',
            'no registration has the endpoint ' + entry.endpoint));
        return;
      }
      // Forget it at once: a later hello without this channel also drops it on the server (P2.4).
      delete store.state.channels[channelID];
      store.save();
      entry.channelID = channelID;
    }
    connection.submit(entry);
  }

  /**
   * One connection per origin. The tabs of an origin share the UAID, and a second socket for it would take over the
   * first (P2.5), back and forth. Where the browser has Web Locks (secure contexts), the tab holding the lock
   * connects (the leader) and is the only one to write the registrations; the others forward their requests to it
   * over a BroadcastChannel and receive its messages and connection states. When the leader goes, another tab
   * takes the lock and connects. Without Web Locks every tab connects on its own.
   */
  const tabs = {
    role: 'solo', // solo | pending (asking for the lock) | leader | follower
    id: Math.random().toString(36).slice(2),
    channel: null,
    nextId: 1,
    held: [], // requests made while the role is pending
    forwarded: new Map(), // follower: id -> entry, until the leader answers

    start() {
      if (!(navigator.locks && typeof navigator.locks.request === 'function' && typeof BroadcastChannel === 'function')) {
        return;
      }
      this.role = 'pending';
      this.channel = new BroadcastChannel(TABS_NAME);
      this.channel.onmessage = (event) => this.received(event.data || {});
      navigator.locks.request(TABS_NAME, { ifAvailable: true }, (lock) => {
        if (lock) return this.lead();
        this.follow();
        navigator.locks.request(TABS_NAME, () => this.lead());
        return undefined;
      }).catch(() => this.solo());
    },

    /** Whether this tab may hold the connection. */
    connects() {
      return this.role === 'solo' || this.role === 'leader';
    },

    /** Followers read what the leader wrote. */
    refresh() {
      if (this.role === 'follower') store.load();
    },

    submit(entry) {
      if (this.connects()) {
        submitLocally(entry);
      } else if (this.role === 'pending') {
        this.held.push(entry);
      } else {
        this.forward(entry);
      }
    },

    lead() {
      this.role = 'leader';
      store.load();
      const waiting = this.held.concat(Array.from(this.forwarded.values()));
      this.held = [];
      this.forwarded.clear();
      waiting.forEach((entry) => {
        clearTimeout(entry.deadline);
        submitLocally(entry);
      });
      connection.ensure();
      this.broadcast({ type: 'state', detail: connection.lastDetail });
      // Held until the tab goes away.
      return new Promise(() => {});
    },

    follow() {
      this.role = 'follower';
      const waiting = this.held;
      this.held = [];
      waiting.forEach((entry) => this.forward(entry));
      this.post({ type: 'ask-state' });
    },

    solo() {
      this.role = 'solo';
      const waiting = this.held;
      this.held = [];
      waiting.forEach((entry) => submitLocally(entry));
      connection.ensure();
    },

    forward(entry) {
      const id = this.id + ':' + this.nextId++;
      this.forwarded.set(id, entry);
      entry.deadline = setTimeout(() => {
        if (!this.forwarded.delete(id)) return;
        entry.request._settle(null, new SimplePushError('NetworkError', 'no tab reached the push server'));
      }, options.queueTimeout);
      this.post({ type: 'request', id, kind: entry.kind, channelID: entry.channelID, endpoint: entry.endpoint });
    },

    received(data) {
      if (this.role === 'leader' && data.type === 'request') {
        const reply = (result, error) => this.post({ type: 'reply', id: data.id, result,
          error: error ? { name: error.name, message: error.message } : null });
        submitLocally({ kind: data.kind, channelID: data.channelID, endpoint: data.endpoint,
          request: { _settle: reply } });
      } else if (this.role === 'leader' && data.type === 'ask-state') {
        this.post({ type: 'state', detail: connection.lastDetail });
      } else if (this.role === 'follower' && data.type === 'reply') {
        const entry = this.forwarded.get(data.id);
        if (!entry) return;
        this.forwarded.delete(data.id);
        clearTimeout(entry.deadline);
        entry.request._settle(data.result,
            data.error ? new SimplePushError(data.error.name, data.error.message) : null);
      } else if (this.role === 'follower' && data.type === 'message') {
        messages.send(data.name, data.message);
      } else if (this.role === 'follower' && data.type === 'state' && data.detail) {
        connection.state = data.detail.state;
        events.dispatchEvent(new CustomEvent('statechange', { detail: data.detail }));
      }
    },

    broadcast(message) {
      if (this.role === 'leader') this.post(message);
    },

    post(message) {
      if (this.channel) this.channel.postMessage(message);
    },
  };

  /** navigator.push: the PushManager of the Simple Push API. */
  const pushManager = {
    /** Asks for a new endpoint; request.result is its URL. */
    register() {
      const request = new SimplePushRequest();
      tabs.submit({ kind: 'register', channelID: newChannelID(), request });
      return request;
    },

    /** Stops the endpoint; request.result is the endpoint. Unknown endpoints fail with NotFoundError. */
    unregister(endpoint) {
      const request = new SimplePushRequest();
      tabs.submit({ kind: 'unregister', endpoint, request });
      return request;
    },

    /** The registrations of this page's origin: request.result is [{pushEndpoint, version}]. */
    registrations() {
      const request = new SimplePushRequest();
      tabs.refresh();
      request._settle(Object.values(store.state.channels)
          .map((channel) => ({ pushEndpoint: channel.endpoint, version: channel.version })));
      return request;
    },
  };

  /** Settings, connection state and events for pages that want more than the Simple Push API. */
  const SimplePush = {
    get native() { return installedNative; },
    get state() { return connection.state; },
    get uaid() { tabs.refresh(); return store.state.uaid; },
    get serverURL() { return options.serverURL; },
    /**
     * Changes settings: serverURL (ws: or wss:, or the http(s) URL of the server), pingInterval (ms, at least
     * 20000), requestTimeout (ms, for each answer), queueTimeout (ms a request may
     * wait for a connection before it fails with NetworkError), retryBase and retryMax (ms, the reconnect back-off), jitter (0..1).
     * A new serverURL takes effect at once; its server answers the stored UAID with a new one, which fires
     * 'push-register'.
     */
    configure(settings) {
      const next = Object.assign({}, settings || {});
      if (next.serverURL !== undefined) {
        const url = new URL(String(next.serverURL), global.location && global.location.href);
        if (url.protocol === 'http:' || url.protocol === 'https:') {
          url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        }
        next.serverURL = url.href;
      }
      for (const key of ['pingInterval', 'requestTimeout', 'queueTimeout', 'retryBase', 'retryMax', 'jitter']) {
        if (next[key] !== undefined && !(typeof next[key] === 'number' && next[key] >= 0)) {
          throw new TypeError(key + ' must be a non-negative number');
        }
      }
      const serverChanged = next.serverURL !== undefined && next.serverURL !== options.serverURL;
      Object.assign(options, next);
      if (serverChanged && (connection.socket || connection.retryTimer)) {
        connection.switchServer();
      }
      return Object.assign({}, options);
    },
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
  };

  const installedNative = Boolean(navigator && navigator.push);
  global.SimplePush = SimplePush;
  if (installedNative || !navigator) {
    return;
  }

  store.load();
  Object.defineProperty(navigator, 'push', { value: pushManager, configurable: true, enumerable: true });
  const nativeSetMessageHandler = navigator.mozSetMessageHandler;
  Object.defineProperty(navigator, 'mozSetMessageHandler', {
    configurable: true,
    enumerable: true,
    value(type, handler) {
      if (type === 'push' || type === 'push-register') {
        messages.set(type, handler);
      } else if (typeof nativeSetMessageHandler === 'function') {
        nativeSetMessageHandler.call(navigator, type, handler);
      }
    },
  });
  global.addEventListener('online', () => connection.online());
  tabs.start();
  // Registrations from an earlier visit: listen on them (and receive what was sent meanwhile) right away.
  later(() => connection.ensure());
})(window);
