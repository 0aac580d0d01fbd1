/**
 * The shared bench harness: a workload runs the same events through four sides (callbus,
 * @langchain/core inline, @langchain/core in the background, a bare eventemitter3 emit), in
 * alternating rounds in one process, and reports the median ns per emitted event.
 *
 * Every side counts what its handlers or listeners received; after each round the harness
 * checks that count against the events the workload says it emits, so a side that skipped
 * work would stop the bench instead of looking fast.
 */
import os from "node:os";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";

/** The four ways of sending the same events, in the order a round runs them. */
export const SIDES = ["callbus", "langchainInline", "langchainBackground", "floor"] as const;
export type SideName = (typeof SIDES)[number];

/** One side of a workload: a sync or async iteration, and what it has counted so far. */
export type Side = SideHooks & ({ sync: true; iteration(): void } | { sync: false; iteration(): Promise<void> });

interface SideHooks {
  /** Before a batch, outside the clock (LangChain.js's mode is a flag on the shared handlers). */
  enter?(): void;
  /** After a batch, inside the clock: background work a round must include. */
  settle?(): Promise<void>;
  /** Handler or listener calls received so far. */
  received(): number;
}

export interface Workload {
  /** Short id, used as the row name and by `bench/profile.ts`. */
  name: string;
  /** What one iteration does, for the table's legend. */
  description: string;
  /** Callback events emitted by one iteration (the denominator of ns/event). */
  eventsPerIteration: number;
  /** Handler or listener calls one iteration must produce (checked after every round). */
  callsPerIteration: number;
  /** Builds the sides; called once per workload. */
  sides(): Record<SideName, Side>;
}

/** The result of one workload: median ns/event per side, and the median of each round's ratios. */
export interface WorkloadResult {
  name: string;
  description: string;
  eventsPerIteration: number;
  callsPerIteration: number;
  rounds: number;
  nsPerEvent: Record<SideName, number>;
  /** Every round's ns/event per side, for spread. */
  samples: Record<SideName, number[]>;
  ratios: {
    callbusOverFloor: number;
    langchainInlineOverCallbus: number;
    langchainBackgroundOverCallbus: number;
  };
}

export interface BenchOptions {
  /** Measured rounds per workload (the median is taken); at least 7. */
  rounds: number;
  /** Wall-clock target of one side's measured batch, in ms. */
  batchMs: number;
}

const now = (): bigint => process.hrtime.bigint();

async function runBatch(side: Side, iterations: number): Promise<bigint> {
  side.enter?.();
  const start = now();
  if (side.sync) {
    for (let i = 0; i < iterations; i++) side.iteration();
  } else {
    for (let i = 0; i < iterations; i++) await side.iteration();
  }
  // Background work belongs to the round: wait for it before stopping the clock.
  if (side.settle !== undefined) await side.settle();
  return now() - start;
}

