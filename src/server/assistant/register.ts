// The assistant's background pieces: the widget answer bot, a consumer of
// committed touchpoints (the domain-event queue), and the request log's
// 90-day retention.
import { defineJobs } from "@/server/lib/background";
import { onBotEvents } from "./bot";
import { pruneAssistantRequests } from "./log";

export const assistantJobs = defineJobs({
  consumers: { "answer-bot": onBotEvents },
  periodic: { "assistant-log-prune": { everyMs: 3_600_000, pass: pruneAssistantRequests } },
});
