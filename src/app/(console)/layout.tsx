import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentViewer } from "@/server/auth/session";
import { TRPCReactProvider } from "@/trpc/react";
import { ConsoleNav } from "@/components/console-nav";
import { ServiceWorker } from "@/components/service-worker";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  if (!viewer) {
    const path = (await headers()).get("x-throughline-path");
    redirect(path && path.startsWith("/") && !path.startsWith("//") ? `/login?callbackUrl=${encodeURIComponent(path)}` : "/login");
  }
  return (
    <TRPCReactProvider>
      <div className="flex h-full min-h-screen">
        <ConsoleNav viewer={{ name: viewer.name ?? "", email: viewer.email ?? "", role: viewer.role }} />
        <main id="main" className="min-w-0 flex-1 overflow-auto">
          {children}
        </main>
      </div>
      <ServiceWorker />
    </TRPCReactProvider>
  );
}
