//! Statistics: read-only passes over [`Tables`] that count, group and rank.
//!
//! Every figure is computed from the tables alone, after an optional [`Filter`], so the
//! terminal, JSON, CSV and DOT outputs and library users all see the same numbers. Groups
//! are sorted by count (descending), ties by key, so output is deterministic.

use super::tables::*;
use crate::bc::Op;
use crate::jit::{LinkType, TraceError};
use hashbrown::HashMap;

/// Which rows the statistics look at. Empty filter = everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Keep files whose path contains this.
    pub file: Option<String>,
    /// Keep traces (and aborts) with this trace number.
    pub trace: Option<u32>,
    /// Keep traces whose start location, and aborts whose start or abort location,
    /// contains this.
    pub location: Option<String>,
}

impl Filter {
    fn file_ok(&self, t: &Tables, f: FileId) -> bool {
        match &self.file {
            None => true,
            Some(s) => t
                .files
                .get(f.index())
                .map(|r| r.path.to_string_lossy().contains(s.as_str()))
                .unwrap_or(false),
        }
    }

    /// Whether trace `id` passes.
    pub fn trace_ok(&self, t: &Tables, id: TraceId) -> bool {
        let r = t.trace(id);
        self.file_ok(t, r.file)
            && self.trace.is_none_or(|n| r.number == n)
            && self
                .location
                .as_ref()
                .is_none_or(|l| t.str(r.start).contains(l.as_str()))
    }

    /// Whether abort `a` passes.
    pub fn abort_ok(&self, t: &Tables, a: &AbortRow) -> bool {
        self.file_ok(t, a.file)
            && self.trace.is_none_or(|n| a.number == Some(n))
            && self.location.as_ref().is_none_or(|l| {
                t.str(a.start).contains(l.as_str()) || t.str(a.at).contains(l.as_str())
            })
    }
}

/// One side-trace tree: a root trace and every trace below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeStat {
    /// The root of the tree.
    pub root: TraceId,
    /// Traces in the tree, the root included.
    pub size: u32,
    /// Longest parent chain below the root (0 = no side traces).
    pub depth: u32,
}

/// Figures of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStat {
    /// Completed traces.
    pub traces: usize,
    /// Aborted attempts.
    pub aborts: usize,
    /// Taken exits.
    pub exits_taken: u64,
    /// Blacklist events.
    pub blacklisted: usize,
}

/// All statistics of a report.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Files analysed.
    pub files: usize,
    /// Bytes analysed.
    pub bytes: u64,
    /// Lines analysed.
    pub lines: u64,
    /// Traces passing the filter.
    pub traces: usize,
    /// Traces by kind.
    pub traces_by_kind: Vec<(TraceKind, usize)>,
    /// Aborts passing the filter.
    pub aborts: usize,
    /// Exit lines (taken exits) in total.
    pub exits_taken: u64,
    /// Distinct (trace, exit) pairs seen taken at least once.
    pub distinct_exits: usize,
    /// Flushes in total.
    pub flushes: u64,
    /// Flushes per file.
    pub flushes_per_file: Vec<(FileId, u32)>,
    /// Problems in total (malformed or truncated input).
    pub problems: u64,
    /// Taken exits per trace, descending.
    pub exits_per_trace: Vec<(TraceId, u64)>,
    /// Exits by taken count, descending.
    pub hottest_exits: Vec<ExitId>,
    /// Taken exits that never got a side trace, descending.
    pub exits_without_side_trace: Vec<ExitId>,
    /// Side-trace trees, largest first.
    pub trees: Vec<TreeStat>,
    /// Deepest side-trace tree.
    pub max_tree_depth: u32,
    /// Aborts by reason (the message template, or the raw message if unrecognised).
    pub aborts_by_reason: Vec<(String, usize)>,
    /// Aborts by start location.
    pub aborts_by_start: Vec<(StrId, usize)>,
    /// Aborts by abort location.
    pub aborts_by_location: Vec<(StrId, usize)>,
    /// NYI bytecode aborts by opcode name (`FNEW`).
    pub nyi_bytecodes: Vec<(String, usize)>,
    /// Completed traces by start location.
    pub traces_by_location: Vec<(StrId, usize)>,
    /// Link types of completed traces.
    pub link_types: Vec<(LinkType, usize)>,
    /// Blacklist events passing the filter (indexes into `Tables::blacklist`).
    pub blacklist: Vec<usize>,
    /// Per-file figures (indexed by `FileId`), under the same filter.
    pub per_file: Vec<FileStat>,
}

fn ranked<K: Ord + Clone>(map: HashMap<K, usize>) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The name a reason is grouped under.
pub fn reason_key(t: &Tables, a: &AbortRow) -> String {
    match (a.reason, a.message) {
        (Some(r), _) => r.template().to_string(),
        (None, Some(m)) => t.str(m).to_string(),
        (None, None) => "?".into(),
    }
}

/// `FNEW` for `NYI: bytecode 51`.
pub fn nyi_name(t: &Tables, a: &AbortRow) -> Option<String> {
    if a.reason != Some(TraceError::NyiBytecode) {
        return None;
    }
    let arg = t.str(a.arg?);
    Some(
        arg.parse::<u8>()
            .ok()
            .and_then(Op::from_u8)
            .map(|op| op.name().to_string())
            .unwrap_or_else(|| format!("bytecode {arg}")),
    )
}

