// Vite 7's dev server only (README "Bundlers"): its dependency pre-bundling copies the
// package's entry into node_modules/.vite/deps/ but not the .wasm beside it, so the
// entry's `new URL("./bank_link_bg.wasm", import.meta.url)` would point at nothing. Vite 8
// (Rolldown), `vite build` and every other bundler tested need no option.
export default { optimizeDeps: { exclude: ["bank-link"] } };
