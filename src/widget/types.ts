// The wire types the widget shares with the server, re-exported under the
// widget's names. Their one definition is src/server/channels/widget/protocol.ts;
// `export type` only, so nothing of the server ships in the bundle.
export type {
  Ack,
  AckError,
  ClientEvent,
  ClientEvents,
  Handshake,
  ImageType,
  MaxAttachments,
  PublicWidgetConfig as Config,
  Refusal,
  RefusalCode,
  ServerEvents,
  VisitorIdentity as Settings,
  WidgetArticle as Article,
  WidgetArticleHit as ArticleHit,
  WidgetAttachment,
  WidgetMessage as ServerMessage,
} from "@/server/channels/widget/protocol";
