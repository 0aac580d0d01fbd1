/**
 * ConsoleCallbackHandler: the run tree printed as it happens, with breadcrumbs and elapsed
 * times (what `debug: true` turns on).
 *
 *   npx tsx examples/console-handler.ts
 */
import { CallbackManager } from "callbus";

const manager = CallbackManager.configure(undefined, undefined, { debug: true });

const chain = manager.handleChainStart({ name: "QA" }, { question: "Capital of France?" });
const retriever = chain.getChild().handleRetrieverStart({ name: "Wiki" }, "capital of France");
await new Promise((resolve) => setTimeout(resolve, 20));
retriever.handleRetrieverEnd([{ pageContent: "Paris is the capital of France.", metadata: {} }]);
const [model] = chain.getChild().handleChatModelStart({ name: "FakeChat" }, [[{ role: "user", content: "Capital of France?" }]]);
await new Promise((resolve) => setTimeout(resolve, 40));
model.handleLLMEnd({ generations: [[{ text: "Paris" }]] });
chain.handleChainEnd({ answer: "Paris" });
