/**
 * The example's one page: a form that posts to /chat, then shows the reply's tokens as they
 * arrive over Server-Sent Events (EventSource). Text is set with textContent, never as HTML.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>callbus: live tokens</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
  #output { white-space: pre-wrap; min-height: 3rem; padding: .5rem; border: 1px solid #ccc; }
  #events { color: #666; font-size: .8rem; }
</style>
</head>
<body>
<h1>callbus live tokens</h1>
<form id="form">
  <input id="message" name="message" value="hello" autocomplete="off">
  <button id="send" type="submit">Send</button>
</form>
<p>Status: <span id="status">idle</span></p>
<div id="output"></div>
<ol id="events"></ol>
<script>
const $ = (id) => document.getElementById(id);
document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("output").textContent = "";
  $("events").textContent = "";
  $("status").textContent = "sending";
  const response = await fetch("/chat", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: $("message").value }),
  });
  const body = await response.json();
  if (!response.ok) {
    $("status").textContent = "error: " + body.error;
    return;
  }
  $("status").textContent = "streaming";
  const source = new EventSource(body.events);
  const seen = (name) => (e) => {
    const item = document.createElement("li");
    item.textContent = name;
    $("events").append(item);
    return JSON.parse(e.data);
  };
  source.addEventListener("llmNewToken", (e) => {
    $("output").textContent += seen("llmNewToken")(e).token;
  });
  for (const name of ["chainStart", "chatModelStart", "llmEnd"]) source.addEventListener(name, seen(name));
  for (const name of ["chainEnd", "chainError"]) {
    source.addEventListener(name, (e) => {
      const payload = seen(name)(e);
      if (payload.runId !== body.runId) return;
      $("status").textContent = name === "chainEnd" ? "done" : "failed: " + payload.error.message;
      source.close();
    });
  }
  source.onerror = () => {
    if ($("status").textContent === "streaming") $("status").textContent = "stream lost";
    source.close();
  };
});
</script>
</body>
</html>
`;
