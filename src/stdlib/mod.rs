//! The Lua standard library.
pub mod base;
pub mod coroutine;
pub mod minimal;
pub mod pattern;
pub mod bitop;
pub mod random;
pub mod numfmt;
pub mod format;
