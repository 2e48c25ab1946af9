// The widget UI: a launcher and a chat panel in a shadow root, driven by the
// "/widget" socket. Plain DOM, no framework: every byte ships to every visitor
// of every page that embeds us. This is the composition: the conversation's
// state and the socket events; each part of the UI is its own module.
// The connection (and with it socket.io-client) first: the bundle gzips smaller with our code after it.
import { Connection, type Fatal } from "./connection";
import { createArticles, type Articles } from "./articles";
import { createComposer, type Composer } from "./composer";
import { createLauncher, type Launcher } from "./launcher";
import { sortMessages, toMsg, unsent, type Msg } from "./messages";
import { createNotifier } from "./notify";
import { createOutbox, fromOutbox, type Outbox } from "./outbox";
import { createPageViews, type PageViews } from "./pageviews";
import { createPanel, type Panel } from "./panel";
import { createPrechat, type Prechat } from "./prechat";
import { CSS } from "./styles";
import { createThread, type Thread } from "./thread";
import type { Config, ServerEvents, ServerMessage, Settings } from "./types";
import { upload } from "./uploads";
import { contrastOn, h, load, save, uuid } from "./util";
import { chooseLocale, chooseTheme, dir, locale, setLocale, t } from "./i18n";

export class Widget {
  readonly host: HTMLElement;
  private root: HTMLElement;
  private conn: Connection;
  private outbox: Outbox;
  private launcher: Launcher;
  private panel: Panel;
  private thread: Thread;
  private articles: Articles;
  private prechat: Prechat;
  private composer: Composer;
  private notifier = createNotifier();
  private pageViews: PageViews;

  private messages: Msg[] = [];
  private isOpen = false;
  private online: boolean;
  private fatal: Fatal | null = null;
  private unread = 0;
  private cursor: string | null = null;
  private readPending = false;

