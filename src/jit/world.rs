//! The trace world: every long-lived JIT table, and who writes it.
//!
//! | table | key | written by |
//! |---|---|---|
//! | `protos` | [`ProtoKey`] | the VM registers prototypes it hands to the JIT |
//! | `traces` (header) | [`TraceId`] | lifecycle: start creates, stop fills the link, flush/abort removes |
//! | `numbers` | trace number 1..=maxtrace | lifecycle: lowest free number at start, freed on abort/flush |
//! | `data` (IR + snapshots) | [`TraceId`] (dense: every trace has one) | recorder, optimiser |
//! | `exits` | [`ExitId`] | lifecycle at stop (one per snapshot); exit system counts, link sets `side` |
//! | `trace_exits` | [`TraceId`] → exit ids by snapshot number | lifecycle at stop |
//! | `penalties` | [`PenaltyId`] + 64-slot ring | penalty system on root aborts |
//! | `hot` | [`HotKey`](super::hotcount::HotKey) hash, 64 counters | hotcount system, penalty system |
//! | `mcode` | [`McodeId`] | assembler (areas of `sizemcode` KB up to `maxmcode`) |
//! | `code` | [`TraceId`] → [`TraceCode`] | backend at assembly (what runs the trace); freed with the trace |
//! | `aborts` | append-only history | lifecycle on abort |
//! | `blacklist` | [`BcPos`] set | penalty system (the VM patches the bytecode) |
//! | `events` | append-only stream | lifecycle only |
//!
//! Rules: systems mutate the world only through these tables; when something is removed
//! while iterating (flush, unlinking side traces), collect the ids first, then mutate.
//! A trace's generational id is its identity; its number is only a log name.

use super::events::{EventStream, ParentExit, TraceNo};
use super::hotcount::HotCounters;
use super::ids::{BcPos, ExitId, FuncRef, McodeId, ProtoKey, TraceId};
use super::ir::IrBuf;
use super::link::LinkType;
use super::params::JitOpts;
use super::penalty::Penalties;
use super::snap::{SnapBuf, SnapNo};
use super::traceerr::TraceError;
use hashbrown::HashSet;
use slotmap::{SecondaryMap, SlotMap};

/// What the JIT knows about a prototype.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtoInfo {
    /// Chunk name as logs print it (`t1.lua`).
    pub chunk: String,
    /// Line of each bytecode (index = pc).
    pub lines: Vec<u32>,
    /// Line the function is defined on.
    pub firstline: u32,
    /// Set when JIT compilation is disabled for the function.
    pub nojit: bool,
}

/// A trace's header component.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceHeader {
    /// Its log number.
    pub no: TraceNo,
    /// Start position.
    pub start: BcPos,
    /// Function at the start (for logs).
    pub start_func: FuncRef,
    /// Parent trace and exit, for side traces.
    pub parent: Option<(TraceId, ParentExit)>,
    /// The root trace of its tree (itself for a root).
    pub root: Option<TraceId>,
    /// Whether it was started by stitching.
    pub stitched: bool,
    /// Link type (`None` while recording).
    pub link_type: LinkType,
    /// Linked trace, if the link is to a trace.
    pub link: Option<TraceId>,
    /// Number of side traces attached (LuaJIT's `nchild`, limited by maxside).
    pub nchild: u16,
}

/// A trace's IR and snapshots (dense: every trace has one).
#[derive(Clone, Debug, Default)]
pub struct TraceData {
    /// The IR.
    pub ir: IrBuf,
    /// The snapshots.
    pub snaps: SnapBuf,
}

/// An exit component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExitInfo {
    /// The trace.
    pub trace: TraceId,
    /// Its snapshot.
    pub snap: SnapNo,
    /// Times taken (LuaJIT's `snap->count`).
    pub count: u32,
    /// The side trace attached to it.
    pub side: Option<TraceId>,
}

/// One entry of the abort history.
#[derive(Clone, Debug, PartialEq)]
pub struct AbortRecord {
    /// The number that was being recorded.
    pub no: TraceNo,
    /// Start position.
    pub start: BcPos,
    /// Parent, for side traces.
    pub parent: Option<(TraceNo, ParentExit)>,
    /// Reason.
    pub err: TraceError,
    /// Message argument.
    pub arg: Option<String>,
}

