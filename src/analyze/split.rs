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

use super::parse::{find_newline, ChunkParser, ChunkResult};
use super::tables::*;
use super::Options;
use hashbrown::HashMap;
use rayon::prelude::*;
use std::io::{Read, Seek, SeekFrom};
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
        // An exits-only log (`-jdump=x`) has no start events at all: its traces are
        // unknown by design. Otherwise unknown traces mean the log starts mid-run.
        let started = self
            .tables
            .traces
            .iter()
            .any(|t| t.kind != TraceKind::Unknown)
            || !self.tables.aborts.is_empty();
        if unknown > 0 && started {
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

/// Longest line kept whole; the rest of a longer line is skipped (binary input).
pub const MAX_LINE: usize = 1 << 20;

/// What [`parse_range`] parses of its input.
#[derive(Copy, Clone, Debug)]
pub struct Range {
    /// Absolute offset of the reader's first byte.
    pub base: u64,
    /// Nominal start: parsing begins at the first boundary line starting at or after it
    /// (at offset 0, with the first line).
    pub start: u64,
    /// Nominal end: parsing stops before the first boundary line starting at or after it.
    pub end: u64,
}

/// Parses the lines of one byte range of a log from `reader` (which starts at `range.base`,
/// that is `range.start - 1`, or 0). Streams with a fixed buffer; lines longer than
/// [`MAX_LINE`] are cut. Returns the piece and the bytes it covered.
pub fn parse_range<R: Read>(
    mut reader: R,
    range: Range,
    opts: &Options,
    errors: &mut Vec<std::io::Error>,
) -> (ChunkResult, u64) {
    let mut parser = ChunkParser::new();
    let mut buf = vec![0u8; 1 << 18];
    let mut filled = 0usize;
    let mut pos = range.base; // offset of buf[0]
    let mut begun = range.start == 0;
    let mut skip_partial = range.start > 0; // the line holding byte `start - 1`
    let mut in_long_line = false;
    let mut covered = 0u64;
    let mut eof = false;
    'outer: loop {
        if !eof {
            if filled == buf.len() && buf.len() < MAX_LINE {
                buf.resize(buf.len() * 2, 0);
            }
            match reader.read(&mut buf[filled..]) {
                Ok(0) => eof = true,
                Ok(n) => {
                    filled += n;
                    if let Some(p) = &opts.progress {
                        p(n as u64);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    errors.push(e);
                    eof = true;
                }
            }
        }
        let mut i = 0;
        loop {
            let (line, next, complete) = match find_newline(&buf[i..filled]) {
                Some(nl) => (&buf[i..i + nl], i + nl + 1, true),
                None if eof && i < filled => (&buf[i..filled], filled, true),
                None if i == 0 && filled == buf.len() && buf.len() >= MAX_LINE => {
                    (&buf[..filled], filled, false)
                }
                None => break,
            };
            let line_start = pos + i as u64;
            i = next;
            if in_long_line {
                // The tail of a cut line: nothing to parse, it is the same line.
                in_long_line = !complete;
                covered += line.len() as u64 + complete as u64;
                continue;
            }
            in_long_line = !complete;
            if skip_partial {
                skip_partial = false;
                continue;
            }
            if !begun {
                if !is_boundary(line) {
                    continue;
                }
                begun = true;
            }
            // The first boundary at or after `end` belongs to the next piece (which may
            // be this piece's own first boundary: then the piece is empty).
            if line_start >= range.end && is_boundary(line) {
                break 'outer;
            }
            covered += line.len() as u64 + complete as u64;
            parser.feed_line(line);
        }
        if eof && i >= filled {
            break;
        }
        buf.copy_within(i..filled, 0);
        filled -= i;
        pos += i as u64;
    }
    (parser.finish(), covered)
}

/// Parses a whole log from `reader` sequentially, streaming.
pub fn parse_stream<R: Read>(name: PathBuf, reader: R, opts: &Options) -> Tables {
    let mut builder = FileBuilder::new(name);
    let mut errors = Vec::new();
    let whole = Range {
        base: 0,
        start: 0,
        end: u64::MAX,
    };
    let (chunk, bytes) = parse_range(reader, whole, opts, &mut errors);
    builder.add(chunk, bytes);
    for e in errors.iter().take(1) {
        builder.unreadable(e);
    }
    builder.finish()
}

/// Whether a line is a place where no trace is open, so that a piece may start there.
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

/// The nominal ranges of a `size`-byte input cut every `piece` bytes.
fn ranges(size: u64, piece: u64) -> Vec<Range> {
    let piece = piece.max(4096);
    let n = size.div_ceil(piece).max(1);
    (0..n)
        .map(|k| {
            let start = k * piece;
            Range {
                base: start.saturating_sub(1),
                start,
                end: if k + 1 == n { u64::MAX } else { start + piece },
            }
        })
        .collect()
}

/// Resolves pieces (in order) into one file's tables.
fn resolve(name: PathBuf, pieces: Vec<(ChunkResult, u64, Vec<std::io::Error>)>) -> Tables {
    let mut builder = FileBuilder::new(name);
    let mut error = None;
    for (chunk, bytes, errors) in pieces {
        builder.add(chunk, bytes);
        if error.is_none() {
            error = errors.into_iter().next();
        }
    }
    if let Some(e) = error {
        builder.unreadable(&e);
    }
    builder.finish()
}

/// Parses an in-memory log cut into pieces of `piece` bytes at trace boundaries, the
/// pieces in parallel.
pub fn parse_slice_split(name: PathBuf, bytes: &[u8], piece: u64, opts: &Options) -> Tables {
    let pieces = ranges(bytes.len() as u64, piece)
        .into_par_iter()
        .map(|r| {
            let mut errors = Vec::new();
            let from = (r.base as usize).min(bytes.len());
            let (c, n) = parse_range(&bytes[from..], r, opts, &mut errors);
            (c, n, errors)
        })
        .collect();
    resolve(name, pieces)
}

/// Parses a file cut into pieces of `opts.piece_bytes` at trace boundaries: every piece
/// opens the file, seeks to its range and streams it, all pieces in parallel.
pub fn parse_file_split(path: &Path, size: u64, opts: &Options) -> Tables {
    let pieces = ranges(size, opts.piece_bytes as u64)
        .into_par_iter()
        .map(|r| {
            let mut errors = Vec::new();
            let opened = std::fs::File::open(path).and_then(|mut f| {
                f.seek(SeekFrom::Start(r.base))?;
                Ok(f)
            });
            match opened {
                Ok(f) => {
                    let (c, n) = parse_range(f, r, opts, &mut errors);
                    (c, n, errors)
                }
                Err(e) => (ChunkParser::new().finish(), 0, vec![e]),
            }
        })
        .collect();
    resolve(path.to_path_buf(), pieces)
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
        parse_file_split(path, size, opts)
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
