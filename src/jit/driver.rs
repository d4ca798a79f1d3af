//! The driver: glue between the interpreter and the JIT world, implementing
//! [`JitHook`].
//!
//! The interpreter reports hot loops and calls ([`JitHook::hot`]), hands over every
//! instruction while a trace is recorded ([`JitHook::record`]) and asks to run a trace at
//! a J-variant ([`JitHook::enter_trace`]). The driver turns these into the schedule of
//! `lifecycle::Jit` (hotcount → record → stop/abort → optimise → assemble → link; exits
//! → side traces), applies the resulting [`VmCommand`]s to the bytecode (patching
//! FORL→JFORL and its FORI→JFORI, blacklisting to I-variants, restoring everything on a
//! flush), runs traces with the portable executor ([`crate::jit::exec`]) and, after each
//! step, feeds new events to the log sinks (jit.v, jit.dump), which are plain readers of
//! the event stream.
//!
//! Rules: the driver is the only place that knows both VM and JIT types; it never
//! decides trace behaviour itself (that lives in the recorder and the life cycle).

use crate::bc::{self, Op};
use crate::jit::events::{Cursor, TraceEvent, TraceNo};
use crate::jit::exec::{self, ExecOutcome};
use crate::jit::hotcount::HotKey;
use crate::jit::ids::{BcPos, FuncRef, ProtoKey, TraceId};
use crate::jit::ir::{sload, IrOp, IrRef, IrType, KValue};
use crate::jit::lifecycle::{Backend, Jit, TraceState, VmCommand};
use crate::jit::log_dump::{DumpLog, TraceView};
use crate::jit::log_v::VLog;
use crate::jit::record::{LiveFrame, RecResult, Recorder, StartKind};
use crate::jit::traceerr::TraceError;
use crate::jit::world::{ProtoInfo, TraceCode, World};
use crate::vm::jit_hook::{JitEvent, JitHook};
use crate::vm::ljstack;
use crate::vm::object::ProtoRef;
use crate::vm::{Lua, Value};
use hashbrown::HashMap;
use std::io::Write;

/// Consecutive exits at a compiled `ITERN` followed by entering its trace again
/// (bounded so that an exit nobody handles cannot loop forever).
const MAX_ITERN_REENTRY: u32 = 64;
mod downrec;

/// The backend of the portable executor: checks that every instruction can be run and
/// compiles the trace into the world's machine-code table
/// ([`World::code`](crate::jit::world::World)).
pub struct ExecBackend<'a> {
    /// Values of the trace's GC constants (closures, strings, tables), by ref.
    pub gcvals: &'a [(IrRef, Value)],
}

impl Backend for ExecBackend<'_> {
    fn assemble(&mut self, world: &mut World, id: TraceId) -> Result<(), TraceError> {
        let data = &world.data[id];
        let unsupported = data
            .ir
            .refs()
            .map(|r| data.ir.at(r).op)
            .find(|&op| !exec::supported(op));
        let code = match unsupported {
            Some(_) => None,
            None => exec::compile::compile(data, self.gcvals),
        };
        let Some(code) = code else {
            let op = unsupported.or_else(|| exec::compile::first_unsupported(&data.ir));
            world.unassembled_op = op.map(|op| op as u8);
            return Err(TraceError::NyiAssemble);
        };
        world.code.insert(id, TraceCode::Portable(code));
        Ok(())
    }
}

/// What a log sink prints.
pub enum SinkKind {
    /// jit.v.
    Verbose(VLog),
    /// jit.dump.
    Dump(DumpLog),
}

/// A reader of the event stream writing to a file or stdout.
pub struct Sink {
    /// Formatter.
    pub kind: SinkKind,
    /// Destination.
    pub out: Box<dyn Write>,
    /// Position in the stream.
    pub cursor: Cursor,
}

/// The trace being recorded, with where its frame sits on the stack.
struct Active {
    rec: Recorder,
    /// For a stitch continuation: the CALL it continues (penalised like a root start).
    stitch_pos: Option<BcPos>,
    /// Stack index of trace slot 0.
    base0: usize,
}

/// A stitched call in flight.
#[derive(Copy, Clone, Debug)]
struct Cont {
    /// The trace that stopped before the call.
    parent: TraceId,
    /// Frame base of the caller.
    base: usize,
    /// Frame count of the caller's thread.
    depth: usize,
    /// The caller's prototype address.
    proto: usize,
    /// The CALL.
    call_pc: usize,
}

/// The JIT as the VM sees it.
pub struct JitDriver {
    /// The trace world and life cycle.
    pub jit: Jit,
    /// `jit.on()` / `jit.off()`.
    pub enabled: bool,
    protos: HashMap<usize, ProtoKey>,
    refs: HashMap<ProtoKey, ProtoRef>,
    active: Option<Active>,
    /// Original instructions of patched positions.
    patches: HashMap<(usize, usize), u32>,
    /// Log sinks (jit.v, jit.dump).
    pub sinks: Vec<Sink>,
    /// A stitched call in flight: when the interpreter reaches the instruction after it
    /// in the same frame, the continuation trace runs (or is recorded).
    cont: Option<Cont>,
    /// Fast-function ids given to natives, by name.
    ffids: HashMap<&'static str, u8>,
    /// A J-variant temporarily restored to its original op so that the interpreter
    /// raises an exceeded embedding limit there: (prototype, pc, the J-variant).
    repatch: Option<(ProtoRef, usize, u32)>,
    /// The continuation trace of each stitched trace, once found (checked on use).
    stitch_child: slotmap::SecondaryMap<TraceId, TraceId>,
    /// Stitched traces that stop before a tail call (`CALLT`): their continuation is
    /// in the caller's frame.
    stitch_tails: slotmap::SecondaryMap<TraceId, ()>,
    /// Lua handlers attached with `jit.attach`.
    pub attached: crate::jit::attach::Attached,
    /// The deepest LuaJIT log-handler stack reach owed since the last touch (see
    /// `vm::ljstack`).
    handler_peak: u32,
    /// Keep every trace event (for Rust code reading `jit.world.events` itself); by
    /// default events are dropped once the log sinks and handlers have read them.
    pub keep_events: bool,
    /// The handlers' position in the event stream.
    attach_cursor: Cursor,
    /// (recnyi) Root traces of compiled `ITERN`s by (prototype address, pc). They are
    /// not patched to `JLOOP` (that would lose the operands `ISNEXT` needs to
    /// despecialise the loop): the interpreter reports every `ITERN` as hot and the
    /// driver enters the trace.
    iter_traces: HashMap<(usize, usize), TraceNo>,
    /// (recnyi) An `ITERN` the interpreter must run itself once (a trace returned to it
    /// without a counted exit: entering the trace again would loop forever).
    iter_skip: Option<(usize, usize)>,
    /// (recnyi) A counted exit just resumed at this compiled `ITERN`, after that many
    /// consecutive re-entries. As in LuaJIT the trace is entered again at once (so an
    /// exit at the end of the traversal is followed by the pre-roll's exit, until a
    /// side trace handles it); past [`MAX_ITERN_REENTRY`] the interpreter runs it.
    iter_reentry: Option<((usize, usize), u32)>,
    /// A `JFUNCF` shown to the recorder and the interpreter as its `FUNCF` for one
    /// instruction (see [`downrec`]).
    funcf_swap: Option<downrec::FuncfSwap>,
    /// A return patched to `JLOOP`, run once as the original return (see [`downrec`]).
    ret_repatch: Option<downrec::RetRepatch>,
}

