// The background services of this build. Imported lazily at start so that
// scripts and tests importing domain code do not start anything.
export async function loadServices() {
  // Channel adapters and workers add their registration imports here.
  await import("@/server/channels/widget/register");
  await import("@/server/channels/email/service");
  await import("@/server/channels/social/register");
  await import("@/server/metrics/register");
  await loadJobDefinitions();
  // Last: it starts the workers of everything registered above.
  await import("@/server/jobs/service");
}

/** What the job queue runs: event consumers and periodic tasks (also for tests that start runners themselves). */
export async function loadJobDefinitions() {
  await import("@/server/outbox/service");
  await import("@/server/sla/register");
  await import("@/server/conversations/register");
  await import("@/server/surveys/register");
  await import("@/server/journey/register");
  await import("@/server/rules/register");
}
