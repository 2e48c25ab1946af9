// Durations as people read them: "45 min", "4 h 12 min", "3 days 2 h".
// Rounded down, so a wait shown beside a threshold ("over 4 h") never reads
// as more than it was, and never as less than a whole unit it passed.
const MIN_PER_DAY = 24 * 60;

export function humanDuration(minutes: number): string {
  const total = Math.floor(Math.max(0, minutes));
  if (total < 1) return "under 1 min";
  if (total < 60) return `${total} min`;
  if (total < 48 * 60) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(total / MIN_PER_DAY);
  const h = Math.floor((total % MIN_PER_DAY) / 60);
  return h ? `${d} days ${h} h` : `${d} days`;
}
