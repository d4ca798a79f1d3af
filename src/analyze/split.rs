//! Reading logs: streaming one file, splitting a large file at trace boundaries and parsing
//! the pieces in parallel, resolving the pieces back into one file's tables, and the
//! map/reduce over many files.
//!
//! Splitting: a piece ends just before a line that starts a trace event between traces
//! (`---- TRACE n start`, `---- TRACE n exit m`, `---- TRACE flush`, or any `[TRACE` line).
//! No trace is open at such a line, so every piece can be parsed from the `Idle` state by
//! its own [`ChunkParser`]. Pieces are read `BATCH` at a time (a few per thread), parsed
//! in parallel, then resolved in file order: placeholders a piece made for trace numbers it
//! inherited are mapped onto the traces the previous pieces left live, epochs and line
//! numbers are shifted, and exits of the same (trace, exit) are summed. Memory is bounded by
//! the batch (pieces of `piece_bytes`), the tables, and one trace per parser.
//!
//! Rules: the resolver must see pieces in file order; anything a piece leaves open at its
//! end is a real truncation, because pieces never end inside a trace.

use super::parse::{ChunkParser, ChunkResult};
use super::tables::*;
use super::Options;
use hashbrown::HashMap;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Builds one file's tables from its pieces, in order.
pub struct FileBuilder {
    tables: Tables,
    live: HashMap<u32, TraceId>,
    exit_index: HashMap<(TraceId, u32), ExitId>,
    epoch: u32,
    lines: u64,
    problems: u64,
    dump_events: u64,
    v_events: u64,
    bytes: u64,
}

impl FileBuilder {
    /// A builder for the file called `path`.
    pub fn new(path: PathBuf) -> Self {
        let mut tables = Tables::default();
        tables.files.push(FileRow {
            path,
            format: LogFormat::Unknown,
            bytes: 0,
            lines: 0,
            flushes: 0,
            problems: 0,
            unreadable: false,
        });
        FileBuilder {
            tables,
            live: HashMap::new(),
            exit_index: HashMap::new(),
            epoch: 0,
            lines: 0,
            problems: 0,
            dump_events: 0,
            v_events: 0,
            bytes: 0,
        }
    }

    /// Adds the next piece of the file.
    pub fn add(&mut self, chunk: ChunkResult, bytes: u64) {
        let mut trace_map = vec![None; chunk.tables.traces.len()];
        for &(placeholder, number) in &chunk.inherited {
            if let Some(&id) = self.live.get(&number) {
                trace_map[placeholder.index()] = Some(id);
            }
        }
        let shift = Shift {
            file: Some(FileId(0)),
            epoch: self.epoch,
            line: self.lines,
        };
        let kept = self.tables.problems.len();
        let map = self
            .tables
            .append(chunk.tables, &trace_map, &mut self.exit_index, shift);
        self.tables
            .problems
            .truncate(kept.max(MAX_PROBLEMS_PER_FILE));
        if chunk.flushes > 0 {
            self.live.clear();
        }
        for (number, id) in chunk.live {
            self.live.insert(number, map[id.index()]);
        }
        self.epoch += chunk.flushes;
        self.lines += chunk.lines;
        self.problems += chunk.problem_count;
        self.dump_events += chunk.dump_events;
        self.v_events += chunk.v_events;
        self.bytes += bytes;
    }

    /// Records that the file could not be read.
    pub fn unreadable(&mut self, err: &std::io::Error) {
        self.problems += 1;
        self.tables.files[0].unreadable = true;
        self.tables.problems.push(Problem {
            file: FileId(0),
            line: 0,
            message: format!("cannot read: {err}"),
        });
    }

    /// Derives edges and blacklist events and returns the file's tables.
    pub fn finish(mut self) -> Tables {
        let unknown = self
            .tables
            .traces
            .iter()
            .filter(|t| t.kind == TraceKind::Unknown)
            .count();
        if unknown > 0 {
            self.problems += 1;
            if self.tables.problems.len() < MAX_PROBLEMS_PER_FILE {
                self.tables.problems.push(Problem {
                    file: FileId(0),
                    line: 0,
                    message: format!(
                        "{unknown} trace(s) are referenced (by exits, parents or links) but never started: the log is truncated at its start or interleaved"
                    ),
                });
            }
        }
        if self.dump_events == 0 && self.v_events == 0 && self.bytes > 0 {
            self.problems += 1;
            if self.tables.problems.len() < MAX_PROBLEMS_PER_FILE {
                self.tables.problems.push(Problem {
                    file: FileId(0),
                    line: 0,
                    message: "no trace event found: not a jit.dump or jit.v log".into(),
                });
            }
        }
        let f = &mut self.tables.files[0];
        f.lines = self.lines;
        f.flushes = self.epoch;
        f.problems = self.problems;
        f.bytes = self.bytes;
        f.format = match (self.dump_events > 0, self.v_events > 0) {
            (true, false) => LogFormat::Dump,
            (false, true) => LogFormat::Verbose,
            (true, true) => LogFormat::Mixed,
            (false, false) => LogFormat::Unknown,
        };
        self.tables.finish_file(FileId(0), &mut self.exit_index);
        self.tables
    }
}

