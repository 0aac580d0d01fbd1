/**
 * `BaseTracer`: turns handler calls into `Run` trees (LangChain's tracer runs) for the
 * console and collector handlers. A run is linked to its parent when it starts, numbered in
 * its trace's order, and forgotten when it ends; when a root ends, every run of its trace
 * still in progress is forgotten too, so nothing grows with the number of finished runs.
 *
 * Parent ids come from callers and can form a cycle (a nested LangChain.js call that reuses
 * its caller's run id names itself as parent). A run whose parent chain would lead back to it
 * is taken as a root, and a start that reuses the id of a live run hides that run until the
 * new one ends, so every walk up the tree ends and each event is handled once.
 */
import { BaseCallbackHandler } from "../lib/handler.js";
import type {
  AgentAction,
  AgentFinish,
  ChainValues,
  DocumentLike,
  GenerationLike,
  LLMResult,
  MessageLike,
  NewTokenIndices,
  RetryState,
  Serialized,
} from "../lib/shapes.js";

type Meta = Record<string, unknown>;

/** Something that happened during a run: its start and end, a token, a retry, an agent step, a text. */
export interface RunEventRecord {
  name: string;
  /** Epoch milliseconds. */
  time: number;
  kwargs?: Meta;
}

/** One traced run and, through `childRuns`, the runs below it. */
export interface Run {
  id: string;
  name: string;
  /** `llm`, `chain` (or the chain's own run type, such as `prompt`), `tool` or `retriever`. */
  runType: string;
  parentRunId?: string;
  /** The id of the root run of this run's trace. */
  traceId: string;
  /** Position in its trace: the root is 1, each run started after it takes the next number. */
  executionOrder: number;
  serialized: Serialized;
  inputs: Meta;
  outputs?: Meta;
  /** The error's message, when the run failed. */
  error?: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime?: number;
  childRuns: Run[];
  tags: string[];
  metadata: Meta;
  events: RunEventRecord[];
  /** `extraParams` of model runs, `toolCallId` of tool runs. */
  extra: Meta;
}

interface Trace {
  /** The run that started the trace. */
  root: Run;
  /** The last execution order given out. */
  order: number;
  /** Runs of the trace still in progress, the root included. */
  live: Set<Run>;
}

/** The kind of run a start method opens. */
type StartKind = "llm" | "chain" | "tool" | "retriever";

/**
 * Base of the tracing handlers. Subclasses override the hooks they need: `onRunStart`,
 * `onRunEnd` (after an end or an error; `run.error` tells which), `onRunEvent`, and
 * `onTraceEnd` (a root run finished, with its whole tree).
 */
export abstract class BaseTracer extends BaseCallbackHandler {
  /** Runs in progress, by id (the newest one when a live id was reused). */
  protected readonly runMap = new Map<string, Run>();
  /** Live runs hidden by a later start with the same id, oldest first. */
  private readonly hidden = new Map<string, Run[]>();
  private readonly traceOf = new WeakMap<Run, Trace>();


  protected onRunStart(_run: Run): void {}
  protected onRunEnd(_run: Run): void {}
  protected onRunEvent(_run: Run, _event: RunEventRecord): void {}
  protected onTraceEnd(_root: Run): void {}

  /** The runs above `run` that are still in progress, nearest first. */
  protected getParents(run: Run): Run[] {
    const parents: Run[] = [];
    const seen = new Set<Run>([run]);
    let current = run;
    while (current.parentRunId !== undefined) {
      const parent = this.runMap.get(current.parentRunId);
      // A run seen already closes a cycle: the walk stops there.
      if (parent === undefined || seen.has(parent)) break;
      seen.add(parent);
      parents.push(parent);
      current = parent;
    }
    return parents;
  }

  /** Whether `runId` is `parentRunId` or one of its live ancestors (a start there would make a cycle). */
  private closesCycle(runId: string, parentRunId: string): boolean {
    if (runId === parentRunId) return true;
    const parent = this.runMap.get(parentRunId);
    return parent !== undefined && this.getParents(parent).some((r) => r.id === runId);
  }

  /** Drops `run` from the live runs, bringing back the run its id hid, if any. */
  private forget(run: Run): void {
    const stack = this.hidden.get(run.id);
    if (this.runMap.get(run.id) === run) {
      const previous = stack?.pop();
      if (previous === undefined) this.runMap.delete(run.id);
      else this.runMap.set(run.id, previous);
    } else if (stack !== undefined) {
      const at = stack.indexOf(run);
      if (at !== -1) stack.splice(at, 1);
    }
    if (stack !== undefined && stack.length === 0) this.hidden.delete(run.id);
  }

  /** How many runs are in progress (a tracer that is idle holds none). */
  get activeRunCount(): number {
    return this.runMap.size;
  }