/// A machine-code area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McodeArea {
    /// Size in bytes.
    pub size: u32,
    /// Bytes used.
    pub used: u32,
}

/// What runs a trace: its machine-code area. The portable executor's compiled form
/// today; a native backend adds a variant (say, an entry offset into an `mcode` area)
/// and the driver dispatches on it, trace by trace.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceCode {
    /// The portable executor's pre-decoded form.
    Portable(super::exec::ExecCode),
}

/// The trace world.
#[derive(Debug)]
pub struct World {
    /// `jit.opt` parameters and flags.
    pub opts: JitOpts,
    /// Prototypes known to the JIT.
    pub protos: SlotMap<ProtoKey, ProtoInfo>,
    /// Trace headers.
    pub traces: SlotMap<TraceId, TraceHeader>,
    /// Trace IR and snapshots.
    pub data: SecondaryMap<TraceId, TraceData>,
    /// Exit ids of each trace, by snapshot number.
    pub trace_exits: SecondaryMap<TraceId, Vec<ExitId>>,
    /// Exits.
    pub exits: SlotMap<ExitId, ExitInfo>,
    /// Trace number → current id (index 0 unused).
    pub numbers: Vec<Option<TraceId>>,
    /// Hot counters.
    pub hot: HotCounters,
    /// Penalty cache.
    pub penalties: Penalties,
    /// Blacklisted start positions.
    pub blacklist: HashSet<BcPos>,
    /// Machine-code areas.
    pub mcode: SlotMap<McodeId, McodeArea>,
    /// The code that runs each assembled trace (dropped when the trace is freed).
    pub code: SecondaryMap<TraceId, TraceCode>,
    /// Abort history.
    pub aborts: Vec<AbortRecord>,
    /// IR and snapshots of the most recently aborted trace (jit.dump mode `a` prints
    /// them after the trace itself is gone).
    pub last_aborted: Option<TraceData>,
    /// The IR op a backend could not assemble (the argument of "NYI: cannot assemble IR
    /// instruction %d"), set by the backend and taken by the abort.
    pub unassembled_op: Option<u8>,
    /// The event stream.
    pub events: EventStream,
    /// Names of fast functions by id (`vmdef.ffnames`), registered by the VM.
    pub ffnames: hashbrown::HashMap<u8, String>,
}

impl Default for World {
    fn default() -> Self {
        World::new(JitOpts::default())
    }
}

impl World {
    /// An empty world with `opts`.
    pub fn new(opts: JitOpts) -> World {
        let hot = HotCounters::new(opts.params.hotloop);
        World {
            opts,
            protos: SlotMap::with_key(),
            traces: SlotMap::with_key(),
            data: SecondaryMap::new(),
            trace_exits: SecondaryMap::new(),
            exits: SlotMap::with_key(),
            numbers: vec![None],
            hot,
            penalties: Penalties::default(),
            blacklist: HashSet::new(),
            mcode: SlotMap::with_key(),
            code: SecondaryMap::new(),
            aborts: Vec::new(),
            last_aborted: None,
            unassembled_op: None,
            events: EventStream::default(),
            ffnames: hashbrown::HashMap::new(),
        }
    }

    /// The lowest free trace number, if fewer than maxtrace are in use.
    pub fn free_number(&self) -> Option<TraceNo> {
        let max = self.opts.params.maxtrace.clamp(0, u16::MAX as i32 - 1) as usize;
        (1..=max)
            .find(|&n| self.numbers.get(n).is_none_or(|s| s.is_none()))
            .map(|n| TraceNo(n as u16))
    }

    /// Creates a trace under the lowest free number.
    pub fn new_trace(&mut self, mut header: TraceHeader) -> Option<TraceId> {
        let no = self.free_number()?;
        header.no = no;
        let id = self.traces.insert(header);
        if self.numbers.len() <= no.0 as usize {
            self.numbers.resize(no.0 as usize + 1, None);
        }
        self.numbers[no.0 as usize] = Some(id);
        self.data.insert(id, TraceData::default());
        if self.traces[id].root.is_none() {
            self.traces[id].root = Some(id);
        }
        Some(id)
    }

    /// The current trace with number `no`.
    pub fn by_number(&self, no: TraceNo) -> Option<TraceId> {
        self.numbers.get(no.0 as usize).copied().flatten()
    }

