-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "sla_first_response_paused_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "sla_paused_at" TIMESTAMPTZ(3),
ADD COLUMN     "sla_resolution_paused_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "sla_resolution_start_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "conversations_status_snoozed_until_idx" ON "conversations"("status", "snoozed_until");

-- CreateIndex
CREATE INDEX "conversations_sla_paused_at_idx" ON "conversations"("sla_paused_at");

-- Hand-written (data): a reopened conversation's resolution clock restarted at
-- its latest reopen, which was not stored until now.
UPDATE "conversations" c SET "sla_resolution_start_at" = r.at
FROM (
  SELECT conversation_id, max(occurred_at) AS at FROM "timeline_events"
  WHERE kind = 'ticket_event' AND name = 'status' AND conversation_id IS NOT NULL
    AND (payload->>'reopened' = 'true' OR payload->>'reason' = 'customer_message')
  GROUP BY conversation_id
) r
WHERE c.id = r.conversation_id AND c.reopen_count > 0;
