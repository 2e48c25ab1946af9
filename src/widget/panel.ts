// The chat panel (a modal dialog): its header (who answers, online or away),
// the notice line (refused, reconnecting, offline), and keeping keyboard
// focus inside while it is open.
import { ICONS } from "./styles";
import type { Config, ServerMessage } from "./types";
import { h, icon } from "./util";
import { t } from "./i18n";

export type NoticeState = {
  fatal: { message: string } | null;
  reconnecting: boolean;
  /** Offline notice (agents away, after the first connect): where we will reply, or a form to say so. */
  away: { email: string | null; form: (() => HTMLElement) | null } | null;
};

export type Panel = ReturnType<typeof createPanel>;

export function createPanel(origin: string, config: Config, shadow: ShadowRoot, on: { close: () => void; escape: () => void }) {
  const avatar = h("span", { class: "avatar", "aria-hidden": "true" });
  const title = h("h2", { id: "tl-title" });
  const subtitle = h("p");
  const close = h("button", { class: "close", type: "button", "aria-label": t("panel.close"), onclick: on.close }, icon(ICONS.x));
  const head = h("div", { class: "head" }, avatar, h("div", { class: "who" }, title, subtitle), close);
  const notice = h("div", { class: "notice", hidden: true });
  const el = h("div", { class: "panel", id: "tl-panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "tl-title", hidden: true });
  el.append(head);
  el.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      on.escape();
      return;
    }
    if (e.key !== "Tab") return;
    const items = Array.from(el.querySelectorAll<HTMLElement>("button, a[href], input, textarea, [tabindex]:not([tabindex='-1'])")).filter(
      (el) => !(el as HTMLButtonElement).disabled && el.getAttribute("tabindex") !== "-1" && el.getClientRects().length > 0,
    );
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = shadow.activeElement;
    if (e.shiftKey && (active === first || !el.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !el.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  });

  return {
    el,
    /** The panel's parts below the header, in order; the notice goes after the first (the conversation). */
    fill(main: HTMLElement, ...rest: HTMLElement[]) {
      el.append(main, notice, ...rest);
    },

    renderHead(agent: ServerMessage["agent"], online: boolean, fatal: boolean) {
      title.textContent = agent ? agent.name : config.name;
      const status = fatal ? t("panel.unavailable") : online ? t("panel.onlineStatus") : t("panel.awayStatus");
      subtitle.replaceChildren(h("span", { class: `dot${online && !fatal ? "" : " off"}`, "aria-hidden": "true" }), agent ? `${config.name} · ${online ? t("panel.online") : t("panel.away")}` : status);
      const avatarUrl = agent?.avatarUrl && /^(https:\/\/|\/)/.test(agent.avatarUrl) ? (agent.avatarUrl.startsWith("/") ? origin + agent.avatarUrl : agent.avatarUrl) : null;
      avatar.replaceChildren(avatarUrl ? h("img", { src: avatarUrl, alt: "" }) : (agent?.name ?? config.name).trim().charAt(0).toUpperCase() || "?");
    },

    /** Notice: a refusal beats being offline beats reconnecting. */
    renderNotice(s: NoticeState) {
      const n = notice;
      n.replaceChildren();
      n.removeAttribute("role");
      if (s.fatal) {
        n.className = "notice error";
        n.setAttribute("role", "alert");
        n.append(s.fatal.message);
      } else if (s.reconnecting) {
        n.className = "notice info";
        n.setAttribute("role", "status");
        n.append(t("panel.reconnecting"));
      } else if (s.away) {
        n.className = "notice warn";
        n.setAttribute("role", "status");
        n.append(h("span", { dir: "auto" }, config.offlineMessage));
        if (s.away.email) n.append(h("br"), t("panel.replyTo", { email: s.away.email }));
        else if (s.away.form) n.append(s.away.form());
      } else n.className = "notice";
      n.hidden = !n.firstChild;
    },
  };
}
