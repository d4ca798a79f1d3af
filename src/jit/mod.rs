//! The tracing JIT: the trace world (tables keyed by generational ids and dense typed
//! indexes) and the systems that run over it. See `design/jit.md`.

pub mod link;
pub mod traceerr;

pub use link::LinkType;
pub use traceerr::TraceError;
