//! The Lua standard library.
pub mod pattern;
