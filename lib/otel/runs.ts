/**
 * What the OpenTelemetry handler knows about a run, read once from LangChain's arguments and
 * handed to a convention: the start of a run and the result at its end, by kind of run.
 */
import type { ChainValues, DocumentLike, LLMResult, MessageLike } from "../index.js";

type Meta = Record<string, unknown>;

/** The kinds of run a span can stand for. `chat` and `llm` are model calls. */
export type RunKind = "chat" | "llm" | "chain" | "tool" | "retriever";

/** The model request as LangChain.js describes it in `metadata` and `extraParams.invocation_params`. */
export interface ModelRequest {
  /** `metadata.ls_model_name`, else the model named in the invocation parameters. */
  model?: string;
  /** `metadata.ls_provider` as LangChain spells it (`openai`, `anthropic`, `google_vertexai`, ...). */
  provider?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  choiceCount?: number;
  stopSequences?: string[];
  /** The request asked for a stream (`streaming: true` / `stream: true`). */
  stream: boolean;
  /** The invocation parameters as given, for conventions that record them whole. */
  invocationParams?: Meta;
}

/** Token counts of one model call, from `usage_metadata` or `llmOutput.tokenUsage`. */
export interface TokenUsage {
  input: number;
  output: number;
  total: number;
  cacheRead?: number;
  cacheCreation?: number;
  reasoning?: number;
}

/** What the model answered, besides the content. */
export interface ModelResponse {
  model?: string;
  id?: string;
  /** One per generation; a generation that gives none is left out. */
  finishReasons: string[];
  usage?: TokenUsage;
}

interface StartBase {
  /** The run name: the given one, else `serialized.name`, else the last item of `serialized.id`. */
  name: string;
  /** No span of this handler is the parent (no `parentRunId`, or one this handler never saw). */
  root: boolean;
  tags: readonly string[];
  metadata: Meta;
}

/** A run's start, by kind. */
export type RunStart =
  | (StartBase & { kind: "chat"; messages: readonly MessageLike[]; request: ModelRequest })
  | (StartBase & { kind: "llm"; prompts: readonly string[]; request: ModelRequest })
  | (StartBase & { kind: "chain"; inputs: ChainValues })
  | (StartBase & { kind: "tool"; input: unknown; toolCallId?: string })
  | (StartBase & { kind: "retriever"; query: string });

/** A run's successful end, by kind. */
export type RunEnd =
  | { kind: "chat" | "llm"; output: LLMResult; response: ModelResponse }
  | { kind: "chain"; outputs: ChainValues }
  | { kind: "tool"; output: unknown }
  | { kind: "retriever"; documents: readonly DocumentLike[] };
