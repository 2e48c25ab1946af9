// The SSRF guard's address classifier: which targets a server-side request to a
// user-typed URL may reach, in every spelling an attacker might use, and how
// OUTBOUND_ALLOWLIST lets explicit intranet targets through.
import { describe, expect, it } from "vitest";
import { blockedRange, hostIp, refusedAddress } from "@/server/net/address-policy";
import { invalidAllowlistEntries, parseAllowlist } from "@/server/net/allowlist";
import { actionSchema } from "@/server/rules/schema";
import { EnvError, parseEnv } from "@/env";

const none = parseAllowlist("");

/** What the guard sees of a URL: its IP literal after WHATWG parsing, classified. */
function verdict(url: string): string | null {
  const ip = hostIp(new URL(url));
  if (!ip) throw new Error(`${url} has no IP literal`);
  return blockedRange(ip);
}

describe("address classifier", () => {
  it.each([
    // IPv4, and the numeric forms the URL parser normalises to it
    ["http://127.0.0.1:8080/", "loopback"],
    ["http://127.255.255.254/", "loopback"],
    ["http://0x7f000001:8080/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://169.254.169.254/latest/meta-data/", "linkLocal"],
    ["http://0xa9fea9fe/", "linkLocal"],
    ["http://10.0.0.5/", "private"],
    ["http://012.0.0.5/", "private"],
    ["http://172.16.3.4/", "private"],
    ["http://172.31.255.255/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://100.64.0.1/", "carrierGradeNat"],
    ["http://224.0.0.1/", "multicast"],
    ["http://255.255.255.255/", "broadcast"],
    ["http://240.0.0.1/", "reserved"],
    ["http://192.0.2.10/", "reserved"],
    // IPv6
    ["http://[::1]:8080/", "loopback"],
    ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["http://[::]/", "unspecified"],
    ["http://[fc00::1]/", "uniqueLocal"],
    ["http://[fd12:3456:789a::1]/", "uniqueLocal"],
    ["http://[fe80::1]/", "linkLocal"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[fec0::1]/", "deprecatedSiteLocal"],
    ["http://[2001:db8::1]/", "reserved"],
    // IPv4 inside IPv6: mapped, compatible, translated, NAT64, 6to4, Teredo
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[::ffff:169.254.169.254]/", "linkLocal"],
    ["http://[::ffff:10.1.2.3]/", "private"],
    ["http://[::127.0.0.1]/", "ipv4Compatible"],
    ["http://[::8.8.8.8]/", "ipv4Compatible"],
    ["http://[::ffff:0:127.0.0.1]/", "rfc6145:loopback"],
    ["http://[64:ff9b::127.0.0.1]/", "rfc6052:loopback"],
    ["http://[64:ff9b::10.0.0.1]/", "rfc6052:private"],
    ["http://[64:ff9b:1::1]/", "rfc6052"],
    ["http://[2002:7f00:1::1]/", "6to4:loopback"],
    ["http://[2002:c0a8:101::1]/", "6to4:private"],
    // Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (80ff:fffe)
    ["http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "teredo:loopback"],
    ["http://[2001:0:a00:1:8000:63bf:f7f7:f7f7]/", "teredo:private"],
  ])("%s is refused (%s)", (url, range) => {
    expect(verdict(url)).toBe(range);
  });

  it.each([
    "http://8.8.8.8/",
    "https://93.184.215.14/",
    "http://0x08080808/",
    "http://172.32.0.1/",
    "http://100.128.0.1/",
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[64:ff9b::8.8.8.8]/",
    "http://[2002:808:808::1]/",
    "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/",
  ])("%s is public", (url) => {
    expect(verdict(url)).toBeNull();
  });

  it("sees host names as names, to be resolved and checked", () => {
    expect(hostIp(new URL("http://localhost:3000/"))).toBeNull();
    expect(hostIp(new URL("https://hooks.example.com/x"))).toBeNull();
    expect(hostIp(new URL("http://[::1]/"))).toBe("::1");
  });

  it("refuses a name if ANY of its addresses is not public", () => {
    expect(refusedAddress("mixed.example.com", ["8.8.8.8", "10.0.0.7"], none)).toEqual({ address: "10.0.0.7", range: "private" });
    expect(refusedAddress("v6.example.com", ["2606:4700::1", "::1"], none)).toEqual({ address: "::1", range: "loopback" });
    expect(refusedAddress("public.example.com", ["8.8.8.8", "2606:4700::1"], none)).toBeNull();
  });
});

describe("OUTBOUND_ALLOWLIST", () => {
  const allow = parseAllowlist("10.0.0.0/8, intranet.example.com,127.0.0.1/32, fd00::/8,192.168.5.5");

  it("lets allowlisted CIDRs and addresses through, nothing next to them", () => {
    expect(refusedAddress("10.20.30.40", ["10.20.30.40"], allow)).toBeNull();
    expect(refusedAddress("::ffff:10.1.1.1", ["::ffff:10.1.1.1"], allow)).toBeNull();
    expect(refusedAddress("127.0.0.1", ["127.0.0.1"], allow)).toBeNull();
    expect(refusedAddress("fd00::5", ["fd00::5"], allow)).toBeNull();
    expect(refusedAddress("192.168.5.5", ["192.168.5.5"], allow)).toBeNull();
    expect(refusedAddress("127.0.0.2", ["127.0.0.2"], allow)).toMatchObject({ range: "loopback" });
    expect(refusedAddress("192.168.5.6", ["192.168.5.6"], allow)).toMatchObject({ range: "private" });
    expect(refusedAddress("fc00::5", ["fc00::5"], allow)).toMatchObject({ range: "uniqueLocal" });
    expect(refusedAddress("169.254.169.254", ["169.254.169.254"], allow)).toMatchObject({ range: "linkLocal" });
  });

  it("lets an allowlisted host name through whatever it resolves to, only that exact name", () => {
    expect(refusedAddress("intranet.example.com", ["192.168.9.9"], allow)).toBeNull();
    expect(refusedAddress("INTRANET.Example.com.", ["192.168.9.9"], allow)).toBeNull();
    expect(refusedAddress("evil.intranet.example.com", ["192.168.9.9"], allow)).toMatchObject({ range: "private" });
    expect(refusedAddress("intranet.example.com.evil.test", ["192.168.9.9"], allow)).toMatchObject({ range: "private" });
    // A CIDR entry matches addresses, a name entry only that name: a name that resolves into 10/8 is allowed by the CIDR.
    expect(refusedAddress("db.corp", ["10.9.9.9"], allow)).toBeNull();
  });

  it("names invalid entries, and start-up stops on them naming the variable", () => {
    expect(invalidAllowlistEntries("10.0.0.0/8,intranet.example.com,::1,fd00::/8")).toEqual([]);
    expect(invalidAllowlistEntries("10.0.0.0/33, foo bar,http://x.example,0x7f000001,10.0.0.0/x,host:80")).toEqual(["10.0.0.0/33", "foo bar", "http://x.example", "0x7f000001", "10.0.0.0/x", "host:80"]);
    expect(() => parseAllowlist("10.0.0.0/8,foo bar")).toThrow(/OUTBOUND_ALLOWLIST.*foo bar/);
    const secrets = Object.fromEntries(
      ["NEXTAUTH_SECRET", "DEMO_INBOX_TOKEN", "DEMO_API_KEY", "WIDGET_IDENTITY_SECRET", "META_APP_SECRET", "META_VERIFY_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "X_CONSUMER_SECRET"].map((k) => [k, `${k.toLowerCase()}-0123456789abcdef0123456789abcdef`]),
    );
    expect(parseEnv({ ...secrets, OUTBOUND_ALLOWLIST: "10.0.0.0/8,intranet.example.com" }).OUTBOUND_ALLOWLIST).toBe("10.0.0.0/8,intranet.example.com");
    expect(parseEnv(secrets).OUTBOUND_ALLOWLIST).toBeUndefined();
    expect(() => parseEnv({ ...secrets, OUTBOUND_ALLOWLIST: "10.0.0.0/8,intranet example" })).toThrow(EnvError);
    expect(() => parseEnv({ ...secrets, OUTBOUND_ALLOWLIST: "10.0.0.0/8,intranet example" })).toThrow(
      "Invalid environment variable OUTBOUND_ALLOWLIST: not a CIDR, address or host name: intranet example",
    );
  });
});

describe("webhook URLs at rule save time", () => {
  const webhook = (url: string) => actionSchema.safeParse({ type: "webhook", url }).success;

  it("accepts http and https only (the address is checked when sending)", () => {
    expect(webhook("https://hooks.example.com/throughline")).toBe(true);
    expect(webhook("HTTP://Hooks.Example.com:8080/x")).toBe(true);
    expect(webhook("http://127.0.0.1:9/")).toBe(true);
    for (const url of ["ftp://files.example.com/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "javascript:alert(1)", "data:text/plain,x", "dict://127.0.0.1:11211/", "hooks.example.com/x", "http://", ""]) {
      expect(webhook(url), url).toBe(false);
    }
  });
});
