"use client";
// Renders the OpenAPI document with Scalar's standalone browser bundle, served
// from our own origin by the lean layer (GET /api/docs/reference.js): no CDN,
// nothing from another origin (the console's CSP allows none; the deployment
// may be offline). The script is added by this component, so under
// 'strict-dynamic' it runs however the page was reached; it carries the nonce too.
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";

const SCRIPT = "/api/docs/reference.js";

type ScalarInstance = { destroy: () => void };
type ScalarGlobal = { createApiReference: (el: Element, configuration: Record<string, unknown>) => ScalarInstance };

const CONFIGURATION = {
  url: "/api/v1/openapi.json",
  // Everything from our origin: no fonts from Scalar's CDN, no telemetry, no
  // hosted AI agent or MCP panel; "try it" calls this origin directly (no proxy is set).
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  hideDarkModeToggle: true,
  darkMode: false,
  forceDarkModeState: "light",
  persistAuth: false,
  documentDownloadType: "json",
  // Five operations: list them all in the sidebar at once.
  defaultOpenAllTags: true,
};

let loading: Promise<ScalarGlobal> | null = null;
// The loader's own failures, shown in the page's language (settings.apiReference.*).
const NOT_STARTED = "notStarted";
const NOT_LOADED = "notLoaded";

function loadRenderer(nonce: string | undefined): Promise<ScalarGlobal> {
  const existing = (window as unknown as { Scalar?: ScalarGlobal }).Scalar;
  if (existing) return Promise.resolve(existing);
  loading ??= new Promise<ScalarGlobal>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = SCRIPT;
    script.async = true;
    if (nonce) script.nonce = nonce;
    script.onload = () => {
      const scalar = (window as unknown as { Scalar?: ScalarGlobal }).Scalar;
      if (scalar) resolve(scalar);
      else reject(new Error(NOT_STARTED));
    };
    script.onerror = () => reject(new Error(NOT_LOADED));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

export function ApiReference({ nonce }: { nonce?: string }) {
  const t = useTranslations("settings.apiReference");
  const mount = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let instance: ScalarInstance | undefined;
    let gone = false;
    loadRenderer(nonce).then(
      (scalar) => {
        if (!gone && mount.current) instance = scalar.createApiReference(mount.current, CONFIGURATION);
      },
      (error: Error) => !gone && setFailed(error.message),
    );
    return () => {
      gone = true;
      instance?.destroy();
    };
  }, [nonce]);

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-surface">
      {failed ? (
        <p role="alert" className="p-4 text-sm text-red-700">
          {t.rich("failed", {
            reason: failed === NOT_STARTED || failed === NOT_LOADED ? t(failed) : failed,
            doc: (c) => <a className="underline" href="/api/v1/openapi.json">{c}</a>,
          })}
        </p>
      ) : null}
      {/* Scalar mounts into this element; React leaves it empty. */}
      <div ref={mount} data-testid="api-reference" />
    </div>
  );
}
