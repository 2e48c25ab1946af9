// Page-view tracking (when the inbox enables it): each URL the visitor opens,
// single-page navigation included, sent as "pageview"; the last few are kept
// while offline and sent after the next connect.
import type { Connection } from "./connection";

export type PageViews = ReturnType<typeof createPageViews>;

export function createPageViews(conn: Connection, title: () => string) {
  const views: { url: string; title: string }[] = [];
  let lastUrl = "";
  let flushing = false;

  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      while (views.length && conn.connected) {
        try {
          await conn.request("pageview", views[0]!);
        } catch {
          return;
        }
        views.shift();
      }
    } finally {
      flushing = false;
    }
  };

  return {
    flush,
    track() {
      const report = () =>
        setTimeout(() => {
          const url = location.href;
          if (url === lastUrl || !/^https?:/.test(url)) return;
          lastUrl = url;
          views.push({ url: url.slice(0, 2000), title: title() });
          if (views.length > 10) views.shift();
          void flush();
        }, 300);
      report();
      const push = history.pushState;
      history.pushState = function (this: History, ...args: Parameters<History["pushState"]>) {
        const r = push.apply(this, args);
        report();
        return r;
      };
      window.addEventListener("popstate", report);
    },
  };
}
