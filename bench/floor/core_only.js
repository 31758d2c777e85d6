// The JS half of bench/floor/core_only.rs: the browser calls the core needs, each one
// crossing (the same ones the package's web layer makes for a redirect flow).
export function url(input) {
  try {
    const u = new URL(input);
    return u.origin + " " + u.href;
  } catch {
    // not a URL
  }
}
export const get = (key) => sessionStorage.getItem(key) ?? undefined;
export function set(key, value) {
  try {
    sessionStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}
export function del(key) {
  try {
    sessionStorage.removeItem(key);
    return true;
  } catch {
    return false;
  }
}
export const now = () => Date.now();
export const origin = () => location.origin;
