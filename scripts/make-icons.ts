/**
 * Renders public/icon.svg (the one source of the app's icon) into the raster icons browsers and
 * home screens ask for: `npx tsx scripts/make-icons.ts` after changing the SVG, then commit public/.
 *
 * - public/favicon.ico: 16, 32 and 48 px PNGs in one ICO (browsers request /favicon.ico on first load),
 * - public/apple-touch-icon.png: 180 px (iOS home screen),
 * - public/icons/icon-192.png, icon-512.png: the web manifest's icons,
 * - public/icons/maskable-512.png: the same mark on a full-bleed background inside the safe zone.
 * Rendered with the real Chromium the e2e tests use.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(__dirname, "..");
const publicDir = path.join(root, "public");
const svg = readFileSync(path.join(publicDir, "icon.svg"), "utf8");
const BRAND = "#1f63db";

/** An ICO file holding PNG images (supported by every current browser and Windows Vista+). */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // width (0 = 256)
    entry.writeUInt8(size >= 256 ? 0 : size, 1); // height
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const page = await browser.newPage();
    const render = async (size: number, options: { maskable?: boolean } = {}): Promise<Buffer> => {
      await page.setViewportSize({ width: size, height: size });
      // Maskable: the mark scaled into the central 80 % safe zone on a full-bleed brand background.
      const inner = options.maskable ? Math.round(size * 0.8) : size;
      await page.setContent(
        `<html><body style="margin:0;display:grid;place-items:center;width:${size}px;height:${size}px;background:${
          options.maskable ? BRAND : "transparent"
        }"><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}" width="${inner}" height="${inner}"></body></html>`,
      );
      return page.screenshot({ omitBackground: !options.maskable, type: "png" });
    };
    mkdirSync(path.join(publicDir, "icons"), { recursive: true });
    // One page, so one size at a time.
    const small: { size: number; png: Buffer }[] = [];
    for (const size of [16, 32, 48]) small.push({ size, png: await render(size) });
    writeFileSync(path.join(publicDir, "favicon.ico"), ico(small));
    writeFileSync(path.join(publicDir, "apple-touch-icon.png"), await render(180));
    writeFileSync(path.join(publicDir, "icons", "icon-192.png"), await render(192));
    writeFileSync(path.join(publicDir, "icons", "icon-512.png"), await render(512));
    writeFileSync(path.join(publicDir, "icons", "maskable-512.png"), await render(512, { maskable: true }));
    console.log("wrote public/favicon.ico, public/apple-touch-icon.png and public/icons/*.png");
  } finally {
    await browser.close();
  }
}

void main();
