// One router per domain, assembled here.
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { conversationRouter } from "./routers/conversation";
import { customerRouter } from "./routers/customer";
import { macroRouter } from "./routers/macro";
import { meRouter } from "./routers/me";
import { notificationRouter } from "./routers/notification";
import { searchRouter } from "./routers/search";
import { settingsRouter } from "./routers/settings";
import { supervisorRouter } from "./routers/supervisor";

export const appRouter = createTRPCRouter({
  me: meRouter,
  customer: customerRouter,
  conversation: conversationRouter,
  supervisor: supervisorRouter,
  settings: settingsRouter,
  search: searchRouter,
  macro: macroRouter,
  notification: notificationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
