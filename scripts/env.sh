# Sourced by scripts/build and scripts/test: the wasm toolchain that scripts/setup chose.
# shellcheck shell=bash
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# shellcheck disable=SC1091
. target/toolchain.env
wasm_cargo() {
  # shellcheck disable=SC2086
  env $WASM_ENV "$WASM_CARGO" "$@"
}
