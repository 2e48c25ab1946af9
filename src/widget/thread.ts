// The conversation as shown: the greeting, day separators, message bubbles
// with their images and delivery status, t("thread.older"), and the
// agent's typing indicator; it keeps the visitor at the newest message.
import type { Connection } from "./connection";
import type { Msg } from "./messages";
import type { Config } from "./types";
import { dayOf, h, linkify, timeOf } from "./util";
import { t } from "./i18n";

type Node_ = { sig: string; el: HTMLElement; meta: HTMLElement };

export type Thread = ReturnType<typeof createThread>;

type Bubble = {
  from: "visitor" | "agent";
  text: string;
  cont: boolean;
  name?: string | null;
  greet?: boolean;
  attachments?: Msg["attachments"];
  context?: Msg["context"];
};

export function createThread(config: Config, conn: Connection, loadOlder: () => void) {
  const older = h("button", { class: "older", type: "button", hidden: true, onclick: loadOlder }, t("thread.older"));
  // The live region wraps the list: role="log" on the <ol> itself would hide its items' list semantics.
  const log = h("ol", { class: "log" });
  const region = h("div", { role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": t("thread.conversation") }, log);
  const typingEl = h("div", { class: "typing", hidden: true, "aria-live": "polite" });
  const el = h("div", { class: "scroll" }, older, region, typingEl);
  const nodes = new Map<string, Node_>();
  /** The visitor is at the newest message (keep them there as content arrives). */
  let stick = true;
  let typingTimer = 0;
  el.addEventListener("scroll", () => {
    const sc = el;
    if (sc.clientHeight > 0) stick = sc.scrollHeight - sc.scrollTop - sc.clientHeight < 80;
  });

  /** Content grew (an image loaded): stay at the newest message if the visitor was there. */
  const keepBottom = () => {
    if (stick) el.scrollTop = el.scrollHeight;
  };

  const node = (key: string, sig: string, make: () => { el: HTMLElement; meta: HTMLElement }): Node_ => {
    const cur = nodes.get(key);
    if (cur && cur.sig === sig) return cur;
    const made = make();
    const n = { sig, el: made.el, meta: made.meta };
    if (cur) cur.el.replaceWith(n.el);
    nodes.set(key, n);
    return n;
  };

  const bubbleNode = (m: Bubble): { el: HTMLElement; meta: HTMLElement } => {
    const me = m.from === "visitor";
    const meta = h("div", { class: "meta" });
    const li = h("li", { class: `m ${me ? "me" : "them"}${m.cont ? " cont" : ""}${m.greet ? " greet" : ""}` });
    if (!me && !m.cont) li.append(h("div", { class: "name" }, m.name ?? t("thread.support")));
    if (m.context) li.append(h("div", { class: "ctx" }, t("thread.about", { title: m.context.title })));
    if (m.text) li.append(h("div", { class: "bubble" }, h("span", { class: "sr" }, me ? t("thread.you") : `${m.name ?? t("thread.support")}: `), h("span", { dir: "auto" }, ...linkify(m.text))));
    const imgs = (m.attachments ?? []).filter((a) => a.url || a.local);
    if (imgs.length) {
      li.append(
        h(
          "div",
          { class: "imgs" },
          ...imgs.map((a) => h("a", { href: a.url ?? a.local!, target: "_blank", rel: "noopener noreferrer" }, h("img", { src: a.url ?? a.local!, alt: a.filename, onload: keepBottom }))),
        ),
      );
    }
    const pendingFiles = (m.attachments ?? []).filter((a) => !a.url && !a.local);
    if (pendingFiles.length) li.append(h("div", { class: "bubble" }, pendingFiles.map((a) => `📎 ${a.filename}`).join("\n")));
    if (!m.greet) li.append(meta);
    return { el: li, meta };
  };

  const statusText = (m: Msg): string => {
    switch (m.status) {
      case "pending":
        return conn.connected ? t("thread.sending") : t("thread.waitingForNetwork");
      case "failed":
        return t("thread.notSent", { error: m.error ?? t("thread.tryAgain") });
      case "read":
        return t("thread.read");
      default:
        return t("thread.delivered");
    }
  };

  const thread = {
    el,
    agentTyping: null as { name: string } | null,

    /** An agent is (no longer) typing; the indicator goes by itself after 6 s. */
    typing(p: { typing: boolean; agent?: { name: string } }) {
      clearTimeout(typingTimer);
      thread.agentTyping = p.typing ? (p.agent ?? { name: t("thread.support") }) : null;
      if (p.typing) typingTimer = window.setTimeout(() => ((thread.agentTyping = null), thread.renderTyping()), 6_000);
      thread.renderTyping();
    },

    renderTyping() {
      const a = thread.agentTyping;
      typingEl.hidden = !a;
      if (a) {
        typingEl.replaceChildren(h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), t("thread.typing", { name: a.name }));
        keepBottom();
      }
    },

    /** The conversation; message nodes are reused so the live region announces only new ones. */
    render(messages: Msg[], hasOlder: boolean, forceBottom = false) {
      const sc = el;
      const nearBottom = stick;
      const want: HTMLElement[] = [];
      want.push(node("greeting", "g", () => bubbleNode({ from: "agent", text: config.greeting, cont: false, name: config.name, greet: true })).el);
      let prev: Msg | undefined;
      let day = "";
      const lastVisitor = [...messages].reverse().find((m) => m.from === "visitor");
      for (const m of messages) {
        const d = dayOf(m.createdAt);
        if (d !== day) {
          day = d;
          want.push(node(`day:${d}`, d, () => ({ el: h("li", { class: "day" }, d), meta: h("span") })).el);
        }
        const cont = !!prev && prev.from === m.from && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < 5 * 60_000;
        const attachments = m.attachments.map((a) => a.url ?? a.local ?? a.filename).join(",");
        const n = node(m.key, [m.text, cont, attachments, m.agent?.name, m.context?.title].join("|"), () =>
          bubbleNode({ from: m.from, text: m.text, cont, name: m.agent?.name, attachments: m.attachments, context: m.context }),
        );
        const showStatus = m.from === "visitor" && (m === lastVisitor || m.status === "pending" || m.status === "failed");
        n.meta.className = `meta${m.status === "failed" ? " err" : ""}`;
        n.meta.replaceChildren(h("time", { datetime: m.createdAt }, timeOf(m.createdAt)), showStatus ? ` · ${statusText(m)}` : "");
        want.push(n.el);
        prev = m;
      }
      want.forEach((el, i) => {
        if (log.children[i] !== el) log.insertBefore(el, log.children[i] ?? null);
      });
      while (log.children.length > want.length) log.lastElementChild!.remove();
      older.hidden = !hasOlder;
      if (forceBottom || nearBottom) sc.scrollTop = sc.scrollHeight;
    },

    /** Runs `change` (older messages added above) without moving what the visitor is reading. */
    keepPosition(change: () => void) {
      const fromBottom = el.scrollHeight - el.scrollTop;
      change();
      el.scrollTop = el.scrollHeight - fromBottom;
    },
  };
  return thread;
}
