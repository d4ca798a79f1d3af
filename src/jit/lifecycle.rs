//! The trace life cycle as one state machine, and the schedule of systems around it.
//!
//! ```text
//!            hot loop/call/exit
//!   Idle ─────────────────────────▶ Start ──▶ Record ──(stop)──▶ End ──▶ Optimise ──▶ Assemble ──▶ Link ──▶ Idle
//!                                     │          │                         │             │
//!                                     └──────────┴──────(error)────────────┴─────────────┴──▶ Abort ──▶ Idle
//! ```
//!
//! [`transition`] is the whole transition function; [`Jit`] holds the state and applies
//! it. The systems are plain functions over the [`World`], called in this order by the
//! entry points below (the "schedule"):
//!
//! 1. **hotcount** ([`Jit::on_hot_loop`], [`Jit::on_hot_call`]): the VM reports a loop
//!    iteration or function entry; the counter decides whether to start a root trace.
//! 2. **exit** ([`Jit::on_exit`]): the VM reports a taken exit; it is counted, and after
//!    `hotexit` takes a side trace is started; after `hotexit + tryside` takes the side
//!    trace is stopped at once, linking to the interpreter ("fallback to interpreter").
//! 3. **record**: the recorder (built with the VM) emits IR through
//!    [`crate::jit::opt::Emitter`] into the trace's [`TraceData`] and takes snapshots, then
//!    calls [`Jit::stop`] or [`Jit::abort`].
//! 4. **optimise** ([`optimise`]): DCE, then the loop pass for looping root traces (fold,
//!    CSE and narrowing already ran at emit time), each gated by its flag, with the
//!    verifier between passes in debug builds.
//! 5. **assemble** ([`Backend::assemble`]): the backend (portable executor or x86-64)
//!    turns the IR into something runnable.
//! 6. **link** ([`link`]): set the link in the header, attach a side trace to its parent
//!    exit, create the trace's exits, tell the VM to patch the start bytecode of a root.
//! 7. **penalty** ([`penalise`]): on abort of a root trace not starting at a return,
//!    penalise or blacklist the start position.
//! 8. **flush** ([`Jit::flush`]).
//!
//! Every step that changes a trace's state pushes its event (`Start`, `Stop`, `Abort`,
//! `Exit`, `Flush`) to `world.events`; the log formatters read only that stream and the
//! tables. Recording scratch lives in [`Jit::scratch`], a `bumpalo` arena reset after
//! every trace (stop or abort). The VM side is modelled by [`VmCommand`]s the JIT queues
//! and the VM applies (patching bytecode), so nothing here depends on VM types.

use super::events::{ParentExit, TraceEvent, TraceNo};
use super::hotcount::HotKey;
use super::ids::{BcPos, FuncRef, TraceId};
use super::ir::debug_verify_all;
use super::link::LinkType;
use super::opt::{self, Emitter};
use super::params::{JitOpts, OptFlags};
use super::penalty::PenaltyOutcome;
use super::traceerr::TraceError;
use super::world::{AbortRecord, TraceData, TraceHeader, World};
use bumpalo::Bump;

/// Where a trace is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TraceState {
    /// No trace in progress.
    Idle,
    /// A trace number was allocated and the start event sent.
    Start,
    /// The recorder is emitting IR.
    Record,
    /// Recording stopped; the trace is complete as IR.
    End,
    /// Whole-trace optimisation passes are running.
    Optimise,
    /// The backend is assembling.
    Assemble,
    /// Linking into the trace graph.
    Link,
    /// Recording failed; cleaning up and penalising.
    Abort,
}

/// What moves the state machine.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TraceInput {
    /// A hot loop, call or exit (only accepted when idle).
    Hot,
    /// The start event was sent; the recorder runs.
    Begin,
    /// The recorder reached a stop condition.
    Stop,
    /// The current step succeeded; go to the next.
    Done,
    /// The current step failed.
    Error,
}

