"use server";
// Admin action for widget inboxes: pin the widget's language and colour scheme (or let it follow the visitor).
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { setWidgetAppearance, type WidgetAppearance } from "@/server/channels/widget/inboxes";
import { adminFormAction, type ChannelFormState } from "./admin-action";

export async function updateWidgetAppearanceAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
    const locale = String(form.get("locale") ?? "");
    const theme = String(form.get("theme") ?? "");
    await setWidgetAppearance(
      String(form.get("id") ?? ""),
      // The service refuses anything but a shipped locale and light/dark; "" is "follow the visitor".
      { locale: locale === "" ? null : locale, theme: (theme === "" ? null : theme) as WidgetAppearance["theme"] },
      viewer.userId,
    );
    revalidatePath("/settings/channels");
    return (await getTranslations("settings.widgetAppearance"))("saved");
  });
}
