// The periodic-worker loop: one pass at a time, failures logged and survived, stop ends it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { every } from "@/server/app/every";

afterEach(() => vi.useRealTimers());

describe("every", () => {
  it("never overlaps passes, survives a failing pass and stops for good", async () => {
    vi.useFakeTimers();
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    let passes = 0;
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => undefined;
    const stop = every(100, "test", async () => {
      passes++;
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        if (passes === 1) await new Promise<void>((r) => (release = r)); // a slow pass
        if (passes === 2) throw new Error("boom");
      } finally {
        active--;
      }
    });
    await vi.advanceTimersByTimeAsync(350); // ticks at 100, 200, 300 while pass 1 hangs
    expect(passes).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(100); // pass 2 fails
    expect(passes).toBe(2);
    expect(errors).toHaveBeenCalledWith("[test] boom");
    await vi.advanceTimersByTimeAsync(100); // pass 3 runs anyway
    expect(passes).toBe(3);
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toBe(3);
    expect(maxActive).toBe(1);
    errors.mockRestore();
  });

  it("tells a long pass that it was stopped", async () => {
    vi.useFakeTimers();
    let seen: boolean[] = [];
    let stop: () => void = () => undefined;
    stop = every(50, "test", async (stopped) => {
      seen.push(stopped());
      stop();
      seen.push(stopped());
    });
    await vi.advanceTimersByTimeAsync(60);
    expect(seen).toEqual([false, true]);
    seen = [];
    await vi.advanceTimersByTimeAsync(200);
    expect(seen).toEqual([]);
  });
});