impl Default for JitDriver {
    fn default() -> Self {
        JitDriver::new()
    }
}

impl JitDriver {
    /// A driver with default parameters, JIT on.
    pub fn new() -> JitDriver {
        JitDriver {
            jit: Jit::default(),
            enabled: true,
            protos: HashMap::new(),
            refs: HashMap::new(),
            active: None,
            patches: HashMap::new(),
            sinks: Vec::new(),
            repatch: None,
            stitch_child: slotmap::SecondaryMap::new(),
            stitch_tails: slotmap::SecondaryMap::new(),
            attached: Default::default(),
            attach_cursor: Cursor::default(),
            keep_events: false,
            handler_peak: 0,
            cont: None,
            ffids: HashMap::new(),
            iter_traces: HashMap::new(),
            iter_skip: None,
            iter_reentry: None,
            funcf_swap: None,
            ret_repatch: None,
        }
    }

    /// The driver installed in `lua`, if any.
    pub fn of(lua: &mut Lua) -> Option<&mut JitDriver> {
        lua.jit_hook
            .as_mut()
            .and_then(|h| h.as_any())
            .and_then(|a| a.downcast_mut::<JitDriver>())
    }

    /// The JIT key of `proto`, registering it on first sight.
    fn key(&mut self, lua: &mut Lua, proto: ProtoRef) -> ProtoKey {
        if let Some(&k) = self.protos.get(&proto.addr()) {
            return k;
        }
        let p = proto.get_mut();
        let info = ProtoInfo {
            chunk: crate::bc::proto::trace_location_source(&p.debug.chunkname, proto.addr()),
            lines: p.debug.lineinfo.clone(),
            firstline: p.debug.firstline,
            nojit: false,
        };
        let k = self.jit.world.protos.insert(info);
        self.protos.insert(proto.addr(), k);
        self.refs.insert(k, proto);
        // Keep the prototype alive while the JIT refers to it.
        lua.pinned.push(Value::proto(proto));
        k
    }

    /// Stops any recording (e.g. `jit.off()` or a flush).
    pub fn cancel_recording(&mut self, lua: &mut Lua) {
        self.end_funcf_swap();
        self.active = None;
        lua.jit_recording = false;
    }

    /// `jit.flush()`.
    pub fn flush(&mut self, lua: &mut Lua) {
        self.cancel_recording(lua);
        self.jit.flush();
        self.apply_commands();
        self.flush_logs();
    }

    /// Applies the queued VM commands to the bytecode.
    fn apply_commands(&mut self) {
        let cmds = std::mem::take(&mut self.jit.commands);
        for c in cmds {
            match c {
                VmCommand::Record { .. } => {}
                VmCommand::PatchEnter { pos, trace } => {
                    let Some(&p) = self.refs.get(&pos.proto) else {
                        continue;
                    };
                    let code = &mut p.get_mut().bc;
                    let pc = pos.pc as usize;
                    let ins = code[pc];
                    if bc::op(ins) == Op::ITERN {
                        self.iter_traces.insert((p.addr(), pc), trace);
                    }
                    if matches!(bc::op(ins), Op::LOOP) {
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = bc::set_d(bc::set_op(ins, Op::JLOOP), trace.0 as u32);
                    }
                    if matches!(bc::op(ins), Op::FUNCF | Op::FUNCV) {
                        let jop = if bc::op(ins) == Op::FUNCF {
                            Op::JFUNCF
                        } else {
                            Op::JFUNCV
                        };
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = bc::set_d(bc::set_op(ins, jop), trace.0 as u32);
                    }
                    if bc::op(ins) == Op::ITERL {
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = bc::set_d(bc::set_op(ins, Op::JITERL), trace.0 as u32);
                    }
                    if let Some(j) = self.return_entry(ins, trace) {
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = j;
                    }
                    if bc::op(ins) == Op::FORL {
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = bc::set_d(bc::set_op(ins, Op::JFORL), trace.0 as u32);
                        let fori = (pc as isize + bc::j(ins) as isize) as usize;
                        if let Some(&fi) = code.get(fori) {
                            if bc::op(fi) == Op::FORI {
                                self.patches.entry((p.addr(), fori)).or_insert(fi);
                                code[fori] = bc::set_op(fi, Op::JFORI);
                            }
                        }
                    }
                }
                VmCommand::Blacklist(pos) => {
                    let Some(&p) = self.refs.get(&pos.proto) else {
                        continue;
                    };
                    let code = &mut p.get_mut().bc;
                    let pc = pos.pc as usize;
                    let ins = code[pc];
                    if bc::op(ins) == Op::ITERN {
                        // LuaJIT blacklists a pairs loop by despecialising it: ITERN →
                        // ITERC, and the ISNEXT before the body → JMP.
                        self.patches.entry((p.addr(), pc)).or_insert(ins);
                        code[pc] = bc::set_op(ins, Op::ITERC);
                        if let Some(&iterl) = code.get(pc + 1) {
                            let isnext = (pc as isize + 1 + bc::j(iterl) as isize) as usize;
                            if let Some(&isn) = code.get(isnext) {
                                if bc::op(isn) == Op::ISNEXT {
                                    self.patches.entry((p.addr(), isnext)).or_insert(isn);
                                    code[isnext] = bc::set_op(isn, Op::JMP);
                                }
                            }
                        }
                        continue;
                    }
                    let iop = match bc::op(ins) {
                        Op::FORL => Op::IFORL,
                        Op::ITERL => Op::IITERL,
                        Op::LOOP => Op::ILOOP,
                        Op::FUNCF => Op::IFUNCF,
                        Op::FUNCV => Op::IFUNCV,
                        _ => continue,
                    };
                    self.patches.entry((p.addr(), pc)).or_insert(ins);
                    code[pc] = bc::set_op(ins, iop);
                }
                VmCommand::Unpatch(pos) => {
                    if let Some(&p) = self.refs.get(&pos.proto) {
                        if let Some(ins) = self.patches.remove(&(p.addr(), pos.pc as usize)) {
                            if let Some(slot) = p.get_mut().bc.get_mut(pos.pc as usize) {
                                *slot = ins;
                            }
                        }
                    }
                }
                VmCommand::UnpatchAll => {
                    self.iter_traces.clear();
                    for ((addr, pc), ins) in self.patches.drain() {
                        let p = ProtoRef::from_addr(addr);
                        if let Some(slot) = p.get_mut().bc.get_mut(pc) {
                            *slot = ins;
                        }
                    }
                }
            }
        }
    }

