// The shape of every periodic worker (SLA watcher, snooze waker, rule timers,
// journey sweep): run a task every intervalMs, never two passes at once in
// this process, a failure logged and the next pass tried as usual. Work that
// must happen once across processes is claimed in PostgreSQL by the task.
export function every(intervalMs: number, label: string, task: (stopped: () => boolean) => Promise<unknown>): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await task(() => stopped);
    } catch (error) {
      console.error(`[${label}] ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
