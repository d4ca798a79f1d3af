//! The log parser: one state machine that reads jit.dump and jit.v lines and writes rows.
//!
//! A [`ChunkParser`] is fed complete lines (without the newline) of one contiguous piece of
//! a log. It never looks back at earlier lines: everything it needs is in its state, and the
//! state holds at most one open trace (its counters and its snapshot rows), so memory is
//! bounded by one trace, not by the input.
//!
//! States (jit.dump):
//! ```text
//!            ---- TRACE n start [p/e] loc
//!   Idle ─────────────────────────────────────▶ InTrace(section = Bytecode)
//!    ▲  ▲ ---- TRACE n exit m  → AfterExit        │ ---- TRACE n IR        → IR
//!    │  │   (lines starting with ' ' = registers) │ ---- TRACE n snapshots → Snapshots
//!    │  │ ---- TRACE flush → epoch + 1            │ ---- TRACE n mcode N   → Mcode
//!    │  └─────────────────────────────────────────┤ ---- TRACE n stop -> …  (trace row)
//!    └────────────────────────────────────────────┘ ---- TRACE n abort loc -- msg (abort row)
//! ```
//! jit.v lines (`[TRACE …]`) are complete events and are handled in any state. The HTML
//! variant (`H`) adds a style sheet and `<pre>` lines, skipped outside traces, and tags in
//! body lines, which only matter when counting snapshot slots.
//! A `start` while a trace is open, or the end of input with a trace open, is reported as a
//! truncated trace. Unrecognised lines outside a trace are reported (a few per file; the
//! rest are counted). Nothing here panics on any byte sequence: every slice index is guarded
//! and numbers are parsed with overflow checks.
//!
//! A file may hold both outputs of one run (`skein -jv -jdump … > log 2>&1`), shifted
//! against each other by any number of lines. Every line belongs to a [`Stream`] (jit.v
//! for `[TRACE` lines, the dump for the rest); each stream keeps its own flush count
//! (rows' epochs), live map and inherited placeholders, and references resolve only in
//! their own stream. Rows written by jit.v are listed in [`ChunkResult::v_traces`] /
//! [`ChunkResult::v_aborts`]; pairing them with the dump's rows is done for the whole file
//! by `split::FileBuilder`. A jit.v line written into the middle of a block-buffered
//! stdout line is cut out and the stdout line rejoined.
//!
//! Trace numbers are resolved through the `live` map (number → current trace of this
//! chunk). A number not defined in this chunk becomes a placeholder row
//! ([`TraceKind::Unknown`]); placeholders made before the chunk's first flush are listed
//! in the stream's [`StreamState::inherited`] so that the resolver can map them onto the trace the
//! previous chunk left live under that number.

use super::tables::*;
use crate::jit::{LinkType, TraceError};
use hashbrown::HashMap;

/// Which part of an open dump trace the lines belong to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Section {
    Bytecode,
    Ir,
    Snapshots,
    Mcode,
}

/// A trace between its `start` and its `stop`/`abort`.
#[derive(Debug)]
struct OpenTrace {
    number: u32,
    parent: Option<TraceId>,
    parent_exit: Option<u32>,
    stitch: bool,
    start: StrId,
    line: u64,
    section: Section,
    bytecodes: u32,
    ir: u32,
    mcode_bytes: u32,
    snapshots: Vec<SnapshotRow>,
}

/// Which of the two interleaved outputs a line belongs to. A file may hold both
/// (`skein -jv -jdump ... > log 2>&1`): each stream is in event order on its own, but the
/// two are shifted against each other, so each keeps its own flush count and live map.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Stream {
    /// `---- TRACE` lines and the body lines of dump traces.
    #[default]
    Dump,
    /// `[TRACE` lines.
    Verbose,
}

