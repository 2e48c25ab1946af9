// Zendesk's export records as the import reads them: the ticket object of the
// Tickets API (full JSON export: one per line; Incremental Ticket Export:
// {tickets: [...], users: [...]}), with its comments when the export has them,
// and the user object (users.json). Fields the import does not use pass through.
import { z } from "zod";
import { externalId, optionalText, timestamp } from "../fields";

export const zendeskComment = z.looseObject({
  id: externalId,
  author_id: externalId.nullish(),
  body: z.string().nullish(),
  html_body: z.string().nullish(),
  plain_body: z.string().nullish(),
  public: z.boolean().default(true),
  created_at: timestamp,
});

export const zendeskTicket = z.looseObject({
  id: externalId,
  subject: optionalText,
  raw_subject: optionalText,
  description: z.string().nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  requester_id: externalId.nullish(),
  assignee_id: externalId.nullish(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  tags: z.array(z.string()).nullish(),
  via: z.looseObject({ channel: z.union([z.string(), z.number()]).nullish() }).nullish(),
  comments: z.array(zendeskComment).nullish(),
});

export const zendeskUser = z.looseObject({
  id: externalId,
  name: optionalText,
  email: optionalText,
  phone: optionalText,
  external_id: z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined || String(v).trim() === "" ? null : String(v).trim())),
  role: z.string().nullish(),
  created_at: timestamp.nullish(),
});

export type ZendeskTicket = z.output<typeof zendeskTicket>;
export type ZendeskComment = z.output<typeof zendeskComment>;
export type ZendeskUser = z.output<typeof zendeskUser>;
