//! The Lua standard library.
pub mod base;
pub mod bitop;
pub mod chunkname;
pub mod coroutine;
pub mod date;
pub mod format;
pub mod jitlib;
pub mod mathlib;
pub mod minimal;
pub mod numfmt;
pub mod pattern;
pub mod random;
pub mod readnum;
pub mod searchpath;
pub mod sort;
pub mod strlib;
pub mod tz;
