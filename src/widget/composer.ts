// The composer: the message box, the images and the article a message will
// carry (as removable chips), the inline error, and the visitor's typing signal.
import type { Connection } from "./connection";
import type { Msg } from "./messages";
import { ICONS } from "./styles";
import { IMAGE_TYPES, refusal } from "./uploads";
import { h, icon, sizeLabel } from "./util";
import { t } from "./i18n";

type Picked = { file: File; url: string };
export type Draft = { text: string; files: Picked[]; context: Msg["context"] };
export type Composer = ReturnType<typeof createComposer>;

export function createComposer(conn: Connection, on: { submit: () => void; text: (text: string) => void; change: () => void }) {
  let files: Picked[] = [];
  let error: string | null = null;
  let lastTypingSent = 0;
  let typingStop = 0;

  const stopTyping = () => {
    if (!lastTypingSent) return;
    lastTypingSent = 0;
    conn.volatile("typing", { typing: false });
  };

  const textarea = h("textarea", { rows: 1, placeholder: t("composer.placeholder"), "aria-label": t("composer.message"), maxlength: 10000 });
  textarea.addEventListener("input", () => {
    const ta = textarea;
    ta.style.height = "auto";
    ta.style.height = `${Math.min(ta.scrollHeight, 120)}px`;
    sendBtn.disabled = !ta.value.trim() && files.length === 0;
    const text = ta.value.trim();
    const now = Date.now();
    clearTimeout(typingStop);
    if (text) {
      if (now - lastTypingSent > 2_500) {
        conn.volatile("typing", { typing: true });
        lastTypingSent = now;
      }
      typingStop = window.setTimeout(stopTyping, 4_000);
    } else stopTyping();
    on.text(text);
  });
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      on.submit();
    }
  });
  const fileInput = h("input", { type: "file", accept: IMAGE_TYPES.join(","), multiple: true, hidden: true, tabindex: -1, "aria-hidden": "true" });
  fileInput.addEventListener("change", () => {
    error = null;
    for (const file of Array.from(fileInput.files ?? [])) {
      const refused = refusal(file, files.length);
      if (refused) error = refused;
      else files.push({ file, url: URL.createObjectURL(file) });
    }
    fileInput.value = "";
    on.change();
    textarea.focus();
  });
  const attach = h("button", { class: "tool", type: "button", "aria-label": t("composer.attach"), title: t("composer.attachHint"), onclick: () => fileInput.click() }, icon(ICONS.clip));
  const sendBtn = h("button", { class: "tool send", type: "submit", "aria-label": t("composer.send") }, icon(ICONS.send));
  const chips = h("div", { class: "chips", hidden: true });
  const inlineErr = h("p", { class: "err-inline", role: "alert", hidden: true });
  const el = h(
    "form",
    { class: "compose", "aria-label": t("composer.form") },
    inlineErr,
    chips,
    h("div", { class: "bar" }, attach, fileInput, textarea, sendBtn),
    h("p", { class: "hint" }, t("composer.hint")),
  );
  el.addEventListener("submit", (e) => {
    e.preventDefault();
    on.submit();
  });

  const removeFile = (i: number) => {
    files.splice(i, 1);
    on.change();
    textarea.focus();
  };

  const c = {
    el,
    textarea,
    /** The article the next message is about ("Chat with us" from the reader). */
    context: null as Msg["context"],

    render() {
      sendBtn.disabled = !textarea.value.trim() && files.length === 0;
      inlineErr.hidden = !error;
      inlineErr.textContent = error ?? "";
      const items: HTMLElement[] = [];
      if (c.context) {
        items.push(
          h(
            "span",
            { class: "chip" },
            icon(ICONS.doc),
            h("span", {}, t("composer.about", { title: c.context.title })),
            h("button", { type: "button", "aria-label": t("composer.removeArticle"), onclick: () => ((c.context = null), on.change()) }, icon(ICONS.x)),
          ),
        );
      }
      files.forEach((f, i) =>
        items.push(
          h(
            "span",
            { class: "chip" },
            h("img", { src: f.url, alt: "" }),
            h("span", {}, `${f.file.name} · ${sizeLabel(f.file.size)}`),
            h("button", { type: "button", "aria-label": t("composer.removeFile", { name: f.file.name }), onclick: () => removeFile(i) }, icon(ICONS.x)),
          ),
        ),
      );
      chips.replaceChildren(...items);
      chips.hidden = items.length === 0;
    },

    /** The message written so far, or null when there is none; empties the composer. */
    take(): Draft | null {
      const text = textarea.value.trim();
      const picked = files;
      if (!text && !picked.length) return null;
      textarea.value = "";
      textarea.style.height = "auto";
      files = [];
      error = null;
      // The message itself tells the agents the visitor stopped typing.
      clearTimeout(typingStop);
      lastTypingSent = 0;
      const context = c.context;
      c.context = null;
      return { text, files: picked, context };
    },
  };
  return c;
}
