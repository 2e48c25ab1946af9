import { ConversationView } from "./conversation-view";
import { idOrNotFound } from "@/app/(console)/route-id";

export const metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idOrNotFound((await params).id);
  return <ConversationView conversationId={id} />;
}
