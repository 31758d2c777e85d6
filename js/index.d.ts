/** The provider presets (docs/api.md "Presets"). */
export type Provider = "tink" | "flinks" | "flinks-v3" | "oauth2";

/** Flinks outbound scopes, as its `/api/v1/authorize` document lists them. */
export type FlinksScope =
  | "ACCOUNT_BASIC" | "ACCOUNT_DETAILED" | "ACCOUNT_PAYMENTS" | "INVESTMENTS"
  | "STATEMENTS" | "CUSTOMER_CONTACT" | "CUSTOMER_PERSONAL" | "TRANSACTIONS";

/**
 * Flinks scopes as one space-separated string, up to three (write an array for more):
 * every word must be a {@link FlinksScope}, so a typo fails to compile.
 */
export type FlinksScopeString =
  | FlinksScope | `${FlinksScope} ${FlinksScope}` | `${FlinksScope} ${FlinksScope} ${FlinksScope}`;

/** A JSON value: what `appState` may carry. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The names `onEvent` receives, stable (apps count them). */
export type EventName =
  | "open" | "popup_blocked" | "provider_loaded" | "popup_closed"
  | "callback_received" | "relayed" | "completed" | "failed";

/**
 * A progress event: never a code, a verifier or a state. `provider_loaded` is reserved:
 * a provider's cross-origin page cannot be observed, so no browser emits it today.
 */
export interface BankLinkEvent {
  name: EventName;
  /** When known: the start's preset, or the result's. */
  provider?: Provider;
  /** The flow's mode: "popup" for a popup flow's events, "redirect" otherwise. */
  mode: "redirect" | "popup";
  /** "completed": whether the provider said yes (the result's `ok`). */
  ok?: boolean;
  /** "failed": the AuthError code. */
  error?: AuthErrorCode;
}

interface CommonConfig {
  /** Absolute; https (http only on localhost, 127.0.0.1, [::1]); on this page's origin; no fragment. */
  redirectUri: string;
  /** The provider's full authorize endpoint, used as given. */
  authorizeUrl?: string;
  /** Default "redirect". "popup": the promise resolves with the AuthorizationResult. */
  mode?: "redirect" | "popup";
  /** Default true. false: store the pending authorization and resolve { url, state }. */
  navigate?: boolean;
  /** Popup size in px (200..10000; default 500×700) and wait (1000 ms..1 h; default ttlSeconds). */
  popup?: { width?: number; height?: number; timeoutMs?: number };
  /** Popup mode: aborting closes the popup and rejects with "aborted". */
  signal?: AbortSignal;
  /** RFC 7636 S256. Default true for "oauth2", false for the other presets. */
  pkce?: boolean;
  /** Extra query parameters; may not name a parameter the library sets. */
  extraParams?: Record<string, string>;
  /** Returned by handleCallback on every verified result. */
  appState?: Json;
  /** Lifetime of the pending authorization, 30..3600 seconds; default 600. */
  ttlSeconds?: number;
  /** RFC 9207: the callback's `iss` must equal it. */
  issuer?: string;
  /**
   * Where the pending authorization is kept. Default "session" (this tab only). "local":
   * every tab of the origin, so a callback that a bank app opens in a new tab still
   * completes, with the same `await handleCallback()`. It is kept in IndexedDB: every start,
   * callback and sweep is one transaction, so a flow is taken exactly once whatever the
   * timing. In popup mode that tab hands the answer to the opener, whose promise resolves.
   */
  storage?: "session" | "local";
  /**
   * Progress events for analytics (open, popup_blocked, popup_closed, relayed, completed,
   * failed). A handler that throws is ignored.
   */
  onEvent?: (event: BankLinkEvent) => void;
}

export interface TinkConfig extends CommonConfig {
  provider: "tink";
  clientId: string;
  scope: string | readonly string[];
}

export interface FlinksConfig extends CommonConfig {
  provider: "flinks";
  /** Required: the customer's host, path /api/v1/authorize. */
  authorizeUrl: string;
  clientId: string;
  scope: FlinksScopeString | readonly FlinksScope[];
  providerId: string;
  correlationId?: string;
  lang?: "en" | "fr";
}

