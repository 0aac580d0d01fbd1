/**
 * Structural shapes of the values LangChain passes to callbacks. callbus never imports
 * `@langchain/core` at run time; these interfaces accept its objects as they are.
 */

/** LangChain's `Serialized`: how a runnable describes itself at run start. */
export interface Serialized {
  lc?: number;
  type?: string;
  id?: string[];
  name?: string;
  kwargs?: Record<string, unknown>;
  graph?: Record<string, unknown>;
}

/** Inputs or outputs of a chain. */
export type ChainValues = Record<string, unknown>;

/** Token usage as LangChain's `UsageMetadata` spells it. */
export interface UsageMetadata {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_token_details?: Record<string, number | undefined>;
  output_token_details?: Record<string, number | undefined>;
}

/** A chat message: a LangChain.js message object or a plain `{ role | type, content }`. */
export interface MessageLike {
  content: string | readonly unknown[];
  type?: string;
  role?: string;
  name?: string;
  getType?(): string;
  usage_metadata?: UsageMetadata;
  response_metadata?: Record<string, unknown>;
}

/** One generation of an LLM result (`Generation` / `ChatGeneration`). */
export interface GenerationLike {
  text: string;
  generationInfo?: Record<string, unknown>;
  message?: MessageLike;
}

/** LangChain's `LLMResult`. */
export interface LLMResult {
  generations: GenerationLike[][];
  llmOutput?: Record<string, unknown>;
}

/** Where a streamed token belongs: which prompt, which completion. */
export interface NewTokenIndices {
  prompt: number;
  completion: number;
}

/** A retrieved document. */
export interface DocumentLike {
  pageContent: string;
  metadata: Record<string, unknown>;
  id?: string;
}

/** An agent's decision to call a tool. */
export interface AgentAction {
  tool: string;
  toolInput: string | Record<string, unknown>;
  log: string;
}

/** An agent's final answer. */
export interface AgentFinish {
  returnValues: Record<string, unknown>;
  log: string;
}

/** What a retrying runnable knows about the attempt (Python's tenacity `RetryCallState`). */
export interface RetryState {
  attemptNumber: number;
  error?: unknown;
  [key: string]: unknown;
}

/** One event of LangChain.js's chat-model event stream (`ChatModelStreamEvent`). */
export interface ChatModelStreamEventLike {
  event: string;
}
