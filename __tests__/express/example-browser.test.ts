import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { createApp } from "../../examples/express/app";
import { replyTokens } from "../../examples/express/fake-chat";
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
    const expected = replyTokens("hello there");
    const reply = expected.join("");
    expect(await page.textContent("#output")).toBe(reply);
    const shown = (await page.evaluate<string[]>("window.shown")).filter((text) => text !== "");
    expect(shown).toEqual(expected.map((_, i) => expected.slice(0, i + 1).join("")));
    expect(tokens.join("")).toBe(reply);
    const seen = await page.$$eval("#events li", (items) => items.map((li) => li.textContent));
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
