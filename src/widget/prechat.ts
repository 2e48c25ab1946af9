// Who to answer: the pre-chat form (name and email before the first message,
// when the inbox asks for it) and the offline notice's t("prechat.notify") email form.
import type { Connection } from "./connection";
import type { Config, Settings } from "./types";
import { h } from "./util";
import { t } from "./i18n";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Prechat = ReturnType<typeof createPrechat>;

export function createPrechat(config: Config, settings: Settings, conn: Connection, on: { saved: () => void; started: () => void }) {
  const stored = conn.get("prechat") as { email?: string; name?: string } | null;
  let done = !!stored;
  const el = h("form", { class: "prechat", hidden: true, novalidate: true, "aria-label": t("prechat.form") });

  const send = async (input: { name?: string; email: string }): Promise<boolean> => {
    try {
      const res = await conn.request("prechat", input);
      if (!res.ok) return false;
    } catch {
      return false;
    }
    p.email = input.email;
    done = true;
    conn.set("prechat", input);
    on.saved();
    return true;
  };

  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    const nameEl = el.querySelector("#tl-name") as HTMLInputElement;
    const name = nameEl.value.trim();
    const emailEl = el.querySelector("#tl-email") as HTMLInputElement;
    const email = emailEl.value.trim();
    const err = el.querySelector(".err-inline") as HTMLElement;
    if (!name || !EMAIL.test(email)) {
      err.hidden = false;
      err.textContent = t("prechat.invalid");
      (name ? emailEl : nameEl).focus();
      return;
    }
    if (!(await send({ name, email }))) {
      err.hidden = false;
      err.textContent = conn.connected ? t("prechat.failed") : t("prechat.offline");
      return;
    }
    on.started();
  });

  const p = {
    el,
    /** Where the team can reply by email (given, answered, or from the session). */
    email: settings.email ?? stored?.email ?? null,

    /** Ask first? Only an anonymous visitor, before any message, when the inbox wants it. */
    needed(fatal: boolean, messages: number) {
      const s = settings;
      return config.preChatForm && !fatal && !s.email && !s.userId && !done && !p.email && messages === 0;
    },

    render(needed: boolean) {
      el.hidden = !needed;
      if (needed && !el.firstChild) {
        const name = h("input", { class: "field", id: "tl-name", name: "name", autocomplete: "name", required: true, maxlength: 200 });
        const email = h("input", { class: "field", id: "tl-email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: 320 });
        el.append(
          h("p", {}, t("prechat.intro")),
          h("label", { for: "tl-name" }, t("prechat.name")),
          name,
          h("label", { for: "tl-email" }, t("prechat.email")),
          email,
          h("p", { class: "err-inline", role: "alert", hidden: true }),
          h("button", { class: "btn", type: "submit" }, t("prechat.start")),
        );
      }
    },

    /** The offline notice's form: an email to reply to. */
    emailForm(): HTMLElement {
      const input = h("input", { class: "field", type: "email", placeholder: t("prechat.emailPlaceholder"), "aria-label": t("prechat.yourEmail"), autocomplete: "email", maxlength: 320 });
      const form = h("form", { class: "row" }, input, h("button", { class: "btn", type: "submit" }, t("prechat.notify")));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const email = input.value.trim();
        if (!EMAIL.test(email)) return void input.focus();
        void send({ email }).then((ok) => {
          if (!ok) input.setAttribute("aria-invalid", "true");
        });
      });
      return form;
    },
  };
  return p;
}