  private startRun(
    kind: StartKind,
    runType: string | undefined,
    serialized: Serialized,
    inputs: Meta,
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Meta | undefined,
    runName: string | undefined,
    extra: Meta,
  ): void {
    const now = Date.now();
    // A run whose parent this tracer never saw, or whose parent chain leads back to it, starts a trace of its own.
    const cycle = parentRunId !== undefined && this.closesCycle(runId, parentRunId);
    const parent = parentRunId === undefined || cycle ? undefined : this.runMap.get(parentRunId);
    const parentTrace = parent === undefined ? undefined : this.traceOf.get(parent);
    const run: Run = {
      id: runId,
      name: runName || serialized?.name || serialized?.id?.[serialized.id.length - 1] || kind,
      runType: runType ?? kind,
      parentRunId: cycle ? undefined : parentRunId,
      traceId: parentTrace === undefined ? runId : parentTrace.root.traceId,
      executionOrder: 0,
      serialized,
      inputs,
      startTime: now,
      childRuns: [],
      tags: [...(tags ?? [])],
      metadata: { ...metadata },
      events: [{ name: "start", time: now }],
      extra,
    };
    const trace: Trace = parentTrace ?? { root: run, order: 0, live: new Set() };
    run.executionOrder = ++trace.order;
    this.traceOf.set(run, trace);
    if (parentTrace !== undefined) parent?.childRuns.push(run);
    trace.live.add(run);
    const previous = this.runMap.get(runId);
    if (previous !== undefined) {
      // The id of a live run was reused: that run comes back when this one ends.
      const stack = this.hidden.get(runId);
      if (stack === undefined) this.hidden.set(runId, [previous]);
      else stack.push(previous);
    }
    this.runMap.set(runId, run);
    this.onRunStart(run);
  }

  private endRun(runId: string, outputs: Meta | undefined, error: unknown, failed: boolean): void {
    const run = this.runMap.get(runId);
    // A run this tracer did not see start (it was added later) is not traced.
    if (run === undefined) return;
    run.endTime = Date.now();
    if (failed) {
      run.error = error instanceof Error ? error.message : String(error);
      run.events.push({ name: "error", time: run.endTime });
    } else {
      run.outputs = outputs;
      run.events.push({ name: "end", time: run.endTime });
    }
    try {
      this.onRunEnd(run);
    } finally {
      this.forget(run);
      const trace = this.traceOf.get(run);
      trace?.live.delete(run);
      if (trace?.root === run) {
        // The root ended: runs of its trace that never ended are let go with it.
        for (const open of trace.live) this.forget(open);
        trace.live.clear();
        this.onTraceEnd(run);
      }
    }
  }

  private addEvent(runId: string, name: string, kwargs: Meta): void {
    const run = this.runMap.get(runId);
    if (run === undefined) return;
    const event: RunEventRecord = { name, time: Date.now(), kwargs };
    run.events.push(event);
    this.onRunEvent(run, event);
  }

  handleLLMStart(
    serialized: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Meta,
    tags?: string[],
    metadata?: Meta,
    runName?: string,
  ): void {
    this.startRun("llm", undefined, serialized, { prompts }, runId, parentRunId, tags, metadata, runName, { ...extraParams });
  }

  handleChatModelStart(
    serialized: Serialized,
    messages: MessageLike[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Meta,
    tags?: string[],
    metadata?: Meta,
    runName?: string,
  ): void {
    this.startRun("llm", undefined, serialized, { messages }, runId, parentRunId, tags, metadata, runName, { ...extraParams });
  }

  handleLLMNewToken(token: string, idx: NewTokenIndices, runId: string, _parentRunId?: string, _tags?: string[], fields?: { chunk?: GenerationLike }): void {
    this.addEvent(runId, "new_token", fields?.chunk === undefined ? { token, idx } : { token, idx, chunk: fields.chunk });
  }

  handleLLMEnd(output: LLMResult, runId: string): void {
    this.endRun(runId, output as unknown as Meta, undefined, false);
  }

  handleLLMError(error: Error, runId: string): void {
    this.endRun(runId, undefined, error, true);
  }

  handleChainStart(
    serialized: Serialized,
    inputs: ChainValues,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Meta,
    runType?: string,
    runName?: string,
    extra?: Meta,
  ): void {
    this.startRun("chain", runType, serialized, inputs, runId, parentRunId, tags, metadata, runName, { ...extra });
  }

  handleChainEnd(outputs: ChainValues, runId: string, _parentRunId?: string, _tags?: string[], kwargs?: { inputs?: ChainValues }): void {
    // Inputs known only at the end (streamed ones) replace the ones given at the start.
    const run = this.runMap.get(runId);
    if (run !== undefined && kwargs?.inputs !== undefined) run.inputs = kwargs.inputs;
    this.endRun(runId, outputs, undefined, false);
  }

  handleChainError(error: Error, runId: string, _parentRunId?: string, _tags?: string[], kwargs?: { inputs?: ChainValues }): void {
    const run = this.runMap.get(runId);
    if (run !== undefined && kwargs?.inputs !== undefined) run.inputs = kwargs.inputs;
    this.endRun(runId, undefined, error, true);
  }

  handleToolStart(
    serialized: Serialized,
    input: string | Meta,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Meta,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.startRun("tool", undefined, serialized, { input }, runId, parentRunId, tags, metadata, runName, toolCallId === undefined ? {} : { toolCallId });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.endRun(runId, { output }, undefined, false);
  }

  handleToolError(error: Error, runId: string): void {
    this.endRun(runId, undefined, error, true);
  }

  handleRetrieverStart(serialized: Serialized, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string): void {
    this.startRun("retriever", undefined, serialized, { query }, runId, parentRunId, tags, metadata, runName, {});
  }

  handleRetrieverEnd(documents: DocumentLike[], runId: string): void {
    this.endRun(runId, { documents }, undefined, false);
  }

  handleRetrieverError(error: Error, runId: string): void {
    this.endRun(runId, undefined, error, true);
  }

  handleAgentAction(action: AgentAction, runId: string): void {
    this.addEvent(runId, "agent_action", { action });
  }

  handleAgentEnd(finish: AgentFinish, runId: string): void {
    this.addEvent(runId, "agent_end", { finish });
  }

  handleText(text: string, runId: string): void {
    this.addEvent(runId, "text", { text });
  }

  handleRetry(retryState: RetryState, runId: string): void {
    this.addEvent(runId, "retry", { retryState });
  }
}
