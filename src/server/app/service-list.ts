// The background pieces of this build, wired together at the top: each
// domain exports its pieces as values (its register.ts; shapes in
// src/server/lib/background.ts) and this list hands them to the socket
// server's hooks, the outbox's sender registry, the job registry and the
// service starter (./services.ts). Nothing here runs at import: start-up
// (./start.ts, ./worker.ts) calls loadServices() once, before the socket
// server and the services start.
import type { ChannelKind } from "@/generated/prisma/enums";
import { emailServices } from "@/server/channels/email/service";
import { socialSenders } from "@/server/channels/social/register";
import { widgetChannel } from "@/server/channels/widget/register";
import { conversationJobs } from "@/server/conversations/register";
import { registerJobs } from "@/server/jobs/registry";
import { jobQueueService } from "@/server/jobs/service";
import { journeyJobs } from "@/server/journey/register";
import type { BackgroundService, JobDefinitions } from "@/server/lib/background";
import { agentPresence } from "@/server/metrics/register";
import { registerSender, type Sender } from "@/server/outbox/outbox";
import { outboxJobs } from "@/server/outbox/service";
import { sharePresenceThroughRedis } from "@/server/presence/redis-share";
import { attachPresence } from "@/server/presence/socket";
import { addSocketHandler } from "@/server/realtime/handlers";
import { addNamespace } from "@/server/realtime/namespaces";
import { shareThroughRedis } from "@/server/realtime/redis-shares";
import { rulesJobs } from "@/server/rules/register";
import { slaJobs } from "@/server/sla/register";
import { surveyJobs } from "@/server/surveys/register";
import { webhookJobs } from "@/server/webhooks/register";
import { assistantJobs } from "@/server/assistant/register";
import { notificationJobs } from "@/server/notifications/register";

/** The services, in start order. Last: the job queue, which starts the workers of everything registered before it. */
const SERVICES: BackgroundService[] = [...emailServices, ...agentPresence.services, jobQueueService];

/** What the job queue runs, in registration order. */
const JOBS: JobDefinitions[] = [outboxJobs, slaJobs, conversationJobs, surveyJobs, journeyJobs, rulesJobs, webhookJobs, assistantJobs, notificationJobs];

/** Outbox senders registered at start (email's follows its relay setting: a service). */
const SENDERS: Partial<Record<ChannelKind, Sender>>[] = [widgetChannel.senders, socialSenders];

let wired: Promise<void> | undefined;

/** Wires every domain's pieces in (once per process) and returns the services to start. */
export async function loadServices(): Promise<BackgroundService[]> {
  wired ??= wire();
  await wired;
  return SERVICES;
}

async function wire() {
  // Socket server hooks, before it starts: collision-detection presence
  // (shared through Redis with REDIS_URL), the widget's namespace, the
  // supervisor board's agent presence.
  addSocketHandler(attachPresence);
  shareThroughRedis(sharePresenceThroughRedis);
  addNamespace(widgetChannel.namespace);
  for (const senders of SENDERS) {
    for (const [channel, sender] of Object.entries(senders)) registerSender(channel as ChannelKind, sender);
  }
  agentPresence.installHook();
  await loadJobDefinitions();
}

/** What the job queue runs: event consumers and periodic tasks (also for tests that start runners themselves). */
export async function loadJobDefinitions() {
  for (const jobs of JOBS) registerJobs(jobs);
}
