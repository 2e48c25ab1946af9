// Channel badges: colour + icon + short label, used in lists and on the
// timeline. Icons are inline SVG so they render the same without emoji fonts.
import { useTranslations } from "next-intl";
import { CHANNELS, type ChannelKind } from "@/lib/vocabulary";

const STYLES: Record<ChannelKind, { label: string; className: string; glyph: string; icon: string }> = {
  email: { label: "Email", className: "bg-sky-100 text-sky-800", glyph: "✉", icon: "M3 6h18v12H3zM3 7l9 6 9-6" },
  chat: { label: "Chat", className: "bg-emerald-100 text-emerald-800", glyph: "💬", icon: "M4 5h16v10H9l-5 4z" },
  messenger: { label: "Messenger", className: "bg-blue-100 text-blue-800", glyph: "ⓜ", icon: "M12 3a9 8 0 00-5 14.6V21l3.3-1.8A9 8 0 1012 3zM7 13l3.5-3.5 2.5 2.5L17 8" },
  instagram: { label: "Instagram", className: "bg-pink-100 text-pink-800", glyph: "◎", icon: "M5 4h14a1 1 0 011 1v14a1 1 0 01-1 1H5a1 1 0 01-1-1V5a1 1 0 011-1zM12 8.5a3.5 3.5 0 100 7 3.5 3.5 0 000-7zM17 7h.01" },
  whatsapp: { label: "WhatsApp", className: "bg-green-100 text-green-800", glyph: "✆", icon: "M12 3a9 9 0 00-7.8 13.5L3 21l4.6-1.2A9 9 0 1012 3zM9 8c0 4 3 7 7 7l1-2-2-1-1 1c-1-.5-2-1.5-2.5-2.5l1-1-1-2z" },
  telegram: { label: "Telegram", className: "bg-cyan-100 text-cyan-800", glyph: "➤", icon: "M21 4L3 11l6 2 2 6 3-4 4 3zM9 13l8-6" },
  x: { label: "X", className: "bg-zinc-200 text-zinc-800", glyph: "𝕏", icon: "M5 4l14 16M19 4L5 20" },
  api: { label: "Product", className: "bg-amber-100 text-amber-900", glyph: "◆", icon: "M12 3l8 9-8 9-8-9z" },
  system: { label: "System", className: "bg-slate-200 text-slate-700", glyph: "⚙", icon: "M12 9a3 3 0 100 6 3 3 0 000-6zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2" },
};

export function channelInfo(channel: string) {
  return STYLES[channel as ChannelKind] ?? { label: channel, className: "bg-slate-100 text-slate-700", glyph: "•", icon: "M12 11a1 1 0 100 2 1 1 0 000-2z" };
}

/** The channel's label in the page language (channelInfo(c).label stays English, for callers that translate themselves). */
export function useChannelLabel(): (channel: string) => string {
  const t = useTranslations("components.channel");
  return (channel: string) => (Object.hasOwn(STYLES, channel) ? t(channel as ChannelKind) : channelInfo(channel).label);
}

export function ChannelIcon({ channel, className = "h-3.5 w-3.5" }: { channel: string; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={`shrink-0 ${className}`} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={channelInfo(channel).icon} />
    </svg>
  );
}

export function ChannelBadge({ channel, compact = false }: { channel: string; compact?: boolean }) {
  const info = channelInfo(channel);
  const label = useChannelLabel()(channel);
  return (
    <span className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 align-middle text-xs font-medium ${info.className}`} title={label}>
      <ChannelIcon channel={channel} className="h-3 w-3" />
      {compact ? <span className="sr-only">{label}</span> : label}
    </span>
  );
}

/** Channels in the order filters and legends list them (the schema's order). */
export const CHANNEL_ORDER = CHANNELS;
