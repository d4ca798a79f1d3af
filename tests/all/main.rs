//! skein's integration tests: one binary, one module per topic.

mod analyze;
mod bytecode;
mod conformance;
mod front;
mod jit;
mod stdlib_engines;
mod vm;
