// What scripts/short-imports.mjs and scripts/dead-shims.mjs both read of a .wasm: LEB128
// numbers, and the end of one import entry (its description depends on its kind).

/** The unsigned LEB128 number at `i`, and the index after it. */
export function leb(buf, i) {
  let n = 0, shift = 0, b;
  do { b = buf[i++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [n, i];
}

/** `n` as unsigned LEB128. */
export function uleb(n) {
  const out = [];
  do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}

/** The index after the kind-specific description of an import whose kind byte is at `c`. */
export function importEnd(wasm, c) {
  const kind = wasm[c++];
  if (kind === 0) return leb(wasm, c)[1]; // function: type index
  if (kind === 1) { c++; const [flags, d] = leb(wasm, c); c = leb(wasm, d)[1]; return flags & 1 ? leb(wasm, c)[1] : c; } // table
  if (kind === 2) { const [flags, d] = leb(wasm, c); c = leb(wasm, d)[1]; return flags & 1 ? leb(wasm, c)[1] : c; } // memory
  if (kind === 3) return c + 2; // global: type, mutability
  throw new Error(`import kind ${kind} not handled`);
}