/** Iterations that take about `batchMs`, found by doubling from one. */
async function calibrate(side: Side, batchMs: number): Promise<number> {
  let iterations = 1;
  for (;;) {
    const ns = Number(await runBatch(side, iterations));
    if (ns >= batchMs * 1e6 / 4 || iterations >= 1 << 24) {
      return Math.max(1, Math.round((iterations * batchMs * 1e6) / ns));
    }
    iterations *= 2;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function emptyRecord<T>(make: () => T): Record<SideName, T> {
  return { callbus: make(), langchainInline: make(), langchainBackground: make(), floor: make() };
}

/** Runs one workload: warm-up and calibration per side, then `rounds` rounds of all sides in turn. */
export async function runWorkload(workload: Workload, options: BenchOptions): Promise<WorkloadResult> {
  const sides = workload.sides();
  const iterations = emptyRecord(() => 0);
  // The sides share their handler objects, so each batch is checked by what it added.
  const measure = async (name: SideName): Promise<number> => {
    const side = sides[name];
    const before = side.received();
    const ns = await runBatch(side, iterations[name]);
    const got = side.received() - before;
    const want = iterations[name] * workload.callsPerIteration;
    if (got !== want) throw new Error(`bench: ${workload.name}/${name} delivered ${got} calls in a batch, expected ${want}; the sides do not do the same work`);
    return Number(ns);
  };
  // Warm-up: calibration runs each side several times, then one checked batch.
  for (const name of SIDES) {
    iterations[name] = await calibrate(sides[name], options.batchMs);
    await measure(name);
  }
  const samples = emptyRecord<number[]>(() => []);
  for (let round = 0; round < options.rounds; round++) {
    // Each round starts with the next side, so that no side always follows the same one.
    for (let k = 0; k < SIDES.length; k++) {
      const name = SIDES[(round + k) % SIDES.length];
      const ns = await measure(name);
      samples[name].push(ns / (iterations[name] * workload.eventsPerIteration));
    }
  }
  const nsPerEvent = emptyRecord(() => 0);
  for (const name of SIDES) nsPerEvent[name] = median(samples[name]);
  return {
    name: workload.name,
    description: workload.description,
    eventsPerIteration: workload.eventsPerIteration,
    callsPerIteration: workload.callsPerIteration,
    rounds: options.rounds,
    nsPerEvent,
    samples,
    // Paired: each round's sides ran back to back, so a round's ratio is free of the machine's
    // slower and faster spells (seconds long on a shared host), which a ratio of medians is not.
    ratios: {
      callbusOverFloor: median(samples.callbus.map((ns, r) => ns / samples.floor[r])),
      langchainInlineOverCallbus: median(samples.langchainInline.map((ns, r) => ns / samples.callbus[r])),
      langchainBackgroundOverCallbus: median(samples.langchainBackground.map((ns, r) => ns / samples.callbus[r])),
    },
  };
}

/** The machine the numbers were taken on. */
export function machine(): { node: string; cores: number; cpu: string; platform: string } {
  const cpus = os.cpus();
  return { node: process.version, cores: cpus.length, cpu: cpus[0]?.model ?? "unknown", platform: `${os.platform()} ${os.arch()}` };
}

const fmtNs = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const fmtX = (n: number) => `${n.toFixed(2)}x`;

/** The results as a markdown table (ns per emitted event, lower is better). */
export function formatTable(results: readonly WorkloadResult[]): string {
  const header = ["workload", "events/iter", "calls/iter", "callbus", "lc inline", "lc background", "ee3 floor", "callbus/floor", "lc inline/callbus", "lc bg/callbus"];
  const rows = results.map((r) => [
    r.name,
    String(r.eventsPerIteration),
    String(r.callsPerIteration),
    fmtNs(r.nsPerEvent.callbus),
    fmtNs(r.nsPerEvent.langchainInline),
    fmtNs(r.nsPerEvent.langchainBackground),
    fmtNs(r.nsPerEvent.floor),
    fmtX(r.ratios.callbusOverFloor),
    fmtX(r.ratios.langchainInlineOverCallbus),
    fmtX(r.ratios.langchainBackgroundOverCallbus),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

// --- What every side sends and what its handlers do ------------------------------------

const notImplemented = (name: string) => ({ lc: 1 as const, type: "not_implemented" as const, id: ["bench", name] });

/** The same payload values on every side; only run ids differ (each side makes its own). */
export const FIXTURE = {
  chain: notImplemented("AnswerChain"),
  llm: notImplemented("FakeModel"),
  tool: notImplemented("Calculator"),
  inputs: { question: "What is 6 times 7?" },
  prompt: "Human: What is 6 times 7?",
  /** The 50 tokens of one LLM run (short strings, as a model streams them). */
  tokens: Array.from({ length: 50 }, (_, i) => `tok${i} `),
  idx: { prompt: 0, completion: 0 },
  llmResult: { generations: [[{ text: "6 times 7 is 42." }]] },
  toolInput: "6 * 7",
  toolOutput: "42",
  outputs: { answer: "42" },
  tags: [] as string[],
  metadata: {} as Record<string, unknown>,
};

/**
 * The receiver of the "listeners" workloads: a callbus listener / eventemitter3 listener
 * (`listener`) or, for LangChain.js, a handler with only `handleLLMNewToken`; both do `calls++`.
 */
export class TokenCounter extends BaseCallbackHandler {
  name = "token_counter";
  calls = 0;
  constructor() {
    super();
    this.awaitHandlers = true;
  }
  readonly listener = (): void => {
    this.calls++;
  };
  override handleLLMNewToken(): void {
    this.calls++;
  }
}

/**
 * The handler of the "handlers" workloads: a LangChain.js handler (its own base class), given
 * as it is to both callback managers; every method does one thing, `calls++`. The floor's
 * listeners (`listener`) do the same increment on the same objects.
 */
export class CountingHandler extends TokenCounter {
  override name = "counting_handler";
  override handleChainStart(): void {
    this.calls++;
  }
  override handleChainEnd(): void {
    this.calls++;
  }
  override handleLLMStart(): void {
    this.calls++;
  }
  override handleLLMEnd(): void {
    this.calls++;
  }
  override handleToolStart(): void {
    this.calls++;
  }
  override handleToolEnd(): void {
    this.calls++;
  }
}

/** Sum of `calls` over a list of counters. */
export function totalCalls(counters: readonly { calls: number }[]): number {
  let n = 0;
  for (const c of counters) n += c.calls;
  return n;
}

/** Sets LangChain.js's per-handler mode: `true` runs handlers inline, `false` queues them in the background. */
export function setAwaitHandlers(handlers: readonly BaseCallbackHandler[], value: boolean): void {
  for (const h of handlers) h.awaitHandlers = value;
}
