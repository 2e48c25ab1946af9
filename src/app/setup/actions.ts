"use server";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { createFirstAdmin } from "@/server/people/setup";

export type SetupState = { error?: string };

export async function setupAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  // Built per request: its messages are in the visitor's language.
  const t = await getTranslations("pages.setup.errors");
  const schema = z.object({
    name: z.string().trim().min(1, t("nameRequired")).max(100),
    email: z.string().trim().toLowerCase().email(t("emailInvalid")),
    password: z.string().min(10, t("passwordShort")).max(200),
  });
  const parsed = schema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? t("invalid") };
  const created = await createFirstAdmin(parsed.data);
  if (!created) return { error: t("alreadyComplete") };
  redirect("/login");
}