export interface FlinksV3Config extends CommonConfig {
  provider: "flinks-v3";
  /** toolbox, sandbox, production…: https://{instance}-api.private.fin.ag/v3/oauth/authorize. Required unless authorizeUrl is given, and refused beside it. */
  instance?: string;
  institutionId?: string;
  tag?: string;
  recipientId?: string;
  /** ISO 639-1 two-letter code; default "en". */
  lang?: string;
}

export interface OAuth2Config extends CommonConfig {
  provider: "oauth2";
  authorizeUrl: string;
  clientId: string;
  scope?: string | readonly string[];
}

export type AuthorizationConfig = TinkConfig | FlinksConfig | FlinksV3Config | OAuth2Config;

/** RFC 6749 §4.1.2.1 error codes. */
export type OAuthErrorCode =
  | "access_denied" | "invalid_request" | "unauthorized_client"
  | "unsupported_response_type" | "invalid_scope" | "server_error"
  | "temporarily_unavailable";

export type AuthorizationResult =
  | {
      ok: true; provider: Provider; state: string; code?: string; loginId?: string;
      credentialsId?: string; codeVerifier?: string; params: Record<string, string>;
      appState?: unknown;
    }
  | {
      ok: false; provider: Provider; state?: string;
      // eslint-disable-next-line @typescript-eslint/ban-types
      error: OAuthErrorCode | (string & {});
      /** Untrusted text from the provider: never render it as HTML. */
      errorDescription?: string; errorUri?: string; params: Record<string, string>;
      appState?: unknown;
    };

export type AuthErrorCode =
  | "invalid_config" | "storage_unavailable" | "browser_unavailable" | "popup_blocked" | "popup_closed"
  | "popup_timeout" | "aborted" | "unknown_state" | "missing_state" | "expired"
  | "already_handled" | "malformed_callback" | "issuer_mismatch";

/** What every failure that is not the provider's answer throws or rejects with. */
export interface AuthError extends Error {
  name: "AuthError";
  code: AuthErrorCode;
  /** For invalid_config: the config key as the caller wrote it (nested: "extraParams.x"). */
  field?: string;
}

/**
 * Popup mode: opens the popup synchronously (call it inside the click handler, before every
 * await) and resolves with the provider's answer, verified by this page; rejects with
 * AuthError popup_blocked, popup_closed, popup_timeout, aborted or a callback error.
 */
export function startAuthorization(
  config: AuthorizationConfig & { mode: "popup" },
): Promise<AuthorizationResult>;
/** Validates, stores the pending authorization and navigates (or resolves { url, state } with navigate: false). */
export function startAuthorization(
  config: AuthorizationConfig & { mode?: "redirect" },
): Promise<{ url: string; state: string }>;
/**
 * Any config, its `mode` not known at compile time (a config typed `AuthorizationConfig`,
 * spread, or returned by a function): the result of the mode it turns out to have.
 */
export function startAuthorization(
  config: AuthorizationConfig,
): Promise<AuthorizationResult | { url: string; state: string }>;

/**
 * Verifies and consumes the callback on the redirect URI page. null when the location is
 * no callback. Synchronous for this tab's own flows. A Promise of the same when the
 * callback may answer a `storage: "local"` flow that another tab started (the bank's app
 * opened the redirect URI in a new tab): it is then taken from the shared store in one
 * IndexedDB transaction, so of two tabs that handle it exactly one gets the result and the
 * other `already_handled`. `await handleCallback()` serves both cases. A Promise comes back
 * only while a `storage: "local"` flow of this origin may be pending (a localStorage hint
 * says so); a page that never used `storage: "local"` always gets the synchronous form.
 * The answer of a popup flow that came back in this tab goes to its opener: `null`, and
 * the page says "return to the app" (or, if the opener is gone, the result).
 * `options.storage` is accepted for older callers and not needed (docs/api.md, "Across tabs").
 */
export function handleCallback(
  location?: Location | URL | string | null,
  options?: { storage?: "session" | "local"; onEvent?: (event: BankLinkEvent) => void },
): AuthorizationResult | null | Promise<AuthorizationResult | null>;
