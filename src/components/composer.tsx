"use client";
// The composer: reply on the conversation's channel (email with subject and
// Cc) or an internal note with @mentions; macros with placeholders filled in;
// attachments (10 MB in all); the draft kept per conversation across
// navigation; Ctrl/Cmd+Enter sends. Before a reply goes out it warns when the
// platform's reply window is closed (WhatsApp, Messenger, Instagram) and when
// a colleague replied since this agent opened the conversation. "Reply queued
// for sending." stays only until the message's first delivery status arrives
// (message.status: sent, failed, retrying…); the timeline shows it from there.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useImperativeHandle, useMemo, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ConfirmDialog } from "./dialog";
import { relativeTime as relativeTimeIn } from "./ui";
import { useSocketEvent } from "./use-realtime";
import { SuggestReply } from "./assistant/suggest-reply";

export type ComposerHandle = { focus: (mode: "reply" | "note") => void };
type Mode = "reply" | "note";
type Draft = { mode: Mode; body: string; subject: string; cc: string; mentions: string[] };

const MAX_BYTES = 10 * 1024 * 1024;
const draftKey = (id: string) => `throughline.draft.${id}`;

function loadDraft(id: string): Draft | null {
  try {
    const raw = localStorage.getItem(draftKey(id));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

const uuid = () => (typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

export function Composer({
  conversation,
  me,
  openedOutboundId,
  onTyping,
  handleRef,
}: {
  conversation: { id: string; number: number; channel: string; subject: string | null; customerName: string | null };
  me: { userId: string; name: string };
  /** The newest outbound message when the agent opened the conversation (collision check). */
  openedOutboundId: React.RefObject<string | null>;
  onTyping: (typing: boolean) => void;
  handleRef?: React.Ref<ComposerHandle>;
}) {
  const t = useTranslations("components.composer");
  const locale = useLocale();
  const relativeTime = (d: Date | string) => relativeTimeIn(d, Date.now(), locale);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { body: useId(), subject: useId(), cc: useId(), files: useId(), macro: useId(), mentions: useId() };
  const textRef = useRef<HTMLTextAreaElement>(null);
  const isEmail = conversation.channel === "email";
  const initial = useMemo(() => (typeof window === "undefined" ? null : loadDraft(conversation.id)), [conversation.id]);
  const [mode, setMode] = useState<Mode>(initial?.mode ?? "reply");
  const [body, setBody] = useState(initial?.body ?? "");
  const [subject, setSubject] = useState(initial?.subject ?? conversation.subject ?? "");
  const [cc, setCc] = useState(initial?.cc ?? "");
  const [mentions, setMentions] = useState<string[]>(initial?.mentions ?? []);
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [collision, setCollision] = useState<{ id: string; name: string | null; at: Date } | null>(null);
  const [mentionQuery, setMentionQuery] = useState<string | null>(null);
  const [mentionIndex, setMentionIndex] = useState(0);
  const [sentNotice, setSentNotice] = useState("");
  // The reply the queued notice is about, and the statuses already reported (one may beat the send's answer).
  const queuedId = useRef<string | null>(null);
  const reported = useRef(new Set<string>());
  useSocketEvent("message.status", (p) => {
    const e = p as { conversationId?: string; messageId?: string };
    if (e.conversationId !== conversation.id || !e.messageId) return;
    reported.current.add(e.messageId);
    if (e.messageId === queuedId.current) {
      queuedId.current = null;
      setSentNotice("");
    }
  });

  useImperativeHandle(handleRef, () => ({
    focus: (m: Mode) => {
      setMode(m);
      setTimeout(() => textRef.current?.focus(), 0);
    },
  }));

  // The draft survives navigation and reloads (per conversation, this browser).
  useEffect(() => {
    const t = setTimeout(() => {
      try {
        if (!body.trim() && !cc.trim() && mode === "reply" && (subject === (conversation.subject ?? "") || !isEmail)) localStorage.removeItem(draftKey(conversation.id));
        else localStorage.setItem(draftKey(conversation.id), JSON.stringify({ mode, body, subject, cc, mentions } satisfies Draft));
      } catch {
        /* storage full or disabled: the draft lives in memory only */
      }
    }, 250);
    return () => clearTimeout(t);
  }, [mode, body, subject, cc, mentions, conversation.id, conversation.subject, isEmail]);

  const social = ["whatsapp", "messenger", "instagram"].includes(conversation.channel);
  const windowQuery = useQuery({ ...trpc.conversation.sendWindow.queryOptions({ id: conversation.id }), enabled: social, refetchInterval: 60_000 });
  const macros = useQuery(trpc.macro.list.queryOptions());
  const directory = useQuery({ ...trpc.conversation.directory.queryOptions(), enabled: mode === "note" });

  const reply = useMutation(trpc.conversation.reply.mutationOptions());
  const note = useMutation(trpc.conversation.note.mutationOptions());
  const busy = reply.isPending || note.isPending;
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const windowClosed = mode === "reply" && windowQuery.data && !windowQuery.data.canSend;

  const candidates = useMemo(() => {
    if (mentionQuery === null || !directory.data) return [];
    const q = mentionQuery.toLowerCase();
    return directory.data.agents.filter((a) => a.id !== me.userId && (a.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(q)) || a.name.toLowerCase().startsWith(q))).slice(0, 6);
  }, [mentionQuery, directory.data, me.userId]);

  const reset = () => {
    setBody("");
    setCc("");
    setFiles([]);
    setMentions([]);
    setError(null);
    setMentionQuery(null);
    try {
      localStorage.removeItem(draftKey(conversation.id));
    } catch {
      /* ignore */
    }
    onTyping(false);
  };

  const doSend = async () => {
    setError(null);
    try {
      if (mode === "note") {
        const stillMentioned = mentions.filter((id) => {
          const a = directory.data?.agents.find((x) => x.id === id);
          return a ? body.includes(`@${a.name}`) : false;
        });
        await note.mutateAsync({ id: conversation.id, body, mentionUserIds: stillMentioned, clientMessageId: uuid() });
        queuedId.current = null;
        setSentNotice(t("noteAdded"));
      } else {
        const attachments = await Promise.all(files.map(async (f) => ({ filename: f.name, contentType: f.type || "application/octet-stream", dataBase64: await toBase64(f) })));
        const r = await reply.mutateAsync({
          id: conversation.id,
          body,
          subject: isEmail ? subject : undefined,
          cc: isEmail ? cc.split(/[,;\s]+/).filter(Boolean) : undefined,
          attachments: attachments.length ? attachments : undefined,
          clientMessageId: uuid(),
        });
        openedOutboundId.current = r.messageId;
        void queryClient.invalidateQueries({ queryKey: trpc.conversation.latestOutbound.queryKey({ id: conversation.id }) });
        if (!reported.current.has(r.messageId)) {
          queuedId.current = r.messageId;
          setSentNotice(isEmail ? t("emailQueued") : t("replyQueued"));
        }
      }
      reset();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const send = async () => {
    if (busy) return;
    if (!body.trim() && !(mode === "reply" && files.length)) {
      setError(mode === "note" ? t("writeNoteFirst") : t("writeReplyFirst"));
      return;
    }
    if (mode === "reply") {
      if (windowClosed) {
        setError(windowQuery.data?.message ?? t("windowClosed"));
        return;
      }
      if (totalBytes > MAX_BYTES) {
        setError(t("tooLarge"));
        return;
      }
      // Someone else replied since I opened this conversation?
      try {
        const latest = await queryClient.fetchQuery({ ...trpc.conversation.latestOutbound.queryOptions({ id: conversation.id }), staleTime: 0 });
        if (latest && latest.id !== openedOutboundId.current && latest.authorId !== me.userId) {
          setCollision({ id: latest.id, name: latest.authorName, at: latest.at });
          return;
        }
      } catch {
        /* the check is advisory; the send itself reports real errors */
      }
    }
    await doSend();
  };

  const insertAtCaret = (text: string) => {
    const el = textRef.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    const next = body.slice(0, start) + text + body.slice(end);
    setBody(next);
    setTimeout(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    }, 0);
  };

  const updateMentionQuery = (value: string, caret: number) => {
    if (mode !== "note") return setMentionQuery(null);
    const m = /(^|\s)@([\p{L}\p{N}_-]*)$/u.exec(value.slice(0, caret));
    setMentionQuery(m ? m[2]! : null);
    setMentionIndex(0);
  };

  const pickMention = (agent: { id: string; name: string }) => {
    const el = textRef.current;
    const caret = el?.selectionStart ?? body.length;
    const before = body.slice(0, caret).replace(/@([\p{L}\p{N}_-]*)$/u, `@${agent.name} `);
    const next = before + body.slice(caret);
    setBody(next);
    setMentions((prev) => (prev.includes(agent.id) ? prev : [...prev, agent.id]));
    setMentionQuery(null);
    setTimeout(() => {
      el?.focus();
      el?.setSelectionRange(before.length, before.length);
    }, 0);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentionQuery !== null && candidates.length) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        return setMentionIndex((i) => Math.min(i + 1, candidates.length - 1));
      }
      if (e.key === "ArrowUp") {
        e.preventDefault();
        return setMentionIndex((i) => Math.max(i - 1, 0));
      }
      if ((e.key === "Enter" && !e.ctrlKey && !e.metaKey) || e.key === "Tab") {
        e.preventDefault();
        return pickMention(candidates[mentionIndex]!);
      }
      if (e.key === "Escape") {
        e.preventDefault();
        return setMentionQuery(null);
      }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
    if (e.key === "Escape") textRef.current?.blur();
  };

  const note_ = mode === "note";
  return (
    <section aria-label={t("label")} className={`rounded-xl border bg-surface shadow-sm ${note_ ? "border-amber-300" : "border-slate-200"}`} data-testid="composer">
      <div className="flex flex-wrap items-center gap-1 border-b border-slate-100 px-3 pt-2">
        {(["reply", "note"] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => {
              setMode(m);
              setMentionQuery(null);
              textRef.current?.focus();
            }}
            className={`-mb-px shrink-0 whitespace-nowrap rounded-t-md border-b-2 px-3 py-1.5 text-sm font-medium ${mode === m ? (m === "note" ? "border-amber-500 text-amber-900" : "border-brand-600 text-brand-700") : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {m === "reply" ? (isEmail ? t("tabs.replyByEmail") : t("tabs.reply")) : t("tabs.note")}
          </button>
        ))}
        {/* On a phone the macro menu takes its own line above the tabs instead of running out of the composer. */}
        <div className="order-first flex w-full items-center gap-2 pb-1 sm:order-none sm:ml-auto sm:w-auto">
          <label htmlFor={ids.macro} className="sr-only">
            {t("macroLabel")}
          </label>
          <select
            id={ids.macro}
            value=""
            disabled={macros.isPending}
            onChange={async (e) => {
              const macroId = e.target.value;
              if (!macroId) return;
              try {
                // Fresh every time: a macro edited elsewhere must render as it is now.
                const r = await queryClient.fetchQuery({ ...trpc.macro.render.queryOptions({ macroId, conversationId: conversation.id }), staleTime: 0 });
                insertAtCaret(r.text);
              } catch (err) {
                setError((err as Error).message);
              }
            }}
            className="w-full min-w-0 rounded-md border border-slate-300 bg-surface px-2 py-1 text-xs sm:w-auto sm:max-w-40"
          >
            <option value="">{macros.isError ? t("macrosUnavailable") : t("insertMacro")}</option>
            {macros.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {mode === "reply" ? (
        <div className="px-3 pt-2">
          <SuggestReply conversationId={conversation.id} onDraft={(text) => { setBody(text); textRef.current?.focus(); }} />
        </div>
      ) : null}
      {mode === "reply" && windowQuery.data?.message ? (
        <p role="alert" className={`mx-3 mt-2 rounded-lg px-3 py-2 text-sm ${windowQuery.data.canSend ? "bg-amber-50 text-amber-900" : "bg-red-50 text-red-800"}`} data-testid="send-window">
          {windowQuery.data.message}
          {windowQuery.data.windowEndsAt ? t("windowCloses", { when: relativeTime(windowQuery.data.windowEndsAt) }) : ""}
        </p>
      ) : null}
      {mode === "reply" && isEmail ? (
        <div className="grid gap-2 px-3 pt-2 sm:grid-cols-2">
          <div className="flex items-center gap-2">
            <label htmlFor={ids.subject} className="w-14 shrink-0 text-xs font-medium text-slate-600">
              {t("subject")}
            </label>
            <input id={ids.subject} value={subject} onChange={(e) => setSubject(e.target.value)} className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm" maxLength={500} />
          </div>
          <div className="flex items-center gap-2">
            <label htmlFor={ids.cc} className="w-14 shrink-0 text-xs font-medium text-slate-600 sm:w-6">
              {t("cc")}
            </label>
            <input id={ids.cc} value={cc} onChange={(e) => setCc(e.target.value)} placeholder="name@example.com, …" className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm" inputMode="email" />
          </div>
        </div>
      ) : null}
      <div className="relative px-3 pt-2">
        <label htmlFor={ids.body} className="sr-only">
          {note_ ? t("noteLabel") : t("replyTo", { name: conversation.customerName ?? t("theCustomer") })}
        </label>
        <textarea
          id={ids.body}
          ref={textRef}
          value={body}
          rows={4}
          onChange={(e) => {
            setBody(e.target.value);
            updateMentionQuery(e.target.value, e.target.selectionStart);
            if (!note_) onTyping(e.target.value.length > 0);
            setSentNotice("");
          }}
          onKeyDown={onKeyDown}
          onBlur={() => onTyping(false)}
          aria-controls={mentionQuery !== null ? ids.mentions : undefined}
          aria-autocomplete={note_ ? "list" : undefined}
          placeholder={note_ ? t("notePlaceholder") : t("replyPlaceholder", { name: conversation.customerName ?? t("theCustomer") })}
          className={`block w-full resize-y rounded-lg border px-3 py-2 text-sm focus:outline-none focus:ring-2 ${note_ ? "border-amber-200 bg-amber-50/50 focus:ring-amber-200" : "border-slate-200 focus:ring-brand-100"}`}
        />
        {mentionQuery !== null && candidates.length ? (
          <ul id={ids.mentions} role="listbox" aria-label={t("mentionLabel")} className="absolute left-3 top-full z-30 mt-1 w-64 rounded-lg border border-slate-200 bg-surface p-1 shadow-lg">
            {candidates.map((a, i) => (
              <li
                key={a.id}
                role="option"
                aria-selected={i === mentionIndex}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pickMention(a);
                }}
                className={`cursor-pointer rounded-md px-2 py-1.5 text-sm ${i === mentionIndex ? "bg-brand-50 text-brand-800" : ""}`}
              >
                {a.name} <span className="text-xs capitalize text-slate-600">{a.role}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {files.length ? (
        <ul className="flex flex-wrap gap-2 px-3 pt-2" aria-label={t("filesLabel")}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="inline-flex items-center gap-1 rounded-md bg-slate-100 px-2 py-0.5 text-xs">
              <span aria-hidden>📎</span> {f.name} {t("sizeKb", { size: String(Math.max(1, Math.ceil(f.size / 1024))) })}
              <button type="button" onClick={() => setFiles((prev) => prev.filter((_, j) => j !== i))} aria-label={t("removeFile", { name: f.name })} className="rounded px-1 text-slate-600 hover:bg-slate-200">
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="mx-3 mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2 px-3 py-2">
        {mode === "reply" ? (
          <>
            <input
              id={ids.files}
              type="file"
              multiple
              className="sr-only"
              onChange={(e) => {
                const picked = Array.from(e.target.files ?? []);
                const next = [...files, ...picked];
                if (next.reduce((s, f) => s + f.size, 0) > MAX_BYTES) setError(t("tooLarge"));
                else setFiles(next);
                e.target.value = "";
              }}
            />
            <label htmlFor={ids.files} className="cursor-pointer rounded-md px-2 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50 focus-within:ring-2">
              {t("attachFiles")}
            </label>
          </>
        ) : (
          <p className="text-xs text-amber-900">{t("notesPrivate")}</p>
        )}
        <span className="text-xs text-slate-600" role="status" aria-live="polite" data-testid="composer-notice">
          {sentNotice}
        </span>
        <span className="ml-auto hidden text-xs text-slate-600 sm:inline">{t("shortcut")}</span>
        <button
          type="button"
          onClick={() => void send()}
          disabled={busy || Boolean(windowClosed)}
          className={`rounded-lg px-4 py-1.5 text-sm font-semibold text-white disabled:opacity-60 ${note_ ? "bg-amber-700 hover:bg-amber-800" : "bg-brand-600 hover:bg-brand-700"}`}
        >
          {busy ? t("sending") : note_ ? t("addNote") : isEmail ? t("sendEmail") : t("send")}
        </button>
      </div>
      <ConfirmDialog
        open={collision !== null}
        title={t("collision.title")}
        description={t.rich("collision.description", {
          name: collision?.name ?? t("collision.anotherAgent"),
          when: collision ? relativeTime(collision.at) : "",
          b: (c) => <strong>{c}</strong>,
        })}
        confirmLabel={t("collision.confirm")}
        onClose={() => {
          // Seen it: the next send compares with this reply.
          if (collision) openedOutboundId.current = collision.id;
          setCollision(null);
        }}
        onConfirm={() => {
          setCollision(null);
          void doSend();
        }}
      />
    </section>
  );
}
