// The widget UI: a launcher and a chat panel in a shadow root, driven by the
// "/widget" socket. Plain DOM, no framework: every byte ships to every visitor
// of every page that embeds us.
import { Connection, type Fatal } from "./connection";
import { renderMarkdown } from "./markdown";
import { CSS, ICONS } from "./styles";
import type { Ack, Article, ArticleHit, Config, Msg, OutboxEntry, ServerMessage, Settings } from "./types";
import { contrastOn, dayOf, h, icon, linkify, load, save, sizeLabel, timeOf, uuid } from "./util";

const MAX_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 5;
const CHUNK = 256 * 1024;
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

type Node_ = { sig: string; el: HTMLElement; meta: HTMLElement };

export class Widget {
  readonly host: HTMLElement;
  private shadow: ShadowRoot;
  private root: HTMLElement;
  private conn: Connection;

  private launcher!: HTMLButtonElement;
  private badge!: HTMLElement;
  private panel!: HTMLElement;
  private title!: HTMLElement;
  private subtitle!: HTMLElement;
  private avatar!: HTMLElement;
  private scroller!: HTMLElement;
  private older!: HTMLButtonElement;
  private log!: HTMLElement;
  private typingEl!: HTMLElement;
  private reader!: HTMLElement;
  private notice!: HTMLElement;
  private suggest!: HTMLElement;
  private prechat!: HTMLFormElement;
  private composer!: HTMLFormElement;
  private textarea!: HTMLTextAreaElement;
  private fileInput!: HTMLInputElement;
  private chips!: HTMLElement;
  private inlineErr!: HTMLElement;
  private sendBtn!: HTMLButtonElement;

  private messages: Msg[] = [];
  private nodes = new Map<string, Node_>();
  private isOpen = false;
  private online: boolean;
  private fatal: Fatal | null = null;
  private unread = 0;
  private agentTyping: { name: string } | null = null;
  private typingTimer = 0;
  private email: string | null = null;
  private prechatDone: boolean;
  private cursor: string | null = null;
  private files: { file: File; url: string }[] = [];
  private context: { articleId: string; title: string } | null = null;
  private suggestions: ArticleHit[] = [];
  private article: Article | null = null;
  private articleLoading = false;
  private error: string | null = null;
  private views: { url: string; title: string }[] = [];
  private lastUrl = "";
  private lastTypingSent = 0;
  private typingStop = 0;
  private searchTimer = 0;
  private searchSeq = 0;
  private flashTimer = 0;
  private savedTitle = "";
  private interacted = false;
  private audio: AudioContext | null = null;
  private readPending = false;
  /** The visitor is at the newest message (keep them there as content arrives). */
  private stick = true;