/// What one stream left of its bookkeeping in a chunk.
#[derive(Debug, Default)]
pub struct StreamState {
    /// Flushes seen in this stream.
    pub flushes: u32,
    /// Number → trace live at the end of the chunk (after its last flush, if any).
    pub live: HashMap<u32, TraceId>,
    /// Placeholders for numbers this stream used before its first flush in the chunk:
    /// (placeholder, number).
    pub inherited: Vec<(TraceId, u32)>,
}

/// The result of parsing one chunk.
#[derive(Debug, Default)]
pub struct ChunkResult {
    /// Rows; trace ids are chunk-local, file ids are 0. Epochs are counted in the stream
    /// that wrote the row.
    pub tables: Tables,
    /// The jit.dump stream's flushes, live map and inherited placeholders.
    pub dump: StreamState,
    /// The jit.v stream's.
    pub verbose: StreamState,
    /// Trace rows (placeholders included) written by jit.v lines, in order.
    pub v_traces: Vec<TraceId>,
    /// Abort rows written by jit.v lines, in order.
    pub v_aborts: Vec<AbortId>,
    /// Whether the chunk has a dump `start`, `stop`, `abort` or `flush` line.
    pub dump_traced: bool,
    /// Dump placeholders made before any dump trace event, with the jit.v trace live
    /// under their number then: (placeholder, jit.v trace). See `ChunkParser::resolve`.
    pub borrowed: Vec<(TraceId, TraceId)>,
    /// Bytecode lines outside any dump trace, and the first one's line: the record
    /// output of LuaJIT's `-jdump=b… -jv`, whose trace events went to jit.v's handler.
    /// A problem only in a file without jit.v lines (`FileBuilder::finish` decides).
    pub headless_bytecodes: u64,
    /// Line and text of the first of them.
    pub first_headless: Option<(u64, String)>,
    /// Lines seen.
    pub lines: u64,
    /// Problems seen (including ones not kept).
    pub problem_count: u64,
    /// Dump events seen.
    pub dump_events: u64,
    /// jit.v events seen.
    pub v_events: u64,
}

/// Parses one contiguous chunk of a log, line by line.
#[derive(Debug, Default)]
pub struct ChunkParser {
    out: ChunkResult,
    exit_index: HashMap<(TraceId, u32), ExitId>,
    open: Option<OpenTrace>,
    after_exit: Option<ExitId>,
    registers_seen: bool,
    in_style: bool,
    scratch: Vec<u8>,
    /// The stream of the line being parsed.
    stream: Stream,
    /// `ChunkResult::borrowed` as a map.
    borrowed_by: HashMap<TraceId, TraceId>,
    /// The start of a stdout line that a jit.v line (stderr) was written into the middle
    /// of; it is completed by the next line that is not a jit.v line.
    fragment: Vec<u8>,
}

impl ChunkParser {
    /// A parser for a chunk that starts between traces.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts a problem on the current line; the message is only made if it is kept.
    fn problem(&mut self, message: impl FnOnce() -> String) {
        self.out.problem_count += 1;
        if self.out.tables.problems.len() < MAX_PROBLEMS_PER_FILE {
            self.out.tables.problems.push(Problem {
                file: FileId(0),
                line: self.out.lines,
                message: message(),
            });
        }
    }

    /// Feeds every line of `bytes` (a trailing partial line is treated as a line).
    pub fn feed_bytes(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (line, next) = match find_newline(rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            self.feed_line(line);
            rest = next;
        }
    }

    /// Feeds one line (without its `\n`).
    pub fn feed_line(&mut self, line: &[u8]) {
        self.out.lines += 1;
        let mut line = line;
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        // ANSI colours (the `A` flag) only matter where a line is read as text: event
        // lines and lines starting with a colour code. Body lines are only classified by
        // their first bytes and token counts, which colour codes do not change.
        let colored = match line.first() {
            Some(0x1b) => true,
            Some(b'-' | b'[') => line.contains(&0x1b),
            _ => false,
        };
        if colored {
            let mut buf = std::mem::take(&mut self.scratch);
            strip_ansi(line, &mut buf);
            self.dispatch(&buf);
            self.scratch = buf;
        } else {
            self.dispatch(line);
        }
    }