/// The transition function of the trace life cycle. Inputs that make no sense in a
/// state leave it unchanged.
pub fn transition(s: TraceState, input: TraceInput) -> TraceState {
    use TraceInput as I;
    use TraceState as S;
    match (s, input) {
        (S::Idle, I::Hot) => S::Start,
        (S::Start, I::Begin) => S::Record,
        (S::Record, I::Stop) => S::End,
        (S::End, I::Done) => S::Optimise,
        (S::Optimise, I::Done) => S::Assemble,
        (S::Assemble, I::Done) => S::Link,
        (S::Link, I::Done) => S::Idle,
        (S::Start | S::Record | S::End | S::Optimise | S::Assemble, I::Error) => S::Abort,
        (S::Abort, I::Done) => S::Idle,
        (s, _) => s,
    }
}

/// A request from the JIT to the VM.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VmCommand {
    /// Start recording a trace at this position (the VM switches to the recording
    /// dispatch).
    Record {
        /// The trace being recorded.
        trace: TraceNo,
        /// Where recording starts.
        start: BcPos,
    },
    /// Patch the start bytecode to enter the compiled trace (FORL→JFORL, LOOP→JLOOP,
    /// FUNCF→JFUNCF, ...).
    PatchEnter {
        /// The position.
        pos: BcPos,
        /// The trace to enter.
        trace: TraceNo,
    },
    /// Blacklist: patch the start bytecode to its interpreter-only variant (FORL→IFORL,
    /// ITERL→IITERL, LOOP→ILOOP, FUNCF→IFUNCF, FUNCV→IFUNCV) so it is never counted again.
    Blacklist(BcPos),
    /// Restore every patched bytecode (after a flush).
    UnpatchAll,
    /// Restore the original bytecode at this root start position (one root trace
    /// flushed, see [`Jit::flush_root`]).
    Unpatch(BcPos),
}

/// What the backend must provide.
pub trait Backend {
    /// Assembles trace `id` of `world`.
    fn assemble(&mut self, world: &mut World, id: TraceId) -> Result<(), TraceError>;
}

/// A backend that accepts every trace without producing code (for tests and `-joff`-like
/// runs of the trace machinery).
#[derive(Default, Debug)]
pub struct NullBackend;

impl Backend for NullBackend {
    fn assemble(&mut self, _: &mut World, _: TraceId) -> Result<(), TraceError> {
        Ok(())
    }
}

/// The trace being recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    /// Its id.
    pub id: TraceId,
    /// Its number.
    pub no: TraceNo,
    /// Start position.
    pub start: BcPos,
    /// Whether the start bytecode is a return (no penalty on abort).
    pub start_is_return: bool,
    /// The hot counter of the start position (root traces), set to the penalty on abort.
    pub key: Option<HotKey>,
}

/// The JIT: the world, the life-cycle state, recording scratch and the VM command queue.
pub struct Jit {
    /// The trace world.
    pub world: World,
    /// Life-cycle state.
    pub state: TraceState,
    /// The trace in progress.
    pub rec: Option<Recording>,
    /// Per-recording scratch, reset after every trace.
    pub scratch: Bump,
    /// Commands for the VM, in order.
    pub commands: Vec<VmCommand>,
}

impl Default for Jit {
    fn default() -> Self {
        Jit::new(JitOpts::default())
    }
}

impl Jit {
    /// A JIT with `opts`.
    pub fn new(opts: JitOpts) -> Jit {
        Jit {
            world: World::new(opts),
            state: TraceState::Idle,
            rec: None,
            scratch: Bump::new(),
            commands: Vec::new(),
        }
    }

    /// Applies one `jit.opt.start` argument. Changing `hotloop` re-initialises the hot
    /// counters, as LuaJIT does.
    pub fn set_opt(&mut self, arg: &str) -> Result<(), super::params::BadOpt> {
        let before = self.world.opts.params.hotloop;
        self.world.opts.apply(arg)?;
        if self.world.opts.params.hotloop != before {
            self.world.hot.reset_all(self.world.opts.params.hotloop);
        }
        Ok(())
    }

    /// The recorder announces the bytecode it is about to record (jit.dump mode `b`).
    pub fn note_record(&mut self, func: FuncRef, pc: u32, depth: u8) {
        if let Some(rec) = &self.rec {
            self.world.events.push(TraceEvent::Record {
                no: rec.no,
                func,
                pc,
                depth,
            });
        }
    }

    fn step(&mut self, input: TraceInput) {
        self.state = transition(self.state, input);
    }

