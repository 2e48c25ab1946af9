// One router per domain, assembled here.
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { conversationRouter } from "./routers/conversation";
import { customerRouter } from "./routers/customer";
import { macroRouter } from "./routers/macro";
import { fieldRouter } from "./routers/field";
import { meRouter } from "./routers/me";
import { notificationRouter } from "./routers/notification";
import { searchRouter } from "./routers/search";
import { settingsRouter } from "./routers/settings";
import { supervisorRouter } from "./routers/supervisor";
import { metricsRouter } from "./routers/metrics";
import { journeyRouter } from "./routers/journey";
import { rulesRouter } from "./routers/rules";
import { helpcenterRouter } from "./routers/helpcenter";
import { surveysRouter } from "./routers/surveys";
import { slaRouter } from "./routers/sla";

import { privacyRouter } from "./routers/privacy";
import { peopleRouter } from "./routers/people";
import { apiKeysRouter } from "./routers/apiKeys";
import { webhooksRouter } from "./routers/webhooks";
import { auditRouter } from "./routers/audit";
import { assistantRouter } from "./routers/assistant";

export const appRouter = createTRPCRouter({
  me: meRouter,
  customer: customerRouter,
  conversation: conversationRouter,
  supervisor: supervisorRouter,
  settings: settingsRouter,
  metrics: metricsRouter,
  journey: journeyRouter,
  rules: rulesRouter,
  helpcenter: helpcenterRouter,
  surveys: surveysRouter,
  sla: slaRouter,
  search: searchRouter,
  macro: macroRouter,
  field: fieldRouter,
  notification: notificationRouter,
  privacy: privacyRouter,
  people: peopleRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
  audit: auditRouter,
  assistant: assistantRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
