/** Captures what is written to the real `process.stdout` while `fn` runs, then restores it. */
export async function captureStdout(fn: () => unknown): Promise<string> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }));
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.join("");
}
