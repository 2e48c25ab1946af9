// Business-time arithmetic for SLA targets. A calendar is a team's opening
// hours in its own time zone ({ timezone, days: { mon: [["09:00","17:00"]] } })
// plus holidays (local dates). Time zones come from Intl, so daylight-saving
// changes are handled without a dependency. A null calendar means 24/7.
export type Weekday = "sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat";
export const WEEKDAYS: Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export type BusinessCalendar = {
  timezone: string;
  days: Partial<Record<Weekday, [string, string][]>>;
  /** Local dates ("2026-12-25") on which nothing counts. */
  holidays?: string[];
};

const MIN = 60_000;
/** How far ahead we look for opening hours before giving up (a calendar with none). */
const MAX_DAYS = 3 * 366;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

type Parts = { y: number; m: number; d: number; h: number; mi: number; s: number };

function partsAt(instant: number, tz: string): Parts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return { y: out.year!, m: out.month!, d: out.day!, h: out.hour! % 24, mi: out.minute!, s: out.second! };
}

/** Local time minus UTC at this instant, in ms. */
function offsetAt(instant: number, tz: string): number {
  const p = partsAt(instant, tz);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant when the wall clock in `tz` shows this local date and time. */
export function zonedTimeToUtc(y: number, m: number, d: number, hh: number, mm: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  // In a spring-forward gap the local time does not exist: take the later reading.
  return Math.max(first, second);
}

type LocalDay = { y: number; m: number; d: number };

function localDay(instant: number, tz: string): LocalDay {
  const p = partsAt(instant, tz);
  return { y: p.y, m: p.m, d: p.d };
}

function nextDay(day: LocalDay, by = 1): LocalDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + by));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function isoDate(day: LocalDay): string {
  return `${day.y}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;
}

function parseHm(s: string): [number, number] | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 24 || mi > 59 || (h === 24 && mi > 0)) return null;
  return [h, mi];
}

/** The opening intervals of one local day as UTC instants, sorted. */
function intervalsOf(day: LocalDay, cal: BusinessCalendar, holidays: Set<string>): [number, number][] {
  if (holidays.has(isoDate(day))) return [];
  const weekday = WEEKDAYS[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()]!;
  const out: [number, number][] = [];
  for (const range of cal.days[weekday] ?? []) {
    const a = parseHm(range[0] ?? "");
    const b = parseHm(range[1] ?? "");
    if (!a || !b) continue;
    const start = zonedTimeToUtc(day.y, day.m, day.d, a[0], a[1], cal.timezone);
    const end = zonedTimeToUtc(day.y, day.m, day.d, b[0], b[1], cal.timezone);
    if (end > start) out.push([start, end]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

function hasAnyHours(cal: BusinessCalendar): boolean {
  return Object.values(cal.days).some((ranges) => (ranges ?? []).some((r) => parseHm(r[0]) && parseHm(r[1])));
}

/**
 * `start` plus `minutes` of business time. Outside opening hours the clock
 * waits for the next opening; 0 minutes gives the next business moment.
 * A null calendar (or one without any opening hours) counts every minute.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar | null | undefined): Date {
  return addBusinessMs(start, Math.round(minutes * MIN), calendar);
}

/** The same in whole milliseconds (SLA pauses are stored in ms, so due times stay exact). */
export function addBusinessMs(start: Date, ms: number, calendar: BusinessCalendar | null | undefined): Date {
  if (!calendar || !hasAnyHours(calendar)) return new Date(start.getTime() + ms);
  let remaining = Math.max(0, ms);
  const holidays = new Set(calendar.holidays ?? []);
  const t0 = start.getTime();
  // Start one local day early: an interval that began yesterday may still be open.
  let day = nextDay(localDay(t0, calendar.timezone), -1);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    for (const [a, b] of intervalsOf(day, calendar, holidays)) {
      const from = Math.max(a, t0);
      if (from >= b) continue;
      const available = b - from;
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
  }
  return new Date(t0 + ms);
}

/** Business minutes between two instants (0 when `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, calendar: BusinessCalendar | null | undefined): number {
  return businessMsBetween(from, to, calendar) / MIN;
}

/** Business milliseconds between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(from: Date, to: Date, calendar: BusinessCalendar | null | undefined): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (!calendar || !hasAnyHours(calendar)) return b - a;
  const holidays = new Set(calendar.holidays ?? []);
  let total = 0;
  let day = nextDay(localDay(a, calendar.timezone), -1);
  const last = localDay(b, calendar.timezone);
  const lastKey = isoDate(nextDay(last));
  for (let i = 0; i < MAX_DAYS * 3; i++, day = nextDay(day)) {
    for (const [s, e] of intervalsOf(day, calendar, holidays)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
    if (isoDate(day) === lastKey) break;
  }
  return total;
}

/** Whether `at` falls inside opening hours. */
export function isBusinessTime(at: Date, calendar: BusinessCalendar | null | undefined): boolean {
  if (!calendar || !hasAnyHours(calendar)) return true;
  return addBusinessMinutes(at, 0, calendar).getTime() === at.getTime();
}

/** A team's stored JSON as a calendar, or null when it has no usable hours. */
export function calendarFromTeam(team: { businessHours: unknown; holidays: unknown } | null | undefined): BusinessCalendar | null {
  if (!team || !team.businessHours || typeof team.businessHours !== "object") return null;
  const bh = team.businessHours as { timezone?: unknown; days?: unknown };
  const timezone = typeof bh.timezone === "string" && isValidTimeZone(bh.timezone) ? bh.timezone : "UTC";
  if (!bh.days || typeof bh.days !== "object") return null;
  const days: BusinessCalendar["days"] = {};
  for (const wd of WEEKDAYS) {
    const ranges = (bh.days as Record<string, unknown>)[wd];
    if (!Array.isArray(ranges)) continue;
    days[wd] = ranges.filter((r): r is [string, string] => Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "string");
  }
  const holidays = Array.isArray(team.holidays) ? team.holidays.filter((h): h is string => typeof h === "string" && /^\d{4}-\d{2}-\d{2}$/.test(h)) : [];
  const cal = { timezone, days, holidays };
  return hasAnyHours(cal) ? cal : null;
}
