/** A real Express app with the viewer mounted at /callbus, on 127.0.0.1, and where page tests save screenshots. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import express from "express";
import type { Page } from "playwright-core";
import { CallbackBus } from "callbus";
import { viewer, type ViewerOptions, type ViewerRouter } from "callbus/express";
import { listen, type Listening } from "../express/helpers";

export interface ViewerApp {
  bus: CallbackBus;
  router: ViewerRouter;
  server: Listening;
  /** `http://127.0.0.1:<port>/callbus/` */
  page: string;
  close(): Promise<void>;
}

/** Starts an app that mounts `viewer()` at /callbus (with `bus`, or a new bus). */
export async function startViewer(options: ViewerOptions & { bus?: CallbackBus } = {}): Promise<ViewerApp> {
  const bus = options.bus ?? new CallbackBus();
  const app = express();
  const router = viewer({ ...options, bus });
  app.use("/callbus", router);
  const server = await listen(app);
  return {
    bus,
    router,
    server,
    page: `${server.url}/callbus/`,
    close: async () => {
      router.close();
      await server.close();
    },
  };
}

const SCREENSHOTS = join(__dirname, "..", "..", "test-output", "viewer");

/** Saves a full-page screenshot as test-output/viewer/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fetches JSON from the viewer, with the status. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's type; the JSON is not checked
export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}
