"use client";
// Reloads the page the agent asked for (the service worker shows this shell
// under that page's own address), by hand or as soon as the browser is online again.
import { useEffect, useRef } from "react";

export function RetryButton({ label }: { label: string }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const back = () => window.location.reload();
    window.addEventListener("online", back);
    // Marks the moment the shell listens (tests wait for it before going online).
    if (button.current) button.current.dataset.reloadsWhenOnline = "true";
    return () => window.removeEventListener("online", back);
  }, []);
  return (
    <button
      ref={button}
      type="button"
      onClick={() => window.location.reload()}
      className="mt-5 inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
    >
      {label}
    </button>
  );
}
