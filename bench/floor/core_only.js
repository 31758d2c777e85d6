// The JS half of bench/floor/core_only.rs: the storage, clock and origin calls the core
// needs, one crossing each (URLs go through the package's own src/web/boundary.js).
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
