/**
 * Builds a trace's run tree from its event records: one node per run, in start order, each
 * with its events, inputs, outputs, error, streamed text and usage rolled up from below.
 * Used alike for runs this process heard and for runs read back from a run log.
 */
import type { CallbackEventName } from "../../index.js";
import { addUsage, type EventRecord } from "./event-record.js";
import { ENDS, phaseOf, STARTS } from "./phases.js";
import type { RunKind, RunNode, RunSummary } from "./types.js";

/** The kind of a run whose start was never seen, guessed from any of its events. */
function kindOf(event: CallbackEventName): RunKind {
  if (event.startsWith("llm")) return "llm";
  if (event.startsWith("chatModel")) return "chat_model";
  if (event.startsWith("tool")) return "tool";
  if (event.startsWith("retriever")) return "retriever";
  return "chain";
}

/**
 * The tree below `runId` (the run and its descendants found in `records`). Runs whose parent
 * is not among the records hang under the root, so nothing read is left out. Undefined when
 * no record is of `runId`.
 */
export function buildTree(records: Iterable<EventRecord>, runId: string): RunNode | undefined {
  const nodes = new Map<string, RunNode>();
  const order: RunNode[] = [];
  for (const record of records) {
    let node = nodes.get(record.runId);
    if (node === undefined) {
      node = newNode(record);
      nodes.set(record.runId, node);
      order.push(node);
    }
    apply(node, record);
  }
  const root = nodes.get(runId);
  if (root === undefined) return undefined;
  // A node is hung under a parent created before it, so the links can never form a cycle.
  const parents = new Map<RunNode, RunNode>();
  const position = new Map<RunNode, number>(order.map((node, i) => [node, i]));
  for (const node of order) {
    if (node === root) continue;
    const parent = node.parentRunId === undefined ? undefined : nodes.get(node.parentRunId);
    const home = parent !== undefined && (position.get(parent) ?? Infinity) < (position.get(node) ?? -1) ? parent : root;
    home.children.push(node);
    parents.set(node, home);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const parent = parents.get(node);
    if (parent !== undefined) parent.usage = addUsage(parent.usage, node.usage);
  }
  return root;
}

function newNode(record: EventRecord): RunNode {
  const start = STARTS[record.event];
  const node: RunNode = {
    runId: record.runId,
    name: record.name ?? "<unknown run>",
    kind: start?.kind ?? kindOf(record.event),
    status: "running",
    startTime: record.time,
    tags: record.tags ?? [],
    metadata: record.metadata ?? {},
    events: [],
    children: [],
  };
  if (record.parentRunId !== undefined) node.parentRunId = record.parentRunId;
  return node;
}

function apply(node: RunNode, record: EventRecord): void {
  const { event, data } = record;
  const phase = phaseOf(event);
  let shown = data;
  const start = STARTS[event];
  if (start !== undefined) {
    // A start seen after other events of the run (out of order) still names it.
    node.name = record.name ?? node.name;
    node.kind = start.kind;
    node.tags = record.tags ?? node.tags;
    node.metadata = record.metadata ?? node.metadata;
    if (record.parentRunId !== undefined) node.parentRunId = record.parentRunId;
    node.inputs = data[start.inputs];
    if (typeof data.runType === "string") node.runType = data.runType;
    shown = without(data, start.inputs);
  } else if (event === "llmNewToken") {
    node.text = (node.text ?? "") + String(data.token);
  } else if (phase === "end") {
    node.endTime = record.time;
    const outputs = ENDS[event];
    if (typeof outputs === "string") {
      node.status = "success";
      node.outputs = data[outputs];
      shown = without(data, outputs);
    } else {
      node.status = "error";
      const error = data.error as { name?: unknown; message?: unknown } | undefined;
      node.error = {
        name: typeof error?.name === "string" ? error.name : "Error",
        message: typeof error?.message === "string" ? error.message : JSON.stringify(error) ?? "undefined",
      };
    }
    if (record.usage !== undefined) node.usage = addUsage(node.usage, record.usage);
  }
  const shownEvent: RunNode["events"][number] = { event, time: record.time, data: shown };
  if (record.id !== undefined) shownEvent.id = record.id;
  node.events.push(shownEvent);
}

function without(data: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!(key in data)) return data;
  const { [key]: _lifted, ...rest } = data;
  return rest;
}

/** A run's summary: the node without its inputs, outputs, events and children. */
export function summaryOf(node: RunNode): RunSummary {
  const summary: RunSummary = {
    runId: node.runId,
    name: node.name,
    kind: node.kind,
    status: node.status,
    startTime: node.startTime,
    tags: node.tags,
    metadata: node.metadata,
  };
  if (node.endTime !== undefined) summary.endTime = node.endTime;
  if (node.usage !== undefined) summary.usage = node.usage;
  return summary;
}
