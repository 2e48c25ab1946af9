// A JSON answer that keeps its text beside the Response. Reading a Web
// Response's body back through its stream is what made the lean layer 3×
// slower than bare node:http (measured: 6.5k vs 20k req/s for a timeline-sized
// page); the custom server writes the kept text straight to the socket
// (writeJsonResponse). In-process callers (tests, middleware) still see an
// ordinary Response: text(), json(), arrayBuffer() and body read the same text.
export const JSON_TEXT = Symbol.for("throughline.jsonText");

const encoder = new TextEncoder();

export class JsonResponse extends Response {
  readonly [JSON_TEXT]: string;
  #used = false;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this[JSON_TEXT] = text;
  }

  #take(): string {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this[JSON_TEXT];
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    const bytes = encoder.encode(this[JSON_TEXT]);
    return new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  override async text(): Promise<string> {
    return this.#take();
  }

  override async json(): Promise<any> {
    return JSON.parse(this.#take());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return encoder.encode(this.#take()).buffer as ArrayBuffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return encoder.encode(this.#take());
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#take()], { type: this.headers.get("content-type") ?? "application/json" });
  }

  override clone(): JsonResponse {
    return new JsonResponse(this[JSON_TEXT], { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

export function jsonResponse(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): JsonResponse {
  return new JsonResponse(JSON.stringify(data), { status: init.status ?? 200, headers: { "content-type": "application/json", ...init.headers } });
}

/** Writes a JsonResponse to the socket directly; false for any other answer. */
export function writeJsonResponse(res: Response, method: string | undefined, outgoing: import("node:http").ServerResponse): boolean {
  if (!(res instanceof JsonResponse)) return false;
  const text = res[JSON_TEXT];
  const headers: Record<string, string | string[]> = {};
  res.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = res.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  headers["content-length"] = String(Buffer.byteLength(text));
  outgoing.writeHead(res.status, headers);
  outgoing.end(method === "HEAD" ? undefined : text);
  return true;
}
