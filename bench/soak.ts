/**
 * Memory soak: 1,000,000 finished runs with everything that holds per-run state attached,
 * then a check that nothing was left behind. `npm run soak` (Node with --expose-gc).
 *
 * Each trace is 3 runs (a chain, a child LLM run streaming 3 tokens, a child tool run) and has:
 * - scoped listeners: `bus.run(root).on`, `bus.run(root, { descendants: true }).on`, a `once`,
 *   and the run managers' own `rm.on(...)`;
 * - an async handler (every method returns a promise), so per-trace ordering state is made;
 * - a `bus.events({ runId, descendants: true })` iterator drained with `for await`;
 * and, by turns: the async manager (every call awaited), an iterator left early with `break`,
 * a bus-wide iterator ended by an AbortSignal, a chain that errors instead of ending.
 *
 * And a hostile mix, by turns: a handler whose call never settles (given up after
 * `handlerTimeoutMs`), iterators nobody reads (one per run, and bus-wide ones forgotten
 * unreferenced), a nested start that reuses its parent's run id (a parent cycle), SSE clients
 * that connect and never read, LangChain.js streams abandoned with `break` (ended by the bus's
 * idle expiry), and LangChain.js nested invokes that reuse the outer run id.
 *
 * Prints heap (after gc) and the bus's counters at the start and end; exits 1 if the heap moved
 * by more than 5 MB either way, or any call, run, scope or listener is left. SOAK_RUNS changes
 * the run count.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { nanoid } from "nanoid";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda, RunnableSequence, type RunnableConfig } from "@langchain/core/runnables";
import {
  AsyncCallbackManager,
  BaseCallbackHandler,
  CallbackBus,
  CallbackManager,
  type BaseCallbackManager,
  type CallbackHandlerLike,
  type Mode,
} from "callbus";
import { sse } from "callbus/express";

const gc = globalThis.gc;
if (gc === undefined) throw new Error("soak: run with `node --expose-gc --import tsx bench/soak.ts` (npm run soak)");

const RUNS = Number(process.env.SOAK_RUNS ?? 1_000_000);
if (!Number.isInteger(RUNS) || RUNS < 3) throw new Error(`soak: SOAK_RUNS must be an integer of at least 3, got ${JSON.stringify(process.env.SOAK_RUNS)}`);
const RUNS_PER_TRACE = 3;
const TOKENS = 3;
const MAX_GROWTH_MB = 5;

const S = { chain: { id: ["soak", "Chain"] }, llm: { id: ["soak", "Model"] }, tool: { id: ["soak", "Tool"] } };

/** An async handler: every method returns a promise. */
class AsyncCounter extends BaseCallbackHandler {
  name = "async_counter";
  calls = 0;
  override awaitHandlers = true;
  async handleChainStart(): Promise<void> {
    this.calls++;
  }
  async handleChainEnd(): Promise<void> {
    this.calls++;
  }
  async handleChainError(): Promise<void> {
    this.calls++;
  }
  async handleLLMStart(): Promise<void> {
    this.calls++;
  }
  async handleLLMNewToken(): Promise<void> {
    await Promise.resolve();
    this.calls++;
  }
  async handleLLMEnd(): Promise<void> {
    this.calls++;
  }
  async handleToolStart(): Promise<void> {
    this.calls++;
  }
  async handleToolEnd(): Promise<void> {
    this.calls++;
  }
}

// Short timeouts, so that the hostile part is cleaned up within the run.
const HANDLER_TIMEOUT_MS = 100;
const IDLE_RUN_TIMEOUT_MS = 300;
const bus = new CallbackBus({ handlerTimeoutMs: HANDLER_TIMEOUT_MS, idleRunTimeoutMs: IDLE_RUN_TIMEOUT_MS });
const handler = new AsyncCounter();
const syncManager = new CallbackManager(undefined, { bus, handlers: [handler], inheritableHandlers: [handler] });
const asyncManager = new AsyncCallbackManager(undefined, { bus, handlers: [handler], inheritableHandlers: [handler] });

/** A handler whose chain start never settles: the bus gives the call up. */
const hung: CallbackHandlerLike = { name: "hung", handleChainStart: () => new Promise<void>(() => undefined) };
const hungManager = new CallbackManager(undefined, { bus, handlers: [handler, hung], inheritableHandlers: [handler] });
let timeouts = 0;
const onListenerError = ({ error }: { error: unknown }) => {
  if ((error as Error).name === "HandlerTimeoutError") timeouts++;
  else throw error;
};
bus.on("listenerError", onListenerError);

/** LangChain.js runs put on the bus: streams abandoned after one chunk, nested invokes reusing the outer id. */
const lcHandler = bus.asLangChainHandler();
const lcChain = RunnableSequence.from([ChatPromptTemplate.fromMessages([["human", "{q}"]]), new FakeListChatModel({ responses: ["abandoned stream"] }), new StringOutputParser()]);
const lcInner = RunnableLambda.from((x: number) => x + 1);
const lcOuter = RunnableLambda.from(async (x: number, config?: RunnableConfig) => lcInner.invoke(x, { callbacks: config?.callbacks, runId: config?.runId }));