    /// Hotcount system, loops: the VM executed a loop bytecode at `pos` (counter `key`).
    /// Returns the trace number if recording starts.
    pub fn on_hot_loop(&mut self, pos: BcPos, func: FuncRef, key: HotKey) -> Option<TraceNo> {
        if self.world.blacklist.contains(&pos) || self.state != TraceState::Idle {
            return None;
        }
        let hotloop = self.world.opts.params.hotloop;
        if !self.world.hot.tick_loop(key, hotloop) {
            return None;
        }
        self.start(pos, func, None, false, Some(key))
    }

    /// Hotcount system, calls: the VM entered the function at `pos`.
    pub fn on_hot_call(&mut self, pos: BcPos, func: FuncRef, key: HotKey) -> Option<TraceNo> {
        if self.world.blacklist.contains(&pos) || self.state != TraceState::Idle {
            return None;
        }
        let hotloop = self.world.opts.params.hotloop;
        if !self.world.hot.tick_call(key, hotloop) {
            return None;
        }
        self.start(pos, func, None, false, Some(key))
    }

    /// Exit system: trace `no` left through `exit`; the VM has restored the snapshot and
    /// resumes at `resume` in `func`. Returns the side trace number if one starts.
    pub fn on_exit(
        &mut self,
        no: TraceNo,
        exit: u16,
        resume: BcPos,
        func: FuncRef,
    ) -> Option<TraceNo> {
        self.world.events.push(TraceEvent::Exit { no, exit });
        let id = self.world.by_number(no)?;
        let eid = self.world.exit_of(id, exit)?;
        let e = &mut self.world.exits[eid];
        if e.side.is_some() {
            return None;
        }
        e.count += 1;
        let count = e.count;
        let p = &self.world.opts.params;
        if count < p.hotexit as u32 || self.state != TraceState::Idle {
            return None;
        }
        let root = self.world.traces[id].root.unwrap_or(id);
        if self.world.traces[root].nchild as i32 >= p.maxside {
            return None;
        }
        let fallback = count >= (p.hotexit + p.tryside) as u32;
        let started = self.start(
            resume,
            func,
            Some((id, ParentExit::Exit(exit))),
            false,
            None,
        )?;
        if fallback {
            let _ = self.stop(
                func,
                resume.pc,
                LinkType::Interpreter,
                None,
                &mut NullBackend,
            );
        }
        Some(started)
    }

    /// Starts recording at `start` (root, or side trace of `parent`). Allocates the lowest
    /// free number, creates the header and IR, sends `Start`, queues `Record`.
    pub fn start(
        &mut self,
        start: BcPos,
        func: FuncRef,
        parent: Option<(TraceId, ParentExit)>,
        start_is_return: bool,
        key: Option<HotKey>,
    ) -> Option<TraceNo> {
        if self.state != TraceState::Idle {
            return None;
        }
        if self.world.protos.get(start.proto).is_some_and(|p| p.nojit) {
            // JIT disabled for the function: a root start position is patched to its
            // interpreter-only variant so it stops counting; nothing is recorded.
            if parent.is_none() {
                self.commands.push(VmCommand::Blacklist(start));
                self.world.blacklist.insert(start);
            }
            return None;
        }
        if self.world.free_number().is_none() {
            // No free trace number: flush everything and silently drop this start.
            self.flush();
            return None;
        }
        let root = parent
            .and_then(|(p, _)| self.world.traces.get(p))
            .and_then(|h| h.root);
        let header = TraceHeader {
            no: TraceNo(0),
            start,
            start_func: func,
            parent,
            root,
            stitched: matches!(parent, Some((_, ParentExit::Stitch))),
            link_type: LinkType::None,
            link: None,
            nchild: 0,
        };
        let id = self.world.new_trace(header)?;
        let no = self.world.traces[id].no;
        self.step(TraceInput::Hot);
        let parent_no = parent.map(|(p, ex)| (self.world.traces[p].no, ex));
        self.world.events.push(TraceEvent::Start {
            no,
            func,
            pc: start.pc,
            parent: parent_no,
        });
        self.commands.push(VmCommand::Record { trace: no, start });
        self.rec = Some(Recording {
            id,
            no,
            start,
            start_is_return,
            key,
        });
        self.step(TraceInput::Begin);
        Some(no)
    }

    /// The IR and snapshots of the trace being recorded (for the recorder).
    pub fn recording_data(&mut self) -> Option<&mut TraceData> {
        let id = self.rec.as_ref()?.id;
        self.world.data.get_mut(id)
    }

