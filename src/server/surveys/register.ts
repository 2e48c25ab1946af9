// Surveys: CSAT when a conversation is resolved, CES after an article view (consumer of the domain-event queue).
import { defineJobs } from "@/server/lib/background";
import { onSurveyEvents } from "./service";

export const surveyJobs = defineJobs({ consumers: { surveys: onSurveyEvents } });
