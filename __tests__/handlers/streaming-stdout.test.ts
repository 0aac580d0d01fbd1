/** StreamingStdOutCallbackHandler writes each token as it comes, nothing else (conformance 27). */
import { CallbackBus, CallbackManager } from "callbus";
import { StreamingStdOutCallbackHandler } from "callbus/handlers";
import { captureStdout } from "./capture";

test("each token is written when it arrives, and no other event prints", async () => {
  const cm = CallbackManager.configure([new StreamingStdOutCallbackHandler()], undefined, { bus: new CallbackBus() });
  const seenAfterEachToken: string[] = [];
  let written = "";
  const out = await captureStdout(() => {
    const chain = cm.handleChainStart({ name: "Chain" }, { q: "hi" });
    chain.handleText("not printed");
    const [llm] = chain.getChild().handleLLMStart({ name: "Model" }, ["prompt"]);
    for (const token of ["Hel", "lo", ", ", "wörld"]) {
      llm.handleLLMNewToken(token);
      // Written synchronously, before the next token is produced.
      written = (process.stdout.write as jest.Mock).mock.calls.map((c: unknown[]) => String(c[0])).join("");
      seenAfterEachToken.push(written);
    }
    llm.handleLLMEnd({ generations: [[{ text: "Hello, wörld" }]] });
    chain.handleChainEnd({ a: "Hello, wörld" });
  });
  expect(out).toBe("Hello, wörld");
  expect(seenAfterEachToken).toEqual(["Hel", "Hello", "Hello, ", "Hello, wörld"]);
});
