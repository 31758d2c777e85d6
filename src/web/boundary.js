// The JS half of the browser boundary (src/web/*.rs). Each function does in one call what
// would otherwise be a crossing per field: every crossing with a string decodes it, and a
// result object built by Reflect.set per field cost several times one object literal
// (docs/performance.md).
// Nothing here decides anything; the Rust side does.

const json = (text) => {
  if (text !== undefined) {
    try {
      return JSON.parse(text);
    } catch {
      // Never reached: the text is JSON.stringify's. Absent rather than thrown.
    }
  }
};

// The AuthorizationResult objects (docs/api.md "Result objects"): every field an own property,
// `undefined` when absent, so a polluted Object.prototype.code or .appState is never read
// through a result; a plain prototype, so hasOwnProperty and String(result) work.
export function ok(provider, state, code, loginId, credentialsId, codeVerifier, params, appState) {
  return { ok: true, provider, state, code, loginId, credentialsId, codeVerifier, params, appState: json(appState) };
}

export function no(provider, state, error, errorDescription, errorUri, params, appState) {
  return { ok: false, provider, state, error, errorDescription, errorUri, params, appState: json(appState) };
}

// `startAuthorization`'s `{ url, state }` with `navigate: false`.
export function started(url, state) {
  return { url, state };
}

// The JS AuthError: an Error named AuthError, with `code` and `field` (undefined unless
// invalid_config) as own properties.
export function authError(message, code, field) {
  const e = new Error(message);
  e.name = "AuthError";
  e.code = code;
  e.field = field;
  return e;
}

// The browser's own WHATWG parser: `origin` and `href` as one string. An origin never holds
// a space (an opaque one is "null"), so the first space ends it. Undefined when refused.
export function url(input) {
  try {
    const u = new URL(input);
    return u.origin + " " + u.href;
  } catch {
    // Refused by the parser: not a URL.
  }
}
