"use client";
// System / Light / Dark, as a radio group of icons. Choosing one stores it in
// the tl-theme cookie (so the server renders the same data-theme next time, no
// flash) and sets <html data-theme> at once: globals.css does the rest, no reload.
import { useTranslations } from "next-intl";
import { useId, useSyncExternalStore } from "react";
import { isTheme, THEME_COOKIE, THEMES, type Theme } from "@/i18n/theme";

const ICONS: Record<Theme, string> = {
  system: "M4 5h16v11H4zM8 20h8M12 16v4",
  light: "M12 16a4 4 0 100-8 4 4 0 000 8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4",
  dark: "M20 14.5A8 8 0 019.5 4a8 8 0 1010.5 10.5z",
};
const ONE_YEAR = 60 * 60 * 24 * 365;

// <html data-theme> is the source of truth: the server stamps it from the cookie.
function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}
const current = (): Theme => {
  const theme = document.documentElement.dataset.theme;
  return isTheme(theme) ? theme : "system";
};

export function applyTheme(theme: Theme) {
  document.cookie = `${THEME_COOKIE}=${theme}; path=/; max-age=${ONE_YEAR}; SameSite=Lax`;
  document.documentElement.dataset.theme = theme;
}

/** `layout="rail"` stacks the options on the narrow console rail and lays them out in a row from xl up. */
export function ThemeSwitch({ layout = "row" }: { layout?: "row" | "rail" }) {
  const t = useTranslations("common");
  const name = useId();
  // The server does not know the cookie here; hydrate as "system", then read <html>.
  const theme = useSyncExternalStore(subscribe, current, () => "system" as Theme);
  return (
    <fieldset data-testid="theme-switch">
      <legend className="sr-only">{t("theme.label")}</legend>
      <div className={`flex gap-0.5 rounded-lg border border-slate-200 p-0.5 ${layout === "rail" ? "flex-col xl:flex-row" : ""}`}>
        {THEMES.map((option) => (
          <label
            key={option}
            title={t(`theme.${option}`)}
            className="flex flex-1 cursor-pointer items-center justify-center rounded-md p-1.5 text-slate-600 hover:text-slate-900 has-checked:bg-slate-100 has-checked:text-slate-900 has-focus-visible:ring-2 has-focus-visible:ring-brand-600"
          >
            <input type="radio" name={name} value={option} checked={theme === option} onChange={() => applyTheme(option)} className="sr-only" />
            <svg viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
              <path d={ICONS[option]} />
            </svg>
            <span className="sr-only">{t(`theme.${option}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
