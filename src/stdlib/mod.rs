//! The Lua standard library.
pub mod pattern;
pub mod bitop;
pub mod random;
pub mod numfmt;
pub mod format;
pub mod date;
pub mod sort;
pub mod mathlib;
pub mod strlib;
