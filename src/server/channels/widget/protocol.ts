// The /widget socket.io protocol: the handshake and every client event, as zod
// schemas (anything else is refused), plus the limits that go with them.
// The event list with payloads is in namespace.ts.
import { z } from "zod";
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_CHUNK_BYTES } from "./uploads";

export const MAX_TEXT_CHARS = 10_000;

export const handshakeSchema = z.object({
  inbox: z.string().min(1).max(100),
  visitorId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  visitorToken: z.string().max(100).optional(),
  identity: z
    .object({
      userId: z.string().max(256).optional(),
      email: z.string().max(320).optional(),
      name: z.string().max(200).optional(),
      userHash: z.string().max(128).optional(),
    })
    .optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;

const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL");

export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "clientId must be 8-64 characters of [A-Za-z0-9_-]");

export const sendSchema = z.object({
  clientId: clientIdSchema,
  text: z.string().max(MAX_TEXT_CHARS),
  attachments: z.array(z.string().uuid()).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  context: z.object({ articleId: z.string().uuid() }).nullish(),
  page: z.object({ url: httpUrl.optional(), title: z.string().max(300).optional() }).optional(),
});

export const historySchema = z.object({ before: z.string().max(200).nullish(), limit: z.number().int().min(1).max(100).optional() }).default({});

export const typingSchema = z.object({ typing: z.boolean() });

export const readSchema = z.object({}).passthrough().default({});

export const prechatSchema = z
  .object({ name: z.string().trim().max(200).optional(), email: z.string().trim().max(320).optional() })
  .refine((v) => !!v.name || !!v.email, "name or email is required");

export const pageviewSchema = z.object({ url: httpUrl, title: z.string().max(300).optional() });

export const articleViewSchema = z.object({ articleId: z.string().uuid() });

export const chunkSchema = z.object({
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  filename: z.string().max(255),
  contentType: z.string().max(100),
  size: z.number().int().positive(),
  offset: z.number().int().min(0),
  data: z.custom<Buffer | ArrayBuffer | Uint8Array>(
    (v) => Buffer.isBuffer(v) || v instanceof ArrayBuffer || v instanceof Uint8Array,
    "data must be binary",
  ),
});

export { MAX_CHUNK_BYTES };

/** Per visitor, per action: at most max in windowMs. */
export const RATE_LIMITS = {
  message: { max: 20, windowMs: 10_000 },
  typing: { max: 30, windowMs: 10_000 },
  history: { max: 30, windowMs: 60_000 },
  read: { max: 30, windowMs: 60_000 },
  prechat: { max: 10, windowMs: 60_000 },
  pageview: { max: 30, windowMs: 60_000 },
  article: { max: 30, windowMs: 60_000 },
  // 5 MB in 512 KB chunks is 10 chunks; this allows a few images a minute.
  upload: { max: 80, windowMs: 60_000 },
};
