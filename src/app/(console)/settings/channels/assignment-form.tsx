"use client";
// "Assign to the agent who replies first", one per inbox of any kind; saved as soon as it is ticked.
import { useActionState, useId } from "react";
import type { ChannelFormState } from "./actions";
import { updateAssignOnReplyAction } from "./assignment-actions";

export function AssignOnReplyForm({ inbox }: { inbox: { id: string; name: string; assignOnReply: boolean } }) {
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(updateAssignOnReplyAction, {});
  const hint = useId();
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
        Assign to the agent who replies first
      </label>
      <span id={hint} className="text-xs text-slate-600">
        An agent&apos;s reply to an unassigned conversation in {inbox.name} makes it theirs (notes do not).
      </span>
      <span role="status" aria-live="polite" className={state.error ? "text-xs text-red-700" : "text-xs text-emerald-800"}>
        {pending ? "Saving…" : (state.error ?? state.ok ?? "")}
      </span>
    </form>
  );
}
