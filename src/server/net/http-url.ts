// Whether a string is an absolute http(s) URL as the WHATWG parser (the one
// guardedFetch uses) reads it: so "http:\\host" or "HTTP://host" are judged the
// way they will be sent, not by how they look. Pure, for save-time validation.
export function isHttpUrl(raw: string): boolean {
  try {
    const { protocol, hostname } = new URL(raw);
    return (protocol === "http:" || protocol === "https:") && hostname !== "";
  } catch {
    return false;
  }
}
