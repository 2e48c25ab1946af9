// The lean layer's JSON answer: an ordinary Response to whoever reads it in
// process, and written to the socket from its text by the server.
import { describe, expect, it } from "vitest";
import http from "node:http";
import { JsonResponse, jsonResponse, writeJsonResponse } from "@/server/http/json-response";

describe("JsonResponse", () => {
  it("reads like a Response: json, text, bytes, body stream, clone, one read only", async () => {
    const res = jsonResponse({ a: 1, b: "ü" }, { status: 201, headers: { "x-k": "v" } });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-k")).toBe("v");
    const copy = res.clone();
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ a: 1, b: "ü" });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(/already been read/);
    expect(await copy.text()).toBe('{"a":1,"b":"ü"}');
    const streamed = await new Response(jsonResponse([1, 2]).body).text();
    expect(streamed).toBe("[1,2]");
    expect(new TextDecoder().decode(await jsonResponse({ x: "é" }).arrayBuffer())).toBe('{"x":"é"}');
  });

  it("is written to the socket with its status, headers, cookies and exact length (none of the body for HEAD)", async () => {
    const server = http.createServer((req, res) => {
      const answer = new JsonResponse(JSON.stringify({ ok: "ü" }), { status: 409, headers: { "content-type": "application/json", "cache-control": "no-store" } });
      answer.headers.append("set-cookie", "a=1; Path=/");
      answer.headers.append("set-cookie", "b=2; Path=/");
      expect(writeJsonResponse(answer, req.method, res)).toBe(true);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const got = await fetch(`http://127.0.0.1:${port}/`);
      expect(got.status).toBe(409);
      expect(got.headers.get("cache-control")).toBe("no-store");
      expect(got.headers.get("content-length")).toBe(String(Buffer.byteLength('{"ok":"ü"}')));
      expect(got.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
      expect(await got.json()).toEqual({ ok: "ü" });
      const head = await fetch(`http://127.0.0.1:${port}/`, { method: "HEAD" });
      expect(head.status).toBe(409);
      expect(await head.text()).toBe("");
    } finally {
      server.close();
    }
  });

  it("leaves other answers to the general writer", () => {
    expect(writeJsonResponse(new Response("plain"), "GET", {} as http.ServerResponse)).toBe(false);
  });
});
