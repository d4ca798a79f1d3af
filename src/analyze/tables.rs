//! The analyser's tables: typed ids, one column-like table per kind of fact, and the two
//! ways tables are combined (resolving a file's chunks, merging files).
//!
//! Every fact the parser finds in a log lands in exactly one table, as a small record keyed
//! by a typed index (`TraceId`, `ExitId`, ...). Records refer to each other only through
//! those ids, never through pointers, so tables can be appended, remapped and shipped
//! between threads as plain vectors.
//!
//! Rules for whoever changes this file:
//! - A new column is a field of a row struct; a new kind of fact is a new `Vec` of rows and
//!   a new id type made by `id_type!`. Every table must be handled by [`Tables::append`],
//!   which is the only place ids are rewritten.
//! - Strings (source locations, function names, unrecognised messages) are interned in
//!   [`Strings`]; rows hold [`StrId`]s.
//! - Trace references are always to a [`TraceId`] of the *same* `Tables`. A number that a
//!   chunk could not resolve becomes a placeholder row of kind [`TraceKind::Unknown`]; the
//!   resolver (in `split.rs`) maps inherited placeholders onto the real trace.

use crate::jit::{LinkType, TraceError};
use hashbrown::HashMap;
use std::path::PathBuf;

macro_rules! id_type {
    ($( $(#[$doc:meta])* $name:ident ; )*) => {$(
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a vector index.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of vector index `i`.
            #[inline]
            pub fn from_index(i: usize) -> Self {
                $name(u32::try_from(i).expect("analyser table exceeds u32 rows"))
            }
        }
    )*};
}

id_type! {
    /// A log file (row of [`Tables::files`]).
    FileId;
    /// A trace: one `start … stop` of one trace number in one flush epoch of one file.
    TraceId;
    /// One exit of one trace (row of [`Tables::exits`]).
    ExitId;
    /// One aborted trace attempt (row of [`Tables::aborts`]).
    AbortId;
    /// An interned string (row of [`Strings`]).
    StrId;
}

/// Interned strings: locations such as `t1.lua:5`, function names, odd messages.
#[derive(Default, Clone, Debug)]
pub struct Strings {
    texts: Vec<Box<str>>,
    index: HashMap<Box<str>, StrId>,
}

impl Strings {
    /// The id of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = StrId::from_index(self.texts.len());
        self.texts.push(s.into());
        self.index.insert(s.into(), id);
        id
    }

    /// The text of `id`.
    pub fn get(&self, id: StrId) -> &str {
        &self.texts[id.index()]
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no string is interned.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// Which log format a file was written in.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// `jit.dump` (`---- TRACE n start …`).
    Dump,
    /// `jit.v` (`[TRACE   n …]`).
    Verbose,
    /// Both kinds of lines were seen.
    Mixed,
    /// No trace event was recognised.
    Unknown,
}

impl LogFormat {
    /// Short lower-case name (`dump`, `v`, `mixed`, `unknown`).
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Dump => "dump",
            LogFormat::Verbose => "v",
            LogFormat::Mixed => "mixed",
            LogFormat::Unknown => "unknown",
        }
    }
}

/// One input file.
#[derive(Clone, Debug)]
pub struct FileRow {
    /// The path as given (or a name for in-memory input).
    pub path: PathBuf,
    /// Detected format.
    pub format: LogFormat,
    /// Size in bytes.
    pub bytes: u64,
    /// Number of lines.
    pub lines: u64,
    /// `---- TRACE flush` / `[TRACE flush]` events.
    pub flushes: u32,
    /// Problems found (malformed, truncated or unrecognised lines), including ones not kept.
    pub problems: u64,
    /// Whether the file could not be read at all.
    pub unreadable: bool,
}

/// What kind of trace a row is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TraceKind {
    /// Started at a hot loop or function.
    Root,
    /// Started at a hot exit of a parent trace.
    Side,
    /// Started as the continuation of a stitched parent.
    Stitch,
    /// Referenced (by an exit, parent or link) but never seen starting in this file.
    Unknown,
}

impl TraceKind {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            TraceKind::Root => "root",
            TraceKind::Side => "side",
            TraceKind::Stitch => "stitch",
            TraceKind::Unknown => "unknown",
        }
    }
}