    /// Writes new events to every sink.
    /// Whether a jit.dump sink prints recorded bytecode (mode `b`), so the recorder's
    /// `Record` events are worth emitting.
    fn wants_record_events(&self) -> bool {
        self.sinks
            .iter()
            .any(|s| matches!(&s.kind, SinkKind::Dump(d) if d.mode.has('b')))
    }

    pub fn flush_logs(&mut self) {
        if self.sinks.is_empty() {
            return;
        }
        let world = &self.jit.world;
        let bclines = crate::jit::bclines::LiveBcLines { protos: &self.refs };
        for s in &mut self.sinks {
            let evs = world.events.read(&mut s.cursor);
            if !evs.is_empty() {
                // LuaJIT would run its Lua-written log module on this event.
                let peak = match s.kind {
                    SinkKind::Verbose(_) => ljstack::VERBOSE_HANDLER_PEAK,
                    SinkKind::Dump(_) => ljstack::DUMP_HANDLER_PEAK,
                };
                self.handler_peak = self.handler_peak.max(peak);
            }
            let mut text = String::new();
            for ev in evs {
                match &mut s.kind {
                    SinkKind::Verbose(v) => {
                        if let Some(line) = v.format(ev, world) {
                            text.push_str(&line);
                        }
                    }
                    SinkKind::Dump(d) if matches!(ev, TraceEvent::Record { .. }) => {
                        text.push_str(&d.format_record(ev, &bclines, world));
                    }
                    SinkKind::Dump(d) => {
                        let view = match ev {
                            TraceEvent::Stop { no, .. } => world
                                .by_number(*no)
                                .and_then(|id| world.data.get(id))
                                .map(|t| TraceView {
                                    ir: &t.ir,
                                    snaps: &t.snaps,
                                    regs: None,
                                }),
                            TraceEvent::Abort { .. } => {
                                world.last_aborted.as_ref().map(|t| TraceView {
                                    ir: &t.ir,
                                    snaps: &t.snaps,
                                    regs: None,
                                })
                            }
                            _ => None,
                        };
                        text.push_str(&d.format(ev, view, world));
                    }
                }
            }
            if !text.is_empty() {
                let _ = s.out.write_all(text.as_bytes());
                let _ = s.out.flush();
            }
        }
    }

