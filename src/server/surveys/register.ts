// Surveys: CSAT when a conversation is resolved, CES after an article view (bus listener).
import { registerService } from "@/server/app/services";
import { startSurveyListener } from "./service";

registerService({
  name: "surveys",
  start: async () => {
    const off = startSurveyListener();
    return { stop: async () => off() };
  },
});