/// One completed trace.
#[derive(Clone, Debug)]
pub struct TraceRow {
    /// File it was logged in.
    pub file: FileId,
    /// Flush epoch within the file (0 before the first flush).
    pub epoch: u32,
    /// LuaJIT's trace number.
    pub number: u32,
    /// Root, side, stitch or unknown.
    pub kind: TraceKind,
    /// Parent trace of a side or stitch trace.
    pub parent: Option<TraceId>,
    /// Exit of the parent a side trace starts from (`None` for stitch and root traces).
    pub parent_exit: Option<u32>,
    /// Start location (`file.lua:3`, or a function name).
    pub start: StrId,
    /// How the trace ends.
    pub link: LinkType,
    /// The trace it links to (itself for loops and recursion, another root for `-> N`).
    pub link_to: Option<TraceId>,
    /// jit.v: the function a stitching trace stops at (`os.clock`).
    pub stitch_at: Option<StrId>,
    /// Recorded bytecode lines (`b` flag).
    pub bytecodes: u32,
    /// IR instructions (`i` flag).
    pub ir: u32,
    /// Snapshots (`i`+`s` or `s` flags).
    pub snapshots: u32,
    /// Machine-code size in bytes (`m` flag).
    pub mcode_bytes: u32,
    /// Line of the start event (1-based, 0 if unknown).
    pub line: u64,
}

/// One snapshot of one trace.
#[derive(Clone, Debug)]
pub struct SnapshotRow {
    /// Its trace.
    pub trace: TraceId,
    /// Snapshot number (`#n`).
    pub number: u32,
    /// IR reference it was taken at (only in the separate `s` listing).
    pub ir_ref: Option<u32>,
    /// Number of slot entries between the brackets (frame markers included).
    pub slots: u32,
}

/// One exit of one trace.
#[derive(Clone, Debug)]
pub struct ExitRow {
    /// Its trace.
    pub trace: TraceId,
    /// Exit number.
    pub exit: u32,
    /// `---- TRACE n exit m` lines seen (needs the `x`/`X` flags).
    pub taken: u64,
    /// How many of those carried a register dump (`X`).
    pub with_registers: u64,
    /// Side traces started from this exit.
    pub side_traces: u32,
    /// Side-trace attempts from this exit that aborted.
    pub side_aborts: u32,
}

/// A side-trace edge: parent trace, exit → child trace. Stitch edges have `exit: None`.
#[derive(Clone, Debug)]
pub struct SideEdge {
    /// Parent trace.
    pub parent: TraceId,
    /// Exit of the parent (`None` for stitching).
    pub exit: Option<u32>,
    /// The exit row, if the exit is known.
    pub exit_id: Option<ExitId>,
    /// Child trace.
    pub child: TraceId,
}

/// One aborted trace attempt.
#[derive(Clone, Debug)]
pub struct AbortRow {
    /// File.
    pub file: FileId,
    /// Flush epoch.
    pub epoch: u32,
    /// Trace number being recorded (jit.dump only).
    pub number: Option<u32>,
    /// Parent of an aborted side trace.
    pub parent: Option<TraceId>,
    /// Parent exit of an aborted side trace (`None` for stitch or root).
    pub parent_exit: Option<u32>,
    /// Where recording started.
    pub start: StrId,
    /// Where it aborted.
    pub at: StrId,
    /// The reason, when the message is one of LuaJIT's 35.
    pub reason: Option<TraceError>,
    /// The `%d`/`%s` argument of the message (`51` in `NYI: bytecode 51`).
    pub arg: Option<StrId>,
    /// The message text when it is not recognised.
    pub message: Option<StrId>,
    /// Line of the abort event.
    pub line: u64,
}

/// How a blacklisting was detected.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BlacklistKind {
    /// The 11th penalised abort of a root trace at the same start in one flush epoch:
    /// LuaJIT's penalty (72, then doubled plus 0..15 per abort) passes 60000 there.
    Inferred,
    /// An abort with the message `blacklisted` (recording ran into a blacklisted bytecode).
    Reported,
}

/// One blacklist event.
#[derive(Clone, Debug)]
pub struct BlacklistRow {
    /// File.
    pub file: FileId,
    /// Flush epoch.
    pub epoch: u32,
    /// The blacklisted start location (Inferred) or where recording hit it (Reported).
    pub location: StrId,
    /// Detection method.
    pub kind: BlacklistKind,
    /// The abort that revealed it.
    pub abort: AbortId,
}

/// A malformed, truncated or unrecognised piece of input.
#[derive(Clone, Debug)]
pub struct Problem {
    /// File.
    pub file: FileId,
    /// 1-based line (0 for whole-file problems).
    pub line: u64,
    /// What was wrong or expected.
    pub message: String,
}