    fn dispatch(&mut self, line: &[u8]) {
        if line.first() == Some(&b'[') {
            if let Some(rest) = line.strip_prefix(b"[TRACE ") {
                self.verbose_line(rest);
                return;
            }
        }
        // A jit.v line written (unbuffered, to stderr) into the middle of a buffered
        // stdout line: `0001  KS[TRACE   3 t.lua:4 loop]`, the rest of the stdout line
        // following on the next line. Only lines ending in `]` can be such a line.
        if line.last() == Some(&b']') {
            if let Some(at) = find_v_mark(line) {
                if at > 0 {
                    // (A stdout line longer than a buffer block may be cut twice.)
                    self.fragment.extend_from_slice(&line[..at]);
                    self.verbose_line(&line[at + 7..]);
                    return;
                }
            }
        }
        if !self.fragment.is_empty() {
            let mut whole = std::mem::take(&mut self.fragment);
            whole.extend_from_slice(line);
            self.dump_line(&whole);
            return;
        }
        self.dump_line(line);
    }

    fn verbose_line(&mut self, rest: &[u8]) {
        self.out.v_events += 1;
        self.stream = Stream::Verbose;
        self.v_event(rest);
        self.stream = Stream::Dump;
    }

    fn dump_line(&mut self, line: &[u8]) {
        if let Some(rest) = line.strip_prefix(b"---- TRACE ") {
            self.out.dump_events += 1;
            self.after_exit = None;
            self.dump_event(rest);
            return;
        }
        if let Some(open) = &mut self.open {
            count_body_line(open, line);
            return;
        }
        if line.is_empty() {
            return;
        }
        if line.len() > 6 && line[..4].iter().all(u8::is_ascii_digit) && &line[4..6] == b"  " {
            self.out.headless_bytecodes += 1;
            if self.out.first_headless.is_none() {
                let shown = String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned();
                self.out.first_headless = Some((self.out.lines, shown));
            }
            return;
        }
        if line[0] == b' ' {
            if let Some(e) = self.after_exit {
                // The register dump of an `X` exit: count the exit once, on its first line.
                if !self.registers_seen {
                    self.registers_seen = true;
                    self.out.tables.exits[e.index()].with_registers += 1;
                }
                return;
            }
        }
        // The `H` (HTML) variant: a style sheet at the top, `<pre>` around every trace.
        if self.in_style {
            self.in_style = !line.starts_with(b"</style");
            return;
        }
        if line.starts_with(b"<style") {
            self.in_style = !line.ends_with(b"</style>");
            return;
        }
        if line.starts_with(b"<pre") || line.starts_with(b"</pre") {
            return;
        }
        let shown = String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned();
        self.problem(|| {
            format!("expected a trace event (`---- TRACE` or `[TRACE`), found `{shown}`")
        });
    }

    fn state(&mut self) -> &mut StreamState {
        match self.stream {
            Stream::Dump => &mut self.out.dump,
            Stream::Verbose => &mut self.out.verbose,
        }
    }

    fn epoch(&self) -> u32 {
        match self.stream {
            Stream::Dump => self.out.dump.flushes,
            Stream::Verbose => self.out.verbose.flushes,
        }
    }

