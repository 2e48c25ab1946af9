// The public survey answer endpoint (no login; the signed token is the key).
//   GET  /api/surveys/:token → { status, kind, min, max, question }
//   POST /api/surveys/:token with JSON { score, comment? } → 201 { ok, kind, score }
//        or a form post (score, comment) → 303 back to /survey/:token?result=…
// Errors: 404 invalid link, 409 already answered, 410 expired, 400 bad score.
import { checkJsonShape } from "@/server/security/json-shape";
import { answerSurvey, surveyForPage, SurveyError } from "@/server/surveys/service";
import { domainErrorResponse } from "../errors";
import type { RouteContext } from "../route-context";

// The form's page shows these (src/app/survey); JSON answers are the shared error shape (src/server/http/errors.ts).
const RESULT: Record<SurveyError["code"], string> = { invalid: "invalid", not_found: "invalid", already_answered: "already", expired: "expired", out_of_range: "range", no_conversation: "invalid" };

export async function getSurvey(_req: Request, ctx: RouteContext<"token">) {
  const { token } = await ctx.params;
  const s = await surveyForPage(token);
  if (s.status === "invalid") return Response.json({ error: { code: "invalid", message: "This survey link is not valid." } }, { status: 404 });
  return Response.json({ status: s.status, kind: s.kind, min: s.scale.min, max: s.scale.max, question: s.scale.question }, { headers: { "cache-control": "no-store" } });
}

export async function postSurveyAnswer(req: Request, ctx: RouteContext<"token">) {
  const { token } = await ctx.params;
  const type = req.headers.get("content-type") ?? "";
  const isForm = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data");
  let score: number;
  let comment: string | null = null;
  try {
    if (isForm) {
      const form = await req.formData();
      score = Number(form.get("score"));
      comment = typeof form.get("comment") === "string" ? String(form.get("comment")) : null;
    } else {
      const raw = await req.text();
      if (raw.length > 10_000) return Response.json({ error: { code: "too_large", message: "The answer is too large." } }, { status: 413 });
      const parsed = JSON.parse(raw || "{}") as unknown;
      const refusal = checkJsonShape(parsed);
      if (refusal) return Response.json({ error: refusal }, { status: 400 });
      const body = parsed as { score?: unknown; comment?: unknown };
      score = Number(body.score);
      comment = typeof body.comment === "string" ? body.comment : null;
    }
  } catch {
    return Response.json({ error: { code: "invalid_request", message: "Send JSON { score, comment } or a form." } }, { status: 400 });
  }
  const back = (result: string) => new Response(null, { status: 303, headers: { location: `/survey/${encodeURIComponent(token)}?result=${result}` } });
  try {
    const r = await answerSurvey(token, { score, comment });
    return isForm ? back("thanks") : Response.json({ ok: true, kind: r.kind, score: r.score }, { status: 201 });
  } catch (error) {
    if (error instanceof SurveyError) {
      return isForm ? back(RESULT[error.code]) : domainErrorResponse(error);
    }
    throw error;
  }
}
