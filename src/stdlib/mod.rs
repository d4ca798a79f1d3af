//! The Lua standard library.
pub mod base;
pub mod coroutine;
pub mod minimal;
