-- AlterTable
ALTER TABLE "timeline_events" ADD COLUMN     "inbox_id" UUID;
