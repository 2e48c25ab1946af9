// The order of the queue the agent last looked at, so j/k in a conversation
// move to the next or previous one (per tab, sessionStorage).
const KEY = "throughline.queue";

export function rememberQueue(ids: string[]) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(ids.slice(0, 500)));
  } catch {
    /* storage disabled: j/k in a conversation do nothing */
  }
}

export function queueNeighbour(id: string, step: 1 | -1): string | null {
  try {
    const ids = JSON.parse(sessionStorage.getItem(KEY) ?? "[]") as string[];
    const i = ids.indexOf(id);
    return i < 0 ? null : (ids[i + step] ?? null);
  } catch {
    return null;
  }
}
