import { CallbackBus, CallbackManager, MemoryRunLog, type RunLogEntry } from "callbus";

const serialized = { lc: 1, type: "not_implemented" as const, id: ["test"] };

/** Collects a read until it ends. */
async function all(entries: AsyncIterable<RunLogEntry>): Promise<RunLogEntry[]> {
  const out: RunLogEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

/** A chain with a model that streams two tokens and a tool, on `bus`. */
function chainRun(bus: CallbackBus, runId?: string) {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, { q: 1 }, runId);
  const [llm] = chain.getChild().handleLLMStart(serialized, ["hi"]);
  llm.handleLLMNewToken("a");
  llm.handleLLMNewToken("b");
  llm.handleLLMEnd({ generations: [[{ text: "ab" }]] });
  const tool = chain.getChild().handleToolStart(serialized, "2+2");
  tool.handleToolEnd("4");
  chain.handleChainEnd({ answer: "ab" });
  return { chain, llm: llm, tool };
}

/** An id's two numbers, for comparing ids in order. */
function idParts(id: string): [number, number] {
  expect(id).toMatch(/^\d{13}-\d+$/);
  const [ms, seq] = id.split("-").map(Number);
  return [ms, seq];
}

/** Whether `ids` grow strictly, as `<ms>-<seq>` ids of one trace must. */
function growing(ids: string[]): boolean {
  return ids.every((id, i) => {
    if (i === 0) return true;
    const [ms, seq] = idParts(id);
    const [prevMs, prevSeq] = idParts(ids[i - 1]);
    return ms > prevMs || (ms === prevMs && seq > prevSeq);
  });
}

const RUN = ["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmEnd", "toolStart", "toolEnd", "chainEnd"];

test("a finished run reads back whole, with <ms>-<seq> ids that say when and each payload's JSON", async () => {
  const log = new MemoryRunLog();
  const bus = new CallbackBus({ log });
  const before = Date.now();
  const { chain, llm } = chainRun(bus);
  const after = Date.now();
  const entries = await all(log.read(chain.runId));
  expect(entries.map((e) => e.event)).toEqual(RUN);
  const ids = entries.map((e) => e.id);
  expect(growing(ids)).toBe(true);
  for (const id of ids) {
    const [ms] = idParts(id);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  }
  expect(entries[1].payload).toMatchObject({ runId: llm.runId, parentRunId: chain.runId, prompts: ["hi"] });
  expect(JSON.parse(entries[2].data!)).toMatchObject({ token: "a" });
  expect(await log.has(chain.runId)).toBe(true);
  expect(await log.has(llm.runId)).toBe(true);
  expect(await log.has("never")).toBe(false);
});

test("after N gives exactly N+1 to the end; a child run reads its own subtree and ends with it", async () => {
  const log = new MemoryRunLog();
  const bus = new CallbackBus({ log });
  const { chain, llm } = chainRun(bus);
  const ids = (await all(log.read(chain.runId))).map((e) => e.id);
  const rest = await all(log.read(chain.runId, { after: ids[2] }));
  expect(rest.map((e) => e.id)).toEqual(ids.slice(3));
  expect(rest.map((e) => e.event)).toEqual(RUN.slice(3));
  const child = await all(log.read(llm.runId));
  expect(child.map((e) => e.event)).toEqual(["llmStart", "llmNewToken", "llmNewToken", "llmEnd"]);
  expect(child.map((e) => e.id)).toEqual(ids.slice(1, 5));
  expect(await all(log.read(chain.runId, { after: ids[7] }))).toEqual([]);
  // An id before the trace's first (a bare ms counts as <ms>-0) gives the whole trace.
  expect((await all(log.read(chain.runId, { after: "0" }))).map((e) => e.id)).toEqual(ids);
});

