// Shapes exchanged with the server's "/widget" namespace and /api/widget routes
// (see src/server/channels/widget/namespace.ts for the authoritative protocol).
export type Config = {
  inbox: string;
  name: string;
  color: string;
  greeting: string;
  preChatForm: boolean;
  trackPageViews: boolean;
  requireVerifiedIdentity: boolean;
  offlineMessage: string;
  online: boolean;
};

export type Settings = { userId?: string; email?: string; name?: string; userHash?: string };

export type Attachment = { id?: string; filename: string; contentType: string; size: number; url?: string; local?: string };

export type Msg = {
  /** clientId for the visitor's own messages, else the server id. */
  key: string;
  id?: string;
  clientId?: string | null;
  from: "visitor" | "agent";
  text: string;
  createdAt: string;
  status: "pending" | "delivered" | "read" | "failed";
  error?: string;
  agent?: { name: string; avatarUrl: string | null } | null;
  attachments: Attachment[];
  context?: { articleId: string; title: string } | null;
};

export type ServerMessage = {
  id: string;
  clientId: string | null;
  from: "visitor" | "agent";
  text: string;
  createdAt: string;
  status: "delivered" | "read";
  agent: { name: string; avatarUrl: string | null } | null;
  attachments: { id: string; filename: string; contentType: string; size: number; url: string }[];
  context: { articleId: string; title: string } | null;
};

export type ArticleHit = { id: string; slug: string; title: string; category: string; excerpt: string; url: string };
export type Article = { id: string; slug: string; title: string; category: string; body: string; url?: string };

export type OutboxEntry = {
  clientId: string;
  text: string;
  createdAt: string;
  attachments?: string[];
  files?: { filename: string; contentType: string; size: number }[];
  context?: { articleId: string; title: string } | null;
  page?: { url: string; title: string };
};

export type Ack = { ok: boolean; error?: string; message?: string; retryAfter?: number; [k: string]: unknown };