  constructor(
    private origin: string,
    private config: Config,
    settings: Settings,
  ) {
    this.online = config.online;
    // Before any UI is built: every module reads its words through t().
    // `locale` and `theme` are optional inbox settings (absent: follow the visitor's browser and page).
    const prefs = config as Config & { locale?: unknown; theme?: unknown };
    setLocale(chooseLocale(prefs.locale, navigator.languages?.length ? navigator.languages : [navigator.language]));
    this.host = h("div", { id: "throughline-widget", "data-throughline": "" });
    this.host.setAttribute(
      "style",
      "all:initial!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;z-index:2147483000!important;display:block!important",
    );
    const shadow = this.host.attachShadow({ mode: "open" });
    this.root = h("div", { class: "root", lang: locale(), dir: dir() });
    this.root.style.setProperty("--c", config.color);
    this.root.style.setProperty("--on", contrastOn(config.color));
    shadow.append(h("style", {}, CSS), this.root);
    this.followColorScheme(prefs.theme);

    const conn = (this.conn = new Connection(origin, config.inbox, settings, {
      connect: () => this.onConnect(),
      disconnect: () => this.renderChrome(),
      fatal: (f) => {
        this.fatal = f;
        this.renderAll();
      },
      event: (name, payload) => this.onEvent(name, payload),
    }));
    this.outbox = createOutbox(conn);
    const focusComposer = () => this.composer.textarea.focus();
    this.prechat = createPrechat(config, settings, conn, { saved: () => this.renderChrome(), started: focusComposer });
    this.articles = createArticles(origin, config.inbox, settings, conn, {
      canSuggest: () => !this.fatal && this.messages.length === 0,
      closed: focusComposer,
      chat: (context) => {
        if (context) this.composer.context = context;
        this.renderAll();
        focusComposer();
      },
    });
    this.composer = createComposer(conn, {
      submit: () => void this.submit(),
      text: (text) => {
        if (this.messages.length === 0 && !this.composer.context) this.articles.search(text);
      },
      change: () => this.renderChrome(),
    });
    this.thread = createThread(config, conn, () => void this.loadOlder());
    this.launcher = createLauncher(() => this.setOpen(!this.isOpen));
    this.panel = createPanel(origin, config, shadow, {
      close: () => this.setOpen(false),
      escape: () => (this.articles.article ? this.articles.close() : this.setOpen(false)),
    });
    this.panel.fill(h("div", { class: "main" }, this.thread.el, this.articles.reader), this.articles.suggest, this.prechat.el, this.composer.el);
    this.root.append(this.panel.el, this.launcher.el);
    this.pageViews = createPageViews(conn, () => this.notifier.realTitle());

    // What is waiting in the outbox (from before a reload) shows as sending.
    for (const e of this.outbox.entries) this.messages.push(fromOutbox(e));

    this.renderAll();
    if (load<boolean>(`throughline:${config.inbox}:open`, false, true)) this.setOpen(true, false);

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.isOpen) this.markRead();
    });
    if (config.trackPageViews) this.pageViews.track();
  }

  /** Dark when the inbox pins it, or (unpinned) while the host page prefers dark; switches live. */
  private followColorScheme(pinned: unknown) {
    const query = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    const apply = () => this.root.classList.toggle("dark", chooseTheme(pinned, !!query?.matches) === "dark");
    apply();
    if (query && pinned !== "light" && pinned !== "dark") query.addEventListener?.("change", apply);
  }

  // ------------------------------------------------------------------ rendering

  private renderAll() {
    this.renderChrome();
    this.renderLog();
    this.articles.renderReader();
  }

  /** Header, launcher, notices, pre-chat form and composer state. */
  private renderChrome() {
    const agent = [...this.messages].reverse().find((m) => m.from === "agent" && m.agent)?.agent ?? null;
    this.panel.renderHead(agent, this.online, !!this.fatal);
    this.launcher.render(this.isOpen, this.unread);
    this.root.classList.toggle("open", this.isOpen);
    const pre = this.prechat.needed(!!this.fatal, this.messages.length);
    const conn = this.conn;
    this.panel.renderNotice({
      fatal: this.fatal,
      reconnecting: conn.ever && !conn.connected,
      away: !this.online && conn.ever ? { email: this.prechat.email, form: pre ? null : () => this.prechat.emailForm() } : null,
    });
    this.prechat.render(pre);
    this.composer.el.hidden = pre || !!this.fatal;
    this.composer.render();
    this.thread.renderTyping();
  }

  private renderLog(forceBottom = false) {
    this.thread.render(this.messages, !!this.cursor, forceBottom);
  }

  // ------------------------------------------------------------------ open / close

  setOpen(open: boolean, focus = true) {
    this.isOpen = open;
    this.panel.el.hidden = !open;
    save(`throughline:${this.config.inbox}:open`, open, true);
    this.renderChrome();
    if (open) {
      this.notifier.stopFlash();
      this.markRead();
      this.renderLog(true);
      const pre = this.prechat.el;
      if (focus) (pre.hidden ? this.composer.textarea : (pre.querySelector("input") as HTMLElement | null) ?? this.composer.textarea).focus();
    } else if (focus) this.launcher.el.focus();
  }

  // ------------------------------------------------------------------ connection

  private onConnect() {
    this.renderChrome();
    void this.loadHistory().then(() => this.flush());
    void this.pageViews.flush();
  }

  private onEvent(name: string, payload: unknown) {
    switch (name) {
      case "session": {
        const s = payload as ServerEvents["session"];
        if (s.email) this.prechat.email = s.email;
        this.online = s.config.online;
        this.renderChrome();
        break;
      }
      case "message":
        this.upsert(payload as ServerEvents["message"], true);
        break;
      case "message:status": {
        const p = payload as ServerEvents["message:status"];
        const m = this.messages.find((x) => x.id === p.id);
        if (m && m.status !== "read") {
          m.status = "read";
          if (m.from === "agent" && this.unread > 0) this.unread--;
          this.renderAll();
        }
        break;
      }
      case "typing":
        this.thread.typing(payload as ServerEvents["typing"]);
        break;
      case "presence":
        this.online = !!(payload as ServerEvents["presence"]).online;
        this.renderChrome();
        break;
    }
  }

  private upsert(s: ServerMessage, live: boolean) {
    const i = this.messages.findIndex((m) => m.id === s.id || (!!s.clientId && m.clientId === s.clientId));
    const msg = toMsg(this.origin, s);
    if (i >= 0) {
      const old = this.messages[i]!;
      msg.key = old.key;
      if (old.status === "read") msg.status = "read";
      this.messages[i] = msg;
    } else {
      this.messages.push(msg);
      if (live && msg.from === "agent") {
        this.thread.agentTyping = null;
        if (this.visible()) this.markRead(true);
        else {
          this.unread++;
          this.renderChrome();
          this.notifier.notify(t("notify.title", { count: this.unread, name: msg.agent?.name ?? t("notify.newMessage"), text: msg.text.slice(0, 40) || t("notify.sentImage") }));
        }
      }
    }
    sortMessages(this.messages);
    this.renderAll();
  }

  private async loadHistory() {
    let res;
    try {
      res = await this.conn.request("history", {});
    } catch {
      return;
    }
    if (!res.ok) return;
    const list = res.messages;
    for (const s of list) if (s.clientId) this.outbox.drop(s.clientId);
    const kept = this.messages.filter((m) => unsent(m) && !list.some((s) => s.clientId && s.clientId === m.clientId));
    const olderKept = this.messages.filter((m) => m.id && list.length && Date.parse(m.createdAt) < Date.parse(list[0]!.createdAt));
    this.messages = [...olderKept, ...list.map((s) => toMsg(this.origin, s)), ...kept];
    if (!olderKept.length) this.cursor = res.nextCursor ?? null;
    this.unread = Number(res.unread) || 0;
    sortMessages(this.messages);
    this.renderAll();
    this.renderLog(true);
    if (this.visible()) this.markRead();
  }

  private async loadOlder() {
    if (!this.cursor) return;
    let res;
    try {
      res = await this.conn.request("history", { before: this.cursor });
    } catch {
      return;
    }
    if (!res.ok) return;
    const page = res;
    this.thread.keepPosition(() => {
      for (const s of page.messages) if (!this.messages.some((m) => m.id === s.id)) this.messages.push(toMsg(this.origin, s));
      this.cursor = page.nextCursor ?? null;
      sortMessages(this.messages);
      this.renderLog();
    });
  }

  private flush() {
    void this.outbox.flush(
      (e, ack) => {
        const m = this.messages.find((x) => x.clientId === e.clientId);
        if (m) {
          m.id = String(ack.id);
          m.createdAt = String(ack.createdAt);
          if (m.status !== "read") m.status = "delivered";
        }
        sortMessages(this.messages);
        this.renderAll();
      },
      (e, ack) => {
        const m = this.messages.find((x) => x.clientId === e.clientId);
        if (m) {
          m.status = "failed";
          m.error = ack.message ?? t("notify.refused");
        }
        this.renderAll();
      },
    );
  }

  private visible() {
    return this.isOpen && document.visibilityState === "visible";
  }

  private markRead(force = false) {
    this.notifier.stopFlash();
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

  // ------------------------------------------------------------------ sending

  private async submit() {
    if (this.fatal) return;
    const draft = this.composer.take();
    if (!draft) return;
    const { text, files, context } = draft;
    this.articles.suggestions = [];
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
      for (const f of files) ids.push(await upload(this.conn, f.file));
    } catch (error) {
      msg.status = "failed";
      msg.error = (error as Error).message || t("uploads.notUploaded");
      this.renderAll();
      return;
    }
    this.outbox.enqueue({
      clientId,
      text,
      createdAt: msg.createdAt,
      attachments: ids.length ? ids : undefined,
      files: files.map((f) => ({ filename: f.file.name, contentType: f.file.type, size: f.file.size })),
      context,
      page: { url: location.href, title: this.notifier.realTitle() },
    });
    this.flush();
  }

  /** Removes the widget and forgets this browser's visitor (call on sign-out). */
  shutdown() {
    this.conn.socket.disconnect();
    for (const k of ["visitor", "outbox", "prechat"]) this.conn.set(k, null);
    save(`throughline:${this.config.inbox}:open`, false, true);
    this.notifier.stopFlash();
    this.host.remove();
  }
}
