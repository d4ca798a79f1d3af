//! Offline analysis of LuaJIT and skein trace logs (jit.dump, jit.v).

pub mod cli;