    /// Ends recording: runs optimise → assemble → link and sends `Stop`; on a failure in
    /// those steps, aborts instead. `func`/`pc` is where recording stopped.
    pub fn stop(
        &mut self,
        func: FuncRef,
        pc: u32,
        link_type: LinkType,
        link: Option<TraceNo>,
        backend: &mut dyn Backend,
    ) -> Result<(), TraceError> {
        let Some(rec) = self.rec.clone() else {
            return Err(TraceError::ErrHook);
        };
        self.step(TraceInput::Stop);
        self.step(TraceInput::Done);
        let flags = self.world.opts.flags;
        // The loop pass applies to traces that link to their own start at the same frame
        // depth: loops and tail recursion, side traces forming an extra loop included.
        let looping = matches!(link_type, LinkType::Loop | LinkType::TailRecursion)
            && link.is_none_or(|l| l == rec.no);
        let res = optimise(&mut self.world, rec.id, flags, looping, &self.scratch);
        if let Err(e) = res {
            self.abort(func, pc, e, None);
            return Err(e);
        }
        self.step(TraceInput::Done);
        if let Err(e) = backend.assemble(&mut self.world, rec.id) {
            let arg = self.world.unassembled_op.take().map(|op| op.to_string());
            self.abort(func, pc, e, arg);
            return Err(e);
        }
        self.step(TraceInput::Done);
        let link_id = link.and_then(|n| self.world.by_number(n));
        link_trace(&mut self.world, rec.id, link_type, link_id);
        if self.world.traces[rec.id].parent.is_none() {
            self.commands.push(VmCommand::PatchEnter {
                pos: rec.start,
                trace: rec.no,
            });
        }
        let link_no = match link_type {
            LinkType::Loop
            | LinkType::TailRecursion
            | LinkType::UpRecursion
            | LinkType::DownRecursion => rec.no.0,
            _ => link.map_or(0, |n| n.0),
        };
        self.world.events.push(TraceEvent::Stop {
            no: rec.no,
            func,
            pc,
            link: link_no,
            link_type,
        });
        self.rec = None;
        self.scratch.reset();
        self.step(TraceInput::Done);
        Ok(())
    }

    /// Aborts the trace being recorded at `func`/`pc` with `err`: sends `Abort`, records
    /// the history, frees the number, penalises the start position.
    pub fn abort(&mut self, func: FuncRef, pc: u32, err: TraceError, arg: Option<String>) {
        let Some(rec) = self.rec.take() else { return };
        self.step(TraceInput::Error);
        let parent = self.world.traces[rec.id]
            .parent
            .map(|(p, ex)| (self.world.traces.get(p).map_or(TraceNo(0), |h| h.no), ex));
        self.world.events.push(TraceEvent::Abort {
            no: rec.no,
            func,
            pc,
            err,
            arg: arg.clone(),
        });
        self.world.aborts.push(AbortRecord {
            no: rec.no,
            start: rec.start,
            parent,
            err,
            arg,
        });
        let is_root = parent.is_none();
        if let Some((p, ParentExit::Stitch)) = self.world.traces[rec.id].parent {
            // A failed stitch continuation self-links its stitched trace, which marks the
            // continuation as blacklisted (LuaJIT's rule); the VM stops trying there.
            if let Some(h) = self.world.traces.get_mut(p) {
                h.link = Some(p);
            }
        }
        self.world.last_aborted = self.world.data.remove(rec.id);
        self.world.free_trace(rec.id);
        if is_root && !rec.start_is_return && err == TraceError::RetryRecording {
            // "retry recording": no penalty, the next iteration retries at once.
            if let Some(key) = rec.key {
                self.world.hot.set(key, 1);
            }
        } else if is_root && !rec.start_is_return {
            if let Some(cmd) = penalise(&mut self.world, rec.start, err) {
                self.commands.push(cmd);
            } else if let Some(key) = rec.key {
                apply_penalty_to_counter(&mut self.world, rec.start, key);
            }
        }
        self.scratch.reset();
        self.step(TraceInput::Done);
    }

