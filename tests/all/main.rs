//! skein's integration tests: one binary, one module per topic.

mod analyze;
mod bytecode;
mod front;
mod vm;
mod stdlib_engines;
