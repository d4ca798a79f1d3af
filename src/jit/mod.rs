//! The tracing JIT: the trace world (tables keyed by generational ids and dense typed
//! indexes) and the systems that run over it. See `design/jit.md`.
//!
//! Layout: [`ir`] and [`snap`] are the per-trace data; [`opt`] holds one file per
//! optimisation pass; [`world`] holds the long-lived tables; [`hotcount`], [`penalty`]
//! and [`params`] are the tuning state; [`events`] is the one event stream that
//! [`log_v`] and [`log_dump`] read; [`lifecycle`] is the trace state machine and the
//! schedule of systems.

pub mod attach;
pub mod bclines;
pub mod driver;
pub mod events;
pub mod exec;
pub mod fmtnum;
pub mod hotcount;
pub mod ids;
pub mod ir;
pub mod ir_text;
pub mod lifecycle;
pub mod link;
pub mod log_dump;
pub mod log_v;
pub mod opt;
pub mod params;
pub mod penalty;
pub mod query;
pub mod record;
pub mod snap;
pub mod traceerr;
pub mod world;

pub use events::{EventStream, TraceEvent, TraceNo};
pub use ids::{BcPos, FuncNames, FuncRef, ProtoKey, TraceId};
pub use ir::{IrBuf, IrIns, IrOp, IrRef, IrType};
pub use lifecycle::{Backend, Jit, TraceState, VmCommand, VmSignal};
pub use link::LinkType;
pub use params::JitOpts;
pub use snap::{SnapBuf, SnapEntry, SnapNo};
pub use traceerr::TraceError;
pub use world::World;