    /// Flushes root trace `no` alone (LuaJIT's flush of a function trace that only
    /// returns, when recording across it hit the call-unroll limit): its start bytecode
    /// is restored so the interpreter no longer enters it, and the start's hot counter
    /// (`key`) gets a small pseudo-random value (0..15) for a quick retry. The trace
    /// itself stays in the world, still reachable from traces linked to it, and keeps
    /// its number (LuaJIT frees it only when its collector finds the trace unreachable).
    pub fn flush_root(&mut self, no: TraceNo, key: HotKey) {
        let Some(id) = self.world.by_number(no) else {
            return;
        };
        let h = &self.world.traces[id];
        if h.parent.is_some() {
            return;
        }
        self.commands.push(VmCommand::Unpatch(h.start));
        let rnd = (self.world.penalties.prng.next_u64() >> 60) as u16;
        self.world.hot.set(key, rnd);
    }

    /// Flushes every trace.
    pub fn flush(&mut self) {
        if let Some(rec) = self.rec.take() {
            self.world.free_trace(rec.id);
            self.state = TraceState::Idle;
        }
        self.world.flush_all();
        self.commands.push(VmCommand::UnpatchAll);
    }
}

/// A signal from the VM to the JIT, for [`Jit::run_schedule`].
#[derive(Clone, Debug, PartialEq)]
pub enum VmSignal {
    /// A loop bytecode was executed.
    Loop {
        /// Position of the loop bytecode.
        pos: BcPos,
        /// Its function.
        func: FuncRef,
        /// Its hot counter.
        key: HotKey,
    },
    /// A function was entered.
    Call {
        /// Position of the function header.
        pos: BcPos,
        /// The function.
        func: FuncRef,
        /// Its hot counter.
        key: HotKey,
    },
    /// A trace exit was taken; the interpreter resumes at `resume`.
    Exit {
        /// The trace.
        no: TraceNo,
        /// The exit.
        exit: u16,
        /// Resume position.
        resume: BcPos,
        /// Function at the resume position.
        func: FuncRef,
    },
    /// The recorder finished the current trace.
    Stop {
        /// Function where recording stopped.
        func: FuncRef,
        /// Position where recording stopped.
        pc: u32,
        /// How the trace ends.
        link_type: LinkType,
        /// The trace it links to, if any.
        link: Option<TraceNo>,
    },
    /// The recorder gave up on the current trace.
    Abort {
        /// Function of the abort position.
        func: FuncRef,
        /// Abort position.
        pc: u32,
        /// Why.
        err: TraceError,
        /// Message argument.
        arg: Option<String>,
    },
    /// `jit.flush()`.
    Flush,
}

impl Jit {
    /// The schedule in one place: feeds each VM signal to its system in order (hotcount,
    /// exit handling, stop → optimise → assemble → link, abort → penalty, flush) and
    /// returns the commands the VM must apply, in order.
    pub fn run_schedule(
        &mut self,
        signals: impl IntoIterator<Item = VmSignal>,
        backend: &mut dyn Backend,
    ) -> Vec<VmCommand> {
        for s in signals {
            match s {
                VmSignal::Loop { pos, func, key } => {
                    self.on_hot_loop(pos, func, key);
                }
                VmSignal::Call { pos, func, key } => {
                    self.on_hot_call(pos, func, key);
                }
                VmSignal::Exit {
                    no,
                    exit,
                    resume,
                    func,
                } => {
                    self.on_exit(no, exit, resume, func);
                }
                VmSignal::Stop {
                    func,
                    pc,
                    link_type,
                    link,
                } => {
                    let _ = self.stop(func, pc, link_type, link, backend);
                }
                VmSignal::Abort { func, pc, err, arg } => self.abort(func, pc, err, arg),
                VmSignal::Flush => self.flush(),
            }
        }
        std::mem::take(&mut self.commands)
    }
}

