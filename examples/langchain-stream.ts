/**
 * callbus under a real LangChain.js chain: a custom event, a retriever and a tool gather facts,
 * then a prompt, a chat model that streams and an output parser write the answer. One line puts
 * every LangChain.js callback on the bus; each event is printed as it arrives, indented by its
 * place in the run tree. No network, no keys.
 *
 *   npm run example:langchain
 */
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { Document } from "@langchain/core/documents";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda, RunnableSequence } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel, FakeRetriever } from "@langchain/core/utils/testing";
import { CallbackBus, type BusEventItem } from "callbus";

const bus = new CallbackBus();

// Depth of each live run, to indent its events under its parent.
const depth = new Map<string, number>();

function describe({ event, payload }: BusEventItem): string {
  switch (event) {
    case "chainStart":
    case "chatModelStart":
    case "toolStart":
    case "retrieverStart":
      return `${payload.name ?? "?"}`;
    case "customEvent":
      return `${payload.eventName} ${JSON.stringify(payload.data)}`;
    case "retrieverEnd":
      return payload.documents.map((d) => JSON.stringify(d.pageContent)).join(", ");
    case "toolEnd":
      return JSON.stringify(payload.output);
    case "llmEnd":
      return JSON.stringify(payload.output.generations[0]?.[0]?.text);
    case "chainError":
    case "llmError":
    case "toolError":
    case "retrieverError":
      return payload.error.message;
    default:
      return "";
  }
}

// Streamed tokens are written on one line, each as it arrives.
let inTokens = false;

bus.onAny((event, payload) => {
  const level = depth.get(payload.runId) ?? (payload.parentRunId === undefined ? 0 : (depth.get(payload.parentRunId) ?? 0) + 1);
  if (event.endsWith("Start")) depth.set(payload.runId, level);
  if (event === "llmNewToken") {
    if (!inTokens) process.stdout.write(`${"  ".repeat(level)}llmNewToken… `);
    inTokens = true;
    process.stdout.write(String((payload as { token?: unknown }).token));
    return;
  }
  if (inTokens) process.stdout.write("\n");
  inTokens = false;
  console.log(`${"  ".repeat(level)}${event} ${describe({ event, payload } as BusEventItem)}`.trimEnd());
  if ((event.endsWith("End") && event !== "agentEnd") || event.endsWith("Error")) depth.delete(payload.runId);
});

const atlas = new FakeRetriever({
  output: [
    new Document({ pageContent: "Lisbon sits on seven hills.", metadata: { source: "atlas" } }),
    new Document({ pageContent: "Trams climb to the castle.", metadata: { source: "atlas" } }),
  ],
});

const weather = tool(async (input) => `sunny, 24°C in ${(input as { city: string }).city}`, {
  name: "weather",
  description: "Today's weather in a city",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
});

const gather = RunnableLambda.from(async (city: string, config) => {
  await dispatchCustomEvent("progress", { step: "gathering facts", city }, config);
  const docs = await atlas.invoke(city, config);
  const today = await weather.invoke({ city }, config);
  return { city, facts: `${docs.map((d) => d.pageContent).join(" ")} Today: ${today}.` };
}).withConfig({ runName: "gather" });

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "You write one-line travel tips from the facts given."],
  ["human", "City: {city}. Facts: {facts}"],
]);
const model = new FakeListChatModel({ responses: ["Walk the hills of Lisbon early, then ride a tram up to the castle."] });

const planner = RunnableSequence.from([gather, prompt, model, new StringOutputParser()]).withConfig({ runName: "trip-planner" });

// The one line: LangChain.js's callbacks option takes the bus's handler.
const stream = await planner.stream("Lisbon", { callbacks: [bus.asLangChainHandler({ metadata: { example: "langchain-stream" } })] });

let answer = "";
for await (const chunk of stream) answer += chunk;
await bus.flush();

console.log(`\nanswer: ${answer}`);
console.log(`runs still open on the bus: ${bus.activeRuns}`);
