"use client";
// An accessible modal on the native <dialog> element: focus moves in and is
// trapped by the browser, Esc closes, focus returns to the opener.
import { useEffect, useId, useRef } from "react";
import { useTranslations } from "next-intl";

export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  className = "max-w-lg",
  labelledBy,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
  /** Hide the visible title (e.g. a command palette labels itself). */
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy ?? titleId}
      aria-describedby={description ? descId : undefined}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] rounded-2xl bg-surface p-0 text-slate-900 shadow-2xl backdrop:bg-black/40 ${className}`}
    >
      {open ? (
        <div className="p-5">
          {labelledBy ? null : (
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
          )}
          {description ? (
            <div id={descId} className="mt-1 text-sm text-slate-600">
              {description}
            </div>
          ) : null}
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onClose,
  busy,
  tone = "primary",
  error,
}: {
  open: boolean;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  tone?: "primary" | "danger";
  error?: string | null;
}) {
  const t = useTranslations("components.dialog");
  return (
    <Modal open={open} onClose={onClose} title={title} description={description}>
      {error ? (
        <p role="alert" className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onClose} className="rounded-lg border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
          {t("cancel")}
        </button>
        <button
          type="button"
          onClick={onConfirm}
          disabled={busy}
          autoFocus
          className={`rounded-lg px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-60 ${tone === "danger" ? "bg-red-700 hover:bg-red-800" : "bg-brand-600 hover:bg-brand-700"}`}
        >
          {busy ? t("working") : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
