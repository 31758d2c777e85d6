// Type-level tests of the shipped declarations (pkg/index.d.ts): `tsc --noEmit` fails if
// a valid use stops compiling or an invalid one (marked @ts-expect-error) starts to.
import {
  startAuthorization, handleCallback, type AuthError, type AuthErrorCode, type AuthorizationConfig,
  type AuthorizationResult,
} from "../../js/index.js";

// Written as a consumer writes them: configs typed with the exported type, widened,
// built by functions, checked with `satisfies`; results discriminated on `ok`; errors
// caught and switched on `code`.
async function consumer(): Promise<void> {
  const config: AuthorizationConfig = {
    provider: "flinks", authorizeUrl: "https://x.example/api/v1/authorize", clientId: "c",
    redirectUri: "https://app.example/cb", scope: "ACCOUNT_BASIC TRANSACTIONS", providerId: "p", mode: "redirect",
  };
  const either: AuthorizationResult | { url: string; state: string } = await startAuthorization({ ...config, navigate: false });
  if ("ok" in either) { void either.provider; } else { void either.url; }

  let mode: "redirect" | "popup" = "redirect";
  if (Math.random() > 2) mode = "popup";
  const widened = { provider: "tink" as const, clientId: "c", scope: ["accounts:read"], redirectUri: "/cb", mode };
  await startAuthorization(widened);

  const make = (id: string): AuthorizationConfig => ({
    provider: "oauth2", authorizeUrl: "https://as.example/authorize", clientId: id, redirectUri: "https://app.example/cb",
  });
  await startAuthorization(make("c"));

  const checked = {
    provider: "flinks-v3", instance: "toolbox", redirectUri: "https://app.example/cb", lang: "de",
  } satisfies AuthorizationConfig;
  await startAuthorization(checked);

  const frozen = { provider: "tink", clientId: "c", scope: ["a", "b"], redirectUri: "https://app.example/cb" } as const;
  await startAuthorization(frozen);

  const result = await handleCallback();
  if (result === null) return;
  switch (result.ok) {
    case true: { const code: string | undefined = result.code; void code; break; }
    case false: { const error: string = result.error; void error; break; }
  }
  try {
    await startAuthorization(config);
  } catch (e) {
    const err = e as AuthError;
    const code: AuthErrorCode = err.code;
    switch (code) {
      case "popup_blocked": case "popup_closed": case "popup_timeout": case "aborted": break;
      case "invalid_config": { const field: string | undefined = err.field; void field; break; }
      default: { const rest: Exclude<AuthErrorCode, "popup_blocked" | "popup_closed" | "popup_timeout" | "aborted" | "invalid_config"> = code; void rest; }
    }
  }
}
void consumer;

async function consumerMistakes(): Promise<void> {
  // @ts-expect-error a provider name the library does not know
  const bad: AuthorizationConfig = { provider: "plaid", clientId: "c", redirectUri: "/cb" };
  void bad;
  // @ts-expect-error an unknown key in a typed config
  const extra: AuthorizationConfig = { provider: "tink", clientId: "c", scope: "s", redirectUri: "/cb", colour: "red" };
  void extra;
  await startAuthorization({
    provider: "flinks", authorizeUrl: "u", clientId: "c", redirectUri: "r", providerId: "p",
    // @ts-expect-error a Flinks scope outside the enumeration
    scope: "ACCOUNT_BASIC TRANSACTION",
  });
  await startAuthorization({
    provider: "flinks", authorizeUrl: "u", clientId: "c", redirectUri: "r", providerId: "p",
    // @ts-expect-error a Flinks scope outside the enumeration, in an array
    scope: ["ACCOUNT_BASIC", "EVERYTHING"],
  });
}
void consumerMistakes;

async function valid(): Promise<void> {
  const started: { url: string; state: string } = await startAuthorization({
    provider: "flinks", authorizeUrl: "https://x.example/api/v1/authorize", clientId: "c",
    redirectUri: "https://app.example/cb", scope: ["ACCOUNT_BASIC", "TRANSACTIONS"], providerId: "p",
    lang: "fr", navigate: false, appState: { cart: [1, 2] },
  });
  void started;
  await startAuthorization({ provider: "flinks-v3", instance: "toolbox", redirectUri: "https://app.example/cb" });
  const r: AuthorizationResult | null = await handleCallback();
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
/** `storage: "local"` (the bank-app switch): the config field; one handleCallback for both. */
async function acrossTabs(): Promise<void> {
  await startAuthorization({ provider: "tink", clientId: "c", scope: "s", redirectUri: "r", storage: "local" });
  const r: AuthorizationResult | null = await handleCallback();
  if (r?.ok) {
    const code: string | undefined = r.code;
    void code;
  }
  // The old option is still accepted, and changes nothing.
  const old: AuthorizationResult | null = await handleCallback(undefined, { storage: "local" });
  void old;
  // @ts-expect-error the answer may be a Promise (another tab's flow): await it
  const notAwaited: AuthorizationResult | null = handleCallback(location);
  void notAwaited;
  // @ts-expect-error storage is "session" | "local"
  await startAuthorization({ provider: "tink", clientId: "c", scope: "s", redirectUri: "r", storage: "cloud" });
  // @ts-expect-error the option names the storage
  await handleCallback(location, { storage: "indexedDB" });
}
void valid; void invalid; void acrossTabs;