/// Parses a whole log from `reader` sequentially, streaming in blocks.
pub fn parse_stream<R: Read>(name: PathBuf, mut reader: R, opts: &Options) -> Tables {
    let mut builder = FileBuilder::new(name);
    let mut parser = ChunkParser::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut filled = 0;
    let mut total = 0u64;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                builder.unreadable(&e);
                break;
            }
        };
        filled += n;
        total += n as u64;
        if let Some(p) = &opts.progress {
            p(n as u64);
        }
        if let Some(last) = buf[..filled].iter().rposition(|&b| b == b'\n') {
            parser.feed_bytes(&buf[..last + 1]);
            buf.copy_within(last + 1..filled, 0);
            filled -= last + 1;
            if buf.len() > 1 << 20 && filled < 1 << 19 {
                buf.truncate(1 << 20);
                buf.shrink_to_fit();
            }
        }
    }
    parser.feed_bytes(&buf[..filled]);
    builder.add(parser.finish(), total);
    builder.finish()
}

/// Whether a line starting at `line` is a place where no trace is open.
fn is_boundary(line: &[u8]) -> bool {
    if line.starts_with(b"[TRACE ") {
        return true;
    }
    let Some(rest) = line.strip_prefix(b"---- TRACE ") else {
        return false;
    };
    if rest.starts_with(b"flush") {
        return true;
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = &rest[digits..];
    digits > 0 && (rest.starts_with(b" start") || rest.starts_with(b" exit"))
}

/// The start of the last boundary line in `buf` after position `min`, if any.
fn last_boundary(buf: &[u8], min: usize) -> Option<usize> {
    let mut end = buf.len();
    while end > min {
        let nl = buf[..end].iter().rposition(|&b| b == b'\n')?;
        if nl + 1 > min && is_boundary(&buf[nl + 1..]) {
            return Some(nl + 1);
        }
        end = nl;
    }
    None
}

/// Reads from `reader` until `buf` holds `target` bytes or the input ends (returns false).
fn fill_to<R: Read>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    target: usize,
    opts: &Options,
    builder: &mut FileBuilder,
) -> bool {
    let start = buf.len();
    if start >= target {
        return true;
    }
    buf.resize(target, 0);
    let mut filled = start;
    let mut more = true;
    while filled < target {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => {
                more = false;
                break;
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                builder.unreadable(&e);
                more = false;
                break;
            }
        }
    }
    buf.truncate(filled);
    if let Some(p) = &opts.progress {
        p((filled - start) as u64);
    }
    more
}

/// Parses a large file in pieces split at trace boundaries, a batch of pieces at a time
/// in parallel.
pub fn parse_split<R: Read>(name: PathBuf, mut reader: R, opts: &Options) -> Tables {
    let piece = opts.piece_bytes.max(4096);
    let batch = rayon::current_num_threads() * 2;
    let mut builder = FileBuilder::new(name);
    let mut buf: Vec<u8> = Vec::new();
    let mut more = true;
    while more || !buf.is_empty() {
        let mut pieces: Vec<Vec<u8>> = Vec::with_capacity(batch);
        while pieces.len() < batch && (more || !buf.is_empty()) {
            let mut target = piece;
            loop {
                more = more && fill_to(&mut reader, &mut buf, target, opts, &mut builder);
                if !more {
                    pieces.push(std::mem::take(&mut buf));
                    break;
                }
                // Cut before the last boundary; a trace longer than the piece keeps reading.
                match last_boundary(&buf, 1) {
                    Some(cut) => {
                        let rest = buf[cut..].to_vec();
                        buf.truncate(cut);
                        pieces.push(std::mem::replace(&mut buf, rest));
                        break;
                    }
                    None => target = buf.len() + piece,
                }
            }
        }
        let results: Vec<(ChunkResult, u64)> = pieces
            .par_iter()
            .map(|p| {
                let mut parser = ChunkParser::new();
                parser.feed_bytes(p);
                (parser.finish(), p.len() as u64)
            })
            .collect();
        drop(pieces);
        for (r, bytes) in results {
            builder.add(r, bytes);
        }
    }
    builder.finish()
}

/// Parses the file at `path`, split in parallel when it is large.
pub fn parse_path(path: &Path, opts: &Options) -> Tables {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let mut b = FileBuilder::new(path.to_path_buf());
            b.unreadable(&e);
            return b.finish();
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size >= opts.split_bytes && rayon::current_num_threads() > 1 {
        parse_split(path.to_path_buf(), file, opts)
    } else {
        parse_stream(path.to_path_buf(), file, opts)
    }
}

/// Extensions of the files taken from directories.
pub const LOG_EXTENSIONS: &[&str] = &["log", "dlog", "vlog", "dump", "txt", "out", "jv"];

/// Expands directories (recursively, files with a [`LOG_EXTENSIONS`] extension, sorted);
/// other paths are kept as given.
pub fn expand_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found);
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let hidden = p
            .file_name()
            .map(|n| n.to_string_lossy().starts_with('.'))
            .unwrap_or(true);
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .map(|x| LOG_EXTENSIONS.contains(&x.to_string_lossy().as_ref()))
            .unwrap_or(false)
        {
            out.push(p);
        }
    }
}

/// Merges per-file tables (in order).
pub fn merge(mut a: Tables, b: Tables) -> Tables {
    let mut index = HashMap::new();
    a.append(b, &[], &mut index, Shift::default());
    a
}

/// Map/reduce over files: each parsed on its own (large ones split further), merged in
/// input order.
pub fn parse_all(paths: &[PathBuf], opts: &Options) -> Tables {
    paths
        .par_iter()
        .map(|p| parse_path(p, opts))
        .reduce(Tables::default, merge)
}
