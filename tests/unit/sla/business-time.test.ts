import { describe, expect, it } from "vitest";
import { addBusinessMinutes, businessMinutesBetween, calendarFromTeam, isBusinessTime, type BusinessCalendar } from "@/server/sla/business-time";

const day: [string, string][] = [["09:00", "17:00"]];
const berlin: BusinessCalendar = { timezone: "Europe/Berlin", days: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] };
const utc = (s: string) => new Date(s);

describe("addBusinessMinutes", () => {
  it("rolls a Friday 16:30 ticket with a 60-minute target to Monday 09:30", () => {
    // Friday 2026-03-06 16:30 in Berlin (CET, UTC+1) = 15:30Z.
    expect(addBusinessMinutes(utc("2026-03-06T15:30:00Z"), 60, berlin).toISOString()).toBe("2026-03-09T08:30:00.000Z");
  });

  it("skips holidays", () => {
    const cal = { ...berlin, holidays: ["2026-03-09"] };
    expect(addBusinessMinutes(utc("2026-03-06T15:30:00Z"), 60, cal).toISOString()).toBe("2026-03-10T08:30:00.000Z");
  });

  it("waits for the opening when started at night or at the weekend", () => {
    expect(addBusinessMinutes(utc("2026-03-07T12:00:00Z"), 15, berlin).toISOString()).toBe("2026-03-09T08:15:00.000Z");
    expect(addBusinessMinutes(utc("2026-03-10T03:00:00Z"), 0, berlin).toISOString()).toBe("2026-03-10T08:00:00.000Z");
  });

  it("spans several days for long targets (1440 business minutes = 3 days of 8 h)", () => {
    // Monday 10:00 Berlin + 24 business hours = Thursday 10:00.
    expect(addBusinessMinutes(utc("2026-03-09T09:00:00Z"), 1440, berlin).toISOString()).toBe("2026-03-12T09:00:00.000Z");
  });

  it("follows daylight-saving time in the team's zone", () => {
    // Berlin switches to CEST on Sunday 2026-03-29: Friday 16:30 CET → Monday 09:30 CEST (07:30Z).
    expect(addBusinessMinutes(utc("2026-03-27T15:30:00Z"), 60, berlin).toISOString()).toBe("2026-03-30T07:30:00.000Z");
  });

  it("handles split days and other zones", () => {
    const ny: BusinessCalendar = { timezone: "America/New_York", days: { mon: [["08:00", "12:00"], ["13:00", "17:00"]] } };
    // Monday 2026-03-09 11:30 EDT (15:30Z) + 60 min: 30 before lunch, 30 after → 13:30 EDT = 17:30Z.
    expect(addBusinessMinutes(utc("2026-03-09T15:30:00Z"), 60, ny).toISOString()).toBe("2026-03-09T17:30:00.000Z");
  });

  it("counts every minute without a calendar", () => {
    expect(addBusinessMinutes(utc("2026-03-07T12:00:00Z"), 90, null).toISOString()).toBe("2026-03-07T13:30:00.000Z");
  });
});

describe("businessMinutesBetween", () => {
  it("is the inverse of addBusinessMinutes", () => {
    const start = utc("2026-03-06T15:30:00Z");
    for (const m of [0, 1, 30, 60, 480, 1440, 2000]) {
      expect(businessMinutesBetween(start, addBusinessMinutes(start, m, berlin), berlin)).toBe(m);
    }
  });
  it("counts nothing over a weekend", () => {
    expect(businessMinutesBetween(utc("2026-03-07T00:00:00Z"), utc("2026-03-08T23:00:00Z"), berlin)).toBe(0);
  });
});

describe("calendars", () => {
  it("reads a team's stored hours and holidays", () => {
    const cal = calendarFromTeam({ businessHours: { timezone: "Europe/Berlin", days: { mon: day } }, holidays: ["2026-12-25", 3] });
    expect(cal).toEqual({ timezone: "Europe/Berlin", days: { mon: day }, holidays: ["2026-12-25"] });
    expect(calendarFromTeam({ businessHours: null, holidays: [] })).toBeNull();
    expect(isBusinessTime(utc("2026-03-09T09:00:00Z"), cal)).toBe(true);
    expect(isBusinessTime(utc("2026-03-10T09:00:00Z"), cal)).toBe(false);
  });
});
