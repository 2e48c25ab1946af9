import { SupervisorBoard } from "./board";

export const dynamic = "force-dynamic";
export const metadata = { title: "Supervisor" };

export default function SupervisorPage() {
  return <SupervisorBoard />;
}
