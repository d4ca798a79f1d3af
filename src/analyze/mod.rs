//! Offline analysis of LuaJIT and skein trace logs (`jit.dump` and `jit.v`).
//!
//! People who run LuaJIT in production collect `-jdump` / `-jv` logs from many processes;
//! this module answers, across all of them, which traces exist, how they link, which exits
//! are hot, which side traces were spawned, why traces abort and where, and what got
//! blacklisted.
//!
//! The pipeline, one module per stage:
//! 1. [`parse`] — a streaming line state machine ([`parse::ChunkParser`]) that turns one
//!    contiguous piece of a log into rows. Memory is bounded by one open trace.
//! 2. [`split`] — reads files (large ones in pieces cut at trace boundaries, parsed in
//!    parallel with rayon), resolves the pieces of a file in order, and merges files with a
//!    rayon map/reduce.
//! 3. [`tables`] — the data: typed ids ([`TraceId`], [`ExitId`], ...) and one vector of
//!    small records per kind of fact (traces, snapshots, exits, side-trace edges, aborts,
//!    blacklist events, files, problems). Link types and abort reasons are the runtime's
//!    own [`crate::jit::LinkType`] and [`crate::jit::TraceError`].
//! 4. [`stats`] — grouping and ranking over the tables, with an optional [`Filter`].
//! 5. [`report`] — terminal text, JSON, CSV and Graphviz DOT renderings; [`cli`] is
//!    `skein analyze`.
//!
//! Rules for whoever changes this module: input is untrusted — no line of any file may
//! panic the parser (a proptest in `tests/all/analyze.rs` mutates real logs to check);
//! malformed input becomes a [`Problem`] with file and line, and the rest of the file is
//! still analysed. See `design/analyze.md` for the tables and the state machine.
//!
//! ```
//! use skein::analyze::{parse_dump, Filter};
//! let log = "---- TRACE 1 start t.lua:3\n---- TRACE 1 stop -> loop\n\n\
//!            ---- TRACE 1 exit 2\n---- TRACE 1 exit 2\n\
//!            ---- TRACE 2 start 1/2 t.lua:4\n---- TRACE 2 stop -> 1\n";
//! let report = parse_dump(log.as_bytes());
//! assert_eq!(report.tables.traces.len(), 2);
//! let stats = report.stats(&Filter::default());
//! let hot = &report.tables.exits[stats.hottest_exits[0].index()];
//! assert_eq!((hot.exit, hot.taken, hot.side_traces), (2, 2, 1));
//! assert!(!report.skipped_anything());
//! ```

pub mod cli;
pub mod parse;
pub mod report;
pub mod split;
pub mod stats;
pub mod tables;

pub use stats::{FileStat, Filter, Stats, TreeStat};
pub use tables::{
    AbortId, AbortRow, BlacklistKind, BlacklistRow, ExitId, ExitRow, FileId, FileRow, LogFormat,
    Problem, SideEdge, SnapshotRow, StrId, Tables, TraceId, TraceKind, TraceRow,
};

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Called with the number of bytes just read (for progress bars).
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// How to analyse.
#[derive(Clone)]
pub struct Options {
    /// Files at least this large are split at trace boundaries and parsed in parallel.
    pub split_bytes: u64,
    /// Size of one piece of a split file.
    pub piece_bytes: usize,
    /// Progress callback.
    pub progress: Option<ProgressFn>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            split_bytes: 8 << 20,
            piece_bytes: 4 << 20,
            progress: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("split_bytes", &self.split_bytes)
            .field("piece_bytes", &self.piece_bytes)
            .finish_non_exhaustive()
    }
}

/// The result of an analysis: every table, plus ways to compute statistics over them.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// All rows of all files.
    pub tables: Tables,
}

impl Report {
    /// Statistics over the rows passing `filter`.
    pub fn stats(&self, filter: &Filter) -> Stats {
        Stats::compute(&self.tables, filter)
    }

    /// Whether any input was malformed, truncated or unreadable (exit status 1).
    pub fn skipped_anything(&self) -> bool {
        self.tables.files.iter().any(|f| f.problems > 0)
    }
}

/// Analyses files and directories (directories recursively, files with a log extension:
/// `.log .dlog .vlog .dump .txt .out .jv`). Files are parsed in parallel on the current
/// rayon pool; a file is never skipped silently: unreadable ones get a problem row.
pub fn analyze_paths(paths: &[PathBuf], opts: &Options) -> Report {
    let files = split::expand_paths(paths);
    Report {
        tables: split::parse_all(&files, opts),
    }
}

/// Parses one log (jit.dump, jit.v or both interleaved) from a reader, streaming.
/// The file is named `<input>` in the tables.
pub fn parse_dump<R: Read>(reader: R) -> Report {
    parse_named(PathBuf::from("<input>"), reader, &Options::default())
}

/// Parses one log from a reader, naming it `name`.
pub fn parse_named<R: Read>(name: PathBuf, reader: R, opts: &Options) -> Report {
    Report {
        tables: split::parse_stream(name, reader, opts),
    }
}

/// Parses one in-memory log cut into pieces of `piece_bytes` at trace boundaries, the
/// pieces in parallel (the same path large files take). Gives the same tables as
/// [`parse_dump`] on the same bytes.
pub fn parse_bytes_parallel(name: PathBuf, bytes: &[u8], piece_bytes: usize) -> Report {
    Report {
        tables: split::parse_slice_split(name, bytes, piece_bytes as u64, &Options::default()),
    }
}
