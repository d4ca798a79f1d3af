//! skein's integration tests: one binary, one module per topic.

mod analyze;
mod bytecode;
mod conformance;
mod downrec;
mod embed;
mod front;
mod jit;
mod jit_exec;
mod jit_logs;
mod mask;
mod reccalls;
mod recmeta;
mod recnyi;
mod stdlib;
mod stdlib_engines;
mod vm;