test("ids grow within a trace across turns, and the seq restarts from 0 in a new ms", async () => {
  const log = new MemoryRunLog();
  const bus = new CallbackBus({ log });
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
  for (let i = 0; i < 5; i++) {
    chain.handleText(`turn ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  chain.handleChainEnd({});
  const ids = (await all(log.read(chain.runId))).map((e) => e.id);
  expect(ids).toHaveLength(7);
  expect(growing(ids)).toBe(true);
  // Entries a few ms apart are in different ms: the first of each ms has seq 0.
  const [firstMs] = idParts(ids[0]);
  const [lastMs] = idParts(ids.at(-1)!);
  expect(lastMs).toBeGreaterThan(firstMs);
  expect(ids.filter((id) => id.endsWith("-0")).length).toBeGreaterThan(1);
});

test("a follower gets the history, then live entries, and ends with the run", async () => {
  const log = new MemoryRunLog();
  const bus = new CallbackBus({ log });
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
  chain.handleText("before");
  const reading = all(log.read(chain.runId));
  await new Promise((resolve) => setTimeout(resolve, 10));
  chain.handleText("while following");
  const [llm] = chain.getChild().handleLLMStart(serialized, ["p"]);
  llm.handleLLMEnd({ generations: [] });
  chain.handleChainEnd({});
  const entries = await reading;
  expect(entries.map((e) => e.event)).toEqual(["chainStart", "text", "text", "llmStart", "llmEnd", "chainEnd"]);
  expect(entries.map((e) => (e.payload as { text?: string }).text).filter(Boolean)).toEqual(["before", "while following"]);
});

test("a reader of a run that has not started waits for it; follow: false and abort end reads", async () => {
  const log = new MemoryRunLog();
  const bus = new CallbackBus({ log });
  expect(await all(log.read("later", { follow: false }))).toEqual([]);
  const waiting = all(log.read("later"));
  const aborted = new AbortController();
  const cut = all(log.read("never", { signal: aborted.signal }));
  aborted.abort();
  expect(await cut).toEqual([]);
  chainRun(bus, "later");
  expect((await waiting).map((e) => e.event)).toEqual(RUN);
  const live = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
  const stop = new AbortController();
  const following = all(log.read(live.runId, { signal: stop.signal }));
  await new Promise((resolve) => setTimeout(resolve, 10));
  stop.abort();
  expect((await following).map((e) => e.event)).toEqual(["chainStart"]);
});

test("a trace over maxBytes loses its oldest entries and a reader from before them gets a gap first", async () => {
  const log = new MemoryRunLog({ maxBytes: 20_000 });
  const bus = new CallbackBus({ log });
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
  for (let i = 0; i < 200; i++) chain.handleText(`line ${i} ${"x".repeat(100)}`);
  chain.handleChainEnd({});
  // Events are serialised (and counted) right after the turn that appended them.
  await new Promise((resolve) => setImmediate(resolve));
  expect(log.bytes).toBeGreaterThan(10_000);
  expect(log.bytes).toBeLessThanOrEqual(20_000);
  const entries = await all(log.read(chain.runId));
  const gap = entries[0];
  expect(gap.event).toBe("gap");
  expect(gap.id).toBe("0");
  const first = (gap.payload as { first: string }).first;
  expect(gap.payload).toEqual({ runId: chain.runId, after: "0", first });
  expect(entries[1].id).toBe(first);
  expect(entries.at(-1)!.event).toBe("chainEnd");
  // After the gap, the rest of the run, in order: nothing else is missing.
  const kept = entries.slice(1);
  expect(growing(kept.map((e) => e.id))).toBe(true);
  const lines = kept.map((e) => (e.payload as { text?: string }).text).filter((text) => text !== undefined);
  const firstLine = Number(/^line (\d+)/.exec(lines[0])![1]);
  expect(lines.map((text) => Number(/^line (\d+)/.exec(text)![1]))).toEqual(Array.from({ length: 200 - firstLine }, (_, i) => firstLine + i));
  // Resuming after a kept entry gives exactly what followed it, with no gap.
  const resumed = await all(log.read(chain.runId, { after: kept[5].id }));
  expect(resumed.map((e) => e.id)).toEqual(kept.slice(6).map((e) => e.id));
  // Resuming after the last trimmed entry misses nothing either; one before it gets the gap.
  const [firstMs, firstSeq] = idParts(first);
  if (firstSeq > 0) {
    const justBefore = `${firstMs}-${firstSeq - 1}`;
    expect((await all(log.read(chain.runId, { after: justBefore })))[0].id).toBe(first);
  }
  const early = await all(log.read(chain.runId, { after: "1" }));
  expect(early[0]).toMatchObject({ event: "gap", id: "1", payload: { after: "1", first } });
});

test("a follower that falls behind while its trace is trimmed gets a gap, then exactly what is kept", async () => {
  const log = new MemoryRunLog({ maxBytes: 20_000 });
  const bus = new CallbackBus({ log });
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
  const reader = log.read(chain.runId)[Symbol.asyncIterator]();
  const first = (await reader.next()).value as RunLogEntry;
  expect(first.event).toBe("chainStart");
  for (let i = 0; i < 200; i++) chain.handleText(`line ${i} ${"x".repeat(100)}`);
  // Serialised, counted and trimmed right after this turn.
  await new Promise((resolve) => setImmediate(resolve));
  chain.handleChainEnd({});
  const rest: RunLogEntry[] = [];
  for (let next = await reader.next(); next.done !== true; next = await reader.next()) rest.push(next.value);
  const kept = await all(log.read(chain.runId, { follow: false }));
  expect(kept[0].event).toBe("gap");
  const firstKept = (kept[0].payload as { first: string }).first;
  expect(rest[0]).toMatchObject({ event: "gap", id: first.id, payload: { runId: chain.runId, after: first.id, first: firstKept } });
  expect(rest.slice(1).map((e) => e.id)).toEqual(kept.slice(1).map((e) => e.id));
  expect(rest.at(-1)!.event).toBe("chainEnd");
});

test("past maxTraces the oldest trace goes; ended traces go after retainMs; recentRoots lists newest first", async () => {
  const log = new MemoryRunLog({ maxTraces: 3, retainMs: 100 });
  const bus = new CallbackBus({ log });
  const ids = ["r1", "r2", "r3", "r4"];
  for (const id of ids) chainRun(bus, id);
  expect(log.traceCount).toBe(3);
  expect(await log.has("r1")).toBe(false);
  expect(await log.recentRoots(10)).toEqual(["r4", "r3", "r2"]);
  expect(await log.recentRoots(2)).toEqual(["r4", "r3"]);
  const live = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {}, "live");
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(await log.recentRoots(10)).toEqual(["live"]);
  expect(log.bytes).toBeGreaterThan(0);
  live.handleChainEnd({});
  await log.close();
  expect(log.bytes).toBe(0);
  expect(await log.has("live")).toBe(false);
});

test("bad options and ids are refused by name", async () => {
  expect(() => new MemoryRunLog({ maxBytes: 0 })).toThrow("callbus: new MemoryRunLog() needs `maxBytes` as a whole number >= 1, got 0");
  expect(() => new MemoryRunLog({ retainMs: -1 })).toThrow(/retainMs/);
  expect(() => new MemoryRunLog(null as never)).toThrow(/options object/);
  const log = new MemoryRunLog();
  // Checked when read() is called, before anything is read.
  expect(() => log.read("r", { after: "1700000000000-x" })).toThrow('callbus: MemoryRunLog ids are like 1700000000000-0 (ms-sequence), got "1700000000000-x"');
  expect(() => log.read("r", { after: "1-2-3" })).toThrow(/MemoryRunLog ids are like/);
  expect(() => log.read("")).toThrow(/non-empty string runId/);
});