/// All tables of one chunk, one file, or many files merged.
#[derive(Default, Clone, Debug)]
pub struct Tables {
    /// Input files.
    pub files: Vec<FileRow>,
    /// Completed (and placeholder) traces.
    pub traces: Vec<TraceRow>,
    /// Snapshots of completed traces.
    pub snapshots: Vec<SnapshotRow>,
    /// Exits.
    pub exits: Vec<ExitRow>,
    /// Side-trace edges, built by [`Tables::finish_file`].
    pub side_edges: Vec<SideEdge>,
    /// Aborted attempts.
    pub aborts: Vec<AbortRow>,
    /// Blacklist events, built by [`Tables::finish_file`].
    pub blacklist: Vec<BlacklistRow>,
    /// Problems kept (at most a few per file; `FileRow::problems` has the full count).
    pub problems: Vec<Problem>,
    /// Interned strings.
    pub strings: Strings,
}

/// Maximum problems kept per file (the rest are only counted).
pub const MAX_PROBLEMS_PER_FILE: usize = 10;

/// LuaJIT's abort count at which a start location is blacklisted (see [`BlacklistKind`]).
pub const BLACKLIST_ABORTS: u32 = 11;

impl Tables {
    /// The string of `id`.
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// A trace row.
    pub fn trace(&self, id: TraceId) -> &TraceRow {
        &self.traces[id.index()]
    }

