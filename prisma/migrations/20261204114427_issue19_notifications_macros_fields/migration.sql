-- CreateEnum
CREATE TYPE "MacroVisibility" AS ENUM ('personal', 'teams', 'everyone');

-- CreateEnum
CREATE TYPE "ConversationFieldType" AS ENUM ('text', 'number', 'select', 'date');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "locale" TEXT;

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "custom_fields" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "macros" ADD COLUMN     "last_used_at" TIMESTAMPTZ(3),
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "usage_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "visibility" "MacroVisibility" NOT NULL DEFAULT 'everyone';

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "email_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "emailed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "macro_teams" (
    "macro_id" UUID NOT NULL,
    "team_id" UUID NOT NULL,

    CONSTRAINT "macro_teams_pkey" PRIMARY KEY ("macro_id","team_id")
);

-- CreateTable
CREATE TABLE "conversation_fields" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" "ConversationFieldType" NOT NULL,
    "options" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "position" INTEGER NOT NULL DEFAULT 0,
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_fields_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_field_inboxes" (
    "field_id" UUID NOT NULL,
    "inbox_id" UUID NOT NULL,

    CONSTRAINT "conversation_field_inboxes_pkey" PRIMARY KEY ("field_id","inbox_id")
);

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "in_app" BOOLEAN NOT NULL DEFAULT true,
    "email" BOOLEAN NOT NULL DEFAULT false,
    "push" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id","kind")
);

-- CreateTable
CREATE TABLE "push_subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "user_agent" TEXT,
    "last_pushed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "macro_teams_team_id_idx" ON "macro_teams"("team_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversation_fields_key_key" ON "conversation_fields"("key");

-- CreateIndex
CREATE INDEX "conversation_field_inboxes_inbox_id_idx" ON "conversation_field_inboxes"("inbox_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_subscriptions_endpoint_key" ON "push_subscriptions"("endpoint");

-- CreateIndex
CREATE INDEX "push_subscriptions_user_id_idx" ON "push_subscriptions"("user_id");

-- CreateIndex
CREATE INDEX "conversations_custom_fields_idx" ON "conversations" USING GIN ("custom_fields" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "notifications_email_due_at_idx" ON "notifications"("email_due_at");

-- AddForeignKey
ALTER TABLE "macro_teams" ADD CONSTRAINT "macro_teams_macro_id_fkey" FOREIGN KEY ("macro_id") REFERENCES "macros"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "macro_teams" ADD CONSTRAINT "macro_teams_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_field_inboxes" ADD CONSTRAINT "conversation_field_inboxes_field_id_fkey" FOREIGN KEY ("field_id") REFERENCES "conversation_fields"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_field_inboxes" ADD CONSTRAINT "conversation_field_inboxes_inbox_id_fkey" FOREIGN KEY ("inbox_id") REFERENCES "inboxes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