    /// The trace live under `number` in the current stream, or a placeholder for it.
    ///
    /// While the chunk has shown no dump trace event, a dump placeholder also notes the
    /// jit.v trace live under its number ([`ChunkResult::borrowed`]): in LuaJIT's
    /// `-jdump -jv` log, jit.v's trace handler replaced jit.dump's (one handler per
    /// event) and the dump part is exit and bytecode lines only, referring to jit.v's
    /// traces. Whether the note is used is decided for the whole file (`FileBuilder`):
    /// in a log with both trace outputs the streams may be epochs apart, and each keeps
    /// to its own.
    fn resolve(&mut self, number: u32) -> TraceId {
        let own = match self.stream {
            Stream::Dump => &self.out.dump.live,
            Stream::Verbose => &self.out.verbose.live,
        };
        let found = own.get(&number).copied();
        let candidate = (self.stream == Stream::Dump && !self.out.dump_traced)
            .then(|| self.out.verbose.live.get(&number).copied())
            .flatten();
        if let Some(id) = found {
            // A noted placeholder stands for the jit.v trace live when it was made; a
            // newer jit.v trace of that number gets a placeholder of its own.
            match (self.borrowed_by.get(&id), candidate) {
                (Some(&then), Some(now)) if then != now => {}
                _ => return id,
            }
        }
        let start = self.out.tables.strings.intern("?");
        let id = TraceId::from_index(self.out.tables.traces.len());
        self.out.tables.traces.push(TraceRow {
            file: FileId(0),
            epoch: self.epoch(),
            number,
            kind: TraceKind::Unknown,
            parent: None,
            parent_exit: None,
            start,
            link: LinkType::None,
            link_to: None,
            stitch_at: None,
            bytecodes: 0,
            ir: 0,
            snapshots: 0,
            mcode_bytes: 0,
            line: 0,
        });
        if self.stream == Stream::Verbose {
            self.out.v_traces.push(id);
        }
        if let Some(c) = candidate {
            self.out.borrowed.push((id, c));
            self.borrowed_by.insert(id, c);
        }
        let state = self.state();
        if state.flushes == 0 {
            state.inherited.push((id, number));
        }
        state.live.insert(number, id);
        id
    }

    /// Reports the open trace, if any, as truncated before `what()`.
    fn close_truncated(&mut self, what: impl FnOnce() -> String) {
        if let Some(open) = self.open.take() {
            let what = what();
            let above = self.out.lines.saturating_sub(open.line);
            self.problem(|| format!(
                "trace {} (started {above} lines above) is truncated: expected `stop` or `abort` before {what}",
                open.number,
            ));
        }
    }

    fn dump_event(&mut self, rest: &[u8]) {
        let text = String::from_utf8_lossy(rest);
        let text = text.as_ref();
        if text == "flush" || text.starts_with("flush ") {
            self.out.dump_traced = true;
            self.close_truncated(|| "a flush".into());
            self.flush();
            return;
        }
        let (num, tail) = split_word(text);
        let Some(number) = parse_u32(num) else {
            self.problem(|| {
                format!(
                    "expected a trace number after `---- TRACE`, found `{}`",
                    short(text)
                )
            });
            return;
        };
        let (what, args) = split_word(tail);
        self.out.dump_traced |= matches!(what, "start" | "stop" | "abort");
        match what {
            "start" => {
                self.close_truncated(|| format!("the start of trace {number}"));
                self.start_dump(number, args);
            }
            "IR" | "snapshots" | "mcode" => {
                let section = match what {
                    "IR" => Section::Ir,
                    "snapshots" => Section::Snapshots,
                    _ => Section::Mcode,
                };
                match &mut self.open {
                    Some(open) if open.number == number => {
                        open.section = section;
                        if section == Section::Mcode {
                            open.mcode_bytes = parse_u32(args.trim()).unwrap_or(0);
                        }
                    }
                    _ => self.problem(|| format!(
                        "`{what}` of trace {number} outside that trace (expected `---- TRACE {number} start` first)"
                    )),
                }
            }
            "stop" => self.stop_dump(number, args),
            "abort" => self.abort_dump(number, args),
            "exit" => {
                self.close_truncated(|| format!("an exit of trace {number}"));
                match parse_u32(args.trim()) {
                    Some(exit) => {
                        let trace = self.resolve(number);
                        let id = self.exit(trace, exit);
                        self.out.tables.exits[id.index()].taken += 1;
                        self.after_exit = Some(id);
                        self.registers_seen = false;
                    }
                    None => self.problem(|| format!(
                        "expected an exit number in `---- TRACE {number} exit`, found `{}`",
                        short(args)
                    )),
                }
            }
            _ => self.problem(|| format!(
                "unknown trace event `{}` (expected start, stop, abort, exit, IR, snapshots, mcode or flush)",
                short(what)
            )),
        }
    }