/// Optimise system: DCE, then the loop pass for looping root traces.
pub fn optimise(
    world: &mut World,
    id: TraceId,
    flags: OptFlags,
    looping: bool,
    arena: &Bump,
) -> Result<(), TraceError> {
    let data = world.data.get_mut(id).ok_or(TraceError::ErrHook)?;
    if data.ir.overflow {
        return Err(TraceError::TraceTooLong);
    }
    if data.snaps.overflow {
        return Err(TraceError::TooManySnapshots);
    }
    debug_verify_all(&data.ir, &data.snaps, "record");
    if flags.has(OptFlags::DCE) {
        opt::dce::run(&mut data.ir, &data.snaps);
        debug_verify_all(&data.ir, &data.snaps, "dce");
    }
    if looping
        && flags.has(OptFlags::LOOP)
        && data
            .snaps
            .snaps
            .last()
            .is_some_and(|s| s.r == data.ir.nins())
    {
        let mut e = Emitter::new(&mut data.ir, flags);
        opt::loop_::run(&mut e, &mut data.snaps, arena)?;
        debug_verify_all(&data.ir, &data.snaps, "loop");
    }
    let p = &world.opts.params;
    let data = &world.data[id];
    if data.ir.len() > p.maxrecord as usize || data.ir.nconsts() > p.maxirconst as usize + 3 {
        return Err(TraceError::TraceTooLong);
    }
    if data.snaps.len() > p.maxsnap as usize {
        return Err(TraceError::TooManySnapshots);
    }
    Ok(())
}

/// Link system: record the link, create the exits, attach a side trace to its parent.
pub fn link_trace(world: &mut World, id: TraceId, link_type: LinkType, link: Option<TraceId>) {
    let h = &mut world.traces[id];
    h.link_type = link_type;
    h.link = match link_type {
        LinkType::Loop
        | LinkType::TailRecursion
        | LinkType::UpRecursion
        | LinkType::DownRecursion => Some(id),
        _ => link,
    };
    let parent = h.parent;
    let root = h.root;
    world.create_exits(id);
    if let Some((p, ParentExit::Exit(ex))) = parent {
        if let Some(eid) = world.exit_of(p, ex) {
            world.exits[eid].side = Some(id);
        }
        if let Some(r) = root {
            if let Some(rh) = world.traces.get_mut(r) {
                rh.nchild += 1;
            }
        }
    }
}

/// Penalty system: penalise `pos` for `err`; returns the blacklist command if it is
/// blacklisted now.
pub fn penalise(world: &mut World, pos: BcPos, err: TraceError) -> Option<VmCommand> {
    match world.penalties.penalise(pos, err) {
        PenaltyOutcome::Penalised(_) => None,
        PenaltyOutcome::Blacklisted => {
            world.blacklist.insert(pos);
            Some(VmCommand::Blacklist(pos))
        }
    }
}

