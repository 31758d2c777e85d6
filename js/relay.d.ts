import type { AuthorizationResult, BankLinkEvent } from "./index.js";

/**
 * The callback page of a popup flow, without loading the library (docs/api.md, "The relay
 * page"). In the popup: hands the answer to the opener, which verifies and consumes it,
 * closes the popup and returns `null`. Anywhere else (the bank's app opened the page in a
 * new tab, Tink's bare denial, a URL passed in) it loads the library and returns what the
 * library's `handleCallback` returns, as a Promise.
 */
export function handleCallback(
  location?: Location | URL | string | null,
  options?: { storage?: "session" | "local"; onEvent?: (event: BankLinkEvent) => void },
): AuthorizationResult | null | Promise<AuthorizationResult | null>;