    fn exit(&mut self, trace: TraceId, exit: u32) -> ExitId {
        let exits = &mut self.out.tables.exits;
        *self.exit_index.entry((trace, exit)).or_insert_with(|| {
            exits.push(ExitRow {
                trace,
                exit,
                taken: 0,
                with_registers: 0,
                side_traces: 0,
                side_aborts: 0,
            });
            ExitId::from_index(exits.len() - 1)
        })
    }

    fn flush(&mut self) {
        let state = self.state();
        state.flushes += 1;
        state.live.clear();
    }

    /// `[p/e|p/stitch] loc` → parent, parent exit, stitch flag, location.
    fn parse_origin<'a>(&mut self, args: &'a str) -> (Option<TraceId>, Option<u32>, bool, &'a str) {
        let (first, rest) = split_word(args);
        // jit.dump writes `p/e`, jit.v writes `(p/e)`.
        let first = first
            .strip_prefix('(')
            .and_then(|f| f.strip_suffix(')'))
            .unwrap_or(first);
        if let Some((p, e)) = first.split_once('/') {
            if let Some(p) = parse_u32(p) {
                if e == "stitch" {
                    let parent = self.resolve(p);
                    return (Some(parent), None, true, rest);
                }
                if let Some(e) = parse_u32(e) {
                    let parent = self.resolve(p);
                    return (Some(parent), Some(e), false, rest);
                }
            }
        }
        (None, None, false, args)
    }

    fn start_dump(&mut self, number: u32, args: &str) {
        let (parent, parent_exit, stitch, loc) = self.parse_origin(args);
        if loc.is_empty() {
            self.problem(|| format!("expected a start location in `---- TRACE {number} start`"));
        }
        let start = self.out.tables.strings.intern(loc);
        self.open = Some(OpenTrace {
            number,
            parent,
            parent_exit,
            stitch,
            start,
            line: self.out.lines,
            section: Section::Bytecode,
            bytecodes: 0,
            ir: 0,
            mcode_bytes: 0,
            snapshots: Vec::new(),
        });
    }

    /// Pushes a completed trace row and makes it live.
    fn push_trace(
        &mut self,
        open: OpenTrace,
        link: LinkType,
        link_to: Option<u32>,
        stitch_at: Option<StrId>,
    ) {
        // Resolve the target first: it may push a placeholder row.
        let other = match link_to {
            Some(n) if n != open.number => Some(self.resolve(n)),
            _ => None,
        };
        let id = TraceId::from_index(self.out.tables.traces.len());
        let link_to = match (link, link_to) {
            (_, Some(_)) if other.is_some() => other,
            (
                LinkType::Loop
                | LinkType::TailRecursion
                | LinkType::UpRecursion
                | LinkType::DownRecursion,
                _,
            )
            | (_, Some(_)) => Some(id),
            _ => None,
        };
        let kind = match (open.parent, open.stitch) {
            (None, _) => TraceKind::Root,
            (Some(_), true) => TraceKind::Stitch,
            (Some(_), false) => TraceKind::Side,
        };
        let nsnap = open.snapshots.len() as u32;
        for mut s in open.snapshots {
            s.trace = id;
            self.out.tables.snapshots.push(s);
        }
        if self.stream == Stream::Verbose {
            self.out.v_traces.push(id);
        }
        self.out.tables.traces.push(TraceRow {
            file: FileId(0),
            epoch: self.epoch(),
            number: open.number,
            kind,
            parent: open.parent,
            parent_exit: open.parent_exit,
            start: open.start,
            link,
            link_to,
            stitch_at,
            bytecodes: open.bytecodes,
            ir: open.ir,
            snapshots: nsnap,
            mcode_bytes: open.mcode_bytes,
            line: open.line,
        });
        self.state().live.insert(open.number, id);
    }

    fn take_open(&mut self, number: u32, what: &str) -> Option<OpenTrace> {
        match self.open.take() {
            Some(open) if open.number == number => Some(open),
            other => {
                self.open = other;
                self.close_truncated(|| format!("`{what}` of trace {number}"));
                self.problem(|| format!(
                    "`{what}` of trace {number} without its start (expected `---- TRACE {number} start` first)"
                ));
                None
            }
        }
    }

    fn stop_dump(&mut self, number: u32, args: &str) {
        let Some(open) = self.take_open(number, "stop") else {
            return;
        };
        // ` -> ltype` | ` -> N` | ` -> N ltype`
        let Some(link) = args.trim().strip_prefix("->") else {
            self.problem(|| {
                format!(
                    "expected `-> LINK` after `---- TRACE {number} stop`, found `{}`",
                    short(args)
                )
            });
            return;
        };
        let (a, b) = split_word(link.trim());
        let (link, to) = match (parse_u32(a), b.is_empty()) {
            (Some(n), true) => (LinkType::Root, Some(n)),
            (Some(n), false) => (LinkType::from_name(b).unwrap_or(LinkType::None), Some(n)),
            (None, _) => (LinkType::from_name(a).unwrap_or(LinkType::None), None),
        };
        if link == LinkType::None && !a.starts_with("none") {
            self.problem(|| {
                format!(
                    "unknown link type in `---- TRACE {number} stop -> {}`",
                    short(args.trim())
                )
            });
        }
        self.push_trace(open, link, to, None);
    }

    fn record_abort(
        &mut self,
        number: Option<u32>,
        parent: Option<TraceId>,
        parent_exit: Option<u32>,
        start: StrId,
        at: &str,
        msg: &str,
    ) {
        let at = self.out.tables.strings.intern(at);
        let (reason, arg, message) = match TraceError::parse(msg) {
            Some((e, arg)) => (
                Some(e),
                arg.map(|a| self.out.tables.strings.intern(a)),
                None,
            ),
            None => (None, None, Some(self.out.tables.strings.intern(msg))),
        };
        if self.stream == Stream::Verbose {
            let id = AbortId::from_index(self.out.tables.aborts.len());
            self.out.v_aborts.push(id);
        }
        self.out.tables.aborts.push(AbortRow {
            file: FileId(0),
            epoch: self.epoch(),
            number,
            parent,
            parent_exit,
            start,
            at,
            reason,
            arg,
            message,
            line: self.out.lines,
        });
    }

    fn abort_dump(&mut self, number: u32, args: &str) {
        let Some((at, msg)) = args.split_once(" -- ") else {
            self.problem(|| {
                format!("expected `LOCATION -- MESSAGE` after `---- TRACE {number} abort`")
            });
            self.take_open(number, "abort");
            return;
        };
        let (parent, parent_exit, start) = match self.take_open(number, "abort") {
            Some(o) => (o.parent, o.parent_exit, o.start),
            None => (None, None, self.out.tables.strings.intern("?")),
        };
        self.record_abort(Some(number), parent, parent_exit, start, at.trim(), msg);
    }

    fn v_event(&mut self, rest: &[u8]) {
        let text = String::from_utf8_lossy(rest);
        let Some(body) = text.trim_end().strip_suffix(']') else {
            self.problem(|| {
                format!(
                    "expected `]` at the end of a `[TRACE` line, found `{}`",
                    short(&text)
                )
            });
            return;
        };
        let body = body.trim_start();
        let (num, tail) = split_word(body);
        if num == "---" {
            let (parent, parent_exit, _, rest) = self.parse_origin(tail);
            let Some((start, msg)) = rest.split_once(" -- ") else {
                self.problem(|| {
                    format!(
                        "expected `START -- MESSAGE` in an abort line, found `{}`",
                        short(rest)
                    )
                });
                return;
            };
            let (msg, at) = match msg.rfind(" at ") {
                Some(i) => (&msg[..i], &msg[i + 4..]),
                None => (msg, start),
            };
            let start_id = self.out.tables.strings.intern(start);
            self.record_abort(None, parent, parent_exit, start_id, at, msg);
            return;
        }
        let Some(number) = parse_u32(num) else {
            if body == "flush" {
                self.flush();
            } else {
                self.problem(|| format!("unknown `[TRACE` event `{}`", short(body)));
            }
            return;
        };
        let (parent, parent_exit, stitch, rest) = self.parse_origin(tail);
        let mut stitch_at = None;
        let (loc, link, to) = if let Some(loc) = rest.strip_suffix(" -- fallback to interpreter") {
            (loc, LinkType::Interpreter, None)
        } else if let Some(i) = rest.rfind(" stitch ") {
            stitch_at = Some(self.out.tables.strings.intern(&rest[i + 8..]));
            (&rest[..i], LinkType::Stitch, None)
        } else {
            let (head, last) = rsplit_word(rest);
            if let Some(n) = parse_u32(last) {
                match head.strip_suffix(" ->") {
                    Some(loc) => (loc, LinkType::Root, Some(n)),
                    None => (rest, LinkType::None, None),
                }
            } else if let Some(l) = LinkType::from_name(last) {
                let (head2, n) = rsplit_word(head);
                match (parse_u32(n), head2.strip_suffix(" ->")) {
                    (Some(n), Some(loc)) => (loc, l, Some(n)),
                    _ => (head, l, None),
                }
            } else {
                (rest, LinkType::None, None)
            }
        };
        if link == LinkType::None {
            self.problem(|| format!("expected a link (`-> N`, a link type, `stitch F` or `-- fallback to interpreter`) in `[TRACE {}`", short(body)));
        }
        let start = self.out.tables.strings.intern(loc);
        let open = OpenTrace {
            number,
            parent,
            parent_exit,
            stitch,
            start,
            line: self.out.lines,
            section: Section::Bytecode,
            bytecodes: 0,
            ir: 0,
            mcode_bytes: 0,
            snapshots: Vec::new(),
        };
        self.push_trace(open, link, to, stitch_at);
    }

    /// Ends the chunk. An open trace is reported as truncated (chunks end at trace
    /// boundaries, so only the end of the input can leave one open).
    pub fn finish(mut self) -> ChunkResult {
        if !self.fragment.is_empty() {
            let rest = std::mem::take(&mut self.fragment);
            self.dump_line(&rest);
        }
        self.close_truncated(|| "the end of the input".into());
        self.out
    }
}

