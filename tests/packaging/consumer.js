// The consumer every packaging fixture runs (scripts/packaging copies it next to each
// app's entry): one startAuthorization with navigate: false, then handleCallback on the
// answer a provider would send, as an app writes them. The outcome lands in #result as
// JSON with data-done set; tests/e2e/src/packaging.rs reads it in each engine.
export async function roundTrip({ startAuthorization, handleCallback }) {
  const out = document.getElementById("result");
  try {
    const redirectUri = location.origin + "/";
    const { state } = await startAuthorization({
      provider: "oauth2",
      authorizeUrl: "https://as.example/authorize",
      clientId: "c",
      redirectUri,
      navigate: false,
    });
    out.textContent = JSON.stringify(await handleCallback(redirectUri + "?code=x&state=" + state));
  } catch (e) {
    out.textContent = JSON.stringify({ thrown: String(e && e.code ? e.code + ": " + e.message : e) });
  }
  out.dataset.done = "true";
}
