//! The trace event stream: every start, stop, abort, exit and flush goes through here.
//!
//! The life cycle ([`super::lifecycle`]) pushes a [`TraceEvent`] whenever a trace changes
//! state; nothing else writes trace logs. jit.v ([`super::log_v`]), jit.dump
//! ([`super::log_dump`]), counters and the Rust query API are *readers*: each keeps a
//! [`Cursor`] and reads the events it has not seen yet, looking up anything else (IR,
//! snapshots) in the world tables. Events carry what LuaJIT's `jit.attach("trace")`
//! callback receives, resolved at the moment of the event (a trace number can be reused
//! after an abort or flush, so readers must not look numbers up later than the event).
//! Rules: add a variant rather than special-casing a reader inside a system; keep events
//! small and plain.

use super::ids::FuncRef;
use super::link::LinkType;
use super::traceerr::TraceError;

/// A trace's number in the logs (1..=maxtrace); reused after aborts and flushes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceNo(pub u16);

/// Where a side trace hangs off its parent: an exit number, or a stitch continuation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ParentExit {
    /// Exit (snapshot) number of the parent.
    Exit(u16),
    /// Continuation of a stitched trace (printed `stitch`).
    Stitch,
}

impl std::fmt::Display for ParentExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParentExit::Exit(n) => write!(f, "{n}"),
            ParentExit::Stitch => f.write_str("stitch"),
        }
    }
}

/// One trace event.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceEvent {
    /// Recording started at `func`/`pc`, optionally as a side trace of `parent`.
    Start {
        /// The number being recorded.
        no: TraceNo,
        /// Function of the start position.
        func: FuncRef,
        /// Bytecode index of the start position.
        pc: u32,
        /// Parent trace and exit, for side traces.
        parent: Option<(TraceNo, ParentExit)>,
    },
    /// The trace was compiled and linked.
    Stop {
        /// Its number.
        no: TraceNo,
        /// Function where recording stopped.
        func: FuncRef,
        /// Bytecode index where recording stopped.
        pc: u32,
        /// Linked trace number (0 = none).
        link: u16,
        /// The link type.
        link_type: LinkType,
    },
    /// Recording was aborted.
    Abort {
        /// The number that was being recorded (free again afterwards).
        no: TraceNo,
        /// Function of the abort position.
        func: FuncRef,
        /// Bytecode index of the abort position.
        pc: u32,
        /// Why.
        err: TraceError,
        /// The message argument (`51` for "NYI: bytecode %d").
        arg: Option<String>,
    },
    /// A trace exit was taken.
    Exit {
        /// The trace.
        no: TraceNo,
        /// The exit (snapshot) number.
        exit: u16,
    },
    /// The recorder is about to record bytecode `pc` of `func` at inlining `depth`
    /// (LuaJIT's `jit.attach(f, "record")`; jit.dump's mode `b` prints these).
    Record {
        /// The trace being recorded.
        no: TraceNo,
        /// The function (fast and C functions print as `FUNCC`).
        func: FuncRef,
        /// Bytecode index.
        pc: u32,
        /// Inlining depth (0 = the function the trace started in).
        depth: u8,
    },
    /// All traces were flushed.
    Flush,
}

/// A reader's position in the stream.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor(pub usize);

/// The append-only event stream. Cursors are absolute positions; events every reader
/// has seen can be dropped ([`EventStream::discard_before`]) so that a long run keeps
/// only what is still unread.
#[derive(Clone, Debug, Default)]
pub struct EventStream {
    events: Vec<TraceEvent>,
    /// Absolute position of `events[0]` (events before it were discarded).
    base: usize,
}

impl EventStream {
    /// Appends an event.
    pub fn push(&mut self, ev: TraceEvent) {
        self.events.push(ev);
    }
    /// Every event still kept (all of them unless some were discarded).
    pub fn all(&self) -> &[TraceEvent] {
        &self.events
    }
    /// The events after `cursor`, advancing it.
    pub fn read(&self, cursor: &mut Cursor) -> &[TraceEvent] {
        let from = cursor.0.saturating_sub(self.base).min(self.events.len());
        cursor.0 = self.end().0;
        &self.events[from..]
    }
    /// A cursor at the current end (a reader attached now sees only later events).
    pub fn end(&self) -> Cursor {
        Cursor(self.base + self.events.len())
    }
    /// Drops the events before absolute position `cursor` (every reader is past them).
    pub fn discard_before(&mut self, cursor: Cursor) {
        let n = cursor.0.saturating_sub(self.base).min(self.events.len());
        if n > 0 {
            self.events.drain(..n);
            self.base += n;
        }
    }
    /// Number of events kept.
    pub fn len(&self) -> usize {
        self.events.len()
    }
    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// The message LuaJIT formats for an abort (`fmterr`).
pub fn abort_message(err: TraceError, arg: Option<&str>) -> String {
    err.format(arg)
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn discarding_keeps_cursors_valid() {
        let mut s = EventStream::default();
        let mut a = s.end();
        s.push(TraceEvent::Flush);
        s.push(TraceEvent::Exit {
            no: TraceNo(1),
            exit: 2,
        });
        let mut b = s.end();
        s.push(TraceEvent::Flush);
        assert_eq!(s.read(&mut b).len(), 1);
        s.discard_before(a);
        assert_eq!(s.read(&mut a).len(), 3);
        s.discard_before(a);
        assert!(s.is_empty());
        assert_eq!(s.end(), a);
        s.push(TraceEvent::Flush);
        assert_eq!(s.read(&mut b).len(), 1);
        assert_eq!(s.read(&mut a).len(), 1);
    }
}
