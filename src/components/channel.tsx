// Channel badges: colour + short label, used in lists and on the timeline.
const CHANNELS: Record<string, { label: string; className: string; glyph: string }> = {
  email: { label: "Email", className: "bg-sky-100 text-sky-800", glyph: "✉" },
  chat: { label: "Chat", className: "bg-emerald-100 text-emerald-800", glyph: "💬" },
  messenger: { label: "Messenger", className: "bg-blue-100 text-blue-800", glyph: "ⓜ" },
  instagram: { label: "Instagram", className: "bg-pink-100 text-pink-800", glyph: "◎" },
  whatsapp: { label: "WhatsApp", className: "bg-green-100 text-green-800", glyph: "✆" },
  telegram: { label: "Telegram", className: "bg-cyan-100 text-cyan-800", glyph: "➤" },
  x: { label: "X", className: "bg-zinc-200 text-zinc-800", glyph: "𝕏" },
  api: { label: "Product", className: "bg-amber-100 text-amber-800", glyph: "◆" },
  system: { label: "System", className: "bg-slate-200 text-slate-700", glyph: "⚙" },
};

export function channelInfo(channel: string) {
  return CHANNELS[channel] ?? { label: channel, className: "bg-slate-100 text-slate-700", glyph: "•" };
}

export function ChannelBadge({ channel, compact = false }: { channel: string; compact?: boolean }) {
  const info = channelInfo(channel);
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${info.className}`} title={info.label}>
      <span aria-hidden>{info.glyph}</span>
      {compact ? <span className="sr-only">{info.label}</span> : info.label}
    </span>
  );
}

export const CHANNEL_ORDER = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x", "api", "system"] as const;
