-- CreateTable
CREATE TABLE "assistant_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "summary_enabled" BOOLEAN NOT NULL DEFAULT true,
    "reply_enabled" BOOLEAN NOT NULL DEFAULT true,
    "bot_enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assistant_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assistant_requests" (
    "id" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "model" TEXT,
    "user_id" UUID,
    "customer_id" UUID,
    "conversation_id" UUID,
    "prompt" JSONB NOT NULL DEFAULT '[]',
    "context_refs" JSONB NOT NULL DEFAULT '{}',
    "response" TEXT,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "latency_ms" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assistant_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "assistant_requests_created_at_idx" ON "assistant_requests"("created_at");

-- CreateIndex
CREATE INDEX "assistant_requests_feature_created_at_idx" ON "assistant_requests"("feature", "created_at");
