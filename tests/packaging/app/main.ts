// A TypeScript consumer, type-checked (never emitted) against the tarball's index.d.ts.
import { startAuthorization, handleCallback } from "bank-link";
import type { AuthorizationResult, AuthError } from "bank-link";
import { handleCallback as relayCallback } from "bank-link/relay";

const redirectUri = location.origin + "/";
const started: { url: string; state: string } = await startAuthorization({
  provider: "oauth2",
  authorizeUrl: "https://as.example/authorize",
  clientId: "c",
  redirectUri,
  navigate: false,
});
// `await`: the answer is a Promise when it may be another tab's storage-local flow.
const r: AuthorizationResult | null = await handleCallback(redirectUri + "?code=x&state=" + started.state);
if (r && r.ok) {
  const code: string | undefined = r.code;
  console.log(code, r.params);
} else if (r) {
  const error: string = r.error;
  console.log(error);
}
// bank-link/relay answers as the library does (null in a popup that handed it on).
const relayed: AuthorizationResult | null = await relayCallback();
console.log(relayed);
export function codeOf(e: AuthError): string {
  return e.code;
}
// @ts-expect-error: a Tink config needs clientId and scope.
void startAuthorization({ provider: "tink", redirectUri });
