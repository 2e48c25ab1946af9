// The launcher: the round button that opens and closes the chat, with the
// unread badge.
import { ICONS } from "./styles";
import { h, icon } from "./util";
import { t } from "./i18n";

export type Launcher = ReturnType<typeof createLauncher>;

export function createLauncher(toggle: () => void) {
  const badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
  const el = h("button", { class: "launcher", type: "button", "aria-controls": "tl-panel", "aria-expanded": "false", onclick: toggle });
  el.append(icon(ICONS.chat), badge);
  return {
    el,
    render(open: boolean, unread: number) {
      badge.hidden = unread === 0;
      badge.textContent = unread > 9 ? "9+" : String(unread);
      el.replaceChildren(icon(open ? ICONS.down : ICONS.chat), badge);
      el.setAttribute("aria-expanded", String(open));
      el.setAttribute("aria-label", open ? t("launcher.close") : unread ? t("launcher.openUnread", { count: unread }) : t("launcher.open"));
    },
  };
}
