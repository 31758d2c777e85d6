// The consumer every packaging fixture runs (scripts/packaging copies it next to each
// app's entry): one startAuthorization with navigate: false, then handleCallback on the
// answer a provider would send, as an app writes them; then the same through
// bank-link/relay. The first answer carries text the package's glue reads out of wasm both
// ways (short ASCII by its own loop, anything else by TextDecoder): a short non-ASCII
// parameter and a long one. The outcome lands in #result as
// JSON with data-done set; tests/e2e/src/packaging.rs reads it in each engine.
// With `relay` (bank-link/relay), a second flow's answer goes through it: given a URL, it
// loads the library with a dynamic import and returns its answer, under `relay`.
export async function roundTrip({ startAuthorization, handleCallback }, relay) {
  const out = document.getElementById("result");
  try {
    const redirectUri = location.origin + "/";
    const start = () =>
      startAuthorization({
        provider: "oauth2",
        authorizeUrl: "https://as.example/authorize",
        clientId: "c",
        redirectUri,
        navigate: false,
      });
    const { state } = await start();
    const result = await handleCallback(
      redirectUri + "?code=x&state=" + state + "&note=caf%C3%A9&long=" + "%C3%A9".repeat(40) + "z".repeat(70),
    );
    const second = relay && (await relay.handleCallback(redirectUri + "?code=y&state=" + (await start()).state));
    out.textContent = JSON.stringify(relay ? { ...result, relay: second } : result);
  } catch (e) {
    out.textContent = JSON.stringify({ thrown: String(e && e.code ? e.code + ": " + e.message : e) });
  }
  out.dataset.done = "true";
}