  constructor(
    private origin: string,
    private config: Config,
    private settings: Settings,
  ) {
    this.online = config.online;
    this.host = h("div", { id: "throughline-widget", "data-throughline": "" });
    this.host.setAttribute(
      "style",
      "all:initial!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;z-index:2147483000!important;display:block!important",
    );
    this.shadow = this.host.attachShadow({ mode: "open" });
    this.root = h("div", { class: "root" });
    this.root.style.setProperty("--c", config.color);
    this.root.style.setProperty("--on", contrastOn(config.color));
    this.shadow.append(h("style", {}, CSS), this.root);

    this.conn = new Connection(origin, config.inbox, settings, {
      connect: () => this.onConnect(),
      disconnect: () => this.renderChrome(),
      fatal: (f) => {
        this.fatal = f;
        this.renderAll();
      },
      event: (name, payload) => this.onEvent(name, payload),
    });
    const stored = this.conn.get("prechat") as { email?: string; name?: string } | null;
    this.prechatDone = !!stored;
    this.email = settings.email ?? stored?.email ?? null;
    // What is waiting in the outbox (from before a reload) shows as sending.
    for (const e of this.conn.outbox) this.messages.push(this.fromOutbox(e));

    this.build();
    this.renderAll();
    if (load<boolean>(`throughline:${config.inbox}:open`, false, true)) this.setOpen(true, false);

    const mark = () => (this.interacted = true);
    window.addEventListener("pointerdown", mark, { once: true, capture: true });
    window.addEventListener("keydown", mark, { once: true, capture: true });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.isOpen) this.markRead();
    });
    if (config.trackPageViews) this.trackPages();
  }

  // ------------------------------------------------------------------ DOM

  private build() {
    this.badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
    this.launcher = h("button", { class: "launcher", type: "button", "aria-controls": "tl-panel", "aria-expanded": "false", onclick: () => this.setOpen(!this.isOpen) });
    this.launcher.append(icon(ICONS.chat), this.badge);

    this.avatar = h("span", { class: "avatar", "aria-hidden": "true" });
    this.title = h("h2", { id: "tl-title" });
    this.subtitle = h("p");
    const close = h("button", { class: "close", type: "button", "aria-label": "Close chat", onclick: () => this.setOpen(false) }, icon(ICONS.x));
    const head = h("div", { class: "head" }, this.avatar, h("div", { class: "who" }, this.title, this.subtitle), close);

    this.older = h("button", { class: "older", type: "button", hidden: true, onclick: () => void this.loadOlder() }, "Show earlier messages");
    this.log = h("ol", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation" });
    this.typingEl = h("div", { class: "typing", hidden: true, "aria-live": "polite" });
    this.scroller = h("div", { class: "scroll" }, this.older, this.log, this.typingEl);
    this.scroller.addEventListener("scroll", () => {
      const sc = this.scroller;
      if (sc.clientHeight > 0) this.stick = sc.scrollHeight - sc.scrollTop - sc.clientHeight < 80;
    });
    this.reader = h("div", { class: "reader", hidden: true, role: "document", "aria-label": "Help article" });
    const main = h("div", { class: "main" }, this.scroller, this.reader);

    this.notice = h("div", { class: "notice", hidden: true });
    this.suggest = h("div", { class: "suggest", hidden: true });

    this.prechat = h("form", { class: "prechat", hidden: true, novalidate: true, "aria-label": "Before we start" });
    this.prechat.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submitPrechat();
    });

    this.textarea = h("textarea", { rows: 1, placeholder: "Write a message…", "aria-label": "Message", maxlength: 10000 });
    this.textarea.addEventListener("input", () => this.onInput());
    this.textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.submit();
      }
    });
    this.fileInput = h("input", { type: "file", accept: IMAGE_TYPES.join(","), multiple: true, hidden: true, tabindex: -1, "aria-hidden": "true" });
    this.fileInput.addEventListener("change", () => this.pickFiles());
    const attach = h("button", { class: "tool", type: "button", "aria-label": "Attach an image", title: "Attach an image (up to 5 MB)", onclick: () => this.fileInput.click() }, icon(ICONS.clip));
    this.sendBtn = h("button", { class: "tool send", type: "submit", "aria-label": "Send message" }, icon(ICONS.send));
    this.chips = h("div", { class: "chips", hidden: true });
    this.inlineErr = h("p", { class: "err-inline", role: "alert", hidden: true });
    this.composer = h(
      "form",
      { class: "compose", "aria-label": "Send a message" },
      this.inlineErr,
      this.chips,
      h("div", { class: "bar" }, attach, this.fileInput, this.textarea, this.sendBtn),
      h("p", { class: "hint" }, "Enter to send · Shift+Enter for a new line"),
    );
    this.composer.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });

    this.panel = h("div", { class: "panel", id: "tl-panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "tl-title", hidden: true });
    this.panel.append(head, main, this.notice, this.suggest, this.prechat, this.composer);
    this.panel.addEventListener("keydown", (e) => this.trapKeys(e));
    this.root.append(this.panel, this.launcher);
  }

  private renderAll() {
    this.renderChrome();
    this.renderLog();
    this.renderSuggest();
    this.renderReader();
  }

  /** Header, launcher, notices, pre-chat form and composer state. */
  private renderChrome() {
    const agent = [...this.messages].reverse().find((m) => m.from === "agent" && m.agent)?.agent ?? null;
    this.title.textContent = agent ? agent.name : this.config.name;
    const status = this.fatal ? "Chat unavailable" : this.online ? "Online · we typically reply in a few minutes" : "Away · we'll get back to you by email";
    this.subtitle.replaceChildren(h("span", { class: `dot${this.online && !this.fatal ? "" : " off"}`, "aria-hidden": "true" }), agent ? `${this.config.name} · ${this.online ? "Online" : "Away"}` : status);
    const avatarUrl = agent?.avatarUrl && /^(https:\/\/|\/)/.test(agent.avatarUrl) ? (agent.avatarUrl.startsWith("/") ? this.origin + agent.avatarUrl : agent.avatarUrl) : null;
    this.avatar.replaceChildren(avatarUrl ? h("img", { src: avatarUrl, alt: "" }) : (agent?.name ?? this.config.name).trim().charAt(0).toUpperCase() || "?");

    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread > 9 ? "9+" : String(this.unread);
    this.launcher.replaceChildren(icon(this.isOpen ? ICONS.down : ICONS.chat), this.badge);
    this.launcher.setAttribute("aria-expanded", String(this.isOpen));
    this.launcher.setAttribute("aria-label", this.isOpen ? "Close chat" : `Open chat${this.unread ? `, ${this.unread} unread message${this.unread > 1 ? "s" : ""}` : ""}`);
    this.root.classList.toggle("open", this.isOpen);

    // Notice: a refusal beats being offline beats reconnecting.
    const n = this.notice;
    n.replaceChildren();
    n.removeAttribute("role");
    if (this.fatal) {
      n.className = "notice error";
      n.setAttribute("role", "alert");
      n.append(this.fatal.message);
    } else if (this.conn.ever && !this.conn.connected) {
      n.className = "notice info";
      n.setAttribute("role", "status");
      n.append("Reconnecting… your messages will be sent as soon as you're back online.");
    } else if (!this.online && this.conn.ever) {
      n.className = "notice warn";
      n.setAttribute("role", "status");
      n.append(this.config.offlineMessage);
      if (this.email) n.append(h("br"), `We'll reply to ${this.email}.`);
      else if (!this.needsPrechat()) n.append(this.emailForm());
    } else n.className = "notice";
    n.hidden = !n.firstChild;

    const pre = this.needsPrechat();
    this.prechat.hidden = !pre;
    if (pre && !this.prechat.firstChild) this.buildPrechat();
    this.composer.hidden = pre || !!this.fatal;
    this.sendBtn.disabled = !this.textarea.value.trim() && this.files.length === 0;
    this.inlineErr.hidden = !this.error;
    this.inlineErr.textContent = this.error ?? "";
    this.renderChips();
    this.renderTyping();
  }

  private needsPrechat() {
    const s = this.settings;
    return this.config.preChatForm && !this.fatal && !s.email && !s.userId && !this.prechatDone && !this.email && this.messages.length === 0;
  }

  private buildPrechat() {
    const name = h("input", { class: "field", id: "tl-name", name: "name", autocomplete: "name", required: true, maxlength: 200 });
    const email = h("input", { class: "field", id: "tl-email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: 320 });
    this.prechat.append(
      h("p", {}, "Tell us how to reach you, in case we get disconnected."),
      h("label", { for: "tl-name" }, "Name"),
      name,
      h("label", { for: "tl-email" }, "Email"),
      email,
      h("p", { class: "err-inline", role: "alert", hidden: true }),
      h("button", { class: "btn", type: "submit" }, "Start the chat"),
    );
  }

  private emailForm(): HTMLElement {
    const input = h("input", { class: "field", type: "email", placeholder: "you@example.com", "aria-label": "Your email", autocomplete: "email", maxlength: 320 });
    const form = h("form", { class: "row" }, input, h("button", { class: "btn", type: "submit" }, "Notify me"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const email = input.value.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return void input.focus();
      void this.sendPrechat({ email }).then((ok) => {
        if (!ok) input.setAttribute("aria-invalid", "true");
      });
    });
    return form;
  }

  private renderTyping() {
    const t = this.agentTyping;
    this.typingEl.hidden = !t;
    if (t) {
      this.typingEl.replaceChildren(h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), `${t.name} is typing…`);
      this.keepBottom();
    }
  }

  private renderChips() {
    const items: HTMLElement[] = [];
    if (this.context) {
      items.push(
        h(
          "span",
          { class: "chip" },
          icon(ICONS.doc),
          h("span", {}, `About: ${this.context.title}`),
          h("button", { type: "button", "aria-label": "Remove the article from this message", onclick: () => ((this.context = null), this.renderChrome()) }, icon(ICONS.x)),
        ),
      );
    }
    this.files.forEach((f, i) =>
      items.push(
        h(
          "span",
          { class: "chip" },
          h("img", { src: f.url, alt: "" }),
          h("span", {}, `${f.file.name} · ${sizeLabel(f.file.size)}`),
          h("button", { type: "button", "aria-label": `Remove ${f.file.name}`, onclick: () => this.removeFile(i) }, icon(ICONS.x)),
        ),
      ),
    );
    this.chips.replaceChildren(...items);
    this.chips.hidden = items.length === 0;
  }

  /** The conversation; message nodes are reused so the live region announces only new ones. */
  /** Content grew (an image loaded): stay at the newest message if the visitor was there. */
  private keepBottom() {
    if (this.stick) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private renderLog(forceBottom = false) {
    const sc = this.scroller;
    const nearBottom = this.stick;
    const want: HTMLElement[] = [];
    want.push(this.node("greeting", "g", () => this.bubbleNode({ from: "agent", text: this.config.greeting, cont: false, name: this.config.name, greet: true })).el);
    let prev: Msg | undefined;
    let day = "";
    const lastVisitor = [...this.messages].reverse().find((m) => m.from === "visitor");
    for (const m of this.messages) {
      const d = dayOf(m.createdAt);
      if (d !== day) {
        day = d;
        want.push(this.node(`day:${d}`, d, () => ({ el: h("li", { class: "day" }, d), meta: h("span") })).el);
      }
      const cont = !!prev && prev.from === m.from && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < 5 * 60_000;
      const attachments = m.attachments.map((a) => a.url ?? a.local ?? a.filename).join(",");
      const n = this.node(m.key, [m.text, cont, attachments, m.agent?.name, m.context?.title].join("|"), () =>
        this.bubbleNode({ from: m.from, text: m.text, cont, name: m.agent?.name, attachments: m.attachments, context: m.context }),
      );
      const showStatus = m.from === "visitor" && (m === lastVisitor || m.status === "pending" || m.status === "failed");
      n.meta.className = `meta${m.status === "failed" ? " err" : ""}`;
      n.meta.replaceChildren(h("time", { datetime: m.createdAt }, timeOf(m.createdAt)), showStatus ? ` · ${this.statusText(m)}` : "");
      want.push(n.el);
      prev = m;
    }
    want.forEach((el, i) => {
      if (this.log.children[i] !== el) this.log.insertBefore(el, this.log.children[i] ?? null);
    });
    while (this.log.children.length > want.length) this.log.lastElementChild!.remove();
    this.older.hidden = !this.cursor;
    if (forceBottom || nearBottom) sc.scrollTop = sc.scrollHeight;
  }

  private node(key: string, sig: string, make: () => { el: HTMLElement; meta: HTMLElement }): Node_ {
    const cur = this.nodes.get(key);
    if (cur && cur.sig === sig) return cur;
    const made = make();
    const n = { sig, el: made.el, meta: made.meta };
    if (cur) cur.el.replaceWith(n.el);
    this.nodes.set(key, n);
    return n;
  }

  private bubbleNode(m: {
    from: "visitor" | "agent";
    text: string;
    cont: boolean;
    name?: string | null;
    greet?: boolean;
    attachments?: Msg["attachments"];
    context?: Msg["context"];
  }): { el: HTMLElement; meta: HTMLElement } {
    const me = m.from === "visitor";
    const meta = h("div", { class: "meta" });
    const li = h("li", { class: `m ${me ? "me" : "them"}${m.cont ? " cont" : ""}${m.greet ? " greet" : ""}` });
    if (!me && !m.cont) li.append(h("div", { class: "name" }, m.name ?? "Support"));
    if (m.context) li.append(h("div", { class: "ctx" }, `About: ${m.context.title}`));
    if (m.text) li.append(h("div", { class: "bubble" }, h("span", { class: "sr" }, me ? "You: " : `${m.name ?? "Support"}: `), ...linkify(m.text)));
    const imgs = (m.attachments ?? []).filter((a) => a.url || a.local);
    if (imgs.length) {
      li.append(
        h(
          "div",
          { class: "imgs" },
          ...imgs.map((a) =>
            h("a", { href: a.url ?? a.local!, target: "_blank", rel: "noopener noreferrer" }, h("img", { src: a.url ?? a.local!, alt: a.filename, onload: () => this.keepBottom() })),
          ),
        ),
      );
    }
    const pendingFiles = (m.attachments ?? []).filter((a) => !a.url && !a.local);
    if (pendingFiles.length) li.append(h("div", { class: "bubble" }, pendingFiles.map((a) => `📎 ${a.filename}`).join("\n")));
    if (!m.greet) li.append(meta);
    return { el: li, meta };
  }

  private statusText(m: Msg): string {
    switch (m.status) {
      case "pending":
        return this.conn.connected ? "Sending…" : "Waiting for network…";
      case "failed":
        return `Not sent: ${m.error ?? "please try again"}`;
      case "read":
        return "Read";
      default:
        return "Delivered";
    }
  }

  private renderSuggest() {
    const show = this.suggestions.length > 0 && !this.fatal && !this.article && this.messages.length === 0;
    this.suggest.hidden = !show;
    if (!show) return this.suggest.replaceChildren();
    this.suggest.replaceChildren(
      h("h3", { id: "tl-sugg" }, "Suggested articles"),
      h(
        "ul",
        { "aria-labelledby": "tl-sugg" },
        ...this.suggestions.map((a) => h("li", {}, h("button", { class: "art", type: "button", onclick: () => void this.openArticle(a) }, h("b", {}, a.title), h("span", {}, a.excerpt)))),
      ),
    );
  }

  private renderReader() {
    const a = this.article;
    this.reader.hidden = !a;
    this.renderSuggest();
    if (!a) return this.reader.replaceChildren();
    const back = h("button", { class: "back", type: "button", onclick: () => this.closeArticle() }, icon(ICONS.back), "Back to chat");
    const body = h("div", { class: "md" });
    if (this.articleLoading) body.append(h("p", {}, "Loading…"));
    else body.append(renderMarkdown(a.body, this.origin));
    this.reader.replaceChildren(
      back,
      h("h2", {}, a.title),
      h("p", { class: "cat" }, a.category),
      body,
      h(
        "div",
        { class: "still" },
        h("p", {}, "Still need help?"),
        h("button", { class: "btn", type: "button", onclick: () => this.chatAboutArticle() }, "Chat with us"),
      ),
    );
    this.reader.scrollTop = 0;
  }

  // ------------------------------------------------------------------ open / close, keyboard

  setOpen(open: boolean, focus = true) {
    this.isOpen = open;
    this.panel.hidden = !open;
    save(`throughline:${this.config.inbox}:open`, open, true);
    this.renderChrome();
    if (open) {
      this.stopFlash();
      this.markRead();
      this.renderLog(true);
      if (focus) (this.prechat.hidden ? this.textarea : (this.prechat.querySelector("input") as HTMLElement | null) ?? this.textarea).focus();
    } else if (focus) this.launcher.focus();
  }

  private trapKeys(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      if (this.article) this.closeArticle();
      else this.setOpen(false);
      return;
    }
    if (e.key !== "Tab") return;
    const items = Array.from(this.panel.querySelectorAll<HTMLElement>("button, a[href], input, textarea, [tabindex]:not([tabindex='-1'])")).filter(
      (el) => !(el as HTMLButtonElement).disabled && el.getAttribute("tabindex") !== "-1" && el.getClientRects().length > 0,
    );
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = this.shadow.activeElement;
    if (e.shiftKey && (active === first || !this.panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !this.panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  // ------------------------------------------------------------------ connection

  private onConnect() {
    this.renderChrome();
    void this.loadHistory().then(() => this.flush());
    void this.flushViews();
  }

  private onEvent(name: string, payload: unknown) {
    switch (name) {
      case "session": {
        const s = payload as { email: string | null; config: Config };
        if (s.email) this.email = s.email;
        this.online = s.config.online;
        this.renderChrome();
        break;
      }
      case "message":
        this.upsert(payload as ServerMessage, true);
        break;
      case "message:status": {
        const p = payload as { id: string; status: "read" };
        const m = this.messages.find((x) => x.id === p.id);
        if (m && m.status !== "read") {
          m.status = "read";
          if (m.from === "agent" && this.unread > 0) this.unread--;
          this.renderAll();
        }
        break;
      }
      case "typing": {
        const p = payload as { typing: boolean; agent?: { name: string } };
        clearTimeout(this.typingTimer);
        this.agentTyping = p.typing ? (p.agent ?? { name: "Support" }) : null;
        if (p.typing) this.typingTimer = window.setTimeout(() => ((this.agentTyping = null), this.renderTyping()), 6_000);
        this.renderTyping();
        break;
      }
      case "presence":
        this.online = !!(payload as { online: boolean }).online;
        this.renderChrome();
        break;
    }
  }

  private toMsg(s: ServerMessage): Msg {
    return {
      key: s.clientId ?? s.id,
      id: s.id,
      clientId: s.clientId,
      from: s.from,
      text: s.text,
      createdAt: s.createdAt,
      status: s.status,
      agent: s.agent,
      attachments: s.attachments.map((a) => ({ ...a, url: this.origin + a.url })),
      context: s.context,
    };
  }

  private fromOutbox(e: OutboxEntry): Msg {
    return { key: e.clientId, clientId: e.clientId, from: "visitor", text: e.text, createdAt: e.createdAt, status: "pending", attachments: e.files ?? [], context: e.context };
  }

  private sortMessages() {
    // Stored messages by time; unsent ones stay at the end in the order written.
    const rank = (m: Msg) => (m.status === "pending" || m.status === "failed" ? 1 : 0);
    this.messages.sort((a, b) => rank(a) - rank(b) || Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  private upsert(s: ServerMessage, live: boolean) {
    const i = this.messages.findIndex((m) => m.id === s.id || (!!s.clientId && m.clientId === s.clientId));
    const msg = this.toMsg(s);
    if (i >= 0) {
      const old = this.messages[i]!;
      msg.key = old.key;
      if (old.status === "read") msg.status = "read";
      this.messages[i] = msg;
    } else {
      this.messages.push(msg);
      if (live && msg.from === "agent") {
        this.agentTyping = null;
        if (this.visible()) this.markRead(true);
        else {
          this.unread++;
          this.notify(msg);
        }
      }
    }
    this.sortMessages();
    this.renderAll();
  }

  private async loadHistory() {
    let res: Ack;
    try {
      res = await this.conn.request("history", {});
    } catch {
      return;
    }
    if (!res.ok) return;
    const list = res.messages as ServerMessage[];
    for (const s of list) if (s.clientId) this.conn.drop(s.clientId);
    const unsent = this.messages.filter((m) => (m.status === "pending" || m.status === "failed") && !list.some((s) => s.clientId && s.clientId === m.clientId));
    const olderKept = this.messages.filter((m) => m.id && list.length && Date.parse(m.createdAt) < Date.parse(list[0]!.createdAt));
    this.messages = [...olderKept, ...list.map((s) => this.toMsg(s)), ...unsent];
    if (!olderKept.length) this.cursor = (res.nextCursor as string | null) ?? null;
    this.unread = Number(res.unread) || 0;
    this.sortMessages();
    this.renderAll();
    this.renderLog(true);
    if (this.visible()) this.markRead();
  }

  private async loadOlder() {
    if (!this.cursor) return;
    let res: Ack;
    try {
      res = await this.conn.request("history", { before: this.cursor });
    } catch {
      return;
    }
    if (!res.ok) return;
    const sc = this.scroller;
    const fromBottom = sc.scrollHeight - sc.scrollTop;
    for (const s of res.messages as ServerMessage[]) if (!this.messages.some((m) => m.id === s.id)) this.messages.push(this.toMsg(s));
    this.cursor = (res.nextCursor as string | null) ?? null;
    this.sortMessages();
    this.renderLog();
    sc.scrollTop = sc.scrollHeight - fromBottom;
  }

  private flush() {
    void this.conn.flush(
      (e, ack) => {
        const m = this.messages.find((x) => x.clientId === e.clientId);
        if (m) {
          m.id = String(ack.id);
          m.createdAt = String(ack.createdAt);
          if (m.status !== "read") m.status = "delivered";
        }
        this.sortMessages();
        this.renderAll();
      },
      (e, ack) => {
        const m = this.messages.find((x) => x.clientId === e.clientId);
        if (m) {
          m.status = "failed";
          m.error = ack.message ?? "the message was refused";
        }
        this.renderAll();
      },
    );
  }

  private visible() {
    return this.isOpen && document.visibilityState === "visible";
  }

  private markRead(force = false) {
    this.stopFlash();
    if (!force && this.unread === 0 && !this.messages.some((m) => m.from === "agent" && m.status !== "read")) return;
    this.unread = 0;
    for (const m of this.messages) if (m.from === "agent") m.status = "read";
    this.renderChrome();
    if (this.readPending || !this.conn.connected) return;
    this.readPending = true;
    setTimeout(() => {
      this.readPending = false;
      this.conn.request("read", {}).catch(() => undefined);
    }, 400);
  }

  // ------------------------------------------------------------------ composing

  private onInput() {
    const ta = this.textarea;
    ta.style.height = "auto";
    ta.style.height = `${Math.min(ta.scrollHeight, 120)}px`;
    this.sendBtn.disabled = !ta.value.trim() && this.files.length === 0;
    const text = ta.value.trim();
    const now = Date.now();
    clearTimeout(this.typingStop);
    if (text) {
      if (now - this.lastTypingSent > 2_500) {
        this.conn.volatile("typing", { typing: true });
        this.lastTypingSent = now;
      }
      this.typingStop = window.setTimeout(() => this.stopTyping(), 4_000);
    } else this.stopTyping();
    if (this.messages.length === 0 && !this.context) this.search(text);
  }

  private stopTyping() {
    if (!this.lastTypingSent) return;
    this.lastTypingSent = 0;
    this.conn.volatile("typing", { typing: false });
  }

  private search(q: string) {
    clearTimeout(this.searchTimer);
    const seq = ++this.searchSeq;
    if (q.length < 4) {
      if (this.suggestions.length) {
        this.suggestions = [];
        this.renderSuggest();
      }
      return;
    }
    this.searchTimer = window.setTimeout(async () => {
      try {
        const r = await fetch(`${this.origin}/api/widget/articles?inbox=${encodeURIComponent(this.config.inbox)}&limit=3&q=${encodeURIComponent(q.slice(0, 200))}`);
        const j = (await r.json()) as { items?: ArticleHit[] };
        if (seq !== this.searchSeq) return;
        this.suggestions = (j.items ?? []).slice(0, 3);
        this.renderSuggest();
      } catch {
        /* self-service is a bonus: chat works without it */
      }
    }, 350);
  }

  private pickFiles() {
    this.error = null;
    for (const file of Array.from(this.fileInput.files ?? [])) {
      if (!IMAGE_TYPES.includes(file.type)) this.error = "Only PNG, JPEG, GIF and WebP images can be sent.";
      else if (file.size > MAX_BYTES) this.error = `${file.name} is larger than 5 MB.`;
      else if (this.files.length >= MAX_FILES) this.error = `Up to ${MAX_FILES} images per message.`;
      else this.files.push({ file, url: URL.createObjectURL(file) });
    }
    this.fileInput.value = "";
    this.renderChrome();
    this.textarea.focus();
  }

  private removeFile(i: number) {
    this.files.splice(i, 1);
    this.renderChrome();
    this.textarea.focus();
  }

  private async submit() {
    const text = this.textarea.value.trim();
    const files = this.files;
    if ((!text && !files.length) || this.fatal) return;
    this.textarea.value = "";
    this.textarea.style.height = "auto";
    this.files = [];
    this.error = null;
    clearTimeout(this.typingStop);
    this.lastTypingSent = 0;
    this.suggestions = [];
    const context = this.context;
    this.context = null;
    const clientId = uuid();
    const msg: Msg = {
      key: clientId,
      clientId,
      from: "visitor",
      text,
      createdAt: new Date().toISOString(),
      status: "pending",
      attachments: files.map((f) => ({ filename: f.file.name, contentType: f.file.type, size: f.file.size, local: f.url })),
      context,
    };
    this.messages.push(msg);
    this.renderAll();
    this.renderLog(true);
    const ids: string[] = [];
    try {
      for (const f of files) ids.push(await this.upload(f.file));
    } catch (error) {
      msg.status = "failed";
      msg.error = (error as Error).message || "the image could not be uploaded";
      this.renderAll();
      return;
    }
    this.conn.enqueue({
      clientId,
      text,
      createdAt: msg.createdAt,
      attachments: ids.length ? ids : undefined,
      files: files.map((f) => ({ filename: f.file.name, contentType: f.file.type, size: f.file.size })),
      context,
      page: { url: location.href, title: this.realTitle() },
    });
    this.flush();
  }

  /** Sends one image in chunks over the socket; resumes or restarts after a drop. */
  private async upload(file: File): Promise<string> {
    const buf = await file.arrayBuffer();
    const uploadId = uuid().replace(/-/g, "");
    let offset = 0;
    for (let failures = 0; ; ) {
      if (!this.conn.connected) await this.connected(60_000);
      let res: Ack;
      try {
        res = await this.conn.request("attachment:chunk", { uploadId, filename: file.name, contentType: file.type, size: file.size, offset, data: buf.slice(offset, offset + CHUNK) }, 30_000);
      } catch {
        if (++failures > 5) throw new Error("the upload failed, please check your connection");
        continue;
      }
      if (!res.ok) {
        if (res.error === "bad_offset") {
          offset = Number(res.received) || 0;
          continue;
        }
        if (res.error === "rate_limited") {
          await new Promise((r) => setTimeout(r, Number(res.retryAfter) || 2_000));
          continue;
        }
        throw new Error(res.message ?? "the image was refused");
      }
      if (res.done) return String(res.attachmentId);
      offset = Number(res.received);
    }
  }

  private connected(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.conn.connected) return resolve();
      const s = this.conn.socket;
      const timer = setTimeout(() => {
        s.off("connect", done);
        reject(new Error("you seem to be offline"));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      s.once("connect", done);
    });
  }

  // ------------------------------------------------------------------ pre-chat, offline email

  private async submitPrechat() {
    const name = (this.prechat.querySelector("#tl-name") as HTMLInputElement).value.trim();
    const emailEl = this.prechat.querySelector("#tl-email") as HTMLInputElement;
    const email = emailEl.value.trim();
    const err = this.prechat.querySelector(".err-inline") as HTMLElement;
    if (!name || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      err.hidden = false;
      err.textContent = "Please enter your name and a valid email address.";
      (name ? emailEl : (this.prechat.querySelector("#tl-name") as HTMLInputElement)).focus();
      return;
    }
    if (!(await this.sendPrechat({ name, email }))) {
      err.hidden = false;
      err.textContent = this.conn.connected ? "That didn't work. Please check your email address." : "We can't connect right now. Please try again in a moment.";
      return;
    }
    this.textarea.focus();
  }

  private async sendPrechat(input: { name?: string; email: string }): Promise<boolean> {
    try {
      const res = await this.conn.request("prechat", input);
      if (!res.ok) return false;
    } catch {
      return false;
    }
    this.email = input.email;
    this.prechatDone = true;
    this.conn.set("prechat", input);
    this.renderChrome();
    return true;
  }

  // ------------------------------------------------------------------ self-service

  private async openArticle(hit: ArticleHit) {
    this.article = { id: hit.id, slug: hit.slug, title: hit.title, category: hit.category, body: "" };
    this.articleLoading = true;
    this.renderReader();
    let article: Article | null = null;
    try {
      const res = this.conn.connected ? await this.conn.request("article:view", { articleId: hit.id }) : null;
      if (res?.ok) article = res.article as Article;
    } catch {
      /* fall back to HTTP */
    }
    if (!article) {
      try {
        const inbox = `inbox=${encodeURIComponent(this.config.inbox)}`;
        const r = await fetch(`${this.origin}/api/widget/articles/${hit.id}?${inbox}`);
        if (r.ok) article = (await r.json()) as Article;
        const v = this.conn.visitor();
        if (article && v) {
          void fetch(`${this.origin}/api/widget/articles/${hit.id}/view?${inbox}`, {
            method: "POST",
            headers: { authorization: `Bearer ${v.id}.${v.token}`, "content-type": "application/json" },
            body: JSON.stringify({ inbox: this.config.inbox, identity: this.settings.userHash ? this.settings : undefined }),
          }).catch(() => undefined);
        }
      } catch {
        /* shown as not loaded below */
      }
    }
    if (this.article?.id !== hit.id) return;
    this.articleLoading = false;
    this.article = article ?? { ...this.article, body: "Sorry, this article could not be loaded." };
    this.renderReader();
    (this.reader.querySelector(".back") as HTMLElement | null)?.focus();
  }

  private closeArticle() {
    this.article = null;
    this.renderReader();
    this.textarea.focus();
  }

  private chatAboutArticle() {
    const a = this.article;
    if (a) this.context = { articleId: a.id, title: a.title };
    this.article = null;
    this.suggestions = [];
    this.renderAll();
    this.textarea.focus();
  }

  // ------------------------------------------------------------------ notifications

  private notify(m: Msg) {
    this.renderChrome();
    if (this.interacted) this.ping();
    this.startFlash(`(${this.unread}) ${m.agent?.name ?? "New message"}: ${m.text.slice(0, 40) || "sent an image"}`);
  }

  private ping() {
    try {
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return;
      const ctx = (this.audio ??= new Ctx());
      const t = ctx.currentTime;
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.type = "sine";
      o.frequency.setValueAtTime(880, t);
      o.frequency.setValueAtTime(1320, t + 0.09);
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.12, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      o.connect(g).connect(ctx.destination);
      o.start(t);
      o.stop(t + 0.4);
    } catch {
      /* no sound, no problem */
    }
  }

  private startFlash(text: string) {
    if (this.flashTimer) return;
    this.savedTitle = document.title;
    let on = false;
    this.flashTimer = window.setInterval(() => {
      on = !on;
      document.title = on ? text : this.savedTitle;
    }, 1_200);
  }

  private stopFlash() {
    if (!this.flashTimer) return;
    clearInterval(this.flashTimer);
    this.flashTimer = 0;
    document.title = this.savedTitle;
  }

  private realTitle() {
    return (this.flashTimer ? this.savedTitle : document.title).slice(0, 300);
  }

  // ------------------------------------------------------------------ page views

  private trackPages() {
    const report = () =>
      setTimeout(() => {
        const url = location.href;
        if (url === this.lastUrl || !/^https?:/.test(url)) return;
        this.lastUrl = url;
        this.views.push({ url: url.slice(0, 2000), title: this.realTitle() });
        if (this.views.length > 10) this.views.shift();
        void this.flushViews();
      }, 300);
    report();
    const push = history.pushState;
    history.pushState = function (this: History, ...args: Parameters<History["pushState"]>) {
      const r = push.apply(this, args);
      report();
      return r;
    };
    window.addEventListener("popstate", report);
  }

  private flushing = false;
  private async flushViews() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.views.length && this.conn.connected) {
        try {
          await this.conn.request("pageview", this.views[0]);
        } catch {
          return;
        }
        this.views.shift();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Removes the widget and forgets this browser's visitor (call on sign-out). */
  shutdown() {
    this.conn.socket.disconnect();
    for (const k of ["visitor", "outbox", "prechat"]) this.conn.set(k, null);
    save(`throughline:${this.config.inbox}:open`, false, true);
    this.stopFlash();
    this.host.remove();
  }
}
