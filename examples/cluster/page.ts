/**
 * The cluster example's page, served by every instance: it sends the message to instance A's
 * /chat and streams the run from the instance that served the page, B, over Server-Sent Events.
 */
export function clusterPage(runOn: string): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>callbus: run on one instance, stream from another</title>
<style>body{font:16px system-ui;margin:2rem;max-width:44rem}#out{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;min-height:3rem}#log{color:#555;font-size:13px}</style>
<h1>Run on A, stream from B</h1>
<p>This page came from <b id="here"></b>. The chat runs on <b>${runOn}</b>; its events come back from here, through Redis.</p>
<form id="f"><input id="m" value="hello from the cluster" size="40"> <button>Send</button></form>
<p id="out"></p>
<p id="log"></p>
<script>
document.getElementById("here").textContent = location.origin;
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = document.getElementById("out"), log = document.getElementById("log");
  out.textContent = ""; log.textContent = "";
  const res = await fetch(${JSON.stringify(runOn)} + "/chat", { method: "POST", body: new URLSearchParams({ message: document.getElementById("m").value }) });
  const { runId } = await res.json();
  const source = new EventSource("/runs/" + runId + "/events");
  for (const name of ["chainStart", "chatModelStart", "llmEnd", "chainEnd", "gap"]) source.addEventListener(name, (ev) => { log.textContent += name + " (id " + ev.lastEventId + ")\\n"; });
  source.addEventListener("llmNewToken", (ev) => { out.textContent += JSON.parse(ev.data).token; });
  source.addEventListener("chainEnd", () => source.close());
});
</script>
</html>`;
}
