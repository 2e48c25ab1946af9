-- CreateTable
CREATE TABLE "survey_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "csat_requires_agent_reply" BOOLEAN NOT NULL DEFAULT true,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "survey_settings_pkey" PRIMARY KEY ("id")
);
