// A classic script, loaded before the app (Vite serves and copies it from public/; the
// plain page gets a copy beside it): if the package fails to load (its top-level
// await of the wasm rejects, e.g. under a policy without 'wasm-unsafe-eval'), the page says
// so in #result instead of staying blank. External, not inline: the CSP page allows only
// 'self' scripts.
const fail = (why) => {
  const out = document.getElementById("result");
  if (out && !out.dataset.done) {
    out.textContent = JSON.stringify({ thrown: String(why) });
    out.dataset.done = "true";
  }
};
addEventListener("error", (e) => fail(e.error || e.message), true);
addEventListener("unhandledrejection", (e) => fail(e.reason));
