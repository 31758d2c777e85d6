// Type-level tests of the shipped declarations (pkg/index.d.ts): `tsc --noEmit` fails if
// a valid use stops compiling or an invalid one (marked @ts-expect-error) starts to.
import { startAuthorization, handleCallback, type AuthError, type AuthorizationResult } from "../../js/index.js";

async function valid(): Promise<void> {
  const started: { url: string; state: string } = await startAuthorization({
    provider: "flinks", authorizeUrl: "https://x.example/api/v1/authorize", clientId: "c",
    redirectUri: "https://app.example/cb", scope: ["ACCOUNT_BASIC", "TRANSACTIONS"], providerId: "p",
    lang: "fr", navigate: false, appState: { cart: [1, 2] },
  });
  void started;
  await startAuthorization({ provider: "flinks-v3", instance: "toolbox", redirectUri: "https://app.example/cb" });
  const r: AuthorizationResult | null = handleCallback();
  if (r?.ok) {
    const code: string | undefined = r.code;
    const verifier: string | undefined = r.codeVerifier;
    void code; void verifier;
  } else if (r) {
    const e: string = r.error;
    const d: string | undefined = r.errorDescription;
    void e; void d;
  }
  const popped: AuthorizationResult = await startAuthorization({
    provider: "tink", clientId: "c", scope: "s", redirectUri: "https://app.example/cb", mode: "popup",
    popup: { width: 480, timeoutMs: 120_000 }, signal: new AbortController().signal,
  });
  if (popped.ok) { const c: string | undefined = popped.code; void c; }
  handleCallback(new URL("https://app.example/cb?code=x&state=y"));
  handleCallback("https://app.example/cb");
  try { handleCallback(location); } catch (e) {
    const err = e as AuthError;
    const code: "invalid_config" | "storage_unavailable" | "browser_unavailable" | "popup_blocked" | "popup_closed" | "popup_timeout"
      | "aborted" | "unknown_state" | "missing_state" | "expired" | "already_handled" | "malformed_callback"
      | "issuer_mismatch" = err.code;
    void code;
  }
}

async function invalid(): Promise<void> {
  // @ts-expect-error provider is required
  await startAuthorization({ clientId: "c", redirectUri: "https://app.example/cb" });
  // @ts-expect-error flinks lang is en | fr
  await startAuthorization({ provider: "flinks", authorizeUrl: "u", clientId: "c", redirectUri: "r", scope: "ACCOUNT_BASIC", providerId: "p", lang: "de" });
  // @ts-expect-error clientSecret is not a config field
  await startAuthorization({ provider: "oauth2", authorizeUrl: "u", clientId: "c", redirectUri: "r", clientSecret: "s" });
  // @ts-expect-error mode is redirect | popup
  await startAuthorization({ provider: "tink", clientId: "c", scope: "s", redirectUri: "r", mode: "iframe" });
  // @ts-expect-error a popup flow resolves with the result, not { url, state }
  const wrong: { url: string } = await startAuthorization({ provider: "tink", clientId: "c", scope: "s", redirectUri: "r", mode: "popup" });
  void wrong;
  // @ts-expect-error location must be a Location, URL or string
  handleCallback(42);
}
void valid; void invalid;
