//! skein: a Lua 5.1 runtime with a LuaJIT-2.1-style tracing JIT, built data-oriented.
//!
//! Layers (see `design/architecture.md`):
//! - [`bc`]: LuaJIT 2.1 bytecode — opcodes, encoding, prototypes.
//! - [`front`]: lexer and parser emitting LuaJIT 2.1 bytecode.
//! - [`vm`]: values, heap and garbage collector, interpreter, coroutines.
//! - [`stdlib`]: the standard library.
//! - [`embed`]: the embedding API for Rust programs ([`Lua`], [`Value`], conversions).
//! - [`jit`]: the trace world and the systems that run over it.
//! - [`analyze`]: offline analysis of jit.dump / jit.v logs.
//! - [`cli`]: the `skein` command (the binary is a thin layer over it).

pub mod analyze;
pub mod bc;
pub mod cli;
pub mod embed;
pub mod front;
pub mod jit;
pub mod stdlib;
pub mod vm;

pub use embed::{Error, Function, Lua, Result, Table, Value};
