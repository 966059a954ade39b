import type { MetadataRoute } from "next";

/** The web app manifest (/manifest.webmanifest): name and icons for "install" and home screens. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Hostplane",
    short_name: "Hostplane",
    description: "Self-hosted PaaS control panel",
    start_url: "/environments",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#1f63db",
    icons: [
      { src: "/icon.svg", type: "image/svg+xml", sizes: "any" },
      { src: "/icons/icon-192.png", type: "image/png", sizes: "192x192" },
      { src: "/icons/icon-512.png", type: "image/png", sizes: "512x512" },
      { src: "/icons/maskable-512.png", type: "image/png", sizes: "512x512", purpose: "maskable" },
    ],
  };
}
