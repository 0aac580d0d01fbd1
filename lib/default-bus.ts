/** The bus used when none is given: managers, run managers, `handleEvent` and the Express entry point fall back to it. */
import { CallbackBus } from "./bus.js";

// Marked pure so that a bundler drops it from a bundle that never uses it ("sideEffects": false).
/** The bus used when none is given. */
export const defaultBus: CallbackBus = /* @__PURE__ */ new CallbackBus();
