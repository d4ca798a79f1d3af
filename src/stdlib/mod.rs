//! The Lua standard library.
