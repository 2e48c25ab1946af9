// Surveys: CSAT when a conversation is resolved, CES after an article view (consumer of the domain-event queue).
import { registerEventConsumer } from "@/server/jobs/registry";
import { onSurveyEvents } from "./service";

registerEventConsumer({ name: "surveys", handle: onSurveyEvents });
