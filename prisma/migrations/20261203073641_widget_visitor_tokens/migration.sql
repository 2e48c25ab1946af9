-- CreateTable
CREATE TABLE "widget_visitor_tokens" (
    "visitor_id" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "rotated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "widget_visitor_tokens_pkey" PRIMARY KEY ("visitor_id")
);
