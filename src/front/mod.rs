//! Lexer and parser emitting LuaJIT 2.1 bytecode.
//!
//! [`compile`] turns Lua 5.1 source (plus the syntax LuaJIT 2.1 accepts: `goto` and
//! labels, `\x`, `\z` and `\u{...}` escapes, hexadecimal floats) into a [`bc::Proto`] whose
//! bytecode is the bytecode `luajit` itself produces for the same source: the same
//! instructions, slots, constants and their numbering, jump layout, line numbers, upvalue
//! descriptors and debug variable ranges. The tracing JIT records bytecode, so trace
//! start positions and snapshots only match LuaJIT's when the bytecode does.
//!
//! The pipeline is single-pass, like LuaJIT's: `lexer` produces tokens on demand,
//! `parser` drives the grammar, `scope` handles variables, upvalues, blocks, gotos and
//! the finishing of prototypes, `expr` holds expression descriptors and expression code
//! generation, `func_state` the per-function state (instruction buffer, jump lists,
//! registers, constants). [`listing`] prints a prototype in `luajit -bl` format.
//! `design/frontend.md` describes the algorithms and the known deviations.
//!
//! Rules for whoever changes this module: no input may panic; every error is a
//! [`CompileError`] worded exactly as LuaJIT words it (`chunk:line: message near 'tok'`).

mod expr;
mod func_state;
mod lexer;
mod listing;
mod parser;
mod scope;

use crate::bc;

pub use listing::{fmt_num, instruction_line, BcSource};

/// A compile (syntax) error with LuaJIT's message, e.g. `t.lua:3: '=' expected near 'x'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The full message, `chunk:line: message`.
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// Compiles Lua source to the main function's prototype. `chunkname` is the raw Lua chunk
/// name (`@t1.lua`, `=stdin`, or the source string itself for `loadstring`).
pub fn compile(source: &[u8], chunkname: &[u8]) -> Result<bc::Proto, CompileError> {
    parser::Parser::new(source, chunkname).parse_main()
}

/// The `luajit -bl` listing of `proto` and all nested prototypes, in LuaJIT's order.
/// Bytes of string constants that are not UTF-8 are replaced lossily; see
/// [`listing_bytes`] for the exact bytes.
pub fn listing(proto: &bc::Proto) -> String {
    listing::listing(proto)
}

/// The exact bytes `luajit -bl` prints for `proto` (string constants written raw).
pub fn listing_bytes(proto: &bc::Proto) -> Vec<u8> {
    listing::listing_bytes(proto)
}
