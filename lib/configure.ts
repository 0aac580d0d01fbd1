/**
 * `CallbackManager.configure`: one manager from inheritable and local handlers (lists or a
 * manager), tags, metadata, `verbose`/`debug`, and the handlers that configure hooks hold in
 * the current async context (Python's `register_configure_hook`).
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackBus } from "./bus.js";
import { assertHandler, type CallbackHandlerLike } from "./handler.js";
import type { BaseCallbackManager, CallbackManagerOptions } from "./callback-manager.js";
import type { Mode } from "./callback-manager.js";
import { ConsoleCallbackHandler } from "../handlers/console.js";
import { StdOutCallbackHandler } from "../handlers/stdout.js";

/** A manager-shaped value: ours, or LangChain.js's `CallbackManager`. */
export interface CallbackManagerLike {
  handlers: CallbackHandlerLike[];
  inheritableHandlers: CallbackHandlerLike[];
  tags?: string[];
  inheritableTags?: string[];
  metadata?: Record<string, unknown>;
  inheritableMetadata?: Record<string, unknown>;
  parentRunId?: string;
  bus?: CallbackBus;
}

/** What `configure` accepts for handlers: a list of handlers, or a manager to start from. */
export type Callbacks = CallbackManagerLike | readonly CallbackHandlerLike[];

export interface ConfigureOptions {
  /** Add a `StdOutCallbackHandler` (local) unless one is there or `debug` is set. */
  verbose?: boolean;
  /** Add a `ConsoleCallbackHandler` (inheritable) unless one is there. */
  debug?: boolean;
  inheritableTags?: string[];
  localTags?: string[];
  inheritableMetadata?: Record<string, unknown>;
  localMetadata?: Record<string, unknown>;
  bus?: CallbackBus;
}

/** A handler held in an async context; every `configure` inside that context adds it. */
export interface ConfigureHook {
  storage: AsyncLocalStorage<CallbackHandlerLike | undefined>;
  /** Added as inheritable (reaches child runs) or local. */
  inheritable: boolean;
}

const hooks: ConfigureHook[] = [];

/** Registers a configure hook (Python's `register_configure_hook`). Returns a function that removes it. */
export function registerConfigureHook(hook: ConfigureHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i !== -1) hooks.splice(i, 1);
  };
}

function isManager(callbacks: Callbacks): callbacks is CallbackManagerLike {
  return !Array.isArray(callbacks);
}

function parentOf(manager: CallbackManagerLike): string | undefined {
  return manager.parentRunId ?? (manager as { _parentRunId?: string })._parentRunId;
}

export function configureManager<T extends BaseCallbackManager<Mode>>(
  Manager: new (parentRunId?: string, options?: CallbackManagerOptions) => T,
  inheritableHandlers: Callbacks | undefined,
  localHandlers: Callbacks | undefined,
  options: ConfigureOptions = {},
): T {
  let manager: T;
  if (inheritableHandlers !== undefined && isManager(inheritableHandlers)) {
    const from = inheritableHandlers;
    manager = new Manager(parentOf(from), {
      bus: options.bus ?? from.bus,
      handlers: from.handlers,
      inheritableHandlers: from.inheritableHandlers,
      tags: from.tags,
      inheritableTags: from.inheritableTags,
      metadata: from.metadata,
      inheritableMetadata: from.inheritableMetadata,
    });
  } else {
    manager = new Manager(undefined, { bus: options.bus });
    for (const handler of inheritableHandlers ?? []) manager.addHandler(handler, true);
  }

  const locals = localHandlers === undefined ? [] : isManager(localHandlers) ? localHandlers.handlers : localHandlers;
  for (const handler of locals) {
    assertHandler(handler, "configure()");
    if (!manager.handlers.includes(handler)) manager.addHandler(handler, false);
  }

  for (const hook of hooks) {
    const handler = hook.storage.getStore();
    if (handler !== undefined && !manager.handlers.includes(handler)) manager.addHandler(handler, hook.inheritable);
  }

  // Python's rule: debug adds a console tracer; verbose adds stdout printing unless debug is set.
  if (options.debug === true && !manager.handlers.some((h) => h instanceof ConsoleCallbackHandler)) {
    manager.addHandler(new ConsoleCallbackHandler(), true);
  }
  if (options.verbose === true && options.debug !== true && !manager.handlers.some((h) => h instanceof StdOutCallbackHandler)) {
    manager.addHandler(new StdOutCallbackHandler(), false);
  }

  if (options.inheritableTags) manager.addTags(options.inheritableTags, true);
  if (options.localTags) manager.addTags(options.localTags, false);
  if (options.inheritableMetadata) manager.addMetadata(options.inheritableMetadata, true);
  if (options.localMetadata) manager.addMetadata(options.localMetadata, false);
  return manager;
}
