// The CSP control page's module (control.html, served under script-src 'self' without
// 'wasm-unsafe-eval'): the same package, imported dynamically so that its failure reaches
// #result in every engine. WebKit fires no error event for a static import whose top-level
// await rejected, and its WebDriver scripts run outside the page's policy, so the page
// itself must say why it stopped.
import("./node_modules/bank-link/pkg/index.js").then(
  (bankLink) => import("./consumer.js").then(({ roundTrip }) => roundTrip(bankLink)),
  (e) => {
    const out = document.getElementById("result");
    out.textContent = JSON.stringify({ thrown: String(e) });
    out.dataset.done = "true";
  },
);