impl Stats {
    /// Computes every statistic over the rows of `t` that pass `filter`.
    pub fn compute(t: &Tables, filter: &Filter) -> Stats {
        let trace_ok: Vec<bool> = (0..t.traces.len())
            .map(|i| filter.trace_ok(t, TraceId::from_index(i)))
            .collect();
        let mut s = Stats {
            files: t.files.len(),
            bytes: t.files.iter().map(|f| f.bytes).sum(),
            lines: t.files.iter().map(|f| f.lines).sum(),
            flushes: t.files.iter().map(|f| f.flushes as u64).sum(),
            problems: t.files.iter().map(|f| f.problems).sum(),
            flushes_per_file: t
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| (FileId::from_index(i), f.flushes))
                .collect(),
            ..Default::default()
        };
        s.per_file = vec![FileStat::default(); t.files.len()];
        let mut kinds: HashMap<TraceKind, usize> = HashMap::new();
        let mut links: HashMap<LinkType, usize> = HashMap::new();
        let mut locs: HashMap<StrId, usize> = HashMap::new();
        for (i, r) in t.traces.iter().enumerate() {
            if !trace_ok[i] {
                continue;
            }
            *kinds.entry(r.kind).or_default() += 1;
            if r.kind != TraceKind::Unknown {
                s.traces += 1;
                if let Some(f) = s.per_file.get_mut(r.file.index()) {
                    f.traces += 1;
                }
                *links.entry(r.link).or_default() += 1;
                *locs.entry(r.start).or_default() += 1;
            }
        }
        s.traces_by_kind = ranked(kinds);
        // Placeholders last: they are not traces of their own.
        s.traces_by_kind
            .sort_by_key(|&(k, n)| (k == TraceKind::Unknown, std::cmp::Reverse(n), k));
        s.link_types = ranked(links);
        s.traces_by_location = ranked(locs);

        let mut per_trace: HashMap<TraceId, u64> = HashMap::new();
        for (i, e) in t.exits.iter().enumerate() {
            if !trace_ok[e.trace.index()] {
                continue;
            }
            s.distinct_exits += (e.taken > 0) as usize;
            s.exits_taken += e.taken;
            let file = t.trace(e.trace).file;
            if let Some(f) = s.per_file.get_mut(file.index()) {
                f.exits_taken += e.taken;
            }
            if e.taken > 0 {
                *per_trace.entry(e.trace).or_default() += e.taken;
                s.hottest_exits.push(ExitId::from_index(i));
                if e.side_traces == 0 {
                    s.exits_without_side_trace.push(ExitId::from_index(i));
                }
            }
        }
        let by_taken = |a: &ExitId, b: &ExitId| {
            let (x, y) = (&t.exits[a.index()], &t.exits[b.index()]);
            y.taken.cmp(&x.taken).then(a.cmp(b))
        };
        s.hottest_exits.sort_by(by_taken);
        s.exits_without_side_trace.sort_by(by_taken);
        s.exits_per_trace = per_trace.into_iter().collect();
        s.exits_per_trace
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

        // Side-trace trees: depth of every trace below its root, walking parents.
        let n = t.traces.len();
        let mut depth = vec![u32::MAX; n];
        let mut root = vec![TraceId(0); n];
        for i in 0..n {
            let mut chain = Vec::new();
            let mut cur = TraceId::from_index(i);
            while depth[cur.index()] == u32::MAX {
                chain.push(cur);
                match t.traces[cur.index()].parent {
                    Some(p) if !chain.contains(&p) && chain.len() < 10_000 => cur = p,
                    _ => {
                        depth[cur.index()] = 0;
                        root[cur.index()] = cur;
                        chain.pop();
                        break;
                    }
                }
            }
            while let Some(c) = chain.pop() {
                let p = t.traces[c.index()].parent.expect("chain holds children");
                depth[c.index()] = depth[p.index()] + 1;
                root[c.index()] = root[p.index()];
            }
        }
        let mut trees: HashMap<TraceId, TreeStat> = HashMap::new();
        for i in 0..n {
            if !trace_ok[root[i].index()] {
                continue;
            }
            let tree = trees.entry(root[i]).or_insert(TreeStat {
                root: root[i],
                size: 0,
                depth: 0,
            });
            tree.size += 1;
            tree.depth = tree.depth.max(depth[i]);
        }
        s.trees = trees.into_values().collect();
        s.trees.sort_by(|a, b| {
            (b.size, b.depth)
                .cmp(&(a.size, a.depth))
                .then(a.root.cmp(&b.root))
        });
        s.max_tree_depth = s.trees.iter().map(|t| t.depth).max().unwrap_or(0);

        let mut reasons: HashMap<String, usize> = HashMap::new();
        let mut starts: HashMap<StrId, usize> = HashMap::new();
        let mut ats: HashMap<StrId, usize> = HashMap::new();
        let mut nyi: HashMap<String, usize> = HashMap::new();
        for a in &t.aborts {
            if !filter.abort_ok(t, a) {
                continue;
            }
            s.aborts += 1;
            if let Some(f) = s.per_file.get_mut(a.file.index()) {
                f.aborts += 1;
            }
            *reasons.entry(reason_key(t, a)).or_default() += 1;
            *starts.entry(a.start).or_default() += 1;
            *ats.entry(a.at).or_default() += 1;
            if let Some(name) = nyi_name(t, a) {
                *nyi.entry(name).or_default() += 1;
            }
        }
        s.aborts_by_reason = ranked(reasons);
        s.aborts_by_start = ranked(starts);
        s.aborts_by_location = ranked(ats);
        s.nyi_bytecodes = ranked(nyi);
        s.blacklist = t
            .blacklist
            .iter()
            .enumerate()
            .filter(|(_, b)| filter.abort_ok(t, &t.aborts[b.abort.index()]))
            .map(|(i, _)| i)
            .collect();
        for &i in &s.blacklist {
            if let Some(f) = s.per_file.get_mut(t.blacklist[i].file.index()) {
                f.blacklisted += 1;
            }
        }
        s
    }
}
