//! One export that takes and returns a string: the least a wasm-bindgen package carries
//! (its allocator, string passing, the glue). scripts/bench-floor loads it as bank-link's
//! package is loaded, to measure what any such package costs before its own code.

use wasm_bindgen::prelude::wasm_bindgen;

/// `s` with a `!` appended: enough that the string crosses both ways.
#[wasm_bindgen(js_name = tinyEcho)]
pub fn tiny_echo(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    out.push_str(s);
    out.push('!');
    out
}
