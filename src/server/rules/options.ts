// What the automation rule form offers to pick from: active agents, teams, inboxes.
import { db } from "@/server/db";

export async function ruleFormOptions() {
  const [users, teams, inboxes] = await Promise.all([
    db.user.findMany({ where: { deactivatedAt: null }, select: { id: true, name: true, role: true }, orderBy: { name: "asc" } }),
    db.team.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.inbox.findMany({ select: { id: true, name: true, channel: true }, orderBy: { name: "asc" } }),
  ]);
  return { users, teams, inboxes };
}
