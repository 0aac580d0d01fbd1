/**
 * The one rule for a run's name (docs/behaviours.md, "Run names"): the name given at its
 * start, else `serialized.name`, else the last item of `serialized.id`. Start events carry it
 * as `name`; handlers that print or trace a run use the same rule.
 */
import type { Serialized } from "./shapes.js";

/**
 * A run's name, or undefined when nothing names it. An empty given name is a name (LangChain
 * Python's stdout handler prints it as empty) unless `emptyIsUnnamed` (its file handler does not).
 */
export function runName(serialized: Serialized | undefined, given: string | undefined, emptyIsUnnamed = false): string | undefined {
  if (given !== undefined && (given !== "" || !emptyIsUnnamed)) return given;
  const id = serialized?.id;
  return serialized?.name || (id !== undefined && id.length !== 0 ? id[id.length - 1] : undefined) || undefined;
}

/**
 * Sets a start payload's `name`: the given one as it is (`""` included), else the derived one.
 * Returns true when it derived the name. Listeners read `name` either way; handlers get their
 * `runName` argument only when it was given, as LangChain does (a LangChain.js tracer then
 * falls back to its own rule): the caller tells the bus's dispatch (`derivedName`), which knows
 * it for exactly that dispatch, so nothing is kept per payload.
 */
export function nameRun(payload: { serialized?: Serialized; name?: string }): boolean {
  if (payload.name !== undefined) return false;
  const derived = runName(payload.serialized, undefined);
  if (derived === undefined) return false;
  payload.name = derived;
  return true;
}