/// Counts one line inside an open dump trace.
fn count_body_line(open: &mut OpenTrace, line: &[u8]) {
    match open.section {
        Section::Bytecode => {
            if line.len() > 5 && line[..4].iter().all(u8::is_ascii_digit) {
                open.bytecodes += 1;
            }
        }
        Section::Ir => {
            if line.starts_with(b"....") {
                if let Some(i) = find(line, b"SNAP") {
                    let rest = &line[i + 4..];
                    let number = leading_number(rest.trim_ascii_start());
                    open.snapshots.push(SnapshotRow {
                        trace: TraceId(0),
                        number: number.unwrap_or(open.snapshots.len() as u32),
                        ir_ref: None,
                        slots: count_slots(rest),
                    });
                }
            } else if line.len() > 5
                && line[..4].iter().all(u8::is_ascii_digit)
                && !line[4..].trim_ascii_start().starts_with(b"---")
            {
                open.ir += 1;
            }
        }
        Section::Snapshots => {
            if let Some(rest) = line.strip_prefix(b"#") {
                let number = leading_number(rest);
                let after = rest.iter().position(|&b| b == b' ').map(|i| &rest[i..]);
                let ir_ref = after.and_then(|a| leading_number(a.trim_ascii_start()));
                open.snapshots.push(SnapshotRow {
                    trace: TraceId(0),
                    number: number.unwrap_or(open.snapshots.len() as u32),
                    ir_ref,
                    slots: count_slots(rest),
                });
            }
        }
        Section::Mcode => {}
    }
}

