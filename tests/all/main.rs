//! skein's integration tests: one binary, one module per topic.

mod analyze;
mod bytecode;
mod embed;
mod front;
mod stdlib;
mod stdlib_engines;
mod vm;
