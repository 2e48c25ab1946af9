-- AlterTable
ALTER TABLE "users" ADD COLUMN     "online_until" TIMESTAMPTZ(3);
