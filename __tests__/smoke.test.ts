import { CallbackBus, CallbackManager, AsyncCallbackManager, EVENT_NAMES } from "callbus";

test("smoke", async () => {
  const bus = new CallbackBus();
  const seen: string[] = [];
  bus.onAny((e, p) => { seen.push(`${e}:${p.runId}`); });
  const cm = new CallbackManager(undefined, { bus, handlers: [{ handleChainStart: (...a: unknown[]) => { seen.push("h:" + JSON.stringify(a.slice(2, 4))); } }] });
  const rm = cm.handleChainStart({ name: "x" }, { q: 1 }, "r1");
  const child = rm.getChild("t");
  const [llm] = child.handleLLMStart({ id: ["a", "b"] }, ["hi"]);
  llm.handleLLMNewToken("x");
  llm.handleLLMEnd({ generations: [] });
  rm.handleChainEnd({ a: 1 });
  expect(() => rm.handleChainEnd({})).toThrow(/already ended/);
  console.log(seen, EVENT_NAMES.length, bus.activeRuns);
  const acm = new AsyncCallbackManager(undefined, { bus });
  const arm = await acm.handleChainStart({}, {});
  await arm.handleChainEnd({});
});