/** SSE clients that connect to a live run and never read; the newest few are kept open. */
const app = express();
app.get("/runs/:runId", sse({ bus, heartbeatMs: 0 }));
const server = http.createServer(app);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const sseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/runs/`;
const pausedClients: http.ClientRequest[] = [];
async function pausedClient(runId: string): Promise<void> {
  const request = http.get(sseUrl + encodeURIComponent(runId));
  request.on("error", () => undefined);
  await new Promise<void>((resolve) => {
    request.once("response", (res) => {
      res.pause();
      res.socket.pause();
      resolve();
    });
    request.once("error", () => resolve());
  });
  pausedClients.push(request);
  while (pausedClients.length > 20) pausedClients.shift()!.destroy();
}

const hostile = { hung: 0, unreadStreams: 0, forgottenStreams: 0, cycles: 0, sseClients: 0, abandonedStreams: 0, langchainCycles: 0 };

/** One hostile LangChain.js or SSE piece, by turns (none for most traces). */
async function hostilePiece(n: number): Promise<void> {
  if (n % 200 === 7) {
    for await (const _chunk of await lcChain.stream({ q: "hi" }, { callbacks: [lcHandler] })) break;
    hostile.abandonedStreams++;
  } else if (n % 1000 === 17) {
    const runId = randomUUID();
    if ((await lcOuter.invoke(1, { runId, callbacks: [lcHandler] })) !== 2) throw new Error("soak: nested invoke went wrong");
    hostile.langchainCycles++;
  } else if (n % 1000 === 5) {
    // Forgotten at once, never read: it overflows or is collected, and frees its listener.
    bus.events({ maxBuffered: 50 });
    hostile.forgottenStreams++;
  }
}

/** What the listeners heard, checked against what was sent. */
const heard = { ownEnd: 0, treeTokens: 0, once: 0, runManager: 0, streamItems: 0, streamsEnded: 0, abortedStreams: 0 };
const expected = { ownEnd: 0, treeTokens: 0, once: 0, runManager: 0, streamsEnded: 0, abortedStreams: 0, handlerCalls: 0 };
const onOwnEnd = () => void heard.ownEnd++;
const onTreeToken = () => void heard.treeTokens++;
const onOnce = () => void heard.once++;
const onRunManager = () => void heard.runManager++;

async function trace(n: number): Promise<void> {
  const root = nanoid();
  const errors = n % 10 === 9;
  const useAsync = n % 4 === 1;
  const breakEarly = n % 5 === 2;

  bus.run(root).on(errors ? "chainError" : "chainEnd", onOwnEnd);
  bus.run(root, { descendants: true }).on("llmNewToken", onTreeToken);
  bus.run(root).once("chainStart", onOnce);
  const stream = bus.events({ runId: root, descendants: true });
  const abort = n % 7 === 3 ? new AbortController() : undefined;
  const wide = abort === undefined ? undefined : bus.events({ signal: abort.signal, events: ["toolEnd"] });

  const hangs = !useAsync && n % 50 === 0;
  const cycles = n % 100 === 11;
  const sseClient = n % 500 === 13;
  if (n % 100 === 3) {
    bus.events({ runId: root, descendants: true }); // never read: it ends with the run
    hostile.unreadStreams++;
  }
  const manager: BaseCallbackManager<Mode> = hangs ? hungManager : useAsync ? asyncManager : syncManager;
  const chain = await manager.handleChainStart(S.chain, { n }, root);
  if (hangs) hostile.hung++;
  if (sseClient) {
    await pausedClient(root);
    hostile.sseClients++;
  }
  if (cycles) {
    // A nested start that reuses the live root's id and names it as parent.
    const again = await chain.getChild().handleChainStart(S.chain, { again: n }, root);
    await again.handleChainEnd({ again: n });
    expected.ownEnd++;
    expected.handlerCalls += 2;
    hostile.cycles++;
  }
  chain.on("llmNewToken", onRunManager); // the chain's own run has no tokens: never heard
  const [llm] = await chain.getChild().handleLLMStart(S.llm, ["prompt"]);
  llm.on("llmNewToken", onRunManager);
  for (let t = 0; t < TOKENS; t++) await llm.handleLLMNewToken(`t${t}`);
  await llm.handleLLMEnd({ generations: [[{ text: "t0t1t2" }]] });
  const tool = await chain.getChild().handleToolStart(S.tool, "input");
  await tool.handleToolEnd("output");
  if (errors) await chain.handleChainError(new Error("soak: planned failure"));
  else await chain.handleChainEnd({ out: n });

  expected.ownEnd++;
  expected.treeTokens += TOKENS;
  expected.once++;
  expected.runManager += TOKENS;
  expected.handlerCalls += 2 + 2 + TOKENS + 2;
  await hostilePiece(n);

  let items = 0;
  for await (const _item of stream) {
    items++;
    if (breakEarly && items === 2) break;
  }
  heard.streamItems += items;
  if (!breakEarly) {
    heard.streamsEnded++;
    expected.streamsEnded++;
  }
  if (wide !== undefined && abort !== undefined) {
    abort.abort();
    // Aborted: it hands out what it had buffered (this trace's toolEnd), then ends.
    for await (const _item of wide) heard.streamItems++;
    heard.abortedStreams++;
    expected.abortedStreams++;
  }
}

async function snapshot(label: string, runs: number) {
  gc!();
  gc!();
  // Forgotten iterators are let go by FinalizationRegistry callbacks, after a collection.
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc!();
  const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  const { pending } = await bus.flush({ timeoutMs: 0 });
  const state = { runs, heapMB: Number(heapMB.toFixed(2)), pending, listeners: bus.listenerCount(), activeRuns: bus.activeRuns, activeScopes: bus.activeScopes };
  console.log(
    `${label.padEnd(10)} runs ${String(runs).padStart(9)}  heap ${heapMB.toFixed(2).padStart(7)} MB  pending ${pending}  listeners ${state.listeners}  activeRuns ${state.activeRuns}  activeScopes ${state.activeScopes}`,
  );
  return state;
}

const traces = Math.ceil(RUNS / RUNS_PER_TRACE);
console.log(`callbus soak: ${traces * RUNS_PER_TRACE} runs (${traces} traces of ${RUNS_PER_TRACE}), Node ${process.version}`);

// Warm-up: JIT, the run registry's bounded memory of ended ids, the handler's queues.
const WARMUP = 20_000;
for (let n = 0; n < WARMUP; n++) await trace(n);
await settleAll();
const start = await snapshot("start", 0);

const started = Date.now();
const checkpoint = Math.max(1, Math.floor(traces / 5));
for (let n = 0; n < traces; n++) {
  await trace(n);
  if ((n + 1) % 10_000 === 0) await bus.flush();
  if ((n + 1) % checkpoint === 0 && n + 1 < traces) await snapshot("", (n + 1) * RUNS_PER_TRACE);
}
await settleAll();
bus.off("listenerError", onListenerError);
const end = await snapshot("end", traces * RUNS_PER_TRACE);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

/** Waits for hung calls to be given up and abandoned runs to expire; closes the paused SSE clients. */
async function settleAll(): Promise<void> {
  await bus.flush();
  for (const client of pausedClients.splice(0)) client.destroy();
  for (let i = 0; i < 100 && bus.activeRuns !== 0; i++) await new Promise((resolve) => setTimeout(resolve, IDLE_RUN_TIMEOUT_MS / 2));
  await bus.flush();
}

server.closeAllConnections();
server.close();
const growth = end.heapMB - start.heapMB;
const totalTraces = traces + WARMUP;
const problems: string[] = [];
if (Math.abs(growth) > MAX_GROWTH_MB) problems.push(`heap moved by ${growth.toFixed(2)} MB (limit ±${MAX_GROWTH_MB} MB)`);
if (end.pending !== 0) problems.push(`${end.pending} listener or handler calls still pending`);
if (end.listeners !== 0) problems.push(`${end.listeners} bus listeners left`);
if (timeouts !== hostile.hung) problems.push(`${timeouts} hung calls given up, expected ${hostile.hung}`);
if (end.activeRuns !== 0) problems.push(`${end.activeRuns} runs still active`);
if (end.activeScopes !== 0) problems.push(`${end.activeScopes} run scopes still held`);
for (const key of ["ownEnd", "treeTokens", "once", "runManager", "streamsEnded", "abortedStreams"] as const) {
  if (heard[key] !== expected[key]) problems.push(`${key}: heard ${heard[key]}, expected ${expected[key]}`);
}
if (handler.calls !== expected.handlerCalls) problems.push(`async handler: ${handler.calls} calls, expected ${expected.handlerCalls}`);

console.log(`heap growth ${growth >= 0 ? "+" : ""}${growth.toFixed(2)} MB over ${totalTraces} traces; stream items ${heard.streamItems}; handler calls ${handler.calls}`);
console.log(
  `hostile: ${hostile.hung} hung calls (${timeouts} given up), ${hostile.unreadStreams} unread run iterators, ${hostile.forgottenStreams} forgotten bus iterators, ${hostile.cycles} reused-id starts, ${hostile.sseClients} paused SSE clients, ${hostile.abandonedStreams} abandoned LangChain.js streams, ${hostile.langchainCycles} LangChain.js nested invokes reusing the outer id`,
);
if (problems.length > 0) {
  console.error(`soak FAILED:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("soak passed: nothing left behind");
