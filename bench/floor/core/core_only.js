// The JS half of the core-only floor crate (src/lib.rs, src/url.rs): the storage, clock,
// origin and URL calls the core needs, one crossing each, as the package makes them.
export const get = (key) => sessionStorage.getItem(key) ?? undefined;
// Each write read back in the same call, as `PendingStore` asks and the package's
// `session` does: false when it threw or did not stick.
export function set(key, value) {
  try {
    sessionStorage.setItem(key, value);
    return sessionStorage.getItem(key) === value;
  } catch {
    return false;
  }
}
export function del(key) {
  try {
    sessionStorage.removeItem(key);
    return sessionStorage.getItem(key) === null;
  } catch {
    return false;
  }
}
export const now = () => Date.now();
export const origin = () => location.origin;

// The browser's own WHATWG parser, as the package's boundary.js calls it: `origin` and
// `href` as one string (an origin never holds a space). Undefined when refused.
export function url(input) {
  try {
    const u = new URL(input);
    return u.origin + " " + u.href;
  } catch {
    // Refused by the parser: not a URL.
  }
}
