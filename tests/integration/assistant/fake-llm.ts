// A local server speaking the OpenAI chat-completions format (POST
// /v1/chat/completions → choices[0].message.content, usage), recording each
// request, with a behaviour the test sets: answer, answer slowly, or fail.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeRequest = { headers: http.IncomingHttpHeaders; body: { model: string; messages: { role: string; content: string }[]; [k: string]: unknown } };
export type Behaviour = { kind: "answer"; reply: (req: FakeRequest) => string } | { kind: "slow"; ms: number } | { kind: "fail"; status: number };

export async function startFakeLlm() {
  const requests: FakeRequest[] = [];
  let behaviour: Behaviour = { kind: "answer", reply: () => "ok" };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404).end();
        return;
      }
      const r: FakeRequest = { headers: req.headers, body: JSON.parse(raw) };
      requests.push(r);
      const b = behaviour;
      if (b.kind === "fail") {
        res.writeHead(b.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "upstream exploded", type: "server_error" } }));
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        const content = b.kind === "answer" ? b.reply(r) : "too late";
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: "chatcmpl-fake",
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: r.body.model,
            choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
            usage: { prompt_tokens: 321, completion_tokens: 45, total_tokens: 366 },
          }),
        );
      };
      if (b.kind === "slow") {
        const t = setTimeout(() => (timers.delete(t), send()), b.ms);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    set(b: Behaviour) {
      behaviour = b;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The user message's numbered line that contains `text`, as its number. */
export function lineNumberOf(req: FakeRequest, text: string): number | null {
  const user = req.body.messages.find((m) => m.role === "user")?.content ?? "";
  const line = user.split("\n").find((l) => l.includes(text));
  const m = line ? /^\[(\d+)\]/.exec(line) : null;
  return m ? Number(m[1]) : null;
}