    /// Removes a trace, its data and its exits, freeing its number.
    pub fn free_trace(&mut self, id: TraceId) {
        if let Some(h) = self.traces.remove(id) {
            if let Some(slot) = self.numbers.get_mut(h.no.0 as usize) {
                *slot = None;
            }
        }
        self.data.remove(id);
        self.code.remove(id);
        if let Some(exits) = self.trace_exits.remove(id) {
            for e in exits {
                self.exits.remove(e);
            }
        }
        // Collect, then mutate: exits of other traces that pointed here.
        let stale: Vec<ExitId> = self
            .exits
            .iter()
            .filter(|(_, e)| e.side == Some(id))
            .map(|(k, _)| k)
            .collect();
        for e in stale {
            self.exits[e].side = None;
        }
    }

    /// Creates one exit per snapshot of `id` (at stop).
    pub fn create_exits(&mut self, id: TraceId) {
        let n = self.data.get(id).map_or(0, |d| d.snaps.len());
        let ids: Vec<ExitId> = (0..n)
            .map(|i| {
                self.exits.insert(ExitInfo {
                    trace: id,
                    snap: SnapNo(i as u16),
                    count: 0,
                    side: None,
                })
            })
            .collect();
        self.trace_exits.insert(id, ids);
    }

    /// The exit `exit` of trace `id`.
    pub fn exit_of(&self, id: TraceId, exit: u16) -> Option<ExitId> {
        self.trace_exits.get(id)?.get(exit as usize).copied()
    }

    /// Flushes every trace (`jit.flush()`, or trace/mcode limits): collects ids, removes
    /// them, clears penalties and hot counters, emits `Flush`.
    pub fn flush_all(&mut self) {
        let ids: Vec<TraceId> = self.traces.keys().collect();
        for id in ids {
            self.free_trace(id);
        }
        self.exits.clear();
        self.numbers = vec![None];
        self.mcode.clear();
        self.penalties.clear();
        self.hot.reset_all(self.opts.params.hotloop);
        self.events.push(super::events::TraceEvent::Flush);
    }

    /// Allocates a machine-code area of `size` bytes (rounded up to `sizemcode` KB), failing
    /// with "hit mcode limit" when all areas together would exceed `maxmcode` KB.
    pub fn alloc_mcode(&mut self, size: u32) -> Result<McodeId, TraceError> {
        let unit = (self.opts.params.sizemcode.max(1) as u32) * 1024;
        let size = size.div_ceil(unit).max(1) * unit;
        let total: u64 = self.mcode.values().map(|a| a.size as u64).sum();
        if total + size as u64 > self.opts.params.maxmcode.max(0) as u64 * 1024 {
            return Err(TraceError::McodeLimit);
        }
        Ok(self.mcode.insert(McodeArea { size, used: 0 }))
    }

    /// `chunk:line` of a position, for logs (`?` for unknown prototypes).
    pub fn loc(&self, pos: BcPos) -> String {
        match self.protos.get(pos.proto) {
            Some(p) => format!(
                "{}:{}",
                p.chunk,
                p.lines.get(pos.pc as usize).copied().unwrap_or(p.firstline)
            ),
            None => "(?)".into(),
        }
    }
}

impl super::ids::FuncNames for World {
    fn lua_loc(&self, proto: ProtoKey, pc: Option<u32>) -> String {
        match self.protos.get(proto) {
            Some(p) => {
                let line = pc
                    .and_then(|pc| p.lines.get(pc as usize).copied())
                    .unwrap_or(p.firstline);
                format!("{}:{}", p.chunk, line)
            }
            None => "(?)".into(),
        }
    }
    fn fast_name(&self, ffid: u8) -> String {
        self.ffnames
            .get(&ffid)
            .cloned()
            .or_else(|| crate::stdlib::fastfn::id_name(ffid).map(str::to_string))
            .unwrap_or_else(|| format!("ff#{ffid}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcode_areas_respect_maxmcode() {
        let mut w = World::default();
        for _ in 0..8 {
            w.alloc_mcode(1).unwrap();
        }
        assert_eq!(w.alloc_mcode(1), Err(TraceError::McodeLimit));
        assert_eq!(w.mcode.values().next().unwrap().size, 64 * 1024);
    }
}