/// Entries between `[` and `]` of a snapshot line (HTML tags of the `H` variant removed).
fn count_slots(line: &[u8]) -> u32 {
    if line.contains(&b'<') {
        let mut plain = Vec::with_capacity(line.len());
        let mut in_tag = false;
        for &b in line {
            match b {
                b'<' => in_tag = true,
                b'>' if in_tag => in_tag = false,
                _ if !in_tag => plain.push(b),
                _ => {}
            }
        }
        return count_plain_slots(&plain);
    }
    count_plain_slots(line)
}

fn count_plain_slots(line: &[u8]) -> u32 {
    let Some(open) = line.iter().position(|&b| b == b'[') else {
        return 0;
    };
    let inner = &line[open + 1..];
    let inner = match inner.iter().rposition(|&b| b == b']') {
        Some(close) => &inner[..close],
        None => inner,
    };
    inner
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .count() as u32
}

fn leading_number(s: &[u8]) -> Option<u32> {
    let end = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    std::str::from_utf8(&s[..end]).ok().and_then(parse_u32)
}

/// Position of `[TRACE ` in a line ending in `]`. Fast path: the last `[` (a dump
/// snapshot line's bracket, or the jit.v line itself); a jit.v location may hold a
/// `[string "…"]` chunk name, then every `[` is looked at.
fn find_v_mark(line: &[u8]) -> Option<usize> {
    let last = line.iter().rposition(|&b| b == b'[')?;
    let tail = &line[last..];
    if tail.starts_with(b"[TRACE ") {
        return Some(last);
    }
    if !tail.starts_with(b"[string ") {
        return None;
    }
    let mut from = 0;
    while let Some(i) = line[from..].iter().position(|&b| b == b'[') {
        let at = from + i;
        if line[at..].starts_with(b"[TRACE ") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses a decimal `u32` (no sign, no overflow).
pub fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits off the first space-separated word.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches(' ');
    match s.find(' ') {
        Some(i) => (&s[..i], s[i + 1..].trim_start_matches(' ')),
        None => (s, ""),
    }
}

/// Splits off the last space-separated word.
fn rsplit_word(s: &str) -> (&str, &str) {
    match s.rfind(' ') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => ("", s),
    }
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Copies `line` into `out` without ANSI escape sequences (`ESC [ … letter`).
pub fn strip_ansi(line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < line.len() {
        if line[i] == 0x1b {
            i += 1;
            if line.get(i) == Some(&b'[') {
                i += 1;
                while i < line.len() && !line[i].is_ascii_alphabetic() {
                    i += 1;
                }
                i += 1;
            }
        } else {
            out.push(line[i]);
            i += 1;
        }
    }
}

/// Position of the first `\n`, eight bytes at a time.
#[inline]
pub fn find_newline(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let mut i = 0;
    while i + 8 <= s.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&s[i..i + 8]);
        let x = u64::from_le_bytes(word) ^ NL;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b == b'\n').map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_search_matches_naive() {
        let text = b"abc\ndefghijklmnop\n\nq";
        for start in 0..text.len() {
            let s = &text[start..];
            assert_eq!(find_newline(s), s.iter().position(|&b| b == b'\n'));
        }
    }

    #[test]
    fn ansi_is_stripped() {
        let mut out = Vec::new();
        strip_ansi(b"0001 \x1b[35mint\x1b[m SLOAD", &mut out);
        assert_eq!(out, b"0001 int SLOAD");
    }
}
