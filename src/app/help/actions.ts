"use server";
// "Did this help?" — counted on the article (helpfulYes / helpfulNo).
import { redirect } from "next/navigation";
import { recordFeedback } from "@/server/helpcenter/articles";

export async function articleFeedback(formData: FormData) {
  const id = String(formData.get("articleId") ?? "");
  const helpful = formData.get("helpful") === "yes";
  const back = String(formData.get("back") ?? "/help");
  try {
    await recordFeedback(id, helpful);
  } catch {
    /* an unknown or unpublished article: nothing to count */
  }
  redirect(`${back.startsWith("/help") ? back : "/help"}?feedback=${helpful ? "yes" : "no"}`);
}
