-- AlterTable
ALTER TABLE "inboxes" ADD COLUMN     "assign_on_reply" BOOLEAN NOT NULL DEFAULT true;
