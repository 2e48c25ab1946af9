import { SurveySettings } from "./survey-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Surveys" };

export default function SurveysPage() {
  return <SurveySettings />;
}