    /// Builds the live view of the top frame and runs `f` with it.
    #[allow(clippy::too_many_arguments)]
    fn with_live<R>(
        lua: &mut Lua,
        key: ProtoKey,
        proto: ProtoRef,
        base0: usize,
        world: &World,
        keys: &HashMap<usize, ProtoKey>,
        iters: &HashMap<(usize, usize), TraceNo>,
        f: impl FnOnce(&LiveFrame<'_>) -> R,
    ) -> R {
        let th = lua.th();
        let p = proto.get_mut();
        let stack = th.stack.get(base0..).unwrap_or(&[]);
        let trace_of = |d: u32| {
            let no = TraceNo(d as u16);
            world.by_number(no).map(|_| no)
        };
        let n = th.frames.len();
        let caller = if n >= 2
            && th.frames[n - 1].kind == crate::vm::object::FrameKind::Lua
            && th.frames[n - 2].kind == crate::vm::object::FrameKind::Lua
        {
            let cf = th.frames[n - 2];
            th.stack[cf.base as usize - 2]
                .as_func()
                .and_then(|f| f.lua_proto())
                // Only a frame entered by a call (CALL, CALLM, ITERC) returns into its
                // caller's call slots; a metamethod frame (`__index` called by a
                // TGETS, ...) does not.
                .filter(|cp| {
                    let at = (cf.pc as usize).checked_sub(1);
                    let op = at
                        .and_then(|i| cp.get_mut().bc.get(i).copied())
                        .map(crate::bc::op);
                    matches!(
                        op,
                        Some(crate::bc::Op::CALL | crate::bc::Op::CALLM | crate::bc::Op::ITERC)
                    )
                })
                .and_then(|cp| keys.get(&cp.addr()).copied())
                .map(|key| crate::jit::record::Caller {
                    key,
                    base: cf.base as usize,
                    pc: cf.pc as usize,
                    nres: th.frames[n - 1].nres,
                })
        } else {
            None
        };
        let loop_left = |pc: usize| {
            let pen = &world.penalties;
            pen.find(BcPos {
                proto: key,
                pc: pc as u32,
            })
            .and_then(|id| pen.entries.get(id))
            .is_some_and(|e| {
                matches!(e.reason, TraceError::LeavingLoop | TraceError::InnerLoop)
                    && e.val as u32 >= 2 * crate::jit::penalty::PENALTY_MIN
            })
        };
        let paddr = proto.addr();
        let iter_trace = |pc: usize| {
            iters
                .get(&(paddr, pc))
                .copied()
                .filter(|&no| world.by_number(no).is_some())
        };
        let next_fn = lua.next_fn.map(Value::func);
        let type_names = crate::jit::record::TYPE_NAMES.map(|n| lua.str_value(n.as_bytes()));
        let lf = LiveFrame {
            type_names: &type_names,
            loop_left: &loop_left,
            iter_trace: &iter_trace,
            next_fn,
            base0,
            caller,
            numparams: p.numparams as usize,
            key,
            code: &p.bc,
            knum: &p.knum,
            kgc: &p.kgc,
            stack,
            trace_of: &trace_of,
        };
        f(&lf)
    }

    /// Starts a root trace at the hot FORL `pc`.
    fn start_root_forl(&mut self, lua: &mut Lua, proto: ProtoRef, key: ProtoKey, pc: usize) {
        self.start_root_with(lua, proto, key, StartKind::ForLoop(pc), pc, |r, d, lf| {
            r.setup_root_forl(d, lf, pc)
        });
    }

    /// Starts a root trace at the hot `LOOP` at `pc` (while / repeat loops).
    fn start_root_loop(&mut self, lua: &mut Lua, proto: ProtoRef, key: ProtoKey, pc: usize) {
        self.start_root_with(lua, proto, key, StartKind::Loop(pc), pc + 1, |r, d, lf| {
            r.setup_root_loop(d, lf, pc);
            Ok(())
        });
    }

    /// (recnyi) Starts a root trace at the hot `ITERN` at `pc` (it records the ITERN).
    fn start_root_itern(&mut self, lua: &mut Lua, proto: ProtoRef, key: ProtoKey, pc: usize) {
        self.start_root_with(lua, proto, key, StartKind::IterN(pc), pc, |r, d, lf| {
            r.setup_root_itern(d, lf, pc);
            Ok(())
        });
    }

    /// (recnyi) Starts a root trace at the hot `ITERL` at `pc` (recording starts with the
    /// loop body, like a FORL root).
    fn start_root_iterl(&mut self, lua: &mut Lua, proto: ProtoRef, key: ProtoKey, pc: usize) {
        self.start_root_with(lua, proto, key, StartKind::IterL(pc), pc, |r, d, lf| {
            r.setup_root_iterl(d, lf, pc);
            Ok(())
        });
    }

    /// Starts recording a root trace of kind `kind` in the top frame: a recorder at
    /// `start_pc`, set up by `setup` on the live frame, becomes the active recording (a
    /// failed setup aborts the trace at `start_pc`).
    fn start_root_with(
        &mut self,
        lua: &mut Lua,
        proto: ProtoRef,
        key: ProtoKey,
        kind: StartKind,
        start_pc: usize,
        setup: impl FnOnce(
            &mut Recorder,
            &mut crate::jit::world::TraceData,
            &LiveFrame<'_>,
        ) -> Result<(), (TraceError, Option<String>)>,
    ) {
        let Some(rec) = self.jit.rec.clone() else {
            return;
        };
        let Some(base0) = lua
            .th()
            .frames
            .last()
            .and_then(|f| (f.base as usize).checked_sub(2))
        else {
            return;
        };
        let flags = self.jit.world.opts.flags;
        let mut r = Recorder::new(rec.no, kind, key, start_pc, flags);
        let world = &mut self.jit.world;
        let mut data = world.data.remove(rec.id).unwrap_or_default();
        let res = Self::with_live(
            lua,
            key,
            proto,
            base0,
            world,
            &self.protos,
            &self.iter_traces,
            |lf| setup(&mut r, &mut data, lf),
        );
        world.data.insert(rec.id, data);
        match res {
            Ok(()) => {
                self.active = Some(Active {
                    rec: r,
                    base0,
                    stitch_pos: None,
                });
                lua.jit_recording = true;
            }
            Err((e, arg)) => self.jit.abort(FuncRef::Lua(key), start_pc as u32, e, arg),
        }
    }

    /// (recnyi) The interpreter is at the `ITERN` at `pc`: runs its compiled trace if
    /// there is one (true: the frame's pc was moved), else counts it as a loop.
    fn hot_itern(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize, pos: BcPos, hk: HotKey) {
        let at = (proto.addr(), pc);
        if self.iter_skip.take() == Some(at) {
            return;
        }
        let chain = match self.iter_reentry.take() {
            Some((a, n)) if a == at => n,
            _ => 0,
        };
        if let Some(&no) = self.iter_traces.get(&at) {
            let Some(id) = self.jit.world.by_number(no) else {
                return;
            };
            if !exec::runnable(&self.jit.world, id) {
                return;
            }
            let base = lua.th().frames.last().map_or(0, |f| f.base as usize);
            self.iter_reentry = Some((at, chain));
            self.run_and_settle(lua, id, base - 2, pc as u32);
            lua.jit_reload = true;
            return;
        }
        let func = FuncRef::Lua(pos.proto);
        if self.jit.on_hot_loop(pos, func, hk).is_some() {
            self.start_root_itern(lua, proto, pos.proto, pc);
            if self.active.is_some() {
                // The trace records the ITERN itself: dispatch it again.
                if let Some(f) = lua.th().frames.last_mut() {
                    f.pc = pc as u32;
                }
                lua.jit_reload = true;
            }
        }
    }

    /// Starts a root trace at the hot function entry of `proto`.
    fn start_root_func(&mut self, lua: &mut Lua, proto: ProtoRef, key: ProtoKey) {
        self.start_root_with(lua, proto, key, StartKind::Func(key), 1, |r, d, lf| {
            r.setup_root_func(d, lf);
            Ok(())
        });
    }

    /// Registers the prototypes an instruction is about to reach (callee, upvalue
    /// function) so the recorder can name them.
    fn note_protos(
        &mut self,
        lua: &mut Lua,
        proto: ProtoRef,
        pc: usize,
        base: usize,
    ) -> Vec<(usize, ProtoKey)> {
        let mut out = Vec::new();
        let k = self.key(lua, proto);
        out.push((proto.addr(), k));
        // The caller's prototype (a return below the start frame continues there).
        let th = lua.th();
        let n = th.frames.len();
        if n >= 2 {
            let cb = th.frames[n - 2].base as usize;
            if let Some(cp) = th.stack[cb - 2].as_func().and_then(|f| f.lua_proto()) {
                let ck = self.key(lua, cp);
                out.push((cp.addr(), ck));
            }
        }
        let ins = proto.get_mut().bc[pc];
        let fv = match bc::op(ins) {
            Op::CALL | Op::CALLT | Op::CALLM | Op::CALLMT => {
                lua.th().stack.get(base + bc::a(ins) as usize).copied()
            }
            // (recnyi) The iterator a generic for loop calls.
            Op::ITERC => lua
                .th()
                .stack
                .get((base + bc::a(ins) as usize).wrapping_sub(3))
                .copied(),
            Op::UGET => {
                let f = lua.th().stack.get(base.wrapping_sub(2)).copied();
                f.and_then(|f| f.as_func())
                    .and_then(|c| match &c.get_mut().kind {
                        crate::vm::object::FuncKind::Lua { upvals, .. } => {
                            upvals.get(bc::d(ins) as usize).map(|u| u.get_mut().get())
                        }
                        _ => None,
                    })
            }
            _ => None,
        };
        if let Some(p) = fv.and_then(|v| v.as_func()).and_then(|c| c.lua_proto()) {
            let k = self.key(lua, p);
            out.push((p.addr(), k));
        }
        out
    }

    /// Starts a side trace at the exit just taken (the snapshot is already restored).
    #[allow(clippy::too_many_arguments)]
    fn start_side(
        &mut self,
        lua: &mut Lua,
        key: ProtoKey,
        pc: usize,
        parent: TraceId,
        exit: u16,
        base0: usize,
        shift: usize,
    ) {
        let Some(rec) = self.jit.rec.clone() else {
            return;
        };
        let flags = self.jit.world.opts.flags;
        let mut r = Recorder::new(rec.no, StartKind::Side, key, pc, flags);
        let world = &mut self.jit.world;
        // As LuaJIT: only a side trace of exit 0 whose parent's snapshot #0 holds no
        // slots may form an extra loop of its own.
        let extra_loop = exit == 0
            && world
                .data
                .get(parent)
                .is_some_and(|pd| pd.snaps.entries(crate::jit::snap::SnapNo(0)).is_empty());
        if !extra_loop {
            r.start_at.1 = usize::MAX;
        }
        let mut data = world.data.remove(rec.id).unwrap_or_default();
        if let Some(pd) = world.data.get(parent) {
            let sn = crate::jit::snap::SnapNo(exit);
            let nslots = pd.snaps.get(sn).map_or(2, |s| s.nslots as usize);
            for e in pd.snaps.entries(sn) {
                if e.flags() & (crate::jit::snap::SNAP_FRAME | crate::jit::snap::SNAP_CONT) != 0 {
                    continue;
                }
                let pr = e.r();
                // Snapshot slots count from the exiting trace's slot 0; the side trace
                // starts in the innermost (rebuilt) frame, `shift` slots higher.
                let Some(s) = (e.slot() as usize).checked_sub(shift) else {
                    continue;
                };
                if s < 2 {
                    continue;
                }
                let r2 = if pr.is_const() {
                    match pd.ir.kvalue(pr) {
                        KValue::Int(i) => data.ir.kint(*i),
                        KValue::Num(n) => data.ir.knum(*n),
                        KValue::None => data.ir.kpri(pd.ir.at(pr).ty),
                        _ => continue,
                    }
                } else {
                    let ty = match pd.ir.at(pr).ty {
                        // A loaded byte reaches the side trace as the int it is.
                        IrType::U8 => IrType::Int,
                        t => t,
                    };
                    let mut e = crate::jit::opt::Emitter::new(&mut data.ir, flags);
                    match e.op(IrOp::SLOAD, ty, s as u16, sload::PARENT | sload::INHERIT) {
                        Ok(x) => x,
                        Err(_) => continue,
                    }
                };
                r.slots[s] = Some((r2, 0));
            }
            r.maxslot = nslots.saturating_sub(2 + shift);
        }
        r.pc = pc;
        r.snap_add_pub(&mut data);
        world.data.insert(rec.id, data);
        self.active = Some(Active {
            rec: r,
            base0,
            stitch_pos: None,
        });
        lua.jit_recording = true;
    }

    /// Runs trace `id` on the running thread's stack (collector paused meanwhile),
    /// charging the embedding limits, if any, at the trace's loop back-edges.
    fn run_trace(lua: &mut Lua, world: &World, id: TraceId, base0: usize) -> ExecOutcome {
        // Room for every frame a snapshot may rebuild (a trace spans < 256 slots).
        if lua.th().stack.len() < base0 + 512 {
            let _ = lua.grow_stack(base0 + 512);
        }
        lua.set_gc_stopped(true);
        let out = match lua.limits.as_ref() {
            None => {
                let mut fuel = exec::Fuel::UNLIMITED;
                exec::run(world, id, lua, base0, &mut fuel)
            }
            Some(lim) => {
                let mut fuel = exec::Fuel {
                    left: lim.budget.unwrap_or(u64::MAX),
                    mem_cap: lim.memory,
                };
                let out = exec::run(world, id, lua, base0, &mut fuel);
                if let Some(b) = lua.limits.as_mut().and_then(|l| l.budget.as_mut()) {
                    *b = fuel.left;
                }
                out
            }
        };
        lua.set_gc_stopped(false);
        out
    }

    /// At a J-variant about to run with embedding limits installed: charges the
    /// hot-counted op the J-variant stands for (as the interpreter charges FORL, LOOP
    /// or FUNCF). Returns false when a limit is out; then the original op is put back
    /// for one execution (see [`JitDriver::repatch`]) and the frame resumes at it, so
    /// the interpreter charges it and raises the error exactly as with the JIT off.
    fn charge_entry(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize) -> bool {
        let Some(lim) = lua.limits.as_mut() else {
            return true;
        };
        let over_mem = lim.memory.is_some_and(|cap| lua.gc_bytes() > cap);
        let lim = lua.limits.as_mut().expect("limits present");
        match lim.budget.as_mut() {
            Some(b) if *b == 0 => {}
            Some(_) | None if over_mem => {}
            Some(b) => {
                *b -= 1;
                return true;
            }
            None => return true,
        }
        let Some(&orig) = self.patches.get(&(proto.addr(), pc)) else {
            return true;
        };
        let code = &mut proto.get_mut().bc;
        self.repatch = Some((proto, pc, code[pc]));
        code[pc] = orig;
        if let Some(f) = lua.th().frames.last_mut() {
            f.pc = pc as u32;
        }
        false
    }

    /// Runs trace `id` with trace slot 0 at `base0` and handles the outcome: the top
    /// frame resumes at the exit's (or link's) pc (`default_pc` if none); a stitched end
    /// arms the continuation; a taken exit is counted (maybe starting a side trace).
    fn run_and_settle(&mut self, lua: &mut Lua, id: TraceId, base0: usize, default_pc: u32) {
        let out = Self::run_trace(lua, &self.jit.world, id, base0);
        let (resume, exit, stitched, nb0, sb0) = match out {
            ExecOutcome::Exit {
                trace,
                exit,
                pc,
                base0,
                snap_base0,
            } => (pc, Some((trace, exit)), None, base0, snap_base0),
            ExecOutcome::Done {
                pc,
                base0,
                stitched,
            } => (pc, None, stitched, base0, base0),
        };
        let rpc = resume.map_or(default_pc, |p| p.pc);
        if let Some(f) = lua.th().frames.last_mut() {
            f.pc = rpc;
        }
        // Resuming at a compiled ITERN: after a counted exit the trace is entered again
        // (LuaJIT), otherwise the interpreter runs the ITERN once itself.
        let chain = self.iter_reentry.take().map_or(0, |(_, n)| n);
        let top = lua.th().frames.last().map(|f| f.base as usize);
        if let Some(p) = top
            .and_then(|b| lua.th().stack.get(b.wrapping_sub(2)).copied())
            .and_then(|f| f.as_func())
            .and_then(|f| f.lua_proto())
        {
            let at = (p.addr(), rpc as usize);
            if self.iter_traces.contains_key(&at) {
                if exit.is_some() && chain < MAX_ITERN_REENTRY {
                    self.iter_reentry = Some((at, chain + 1));
                } else {
                    self.iter_skip = Some(at);
                }
            }
        }
        if let Some(t) = stitched {
            self.arm_cont(lua, t, rpc as usize);
        }
        if let (Some((tid, ex)), Some(rp)) = (exit, resume) {
            let no = self.jit.world.traces[tid].no;
            if self.enabled && self.active.is_none() {
                if self
                    .jit
                    .on_exit(no, ex, rp, FuncRef::Lua(rp.proto))
                    .is_some()
                    && self.jit.rec.is_some()
                {
                    self.start_side(lua, rp.proto, rpc as usize, tid, ex, nb0, nb0 - sb0);
                }
            } else {
                self.jit
                    .world
                    .events
                    .push(TraceEvent::Exit { no, exit: ex });
            }
        }
    }

    /// Arms the stitch continuation of trace `parent` for the CALL at `call_pc` of the
    /// top frame (for a tail call: for the CALL in the caller it returns to).
    fn arm_cont(&mut self, lua: &mut Lua, parent: TraceId, call_pc: usize) {
        let th = lua.th();
        let tail = self.stitch_tails.contains_key(parent);
        let (depth, call_pc) = match th.frames.len().checked_sub(1 + usize::from(tail)) {
            Some(i) if tail => (i + 1, (th.frames[i].pc as usize).wrapping_sub(1)),
            Some(i) => (i + 1, call_pc),
            None => return,
        };
        let fr = &th.frames[depth - 1];
        let Some(proto) = th.stack[fr.base as usize - 2]
            .as_func()
            .and_then(|f| f.lua_proto())
        else {
            return;
        };
        self.cont = Some(Cont {
            parent,
            base: fr.base as usize,
            depth,
            proto: proto.addr(),
            call_pc,
        });
        lua.jit_recording = true;
    }

    /// The interpreter reached an instruction while a stitched call was in flight.
    /// Returns true if the instruction should be recorded by a new continuation trace.
    fn on_cont(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize) -> bool {
        let Some(c) = self.cont else { return false };
        let th = lua.th();
        let depth = th.frames.len();
        let base = th.frames.last().map_or(0, |f| f.base as usize);
        if depth > c.depth || (depth == c.depth && pc == c.call_pc && base == c.base) {
            return false; // before or inside the call
        }
        self.cont = None;
        lua.jit_recording = false;
        if depth < c.depth || base != c.base || proto.addr() != c.proto || pc != c.call_pc + 1 {
            return false; // the call unwound or returned elsewhere
        }
        let key = self.key(lua, proto);
        self.note_closure(lua, key);
        let want = Some((c.parent, crate::jit::events::ParentExit::Stitch));
        let world = &self.jit.world;
        let cached = self
            .stitch_child
            .get(c.parent)
            .copied()
            .filter(|&t| world.traces.get(t).is_some_and(|h| h.parent == want));
        let child = cached.or_else(|| {
            let found = world
                .traces
                .iter()
                .find(|(_, h)| h.parent == want)
                .map(|(k, _)| k);
            if let Some(t) = found {
                self.stitch_child.insert(c.parent, t);
            }
            found
        });
        match child {
            Some(t) if exec::runnable(&self.jit.world, t) => {
                self.run_and_settle(lua, t, base - 2, pc as u32);
                lua.jit_reload = true;
                self.after_step_in(lua);
                false
            }
            Some(_) => false,
            None => {
                if !self.enabled || self.jit.state != TraceState::Idle {
                    return false;
                }
                let pos = BcPos {
                    proto: key,
                    pc: c.call_pc as u32,
                };
                if self.jit.world.blacklist.contains(&pos) {
                    return false;
                }
                let parent = Some((c.parent, crate::jit::events::ParentExit::Stitch));
                if self
                    .jit
                    .start(pos, FuncRef::Lua(key), parent, false, None)
                    .is_none()
                {
                    self.after_step_in(lua);
                    return false;
                }
                let Some(rec) = self.jit.rec.clone() else {
                    return false;
                };
                let flags = self.jit.world.opts.flags;
                let mut r = Recorder::new(rec.no, StartKind::Side, key, pc, flags);
                // A stitched call with open results (B = 0) left MULTRES values for the
                // CALLM / RETM that follows.
                let call = proto.get_mut().bc.get(c.call_pc).copied();
                if call.is_some_and(|ins| bc::b(ins) == 0) {
                    r.multres = Some(lua.th().multres);
                }
                let mut data = self.jit.world.data.remove(rec.id).unwrap_or_default();
                r.maxslot = 0;
                r.snap_add_pub(&mut data);
                self.jit.world.data.insert(rec.id, data);
                self.active = Some(Active {
                    rec: r,
                    base0: base - 2,
                    stitch_pos: Some(pos),
                });
                lua.jit_recording = true;
                self.after_step_in(lua);
                true
            }
        }
    }

    fn after_step(&mut self) {
        self.apply_commands();
        self.flush_logs();
    }

    /// [`Self::after_step`], then the `jit.attach` handlers (the interpreter is at an
    /// instruction boundary at every caller).
    fn after_step_in(&mut self, lua: &mut Lua) {
        self.after_step();
        self.touch_handler_stack(lua);
        self.run_attached(lua);
        self.discard_read_events();
    }

    /// Grows LuaJIT's stack model as far as LuaJIT's Lua-written jit.v / jit.dump would
    /// have reached running on the events just logged (see `vm::ljstack`).
    fn touch_handler_stack(&mut self, lua: &mut Lua) {
        let peak = std::mem::take(&mut self.handler_peak);
        if peak > 0 {
            let top = lua.cur_top();
            lua.th().ljstack.touch(top, peak);
        }
    }

    /// Drops the events every reader (log sinks, `jit.attach` handlers) has seen, unless
    /// [`JitDriver::keep_events`] asks to keep the whole stream for Rust-side readers.
    fn discard_read_events(&mut self) {
        if self.keep_events {
            return;
        }
        let events = &mut self.jit.world.events;
        let mut oldest = events.end();
        for s in &self.sinks {
            oldest = oldest.min(s.cursor);
        }
        if !self.attached.handlers.is_empty() {
            oldest = oldest.min(self.attach_cursor);
        }
        events.discard_before(oldest);
    }

    /// Remembers the closure running at the top frame as the `func` handlers get for
    /// prototype `key`.
    fn note_closure(&mut self, lua: &mut Lua, key: ProtoKey) {
        if self.attached.handlers.is_empty() || self.attached.closures.contains_key(&key) {
            return;
        }
        let th = lua.th();
        if let Some(f) = th.frames.last().map(|f| f.base as usize) {
            if let Some(&v) = f.checked_sub(2).and_then(|i| th.stack.get(i)) {
                if v.as_func().is_some() {
                    self.attached.closures.insert(key, v);
                    lua.pinned.push(v);
                }
            }
        }
    }

    /// Calls the `jit.attach` handlers for the events they have not seen.
    pub fn run_attached(&mut self, lua: &mut Lua) {
        if self.attached.handlers.is_empty() {
            self.attach_cursor = self.jit.world.events.end();
            return;
        }
        if self.attached.running {
            return;
        }
        let evs = self.jit.world.events.read(&mut self.attach_cursor).to_vec();
        // The arguments stay reachable until the handlers have run (building them and
        // running handlers may collect).
        let pinned = lua.pinned.len();
        let mut calls = Vec::new();
        for ev in &evs {
            let Some((kind, args)) = self.attached.calls_for(lua, ev) else {
                continue;
            };
            lua.pinned.extend_from_slice(&args);
            for &(e, f) in &self.attached.handlers {
                if e == kind {
                    calls.push((f, args.clone()));
                }
            }
        }
        if calls.is_empty() {
            lua.pinned.truncate(pinned);
            return;
        }
        self.attached.running = true;
        let view: *const dyn std::any::Any = &*self;
        lua.jit_view = Some(view);
        // `self` is not touched until the view is withdrawn (see jitlib's `world_of`).
        let mut failed_start = None;
        for (f, args) in &calls {
            if let Err(e) = lua.call_value(*f, args, 0) {
                let msg = lua.error_text(&e);
                eprintln!("VM handler failed: {msg}");
                if args.len() >= 2 && args[0].as_str().is_some_and(|s| s.as_bytes() == b"start") {
                    failed_start = args[1].as_num().map(|n| n as u16);
                }
            }
        }
        lua.jit_view = None;
        lua.pinned.truncate(pinned);
        self.attached.running = false;
        // As in LuaJIT, a handler failing on a trace's start aborts its recording.
        if let Some(no) = failed_start {
            if self.active.as_ref().is_some_and(|a| a.rec.no.0 == no) {
                let act = self.active.take().expect("checked");
                lua.jit_recording = false;
                let (func, pc) = (FuncRef::Lua(act.rec.cur_key), act.rec.pc as u32);
                self.jit
                    .abort(func, pc, TraceError::ErrHook, Some("0".into()));
                self.after_step();
                self.run_attached(lua);
            }
        }
    }
}

impl JitHook for JitDriver {
    fn hot(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize, _base: usize, event: JitEvent) {
        self.repatch_return();
        if let Some((p, rpc, jins)) = self.repatch {
            if p.addr() == proto.addr() && rpc == pc {
                // The original op ran once for an exceeded limit (`charge_entry`): put
                // the J-variant back; the interpreter charges the limit right after.
                self.repatch = None;
                p.get_mut().bc[rpc] = jins;
                return;
            }
        }
        if !self.enabled || self.jit.state != TraceState::Idle || self.active.is_some() {
            return;
        }
        let key = self.key(lua, proto);
        self.note_closure(lua, key);
        let addr = proto.hot_addr + (pc as u64 + 1) * 4;
        let hk = HotKey(addr);
        let pos = BcPos {
            proto: key,
            pc: pc as u32,
        };
        let func = FuncRef::Lua(key);
        let JitEvent::Hot(op) = event;
        match op {
            Op::FORL => {
                if self.jit.on_hot_loop(pos, func, hk).is_some() {
                    self.start_root_forl(lua, proto, key, pc);
                }
            }
            Op::LOOP => {
                if self.jit.on_hot_loop(pos, func, hk).is_some() {
                    self.start_root_loop(lua, proto, key, pc);
                }
            }
            Op::ITERN => self.hot_itern(lua, proto, pc, pos, hk),
            Op::ITERL => {
                if self.jit.on_hot_loop(pos, func, hk).is_some() {
                    self.start_root_iterl(lua, proto, key, pc);
                }
            }
            Op::FUNCF | Op::FUNCV => {
                if self.jit.on_hot_call(pos, func, hk).is_some() {
                    self.start_root_func(lua, proto, key);
                }
            }
            _ => {
                if self.jit.on_hot_call(pos, func, hk).is_some() {
                    let arg = Some((op as u8).to_string());
                    self.jit
                        .abort(func, pc as u32, TraceError::NyiBytecode, arg);
                }
            }
        }
        self.after_step_in(lua);
    }

