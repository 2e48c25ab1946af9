// The journey-stage rules: what moves a customer from one stage to the next.
// Documented in docs/journey.md; change the numbers and lists here (and the
// doc) to tune them. inferStage() is a pure function of a customer's facts
// (./facts.ts) at a moment, so the same rules explain any point in the past.
export const JOURNEY_STAGES = ["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy", "at_risk"] as const;
export type Stage = (typeof JOURNEY_STAGES)[number];
/** The lifecycle order used by the funnel (at_risk sits beside it). */
export const FUNNEL_STAGES: Stage[] = ["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy"];

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export const JOURNEY_RULES = {
  /** product_event names that are page views. */
  pageViewEvents: ["page_view", "pageview", "page_viewed", "viewed_page", "view"],
  /** A page view whose url or path contains one of these (case-insensitive) is research → consideration. */
  considerationUrlContains: ["/pricing", "/plans", "/docs", "/compare", "/contact-sales"],
  /** product_event names that also count as consideration (trying the product). */
  considerationEvents: ["sign_up", "signup", "signed_up", "trial_started", "demo_requested"],
  /** Reading the help center is reading the docs. */
  articleViewIsConsideration: true,
  /** product_event names that are purchases. */
  purchaseEvents: ["purchase", "order_completed", "subscription_started"],
  /** The "purchase" stage lasts until the customer's next activity, at most this long. */
  purchaseStageMs: 24 * HOUR,
  /** After the first purchase the customer is onboarding for this long, then in retention. */
  onboardingMs: 30 * DAY,
  /** NPS 9–10 → advocacy (while the latest NPS answer is this recent). */
  promoterMin: 9,
  promoterValidMs: 365 * DAY,
  /** product_event names that make an advocate (while this recent). */
  referralEvents: ["referral", "referral_sent", "referred_customer", "review_posted", "testimonial_given"],
  referralValidMs: 180 * DAY,
  /** NPS 0–6 → at risk (while the latest NPS answer is this recent). */
  detractorMax: 6,
  detractorValidMs: 90 * DAY,
  /** 3+ conversations opened in 14 days and still unresolved → at risk. */
  unresolvedContacts: 3,
  unresolvedWindowMs: 14 * DAY,
  /** 30 days without any activity from a customer who has purchased → at risk. */
  silenceMs: 30 * DAY,
  /** A payment failure not followed by a purchase, or a cancellation → at risk. */
  paymentFailedEvents: ["payment_failed", "charge_failed", "invoice_payment_failed"],
  cancelEvents: ["subscription_cancelled", "subscription_canceled", "churned"],
  /** An agent's manual stage holds for this long before inference resumes. */
  overrideMs: 30 * DAY,
} as const;

export type JourneyRules = typeof JOURNEY_RULES;

/** What inference reads about a customer, as of a moment. Times are ms since epoch. */
export type JourneyFacts = {
  firstActivityAt: number | null;
  lastActivityAt: number | null;
  considerationAt: number | null;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  /** The customer's first activity after the first purchase (ends the "purchase" stage). */
  activityAfterFirstPurchaseAt: number | null;
  latestNps: { score: number; at: number } | null;
  lastReferralAt: number | null;
  lastPaymentFailedAt: number | null;
  lastCancelledAt: number | null;
  /** Conversations opened in the unresolved window that are still not resolved. */
  unresolvedRecentContacts: number;
};

export type Inference = { stage: Stage; reason: string } | null;

/** The stage the rules give at `now`. At risk beats advocacy beats the lifecycle. */
export function inferStage(f: JourneyFacts, now: number, rules: JourneyRules = JOURNEY_RULES): Inference {
  const risk = atRiskReason(f, now, rules);
  if (risk) return { stage: "at_risk", reason: risk };
  if (f.latestNps && f.latestNps.score >= rules.promoterMin && now - f.latestNps.at <= rules.promoterValidMs) {
    return { stage: "advocacy", reason: `NPS ${f.latestNps.score}` };
  }
  if (f.lastReferralAt !== null && now - f.lastReferralAt <= rules.referralValidMs) return { stage: "advocacy", reason: "Referral" };
  if (f.firstPurchaseAt !== null) {
    const since = now - f.firstPurchaseAt;
    const moved = f.activityAfterFirstPurchaseAt !== null && f.activityAfterFirstPurchaseAt <= now;
    if (!moved && since < rules.purchaseStageMs) return { stage: "purchase", reason: "First purchase" };
    if (since < rules.onboardingMs) return { stage: "onboarding", reason: "Within 30 days of the first purchase" };
    return { stage: "retention", reason: "Customer for more than 30 days" };
  }
  if (f.considerationAt !== null) return { stage: "consideration", reason: "Researched pricing, docs or a trial" };
  if (f.firstActivityAt !== null) return { stage: "awareness", reason: "First visit" };
  return null;
}

function atRiskReason(f: JourneyFacts, now: number, rules: JourneyRules): string | null {
  if (f.latestNps && f.latestNps.score <= rules.detractorMax && now - f.latestNps.at <= rules.detractorValidMs) return `NPS ${f.latestNps.score}`;
  if (f.unresolvedRecentContacts >= rules.unresolvedContacts) return `${f.unresolvedRecentContacts} unresolved contacts in 14 days`;
  if (f.lastCancelledAt !== null && (f.lastPurchaseAt === null || f.lastPurchaseAt < f.lastCancelledAt)) return "Subscription cancelled";
  if (f.lastPaymentFailedAt !== null && (f.lastPurchaseAt === null || f.lastPurchaseAt < f.lastPaymentFailedAt)) return "Payment failed";
  if (f.firstPurchaseAt !== null && f.lastActivityAt !== null && now - f.lastActivityAt >= rules.silenceMs) return "30 days of silence";
  return null;
}
