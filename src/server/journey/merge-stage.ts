// The journey stage of a customer right after a merge (docs/journey.md,
// "Merging customers"): inferred from the merged timeline, so a long-standing
// customer merged into a fresh duplicate keeps being who they are, not
// whatever the duplicate's few page views said.
import type { Tx } from "@/server/db/tx";
import { inferStage, type Stage } from "./rules";
import { loadJourneyFactsMany } from "./service";

type StageFields = { journeyStage: string | null; journeyStageSetBy: string | null };

export type MergedStage = { stage: string | null; setBy: string | null; reason: string };

/**
 * Call inside the merge's transaction, after the source's events and
 * conversations have moved to the target (it reads them through `tx`).
 * An agent's manual stage is their word about this person and holds: the
 * survivor's first, else the merged-away profile's (its override event moved
 * with its timeline, so the 30-day hold goes on). Otherwise the rules decide.
 */
export async function stageAfterMerge(tx: Tx, targetId: string, target: StageFields, source: StageFields, now: Date): Promise<MergedStage> {
  if (target.journeyStageSetBy) return { stage: target.journeyStage, setBy: target.journeyStageSetBy, reason: "Set by an agent" };
  if (source.journeyStageSetBy) return { stage: source.journeyStage, setBy: source.journeyStageSetBy, reason: "Set by an agent on the merged profile" };
  const facts = (await loadJourneyFactsMany([targetId], now, tx)).get(targetId);
  const inferred = facts ? inferStage(facts, now.getTime()) : null;
  if (inferred) return { stage: inferred.stage satisfies Stage, setBy: null, reason: inferred.reason };
  return { stage: target.journeyStage ?? source.journeyStage, setBy: null, reason: "No activity to infer from" };
}
