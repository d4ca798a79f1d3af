//! skein's integration tests: one binary, one module per topic.

mod bytecode;
mod front;
mod vm;