/// Sets the hot counter of a penalised position to its penalty value (LuaJIT sets the
/// counter of `pc+1`, i.e. the same key the loop counts with).
pub fn apply_penalty_to_counter(world: &mut World, pos: BcPos, key: HotKey) {
    if let Some(id) = world.penalties.find(pos) {
        let v = world.penalties.entries[id].val;
        world.hot.set(key, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        use TraceInput as I;
        use TraceState as S;
        let path = [
            I::Hot,
            I::Begin,
            I::Stop,
            I::Done,
            I::Done,
            I::Done,
            I::Done,
        ];
        let mut s = S::Idle;
        let mut seen = vec![s];
        for i in path {
            s = transition(s, i);
            seen.push(s);
        }
        assert_eq!(
            seen,
            vec![
                S::Idle,
                S::Start,
                S::Record,
                S::End,
                S::Optimise,
                S::Assemble,
                S::Link,
                S::Idle
            ]
        );
        assert_eq!(transition(S::Record, I::Error), S::Abort);
        assert_eq!(transition(S::Abort, I::Done), S::Idle);
        assert_eq!(transition(S::Idle, I::Stop), S::Idle);
    }

    #[test]
    fn schedule_and_limits() {
        let mut j = Jit::default();
        j.set_opt("maxtrace=1").unwrap();
        let p = j.world.protos.insert(Default::default());
        let f = FuncRef::Lua(p);
        let pos = |pc| BcPos { proto: p, pc };
        let loops = |pc, key| {
            (0..56).map(move |_| VmSignal::Loop {
                pos: pos(pc),
                func: f,
                key: HotKey(key),
            })
        };
        let stop = VmSignal::Stop {
            func: f,
            pc: 1,
            link_type: LinkType::Interpreter,
            link: None,
        };
        let cmds = j.run_schedule(loops(1, 0).chain([stop]), &mut NullBackend);
        assert!(matches!(
            cmds[..],
            [VmCommand::Record { .. }, VmCommand::PatchEnter { .. }]
        ));
        // The only number is taken: the next hot loop flushes and is dropped.
        let cmds = j.run_schedule(loops(2, 4), &mut NullBackend);
        assert_eq!(cmds, vec![VmCommand::UnpatchAll]);
        assert!(j.world.traces.is_empty() && j.state == TraceState::Idle);
        // A function with JIT disabled gets its start position patched instead.
        let q = j.world.protos.insert(super::super::world::ProtoInfo {
            nojit: true,
            ..Default::default()
        });
        let qpos = BcPos { proto: q, pc: 0 };
        let sig = (0..112).map(|_| VmSignal::Call {
            pos: qpos,
            func: FuncRef::Lua(q),
            key: HotKey(8),
        });
        assert_eq!(
            j.run_schedule(sig, &mut NullBackend),
            vec![VmCommand::Blacklist(qpos)]
        );
    }

    #[test]
    fn aborted_stitch_continuation_self_links_its_parent() {
        let mut j = Jit::default();
        let p = j.world.protos.insert(Default::default());
        let (pos, f) = (BcPos { proto: p, pc: 2 }, FuncRef::Lua(p));
        assert!((1..=56)
            .find_map(|_| j.on_hot_loop(pos, f, HotKey(0)))
            .is_some());
        j.stop(
            FuncRef::Fast(1),
            0,
            LinkType::Stitch,
            None,
            &mut NullBackend,
        )
        .unwrap();
        let t1 = j.world.by_number(TraceNo(1)).unwrap();
        assert_eq!(j.world.traces[t1].link, None);
        j.start(pos, f, Some((t1, ParentExit::Stitch)), false, None)
            .unwrap();
        j.abort(f, 3, TraceError::NyiBytecode, Some("71".into()));
        assert_eq!(j.world.traces[t1].link, Some(t1));
        assert!(j.world.penalties.entries.is_empty());
    }

    #[test]
    fn huge_traces_are_too_long_not_a_panic() {
        use crate::jit::ir::{IrOp, IrType};
        let mut j = Jit::default();
        j.set_opt("maxrecord=1000000").unwrap();
        let p = j.world.protos.insert(Default::default());
        let (pos, f) = (BcPos { proto: p, pc: 2 }, FuncRef::Lua(p));
        assert!((1..=56)
            .find_map(|_| j.on_hot_loop(pos, f, HotKey(0)))
            .is_some());
        let flags = j.world.opts.flags;
        let d = j.recording_data().unwrap();
        let mut e = crate::jit::opt::Emitter::new(&mut d.ir, flags);
        let mut last = Ok(crate::jit::ir::REF_NIL);
        for n in 0..70_000u32 {
            // Distinct SLOADs (no CSE) until the 16-bit ref space is exhausted.
            last = e.op(IrOp::SLOAD, IrType::Int, (n % 200) as u16, (n / 200) as u16);
            if last.is_err() {
                break;
            }
        }
        assert_eq!(last, Err(TraceError::TraceTooLong));
        assert_eq!(
            j.stop(f, 2, LinkType::Loop, None, &mut NullBackend),
            Err(TraceError::TraceTooLong)
        );
        assert_eq!(j.state, TraceState::Idle);
    }

    #[test]
    fn retry_recording_is_not_penalised() {
        let mut j = Jit::default();
        let p = j.world.protos.insert(Default::default());
        let (pos, f, k) = (BcPos { proto: p, pc: 2 }, FuncRef::Lua(p), HotKey(12));
        assert!((1..=56).find_map(|_| j.on_hot_loop(pos, f, k)).is_some());
        j.abort(f, 2, TraceError::RetryRecording, None);
        assert!(j.world.penalties.entries.is_empty());
        assert!(
            j.on_hot_loop(pos, f, k).is_some(),
            "retried on the very next iteration"
        );
    }

    #[test]
    fn hotloop_option_resets_counters() {
        let mut j = Jit::default();
        let k = HotKey(4);
        j.world.hot.tick_loop(k, 56);
        j.set_opt("hotloop=10").unwrap();
        assert_eq!(j.world.hot.get(k), 19);
        assert!(j.set_opt("bogus").is_err());
        let p = j.world.protos.insert(Default::default());
        let pos = BcPos { proto: p, pc: 1 };
        assert_eq!(
            (1..).find(|_| j.on_hot_loop(pos, FuncRef::Lua(p), k).is_some()),
            Some(10)
        );
    }
}
