// Message files: src/i18n/messages/<locale>/<namespace>.json. Each namespace
// belongs to one part of the product; every shipped locale has every key of
// English (tests/unit/i18n/messages-complete.test.ts), except that "ar" may
// fall back to English key by key while its translation grows (RTL layout is
// complete; see PARTIAL_LOCALES).
export const NAMESPACES = [
  "common", // root layout, theme and language switches, shared words
  "nav", // console navigation and shell (console-nav, console layout, offline page)
  "inbox", // the queue and the conversation page
  "pages", // customers, supervisor, login, setup, not-found
  "help", // the public help center
  "survey", // the public survey pages
  "components", // shared console components (timeline, composer, sidebar, ...)
  "settings", // Settings screens
  "preferences", // an agent's own preferences: notifications, language, theme
  "fields", // custom conversation fields (settings and conversation)
  "macros", // macros management
  "email", // notification emails (digest)
  "widget", // the embeddable chat widget
] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** Locales allowed to miss keys (English fills in); all others must be complete. */
export const PARTIAL_LOCALES = new Set(["ar"]);
