import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { createApp } from "../../examples/express/app";
import { replyTo } from "../../examples/express/fake-chat";
import { listen, type Listening } from "./helpers";

let browser: Browser;
let server: Listening;
const example = createApp({ tokenDelayMs: 5 });

beforeAll(async () => {
  server = await listen(example.app);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("the example page shows the model's tokens as they stream, then the run's end", async () => {
  const tokens: string[] = [];
  example.bus.on("llmNewToken", ({ token }) => {
    tokens.push(token);
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url + "/");
    // Record every text the output shows, to see it grow token by token.
    // (Browser code is given as strings: this project's TypeScript has no DOM types.)
    await page.evaluate(`
      window.shown = [];
      const output = document.getElementById("output");
      new MutationObserver(() => window.shown.push(output.textContent)).observe(output, { childList: true, characterData: true, subtree: true });
    `);
    await page.fill("#message", "hello there");
    await page.click("#send");
    await page.waitForFunction(`document.getElementById("status").textContent === "done"`);
    const reply = replyTo("hello there");
    expect(await page.textContent("#output")).toBe(reply);
    // The model was invoke()d; with preferStreaming its tokens still come one by one, and the page shows each.
    expect(tokens.length).toBe(reply.length);
    expect(tokens.join("")).toBe(reply);
    const shown = (await page.evaluate<string[]>("window.shown")).filter((text) => text !== "");
    expect(shown).toEqual(tokens.map((_, i) => tokens.slice(0, i + 1).join("")));
    const seen = await page.locator("#events li").allTextContents();
    expect(seen).toEqual(["chainStart", "chatModelStart", ...tokens.map(() => "llmNewToken"), "llmEnd", "chainEnd"]);
  } finally {
    await context.close();
  }
  expect(example.bus.activeScopes).toBe(0);
});

test("the page shows the server's message when the chat is refused", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url + "/");
    await page.fill("#message", "");
    await page.click("#send");
    await page.waitForFunction(`document.getElementById("status").textContent.startsWith("error")`);
    expect(await page.textContent("#status")).toMatch(/^error: the body must be JSON like \{"message": "hello"\}/);
  } finally {
    await context.close();
  }
});
