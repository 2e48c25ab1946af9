// Quality guard for the emotion scorer on the labelled fixture sets
// (tests/fixtures/emotion/). The floors are the figures npm run emotion:eval
// measured for the shipped library and thresholds (docs/emotion.md), minus a
// small margin: a change that makes the scorer worse fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FRUSTRATION_CUES, scoreMessage, type EmotionLabel } from "@/server/emotion";

type Fixture = { text: string; label: EmotionLabel; cues: string[]; lang?: string };
const load = (name: string) =>
  (JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../fixtures/emotion", name), "utf8")) as { messages: Fixture[] }).messages;

const main = load("messages.json");
const holdout = load("holdout.json");

/** Measured: 83.0% on messages.json (176 English), 78.1% on holdout.json (32 English). */
const FLOOR = { main: 0.8, holdout: 0.74 };
/** Measured: cue precision and recall 100% on both sets (the patterns were written against messages.json). */
const CUE_FLOOR = 0.9;

function accuracy(set: Fixture[]) {
  const english = set.filter((f) => f.label !== "unscored");
  return english.filter((f) => scoreMessage(f.text).label === f.label).length / english.length;
}

function cuePrecisionRecall(set: Fixture[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const f of set.filter((x) => x.label !== "unscored")) {
    const got = new Set(scoreMessage(f.text).cues);
    for (const c of FRUSTRATION_CUES) {
      const want = f.cues.includes(c);
      if (want && got.has(c)) tp++;
      else if (got.has(c)) fp++;
      else if (want) fn++;
    }
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

describe("the fixture sets", () => {
  it("are the sets the brief asks for", () => {
    const english = main.filter((f) => f.label !== "unscored");
    expect(english.length).toBeGreaterThanOrEqual(150);
    expect(main.filter((f) => f.label === "unscored").length).toBeGreaterThanOrEqual(15);
    for (const f of [...main, ...holdout]) for (const c of f.cues) expect(FRUSTRATION_CUES).toContain(c);
  });

  it("are labelled at or above the measured accuracy", () => {
    expect(accuracy(main)).toBeGreaterThanOrEqual(FLOOR.main);
    expect(accuracy(holdout)).toBeGreaterThanOrEqual(FLOOR.holdout);
  });

  it("find the labelled cues", () => {
    for (const set of [main, holdout]) {
      const { precision, recall } = cuePrecisionRecall(set);
      expect(precision).toBeGreaterThanOrEqual(CUE_FLOOR);
      expect(recall).toBeGreaterThanOrEqual(CUE_FLOOR);
    }
  });

  it("leave every non-English message unscored, with no score", () => {
    const foreign = [...main, ...holdout].filter((f) => f.label === "unscored");
    const scored = foreign.filter((f) => scoreMessage(f.text).label !== "unscored").map((f) => `${f.lang}: ${f.text}`);
    expect(scored).toEqual([]);
    for (const f of foreign) expect(scoreMessage(f.text).score).toBeNull();
  });

  it("score every English message (none wrongly unscored)", () => {
    const english = [...main, ...holdout].filter((f) => f.label !== "unscored");
    expect(english.filter((f) => scoreMessage(f.text).label === "unscored").map((f) => f.text)).toEqual([]);
  });
});

describe("short English", () => {
  it.each(["ok", "k", "thx!", "ty", "👍", "yes", "no", "nope", "lol", "hello?", "perfect", "great", "cheers mate", "stop texting me", "wtf", "sure", "done", "any update?"])(
    "%s is scored",
    (text) => {
      const e = scoreMessage(text);
      expect(e.label).not.toBe("unscored");
      expect(typeof e.score).toBe("number");
    },
  );

  it("reads the obvious ones the obvious way", () => {
    expect(scoreMessage("thx!").label).toBe("positive");
    expect(scoreMessage("👍").label).toBe("positive");
    expect(scoreMessage("wtf").label).toBe("negative");
    expect(scoreMessage("how do I export my invoices?").label).toBe("neutral");
  });
});