    /// A readable, unique name for a trace: `log:LINE#N`, the trace numbered N whose
    /// start event is on line LINE of file `log` (numbers are reused after flushes and
    /// sometimes without). Placeholders for never-started traces are `log#N?`.
    pub fn trace_label(&self, id: TraceId) -> String {
        let t = self.trace(id);
        let file = self
            .files
            .get(t.file.index())
            .and_then(|f| f.path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if t.line > 0 {
            format!("{file}:{}#{}", t.line, t.number)
        } else {
            format!("{file}#{}?", t.number)
        }
    }

    /// Appends `other`, rewriting its ids. `trace_map[i]` says where `other`'s trace `i`
    /// goes: `Some(id)` maps it onto an existing trace of `self` (a resolved placeholder),
    /// `None` appends it. Exits of the same (trace, exit) are combined. Epochs, lines and
    /// the file id of `other`'s rows are shifted by `epoch_base`, `line_base`, `file`.
    pub fn append(
        &mut self,
        other: Tables,
        trace_map: &[Option<TraceId>],
        exit_index: &mut HashMap<(TraceId, u32), ExitId>,
        shift: Shift,
    ) -> Vec<TraceId> {
        let strs: Vec<StrId> = other
            .strings
            .texts
            .iter()
            .map(|s| self.strings.intern(s))
            .collect();
        let s = |id: StrId| strs[id.index()];
        let file_base = self.files.len() as u32;
        let file = |f: FileId| match shift.file {
            Some(to) => to,
            None => FileId(f.0 + file_base),
        };
        if shift.file.is_none() {
            self.files.extend(other.files);
        }
        // Where every trace of `other` ends up.
        let mut map = Vec::with_capacity(other.traces.len());
        let mut next = self.traces.len();
        for i in 0..other.traces.len() {
            match trace_map.get(i).copied().flatten() {
                Some(id) => map.push(id),
                None => {
                    map.push(TraceId::from_index(next));
                    next += 1;
                }
            }
        }
        let t = |id: TraceId| map[id.index()];
        for (i, row) in other.traces.into_iter().enumerate() {
            if trace_map.get(i).copied().flatten().is_some() {
                continue;
            }
            self.traces.push(TraceRow {
                file: file(row.file),
                epoch: row.epoch + shift.epoch,
                parent: row.parent.map(t),
                start: s(row.start),
                link_to: row.link_to.map(t),
                stitch_at: row.stitch_at.map(s),
                line: if row.line > 0 {
                    row.line + shift.line
                } else {
                    0
                },
                ..row
            });
        }
        self.snapshots
            .extend(other.snapshots.into_iter().map(|r| SnapshotRow {
                trace: t(r.trace),
                ..r
            }));
        let mut exit_map = Vec::with_capacity(other.exits.len());
        for r in other.exits {
            let key = (t(r.trace), r.exit);
            match exit_index.get(&key) {
                Some(&id) => {
                    let e = &mut self.exits[id.index()];
                    e.taken += r.taken;
                    e.with_registers += r.with_registers;
                    e.side_traces += r.side_traces;
                    e.side_aborts += r.side_aborts;
                    exit_map.push(id);
                }
                None => {
                    let id = ExitId::from_index(self.exits.len());
                    exit_index.insert(key, id);
                    self.exits.push(ExitRow { trace: key.0, ..r });
                    exit_map.push(id);
                }
            }
        }
        self.side_edges
            .extend(other.side_edges.into_iter().map(|e| SideEdge {
                parent: t(e.parent),
                child: t(e.child),
                exit_id: e.exit_id.map(|x| exit_map[x.index()]),
                ..e
            }));
        let abort_base = self.aborts.len() as u32;
        self.aborts
            .extend(other.aborts.into_iter().map(|a| AbortRow {
                file: file(a.file),
                epoch: a.epoch + shift.epoch,
                parent: a.parent.map(t),
                start: s(a.start),
                at: s(a.at),
                arg: a.arg.map(s),
                message: a.message.map(s),
                line: a.line + shift.line,
                ..a
            }));
        self.blacklist
            .extend(other.blacklist.into_iter().map(|b| BlacklistRow {
                file: file(b.file),
                epoch: b.epoch + shift.epoch,
                location: s(b.location),
                abort: AbortId(b.abort.0 + abort_base),
                ..b
            }));
        self.problems
            .extend(other.problems.into_iter().map(|p| Problem {
                file: file(p.file),
                line: if p.line > 0 { p.line + shift.line } else { 0 },
                ..p
            }));
        map
    }

    /// Builds the derived tables of the single file `file` whose rows are all present:
    /// side-trace edges (and exit rows for exits that spawned a side trace but were never
    /// seen taken) and blacklist events.
    pub fn finish_file(&mut self, file: FileId, exit_index: &mut HashMap<(TraceId, u32), ExitId>) {
        for i in 0..self.traces.len() {
            let row = &self.traces[i];
            if row.file != file {
                continue;
            }
            let Some(parent) = row.parent else { continue };
            let child = TraceId::from_index(i);
            let exit = row.parent_exit;
            let exit_id = exit.map(|e| {
                let id = *exit_index.entry((parent, e)).or_insert_with(|| {
                    self.exits.push(ExitRow {
                        trace: parent,
                        exit: e,
                        taken: 0,
                        with_registers: 0,
                        side_traces: 0,
                        side_aborts: 0,
                    });
                    ExitId::from_index(self.exits.len() - 1)
                });
                self.exits[id.index()].side_traces += 1;
                id
            });
            self.side_edges.push(SideEdge {
                parent,
                exit,
                exit_id,
                child,
            });
        }
        let mut penalties: HashMap<(u32, StrId), u32> = HashMap::new();
        for i in 0..self.aborts.len() {
            let a = &self.aborts[i];
            if a.file != file {
                continue;
            }
            let abort = AbortId::from_index(i);
            if let (Some(parent), Some(e)) = (a.parent, a.parent_exit) {
                let exits = &mut self.exits;
                let id = *exit_index.entry((parent, e)).or_insert_with(|| {
                    exits.push(ExitRow {
                        trace: parent,
                        exit: e,
                        taken: 0,
                        with_registers: 0,
                        side_traces: 0,
                        side_aborts: 0,
                    });
                    ExitId::from_index(exits.len() - 1)
                });
                self.exits[id.index()].side_aborts += 1;
            }
            let a = &self.aborts[i];
            if a.reason == Some(TraceError::Blacklisted) {
                self.blacklist.push(BlacklistRow {
                    file,
                    epoch: a.epoch,
                    location: a.at,
                    kind: BlacklistKind::Reported,
                    abort,
                });
            }
            let penalised = a.parent.is_none() && a.reason != Some(TraceError::DownRecursion);
            if penalised {
                let n = penalties.entry((a.epoch, a.start)).or_insert(0);
                *n += 1;
                if *n == BLACKLIST_ABORTS {
                    self.blacklist.push(BlacklistRow {
                        file,
                        epoch: a.epoch,
                        location: a.start,
                        kind: BlacklistKind::Inferred,
                        abort,
                    });
                }
            }
        }
    }
}

/// How [`Tables::append`] shifts the appended rows.
#[derive(Copy, Clone, Debug, Default)]
pub struct Shift {
    /// Put every row in this file (resolving chunks) instead of appending `other.files`.
    pub file: Option<FileId>,
    /// Added to epochs.
    pub epoch: u32,
    /// Added to line numbers.
    pub line: u64,
}