    fn enter_trace(
        &mut self,
        lua: &mut Lua,
        proto: ProtoRef,
        pc: usize,
        _base: usize,
        trace: u32,
    ) -> bool {
        self.repatch_return();
        if self.enter_at_return(lua, proto, pc) {
            return true;
        }
        let Some(id) = self.jit.world.by_number(TraceNo(trace as u16)) else {
            return false;
        };
        let th = lua.th();
        let Some(fr) = th.frames.last().copied() else {
            return false;
        };
        let base = fr.base as usize;
        let ins = proto.get_mut().bc[pc];
        // Embedding limits: the J-variant stands for a hot-counted op (JFORI does not).
        if lua.limits.is_some() {
            if bc::op(ins) == Op::JFORI {
                if lua.limits.as_ref().is_some_and(|l| l.budget == Some(0)) {
                    // Into the loop body by the interpreter; its JFORL raises the error.
                    if let Some(f) = th.frames.last_mut() {
                        f.pc = pc as u32 + 1;
                    }
                    return true;
                }
            } else if !self.charge_entry(lua, proto, pc) {
                return true;
            }
        }
        if !exec::runnable(&self.jit.world, id) {
            // Run the original instruction's interpreter semantics instead.
            let orig = self.patches.get(&(proto.addr(), pc)).copied();
            let resume = match (bc::op(ins), orig) {
                (Op::JFUNCF | Op::JFUNCV | Op::JFORI | Op::JLOOP, _) => pc + 1,
                (Op::JITERL, Some(o)) => {
                    let a = base + bc::a(ins) as usize;
                    let v = th.stack[a];
                    if v.is_nil() {
                        pc + 1
                    } else {
                        th.stack[a - 1] = v;
                        (pc as isize + 1 + bc::j(o) as isize) as usize
                    }
                }
                (Op::JFORL, Some(o)) => {
                    let a = base + bc::a(ins) as usize;
                    let st = th.stack[a + 2].as_num_unchecked();
                    let i = th.stack[a].as_num_unchecked() + st;
                    let lim = th.stack[a + 1].as_num_unchecked();
                    if if st >= 0.0 { i <= lim } else { i >= lim } {
                        th.stack[a] = Value::num(i);
                        th.stack[a + 3] = Value::num(i);
                        (pc as isize + 1 + bc::j(o) as isize) as usize
                    } else {
                        pc + 1
                    }
                }
                _ => return false,
            };
            if let Some(f) = th.frames.last_mut() {
                f.pc = resume as u32;
            }
            return true;
        }
        if bc::op(ins) == Op::JFORL {
            // The loop step the interpreter would have done.
            let a = base + bc::a(ins) as usize;
            let st = th.stack[a + 2].as_num_unchecked();
            let i = th.stack[a].as_num_unchecked() + st;
            let lim = th.stack[a + 1].as_num_unchecked();
            let go = if st >= 0.0 { i <= lim } else { i >= lim };
            if !go {
                if let Some(f) = th.frames.last_mut() {
                    f.pc = pc as u32 + 1;
                }
                return true;
            }
            th.stack[a] = Value::num(i);
            th.stack[a + 3] = Value::num(i);
        } else if bc::op(ins) == Op::JITERL {
            // The loop step the interpreter would have done.
            let a = base + bc::a(ins) as usize;
            let v = th.stack[a];
            if v.is_nil() {
                if let Some(f) = th.frames.last_mut() {
                    f.pc = pc as u32 + 1;
                }
                return true;
            }
            th.stack[a - 1] = v;
        } else if !matches!(bc::op(ins), Op::JFUNCF | Op::JFUNCV | Op::JFORI | Op::JLOOP) {
            return false;
        }
        self.run_and_settle(lua, id, base - 2, pc as u32 + 1);
        self.after_step_in(lua);
        true
    }

