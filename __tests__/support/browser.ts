/**
 * The headless Chromium every page test drives. Which binary, in order:
 * 1. `CHROME_PATH`, when set (it must exist: a wrong path is an error, not a fallback);
 * 2. a system Chrome or Chromium, when one is installed (so macOS and desktops use their own);
 * 3. the Linux build that the `@sparticuz/chromium` dev dependency ships inside its npm package,
 *    so `npm ci && npm test` needs nothing but Node and npm.
 * When none of them can be had, launching fails with one line that says what to install; a
 * page test is never skipped.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Flags for a sandboxed, offline, headless run (this runs as root in CI, with no network). */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** The names a system Chrome or Chromium goes by on Linux, looked up on PATH. */
const LINUX_BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** Where Chrome and Chromium install themselves on the other desktops. */
const APP_BROWSERS: Record<string, readonly string[]> = {
  darwin: [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
  ],
  win32: ["C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"],
};

/** A system Chrome or Chromium, if one is installed. */
function systemBrowser(): string | undefined {
  if (process.platform !== "linux") return (APP_BROWSERS[process.platform] ?? []).find((path) => existsSync(path));
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  for (const name of LINUX_BROWSERS) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The browser binary to launch, and where it came from (printed by tests that want to say). */
export async function browserExecutable(): Promise<{ path: string; source: string }> {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH names ${fromEnv}, which does not exist`);
    return { path: fromEnv, source: "CHROME_PATH" };
  }
  const system = systemBrowser();
  if (system !== undefined) return { path: system, source: "system" };
  if (process.platform === "linux") {
    try {
      // A dev dependency that ships a compressed Chromium; it unpacks into the temp folder.
      const { default: packaged } = await import("@sparticuz/chromium");
      return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
    } catch (error) {
      throw new Error(
        `no browser for the page tests: run npm ci (it installs @sparticuz/chromium), or install Chromium and set CHROME_PATH (${String(error)})`,
      );
    }
  }
  throw new Error("no browser for the page tests: install Google Chrome or Chromium, or set CHROME_PATH to one");
}

/** Launches the headless browser the page tests share. */
export async function launchBrowser(): Promise<Browser> {
  const { path } = await browserExecutable();
  return chromium.launch({ executablePath: path, args: FLAGS });
}
