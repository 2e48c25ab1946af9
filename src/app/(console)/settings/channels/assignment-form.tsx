"use client";
// "Assign to the agent who replies first", one per inbox of any kind; saved as soon as it is ticked.
import { useActionState, useId } from "react";
import { useTranslations } from "next-intl";
import type { ChannelFormState } from "./actions";
import { updateAssignOnReplyAction } from "./assignment-actions";

export function AssignOnReplyForm({ inbox }: { inbox: { id: string; name: string; assignOnReply: boolean } }) {
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(updateAssignOnReplyAction, {});
  const hint = useId();
  const t = useTranslations("settings.channels");
  return (
    <form action={action} className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1 border-t border-slate-100 pt-3" data-testid="assign-on-reply">
      <input type="hidden" name="id" value={inbox.id} />
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input
          type="checkbox"
          name="assignOnReply"
          defaultChecked={inbox.assignOnReply}
          disabled={pending}
          aria-describedby={hint}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          className="h-4 w-4 rounded border-slate-300"
        />
        {t("assign.label")}
      </label>
      <span id={hint} className="text-xs text-slate-600">
        {t("assign.hint", { name: inbox.name })}
      </span>
      <span role="status" aria-live="polite" className={state.error ? "text-xs text-red-700" : "text-xs text-emerald-800"}>
        {pending ? t("form.saving") : (state.error ?? state.ok ?? "")}
      </span>
    </form>
  );
}
