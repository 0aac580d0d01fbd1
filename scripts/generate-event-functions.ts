/** `npm run generate`: writes lib/event-functions.ts from the event table. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderEventFunctions } from "./event-functions-source.js";

const target = resolve(__dirname, "../lib/event-functions.ts");
writeFileSync(target, renderEventFunctions());
console.log(`wrote ${target}`);
