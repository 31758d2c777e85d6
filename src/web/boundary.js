// The JS half of the browser boundary (src/web/*.rs). Each function does in one call what
// would otherwise be a crossing per field: in Chromium a crossing with a string costs
// about a microsecond, and a result object built by Reflect.set per field cost 16 µs.
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

// The AuthorizationResult objects (API.md "Result objects"): every field of BOTH variants
// an own property, `undefined` where it does not apply, so that no destructuring reads
// Object.prototype: `const { code, errorDescription } = result` on a success must not
// find a polluted `errorDescription`. A plain prototype, so hasOwnProperty and
// String(result) work. The .d.ts keeps the union: a success's `error` is typed absent.
export function ok(provider, state, code, loginId, credentialsId, codeVerifier, params, appState) {
  return result(true, provider, state, code, loginId, credentialsId, codeVerifier, undefined, undefined, undefined, params, appState);
}

export function no(provider, state, error, errorDescription, errorUri, params, appState) {
  return result(false, provider, state, undefined, undefined, undefined, undefined, error, errorDescription, errorUri, params, appState);
}

// One literal for both variants: every field is written once, in one order.
const result = (ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState) =>
  ({ ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState: json(appState) });

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
