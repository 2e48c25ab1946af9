import { describe, expect, it } from "vitest";
import { FRUSTRATION_CUES, scoreMessage } from "@/server/emotion";
import { CUE_PULL, CUE_PULL_MAX, cuePull } from "@/server/emotion/score";

const cues = (text: string) => scoreMessage(text).cues;

describe("frustration cues", () => {
  it("caps: a shouted run or a mostly-capital text, not acronyms", () => {
    expect(cues("WHY IS MY ACCOUNT LOCKED")).toContain("caps");
    expect(cues("I ALREADY SENT YOU THE SCREENSHOTS")).toContain("caps");
    expect(cues("this is NOT OK AT ALL")).toContain("caps");
    expect(cues("Where do I find the API key for SSO and the CSV / PDF export URL?")).not.toContain("caps");
    expect(cues("Our GDPR DPA for the EU SCIM setup")).not.toContain("caps");
    expect(cues("OK")).not.toContain("caps");
    expect(cues("The invoice is wrong AGAIN.")).not.toContain("caps");
  });

  it("still and again: only in a complaint", () => {
    expect(cues("still not working")).toContain("still");
    expect(cues("We are still waiting for the fix")).toContain("still");
    expect(cues("I still love the product")).not.toContain("still");
    expect(cues("I still have the old version installed, should I update first?")).not.toContain("still");
    expect(cues("Your app crashed again")).toContain("again");
    expect(cues("logged out again for no reason")).toContain("again");
    expect(cues("thanks again for your help!")).not.toContain("again");
    expect(cues("Never ordering from you again.")).not.toContain("again");
    expect(cues("Our finance team needs the invoice again for the audit.")).not.toContain("again");
  });

  it("still/again as parts of other words are not cues", () => {
    expect(cues("the stillness of the night, against all odds")).toEqual([]);
  });

  it("repeated contact said in the text", () => {
    expect(cues("This is the third time I ask about this.")).toContain("repeated_contact");
    expect(cues("I have emailed you three times now")).toContain("repeated_contact");
    expect(cues("I already sent you the logs")).toContain("repeated_contact");
    expect(cues("nobody has replied to my emails")).toContain("repeated_contact");
    expect(cues("the checkout fails, I've tried 4 times")).not.toContain("repeated_contact");
  });

  it("repeated contact known to the caller adds the cue and pulls the score down", () => {
    const plain = scoreMessage("any update on my order?");
    const repeated = scoreMessage("any update on my order?", { repeatedContact: true });
    expect(plain.cues).not.toContain("repeated_contact");
    expect(repeated.cues).toContain("repeated_contact");
    expect(repeated.score!).toBeLessThan(plain.score!);
    expect(scoreMessage("Hallo, wo ist meine Bestellung? Ich warte seit Tagen.", { repeatedContact: true })).toEqual({ score: null, label: "unscored", cues: ["repeated_contact"] });
  });

  it("escalation words", () => {
    for (const text of [
      "I want to speak to a manager",
      "please escalate this to a supervisor",
      "my lawyer will hear about this",
      "cancel my subscription",
      "I want a refund",
      "I'll file a chargeback",
      "this is unacceptable",
      "I am filing a complaint",
      "reporting you to the BBB",
      "worst service ever",
    ]) {
      expect(cues(text), text).toContain("escalation");
    }
    expect(cues("Please cancel order 7781, wrong size")).not.toContain("escalation");
    expect(cues("a copy of your DPA for our legal team")).not.toContain("escalation");
  });

  it("cues pull the score down, by their weights, at most CUE_PULL_MAX", () => {
    expect(cuePull([])).toBe(0);
    expect(cuePull(["still"])).toBeCloseTo(0.1);
    expect(cuePull(["caps", "still", "escalation"])).toBeCloseTo(0.35);
    expect(cuePull([...FRUSTRATION_CUES])).toBe(CUE_PULL_MAX);
    const calm = scoreMessage("ok thanks");
    const pushed = scoreMessage("ok thanks", { repeatedContact: true });
    expect(pushed.score!).toBeCloseTo(calm.score! - CUE_PULL.repeated_contact, 3);
    const loud = scoreMessage("the export STILL DOES NOT WORK, this is unacceptable");
    expect(loud.cues).toEqual(expect.arrayContaining(["caps", "still", "escalation"]));
    expect(loud.label).toBe("negative");
  });
});
