// Getting the visitor's attention for a reply while the chat is closed or the
// tab hidden: a short chime (once the visitor interacted with the page, as
// browsers require) and a flashing document title.
export type Notifier = ReturnType<typeof createNotifier>;

export function createNotifier() {
  let interacted = false;
  let audio: AudioContext | null = null;
  let flashTimer = 0;
  let savedTitle = "";
  const mark = () => (interacted = true);
  window.addEventListener("pointerdown", mark, { once: true, capture: true });
  window.addEventListener("keydown", mark, { once: true, capture: true });

  const ping = () => {
    try {
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return;
      const ctx = (audio ??= new Ctx());
      const t = ctx.currentTime;
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.type = "sine";
      o.frequency.setValueAtTime(880, t);
      o.frequency.setValueAtTime(1320, t + 0.09);
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.12, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      o.connect(g).connect(ctx.destination);
      o.start(t);
      o.stop(t + 0.4);
    } catch {
      /* no sound, no problem */
    }
  };

  const startFlash = (text: string) => {
    if (flashTimer) return;
    savedTitle = document.title;
    let on = false;
    flashTimer = window.setInterval(() => {
      on = !on;
      document.title = on ? text : savedTitle;
    }, 1_200);
  };

  return {
    notify(text: string) {
      if (interacted) ping();
      startFlash(text);
    },
    stopFlash() {
      if (!flashTimer) return;
      clearInterval(flashTimer);
      flashTimer = 0;
      document.title = savedTitle;
    },
    /** The page's own title, also while it flashes. */
    realTitle() {
      return (flashTimer ? savedTitle : document.title).slice(0, 300);
    },
  };
}
