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
//! A file holding both jit.v and jit.dump output of one run is counted once: the
//! [`FileBuilder`] keeps each stream's epochs and live map apart and, at the end, pairs
//! the k-th successful trace numbered N of an epoch in one stream with the k-th in the
//! other, and the k-th abort of an epoch likewise, then removes the jit.v row of each
//! pair (see `FileBuilder::pair_streams` and design/analyze.md, "mixed"). A `[TRACE` line
//! is a split point only when the line before it closes any dump trace.
//!
//! Rules: the resolver must see pieces in file order; anything a piece leaves open at its
//! end is a real truncation, because pieces never end inside a trace.

use super::parse::{find_newline, ChunkParser, ChunkResult};
use super::tables::*;
use super::Options;
use crate::jit::LinkType;
use hashbrown::HashMap;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Builds one file's tables from its pieces, in order.
pub struct FileBuilder {
    tables: Tables,
    /// Number → live trace, per stream (jit.dump, jit.v), carried from piece to piece.
    live_dump: HashMap<u32, TraceId>,
    live_v: HashMap<u32, TraceId>,
    exit_index: HashMap<(TraceId, u32), ExitId>,
    /// Flushes so far, per stream.
    dump_epoch: u32,
    v_epoch: u32,
    /// Bytecode lines outside traces, and the first (file line, text).
    headless_bytecodes: u64,
    first_headless: Option<(u64, String)>,
    /// Dump placeholders and the jit.v trace they stand for if the file has no dump
    /// trace event (file ids).
    borrowed: Vec<(TraceId, TraceId)>,
    /// Whether any piece so far had a dump trace event (see `ChunkParser::resolve`).
    dump_traced: bool,
    /// Rows written by jit.v lines (file ids, in order); the rest are the dump's.
    v_traces: Vec<TraceId>,
    v_aborts: Vec<AbortId>,
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
            live_dump: HashMap::new(),
            live_v: HashMap::new(),
            exit_index: HashMap::new(),
            dump_epoch: 0,
            v_epoch: 0,
            headless_bytecodes: 0,
            first_headless: None,
            dump_traced: false,
            borrowed: Vec::new(),
            v_traces: Vec::new(),
            v_aborts: Vec::new(),
            lines: 0,
            problems: 0,
            dump_events: 0,
            v_events: 0,
            bytes: 0,
        }
    }

    /// Adds the next piece of the file.
    pub fn add(&mut self, mut chunk: ChunkResult, bytes: u64) {
        let mut trace_map = vec![None; chunk.tables.traces.len()];
        // Placeholders resolve like references inside a piece: in their own stream. A
        // dump placeholder that noted a jit.v trace keeps it unless a real dump trace is
        // live (the note is used at the end if the file has no dump trace event); one
        // that did not may note jit.v's trace live here.
        let mut noted = vec![false; chunk.tables.traces.len()];
        for &(p, _) in &chunk.borrowed {
            noted[p.index()] = true;
        }
        let mut borrowed = Vec::new();
        for &(placeholder, number) in &chunk.dump.inherited {
            let live = self.live_dump.get(&number).copied();
            let real = live.filter(|id| self.tables.trace(*id).kind != TraceKind::Unknown);
            trace_map[placeholder.index()] = match (real, noted[placeholder.index()]) {
                (Some(id), _) => Some(id),
                (None, true) => None,
                (None, false) => match self.live_v.get(&number) {
                    Some(&v) if !self.dump_traced => {
                        borrowed.push((placeholder, v));
                        None
                    }
                    _ => live,
                },
            };
        }
        for &(placeholder, number) in &chunk.verbose.inherited {
            trace_map[placeholder.index()] = self.live_v.get(&number).copied();
        }
        self.dump_traced |= chunk.dump_traced;
        self.headless_bytecodes += chunk.headless_bytecodes;
        if self.first_headless.is_none() {
            self.first_headless = chunk.first_headless.map(|(l, s)| (l + self.lines, s));
        }
        // Rows count epochs in their own stream; with jit.v rows in the piece the two
        // streams' bases may differ, so rows are shifted here instead of by `append`.
        let mut epoch = self.dump_epoch;
        if !chunk.v_traces.is_empty() || !chunk.v_aborts.is_empty() {
            let mut base = vec![self.dump_epoch; chunk.tables.traces.len()];
            for id in &chunk.v_traces {
                base[id.index()] = self.v_epoch;
            }
            for (row, b) in chunk.tables.traces.iter_mut().zip(base) {
                row.epoch += b;
            }
            let mut base = vec![self.dump_epoch; chunk.tables.aborts.len()];
            for id in &chunk.v_aborts {
                base[id.index()] = self.v_epoch;
            }
            for (row, b) in chunk.tables.aborts.iter_mut().zip(base) {
                row.epoch += b;
            }
            epoch = 0;
        }
        let shift = Shift {
            file: Some(FileId(0)),
            epoch,
            line: self.lines,
        };
        let kept = self.tables.problems.len();
        let abort_base = self.tables.aborts.len();
        let map = self
            .tables
            .append(chunk.tables, &trace_map, &mut self.exit_index, shift);
        self.tables
            .problems
            .truncate(kept.max(MAX_PROBLEMS_PER_FILE));
        for &(p, c) in &chunk.borrowed {
            if trace_map[p.index()].is_none() {
                self.borrowed.push((map[p.index()], map[c.index()]));
            }
        }
        // Noted here against traces of earlier pieces (already file ids).
        self.borrowed
            .extend(borrowed.into_iter().map(|(p, v)| (map[p.index()], v)));
        for id in &chunk.v_traces {
            if trace_map[id.index()].is_none() {
                self.v_traces.push(map[id.index()]);
            }
        }
        self.v_aborts.extend(
            chunk
                .v_aborts
                .iter()
                .map(|a| AbortId::from_index(abort_base + a.index())),
        );
        self.dump_epoch += chunk.dump.flushes;
        self.v_epoch += chunk.verbose.flushes;
        for (state, live) in [
            (chunk.dump, &mut self.live_dump),
            (chunk.verbose, &mut self.live_v),
        ] {
            if state.flushes > 0 {
                live.clear();
            }
            for (number, id) in state.live {
                live.insert(number, map[id.index()]);
            }
        }
        self.lines += chunk.lines;
        self.problems += chunk.problem_count;
        self.dump_events += chunk.dump_events;
        self.v_events += chunk.v_events;
        self.bytes += bytes;
    }

    /// Counts a problem of the whole file, keeping its message if there is room.
    fn file_problem(&mut self, message: impl FnOnce() -> String) {
        self.problems += 1;
        if self.tables.problems.len() < MAX_PROBLEMS_PER_FILE {
            self.tables.problems.push(Problem {
                file: FileId(0),
                line: 0,
                message: message(),
            });
        }
    }

    /// Makes one row of each trace and each abort that both jit.dump and jit.v reported.
    ///
    /// Within one flush epoch of each stream, the k-th successful trace numbered N in the
    /// dump is the k-th numbered N in jit.v (numbers are reused only after aborts freed
    /// them or a flush), and the k-th abort of the dump is the k-th `[TRACE ---` line.
    /// A pair must agree (start location, parent and exit; for aborts also the message);
    /// a pair that does not is left as two rows and reported. The dump's row is kept, with
    /// the jit.v link where the dump had none and the stitch function; the jit.v row goes,
    /// every reference to it now pointing at the dump's row.
    fn pair_streams(&mut self) {
        let t = &mut self.tables;
        let mut is_v = vec![false; t.traces.len()];
        for id in &self.v_traces {
            is_v[id.index()] = true;
        }
        let number_of = |t: &Tables, id: Option<TraceId>| id.map(|p| t.trace(p).number);
        // into[v] = the dump row the jit.v row v is merged into.
        let mut into: Vec<Option<TraceId>> = vec![None; t.traces.len()];
        let mut pending: HashMap<(u32, u32), [VecDeque<TraceId>; 2]> = HashMap::new();
        let mut mismatches: Vec<String> = Vec::new();
        for (i, &row_is_v) in is_v.iter().enumerate() {
            let row = &t.traces[i];
            if row.kind == TraceKind::Unknown {
                continue;
            }
            let key = (row.epoch, row.number);
            let side = row_is_v as usize;
            let queues = pending.entry(key).or_default();
            let Some(other) = queues[1 - side].pop_front() else {
                queues[side].push_back(TraceId::from_index(i));
                continue;
            };
            if queues[0].is_empty() && queues[1].is_empty() {
                pending.remove(&key);
            }
            let (d, v) = if side == 1 {
                (other, TraceId::from_index(i))
            } else {
                (TraceId::from_index(i), other)
            };
            let (dr, vr) = (t.trace(d), t.trace(v));
            if dr.start != vr.start
                || dr.parent_exit != vr.parent_exit
                || number_of(t, dr.parent) != number_of(t, vr.parent)
            {
                mismatches.push(format!(
                    "trace {} (epoch {}) starts at `{}` in jit.dump (line {}) but at `{}` in jit.v (line {}): counted twice",
                    dr.number, dr.epoch, t.str(dr.start), dr.line, t.str(vr.start), vr.line
                ));
                continue;
            }
            into[v.index()] = Some(d);
            let (link, link_to, stitch_at) = (vr.link, vr.link_to, vr.stitch_at);
            let dr = &mut t.traces[d.index()];
            if dr.link == LinkType::None && link != LinkType::None {
                dr.link = link;
                dr.link_to = link_to.map(|to| if to == v { d } else { to });
            }
            dr.stitch_at = dr.stitch_at.or(stitch_at);
        }
        drop(pending);

        let mut abort_is_v = vec![false; t.aborts.len()];
        for id in &self.v_aborts {
            abort_is_v[id.index()] = true;
        }
        let mut drop_abort = vec![false; t.aborts.len()];
        let mut pending: HashMap<u32, [VecDeque<AbortId>; 2]> = HashMap::new();
        for (i, a) in t.aborts.iter().enumerate() {
            let side = abort_is_v[i] as usize;
            let queues = pending.entry(a.epoch).or_default();
            let Some(other) = queues[1 - side].pop_front() else {
                queues[side].push_back(AbortId::from_index(i));
                continue;
            };
            let (d, v) = if side == 1 {
                (other.index(), i)
            } else {
                (i, other.index())
            };
            let (da, va) = (&t.aborts[d], &t.aborts[v]);
            if da.start != va.start
                || da.reason != va.reason
                || da.arg != va.arg
                || da.message != va.message
                || da.parent_exit != va.parent_exit
                || number_of(t, da.parent) != number_of(t, va.parent)
            {
                mismatches.push(format!(
                    "the abort at line {} of jit.dump and its jit.v counterpart at line {} disagree (start `{}` / `{}`): counted twice",
                    da.line, va.line, t.str(da.start), t.str(va.start)
                ));
                continue;
            }
            drop_abort[v] = true;
        }
        drop(pending);

        // A log without dump trace events: its dump placeholders are jit.v's traces.
        if !self.dump_traced {
            for &(p, v) in &self.borrowed {
                into[p.index()] = Some(into[v.index()].unwrap_or(v));
            }
        }
        self.borrowed.clear();
        // Renumber: merged jit.v rows vanish, references go to their dump rows.
        let mut new_id = Vec::with_capacity(t.traces.len());
        let mut next = 0usize;
        for slot in &into {
            new_id.push(TraceId::from_index(next));
            next += slot.is_none() as usize;
        }
        let remap = |id: TraceId| new_id[into[id.index()].unwrap_or(id).index()];
        let traces = std::mem::take(&mut t.traces);
        t.traces = traces
            .into_iter()
            .enumerate()
            .filter(|(i, _)| into[*i].is_none())
            .map(|(_, r)| TraceRow {
                parent: r.parent.map(remap),
                link_to: r.link_to.map(remap),
                ..r
            })
            .collect();
        for s in &mut t.snapshots {
            s.trace = remap(s.trace);
        }
        let exits = std::mem::take(&mut t.exits);
        self.exit_index.clear();
        for r in exits {
            let key = (remap(r.trace), r.exit);
            match self.exit_index.get(&key) {
                Some(&id) => {
                    let e = &mut t.exits[id.index()];
                    e.taken += r.taken;
                    e.with_registers += r.with_registers;
                    e.side_traces += r.side_traces;
                    e.side_aborts += r.side_aborts;
                }
                None => {
                    self.exit_index
                        .insert(key, ExitId::from_index(t.exits.len()));
                    t.exits.push(ExitRow { trace: key.0, ..r });
                }
            }
        }
        let aborts = std::mem::take(&mut t.aborts);
        t.aborts = aborts
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop_abort[*i])
            .map(|(_, a)| AbortRow {
                parent: a.parent.map(remap),
                ..a
            })
            .collect();
        self.v_traces.clear();
        self.v_aborts.clear();
        for m in mismatches {
            self.file_problem(|| m);
        }
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
        let v_only = self.v_traces.len() == self.tables.traces.len()
            && self.v_aborts.len() == self.tables.aborts.len();
        let both = (!self.v_traces.is_empty() || !self.v_aborts.is_empty()) && !v_only;
        if both || (!self.dump_traced && !self.borrowed.is_empty()) {
            self.pair_streams();
        }
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
        if self.headless_bytecodes > 0 && self.v_events == 0 {
            // Without jit.v lines nothing explains bytecode lines outside a trace.
            let (line, text) = self.first_headless.take().unwrap_or_default();
            let n = self.headless_bytecodes;
            self.problems += n - 1;
            self.file_problem(|| {
                format!("{n} bytecode line(s) outside any trace, the first at line {line}: `{text}` (expected `---- TRACE n start` before them)")
            });
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
        f.flushes = self.dump_epoch.max(self.v_epoch);
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
    // The previous line and whether no dump trace is open after it (see `is_boundary`).
    let mut prev_start = 0u64;
    let mut prev_closes = false;
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
            // Only a previous line both neighbouring pieces see whole may make a boundary:
            // one starting at or after the nominal cut the boundary is looked for from.
            let lower = if begun { range.end } else { range.start };
            let prev_ok = prev_closes && prev_start >= lower;
            // jit.v lines leave the dump's state as it was: they may land anywhere. Only
            // needed where boundaries are looked for (before the start, after the end).
            prev_closes = (!begun || line_start >= range.end)
                && !skip_partial
                && complete
                && if line.starts_with(b"[TRACE ") {
                    prev_ok
                } else {
                    closes_trace(line)
                };
            prev_start = line_start;
            if skip_partial {
                skip_partial = false;
                continue;
            }
            if !begun {
                if !is_boundary(line, prev_ok) {
                    continue;
                }
                begun = true;
            }
            // The first boundary at or after `end` belongs to the next piece (which may
            // be this piece's own first boundary: then the piece is empty).
            if line_start >= range.end && is_boundary(line, prev_ok) {
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
///
/// A jit.v line is one only when the lines before it (`prev_closes`) leave no dump trace
/// open: in a file holding both outputs, skein writes a trace's `[TRACE` line between
/// the dump's bytecode and IR lines of that trace, and buffering may put jit.v lines
/// anywhere. Only lines both neighbouring pieces see count, so the first line after a
/// nominal cut is never a jit.v boundary, and a file of jit.v lines alone has none (it is
/// parsed as one piece).
fn is_boundary(line: &[u8], prev_closes: bool) -> bool {
    if line.starts_with(b"[TRACE ") {
        return prev_closes;
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

/// Whether no dump trace is open after `line`: an empty line (dump.lua ends every trace
/// with one), or a dump `stop`, `abort`, `exit` or `flush` line.
fn closes_trace(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.first() {
        None => true,
        Some(b'-') => {
            let Some(rest) = line.strip_prefix(b"---- TRACE ") else {
                return false;
            };
            if rest.starts_with(b"flush") {
                return true;
            }
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let rest = &rest[digits..];
            digits > 0
                && (rest.starts_with(b" exit")
                    || rest.starts_with(b" stop")
                    || rest.starts_with(b" abort"))
        }
        _ => false,
    }
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
