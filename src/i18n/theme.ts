// The console's colour scheme: "system" follows prefers-color-scheme; "light"
// and "dark" pin it. Kept in a cookie so the server renders the right
// data-theme on <html> and the page never flashes the other scheme.
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = "tl-theme";

export function isTheme(value: unknown): value is Theme {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value);
}
