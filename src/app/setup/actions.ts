"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createFirstAdmin } from "@/server/people/setup";

const schema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100),
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  password: z.string().min(10, "Use at least 10 characters.").max(200),
});

export type SetupState = { error?: string };

export async function setupAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  const parsed = schema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input." };
  const created = await createFirstAdmin(parsed.data);
  if (!created) return { error: "Setup is already complete. Sign in instead." };
  redirect("/login");
}
