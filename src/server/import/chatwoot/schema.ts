// Chatwoot's export records as the import reads them: a row of the contacts
// CSV export (matched by header name) and a conversation of the Application
// API (GET /api/v1/accounts/{id}/conversations: meta.sender is the contact),
// carrying its messages (GET …/conversations/{id}/messages) in `messages`.
// Fields the import does not use pass through.
import { z } from "zod";
import { externalId, optionalText, timestamp } from "../fields";

export const chatwootContactRow = z.looseObject({
  id: externalId,
  name: optionalText,
  email: optionalText,
  phone_number: optionalText,
  identifier: optionalText,
  created_at: timestamp.nullish(),
});

const person = z.looseObject({
  id: externalId.nullish(),
  name: optionalText,
  email: optionalText,
  phone_number: optionalText,
  identifier: optionalText,
  type: z.string().nullish(),
});

// 0 incoming, 1 outgoing, 2 activity, 3 template (the API answers numbers; webhooks and some exports words).
const MESSAGE_TYPES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;
const messageType = z.union([z.literal([0, 1, 2, 3]), z.enum(["incoming", "outgoing", "activity", "template"]).transform((t) => MESSAGE_TYPES[t])]);

export const chatwootMessage = z.looseObject({
  id: externalId,
  content: z.string().nullish(),
  message_type: messageType,
  private: z.boolean().nullish().transform((v) => v === true),
  created_at: timestamp,
  sender_type: z.string().nullish(),
  sender: person.nullish(),
  content_attributes: z.looseObject({ email: z.looseObject({ html_content: z.looseObject({ full: z.string().nullish() }).nullish() }).nullish() }).nullish(),
});

export const chatwootConversation = z.looseObject({
  id: externalId,
  inbox_id: externalId.nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  created_at: timestamp,
  last_activity_at: timestamp.nullish(),
  timestamp: timestamp.nullish(),
  snoozed_until: timestamp.nullish(),
  additional_attributes: z.looseObject({ mail_subject: optionalText }).nullish(),
  meta: z.looseObject({ sender: person.nullish(), assignee: person.nullish(), channel: z.string().nullish() }).nullish(),
  messages: z.array(chatwootMessage).nullish(),
});

export type ChatwootContactRow = z.output<typeof chatwootContactRow>;
export type ChatwootConversation = z.output<typeof chatwootConversation>;
export type ChatwootMessage = z.output<typeof chatwootMessage>;
export type ChatwootPerson = z.output<typeof person>;
