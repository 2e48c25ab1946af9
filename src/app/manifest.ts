// The web app manifest (served by Next as /manifest.webmanifest and linked from
// every page): lets an agent install the console on a phone's home screen and
// open it straight into the inbox, full screen like an app.
import type { MetadataRoute } from "next";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Throughline",
    short_name: "Throughline",
    description: "The helpdesk built around the single view of the customer.",
    id: "/inbox",
    start_url: "/inbox",
    scope: "/",
    display: "standalone",
    orientation: "any",
    // The brand indigo for the title bar; the splash screen matches the console's light background.
    theme_color: "#4f46e5",
    background_color: "#ffffff",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      // Full-bleed square with the mark inside the safe zone, for launchers that crop to a shape.
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
