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
 * Prints heap (after gc) and the bus's counters at the start and end; exits 1 if the heap grew
 * by more than 5 MB or any run, scope or listener is left. SOAK_RUNS changes the run count.
 */
import { nanoid } from "nanoid";
import {
  AsyncCallbackManager,
  BaseCallbackHandler,
  CallbackBus,
  CallbackManager,
  type BaseCallbackManager,
  type Mode,
} from "callbus";

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

const bus = new CallbackBus();
const handler = new AsyncCounter();
const syncManager = new CallbackManager(undefined, { bus, handlers: [handler], inheritableHandlers: [handler] });
const asyncManager = new AsyncCallbackManager(undefined, { bus, handlers: [handler], inheritableHandlers: [handler] });

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

  const manager: BaseCallbackManager<Mode> = useAsync ? asyncManager : syncManager;
  const chain = await manager.handleChainStart(S.chain, { n }, root);
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

function snapshot(label: string, runs: number) {
  gc!();
  gc!();
  const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  const state = { runs, heapMB: Number(heapMB.toFixed(2)), listeners: bus.listenerCount(), activeRuns: bus.activeRuns, activeScopes: bus.activeScopes };
  console.log(`${label.padEnd(10)} runs ${String(runs).padStart(9)}  heap ${heapMB.toFixed(2).padStart(7)} MB  listeners ${state.listeners}  activeRuns ${state.activeRuns}  activeScopes ${state.activeScopes}`);
  return state;
}

const traces = Math.ceil(RUNS / RUNS_PER_TRACE);
console.log(`callbus soak: ${traces * RUNS_PER_TRACE} runs (${traces} traces of ${RUNS_PER_TRACE}), Node ${process.version}`);

// Warm-up: JIT, the run registry's bounded memory of ended ids, the handler's queues.
const WARMUP = 20_000;
for (let n = 0; n < WARMUP; n++) await trace(n);
await bus.flush();
const start = snapshot("start", 0);

const started = Date.now();
const checkpoint = Math.max(1, Math.floor(traces / 5));
for (let n = 0; n < traces; n++) {
  await trace(n);
  if ((n + 1) % 10_000 === 0) await bus.flush();
  if ((n + 1) % checkpoint === 0 && n + 1 < traces) snapshot("", (n + 1) * RUNS_PER_TRACE);
}
await bus.flush();
const end = snapshot("end", traces * RUNS_PER_TRACE);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

const growth = end.heapMB - start.heapMB;
const totalTraces = traces + WARMUP;
const problems: string[] = [];
if (growth > MAX_GROWTH_MB) problems.push(`heap grew by ${growth.toFixed(2)} MB (limit ${MAX_GROWTH_MB} MB)`);
if (end.activeRuns !== 0) problems.push(`${end.activeRuns} runs still active`);
if (end.activeScopes !== 0) problems.push(`${end.activeScopes} run scopes still held`);
if (end.listeners !== start.listeners) problems.push(`bus listeners went from ${start.listeners} to ${end.listeners}`);
for (const key of ["ownEnd", "treeTokens", "once", "runManager", "streamsEnded", "abortedStreams"] as const) {
  if (heard[key] !== expected[key]) problems.push(`${key}: heard ${heard[key]}, expected ${expected[key]}`);
}
if (handler.calls !== expected.handlerCalls) problems.push(`async handler: ${handler.calls} calls, expected ${expected.handlerCalls}`);

console.log(`heap growth ${growth >= 0 ? "+" : ""}${growth.toFixed(2)} MB over ${totalTraces} traces; stream items ${heard.streamItems}; handler calls ${handler.calls}`);
if (problems.length > 0) {
  console.error(`soak FAILED:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("soak passed: nothing left behind");