    fn record(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize) {
        self.end_funcf_swap();
        self.repatch_return();
        if self.active.is_none() && self.cont.is_some() && !self.on_cont(lua, proto, pc) {
            return;
        }
        let Some(mut act) = self.active.take() else {
            lua.jit_recording = false;
            return;
        };
        let Some(rec) = self.jit.rec.clone() else {
            lua.jit_recording = false;
            return;
        };
        let key = self.key(lua, proto);
        self.note_closure(lua, key);
        let base = lua.th().frames.last().map_or(0, |f| f.base as usize);
        let func = FuncRef::Lua(key);
        let known = self.note_protos(lua, proto, pc, base);
        for k in known {
            if !act.rec.known_protos.contains(&k) {
                act.rec.known_protos.push(k);
            }
        }
        if act.rec.pending_callee && base == act.base0 + act.rec.baseslot {
            act.rec.pending_callee = false;
            act.rec.cur_key = key;
        }
        let res = if base < 2 || base != act.base0 + act.rec.baseslot || key != act.rec.cur_key {
            // A frame the recorder did not follow (metamethod, callback): give up.
            let op = bc::op(proto.get_mut().bc[pc]);
            RecResult::Abort(TraceError::NyiBytecode, Some((op as u8).to_string()))
        } else {
            if self.wants_record_events()
                || self.attached.wants(crate::jit::attach::VmEvent::Record)
            {
                let depth = act.rec.frames.len().min(255) as u8;
                self.jit.note_record(func, pc as u32, depth);
                // Printed now, before stopping the trace patches the bytecode.
                self.flush_logs();
            }
            self.begin_funcf_swap(proto, pc);
            let world = &mut self.jit.world;
            let mut data = world.data.remove(rec.id).unwrap_or_default();
            let r = Self::with_live(
                lua,
                key,
                proto,
                act.base0,
                world,
                &self.protos,
                &self.iter_traces,
                |lf| act.rec.record_ins(&mut data, lf, pc),
            );
            world.data.insert(rec.id, data);
            r
        };
        match res {
            RecResult::Continue => {
                if let Some(b) = act.rec.rebase.take() {
                    act.base0 = b;
                }
                self.active = Some(act);
                return;
            }
            RecResult::Stop { link_type, link } => {
                self.end_funcf_swap();
                lua.jit_recording = false;
                let mut func = func;
                if let Some(name) = act.rec.stitch_name {
                    let n = self.ffids.len() as u8;
                    let known = crate::stdlib::fastfn::FFNAMES
                        .iter()
                        .position(|f| *f == name);
                    let id = match known {
                        Some(i) => i as u8,
                        None => *self.ffids.entry(name).or_insert(100u8.wrapping_add(n)),
                    };
                    self.jit.world.ffnames.insert(id, name.to_string());
                    func = FuncRef::Fast(id);
                }
                for (_, v) in &act.rec.gcvals {
                    lua.pinned.push(*v);
                }
                // A failed assembly aborts inside `stop` (its event is the log entry).
                // The continuation of a stitched trace is recorded the first time the
                // trace itself runs (as in LuaJIT), not right after recording.
                let mut backend = ExecBackend {
                    gcvals: &act.rec.gcvals,
                };
                if self
                    .jit
                    .stop(func, pc as u32, link_type, link, &mut backend)
                    .is_ok()
                {
                    exec::compile::link(&mut self.jit.world, rec.id);
                    self.never_run_return_started(rec.id);
                    if act.rec.stitch_tail {
                        self.stitch_tails.insert(rec.id, ());
                    }
                }
            }
            RecResult::Abort(e, arg) => {
                lua.jit_recording = false;
                let swap = self.end_funcf_swap();
                if let (TraceError::CallUnroll, Some(sw)) = (e, swap) {
                    self.flush_returning_callee(sw);
                }
                let at = act.rec.abort_pc.unwrap_or(pc);
                self.jit.abort(func, at as u32, e, arg);
                if e == TraceError::DownRecursion && act.stitch_pos.is_none() {
                    self.restart_at_return(lua, proto, at);
                }
                // LuaJIT treats a stitch continuation like a root trace: its aborts are
                // penalised at the CALL, and a blacklisted CALL is not stitched again.
                if let Some(sp) = act.stitch_pos {
                    let _ = crate::jit::lifecycle::penalise(&mut self.jit.world, sp, e);
                }
            }
        }
        self.after_step_in(lua);
    }

    fn as_any(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
}

/// Installs a fresh driver in `lua` (JIT on with default parameters).
pub fn install(lua: &mut Lua) {
    if JitDriver::of(lua).is_none() {
        lua.jit_hook = Some(Box::new(JitDriver::new()));
    }
}
