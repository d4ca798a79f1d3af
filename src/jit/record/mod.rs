//! The recorder: bytecode → IR, one instruction at a time, using live values.
//!
//! While a trace is being recorded the interpreter calls the driver before every
//! instruction; the driver hands the instruction to [`Recorder::record_ins`] together with
//! the live stack (a [`LiveFrame`]). The recorder emits IR for what the instruction *will*
//! do with these values — a comparison becomes a guard for the direction the live values
//! take, a slot read becomes a typed `SLOAD` — then the interpreter executes the
//! instruction normally. This is LuaJIT's design; its facts (which bytecodes are NYI,
//! snapshot placement, loop and link decisions, the abort messages) are reproduced because
//! the jit.v / jit.dump logs depend on them.
//!
//! State: `slots` maps trace slots (GC64 numbering: 0 = the function, 1 = frame link, 2 =
//! first local of the start frame; `baseslot` is where the current frame's locals begin)
//! to IR refs with snapshot flags; `None` means "unchanged since trace entry", read lazily
//! with `SLOAD`. `maxslot` is the number of live locals of the current frame.
//!
//! Files: `snapshot.rs` (when snapshots are taken and shrunk, the bytecode use/def scan),
//! `loops.rs` (numeric for loops and loop events), `ops.rs` (slots, constants, arithmetic,
//! comparisons), `calls.rs` (calls, returns, upvalues, GGET), `tables.rs` (table
//! accesses, GSET, TDUP), `concat.rs` (CAT), `iter.rs` (pairs loops and generic for
//! loops). Rules for whoever changes this: every bytecode the recorder does not
//! handle must abort with `NYI: bytecode N` (never guess); anything that changes which
//! guards or snapshots are emitted changes exit numbers in the logs — check the
//! conformance cases.

mod calls;
pub use calls::{hmask_of, VARARG_LINK};
mod concat;
mod iter;

mod loops;
mod meta;
mod ops;
mod snapshot;
mod tables;

use crate::bc::{self, Op};
use crate::jit::events::TraceNo;
use crate::jit::ids::ProtoKey;
use crate::jit::ir::{IrOp, IrRef, IrType};
use crate::jit::link::LinkType;
use crate::jit::params::OptFlags;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

/// Size of the recorder's slot map; an inlined frame must fit below it (with a full
/// 256-slot frame above its base), else the trace is "too deep".
pub const MAX_SLOTS: usize = 1024;

/// How recording of one instruction ended.
#[derive(Clone, Debug, PartialEq)]
pub enum RecResult {
    /// Keep recording.
    Continue,
    /// The trace is complete.
    Stop {
        /// Link type.
        link_type: LinkType,
        /// Linked trace (for `Root`).
        link: Option<TraceNo>,
    },
    /// Give up.
    Abort(TraceError, Option<String>),
}

/// The live state the recorder sees: the current frame's bytecode, constants and stack.
pub struct LiveFrame<'a> {
    /// The prototype's key in the JIT world.
    pub key: ProtoKey,
    /// Its bytecode (as currently patched).
    pub code: &'a [u32],
    /// Number constants.
    pub knum: &'a [Value],
    /// GC constants.
    pub kgc: &'a [Value],
    /// The stack from the function slot of the frame the trace started in (index 0 =
    /// trace slot 0).
    pub stack: &'a [Value],
    /// Fixed parameters of the prototype.
    pub numparams: usize,
    /// Stack index of trace slot 0.
    pub base0: usize,
    /// The Lua frame the current (depth-0) frame returns to, if any.
    pub caller: Option<Caller>,
    /// Trace number of a J-variant's D operand, for linking (`JFORL 4 => trace 1`).
    pub trace_of: &'a dyn Fn(u32) -> Option<TraceNo>,
    /// Whether the loop whose FORL/LOOP is at this pc of this prototype keeps being left
    /// early: root traces starting there were aborted at least twice for leaving the loop
    /// or hitting an inner loop (LuaJIT's `innerloopleft`, read from the penalty cache).
    /// A root trace may then unroll it as an inner loop instead of aborting.
    pub loop_left: &'a dyn Fn(usize) -> bool,
    /// The root trace compiled for the `ITERN` at a pc of this frame's prototype, if
    /// any (compiled `ITERN`s are not patched, see `iter.rs`).
    pub iter_trace: &'a dyn Fn(usize) -> Option<TraceNo>,
    /// The builtin `next` (what `pairs` returns and `ISNEXT` checks for).
    pub next_fn: Option<Value>,
    /// The strings `type()` returns, in [`TYPE_NAMES`] order (empty: not available).
    pub type_names: &'a [Value],
}

/// The names `type()` returns, in the order of [`LiveFrame::type_names`].
pub const TYPE_NAMES: [&str; 8] = [
    "nil", "boolean", "number", "string", "table", "function", "thread", "userdata",
];

/// The Lua frame below the running one (for returns below the trace's start frame).
#[derive(Copy, Clone, Debug)]
pub struct Caller {
    /// Its prototype.
    pub key: ProtoKey,
    /// Its base (stack index of its first local).
    pub base: usize,
    /// Where it resumes (the instruction after its CALL).
    pub pc: usize,
    /// Results it wants from the call (-1: all).
    pub nres: i32,
}

/// Where a trace started.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StartKind {
    /// A hot FORL at this pc.
    ForLoop(usize),
    /// A side trace of a parent exit.
    Side,
    /// A hot function entry (FUNCF) of this prototype.
    Func(ProtoKey),
    /// A hot `LOOP` (while / repeat loop) at this pc.
    Loop(usize),
    /// A return (`RET`/`RET0`/`RET1`) at this pc: the root trace LuaJIT restarts after
    /// "down-recursion, restarting" (set up with `Recorder::setup_root_return`).
    Return(usize),
    /// A hot `ITERN` (pairs / next loop) at this pc.
    IterN(usize),
    /// A hot `ITERL` (generic for loop) at this pc.
    IterL(usize),
}

/// The recorder's state for one trace.
pub struct Recorder {
    /// The trace number.
    pub no: TraceNo,
    /// How it started.
    pub start: StartKind,
    /// Prototype of the current frame.
    pub cur_key: ProtoKey,
    /// The pc being recorded.
    pub pc: usize,
    /// Slot → (ref, snapshot flags).
    pub slots: Vec<Option<(IrRef, u32)>>,
    /// First slot of the current frame's locals.
    pub baseslot: usize,
    /// Live locals of the current frame.
    pub maxslot: usize,
    /// Take a snapshot before the next instruction.
    pub needsnap: bool,
    /// The next snapshot may merge with the previous one.
    pub mergesnap: bool,
    /// Loop range of a root loop trace: body start and FORL pc.
    pub loop_range: Option<(usize, usize)>,
    /// Scalar evolution of the start loop: (FORI pc, index ref, stop ref, step ref, int?).
    pub scev: Option<loops::Scev>,
    /// Remaining loop unrolls.
    pub loopunroll: i32,
    /// Remaining unrolls of a type-unstable loop (LuaJIT's `instunroll`).
    pub instunroll: i32,
    /// Optimisation flags.
    pub flags: OptFlags,
    /// Instructions recorded so far.
    pub count: usize,
    /// IR length when the last inner loop was entered (0: none yet), bounding how much
    /// an unrolled inner loop may add per iteration (LuaJIT's `loopref`).
    pub loopref: usize,
    /// Where an abort is reported when not at the instruction being recorded (leaving
    /// the start loop at its FORL is reported at the instruction after it, as in LuaJIT).
    pub abort_pc: Option<usize>,
    /// Inlined frames (innermost last).
    pub frames: Vec<calls::RecFrame>,
    /// A call was recorded: the driver sets `cur_key` when the callee's first
    /// instruction arrives.
    pub pending_callee: bool,
    /// GC constants and their values (the executor materialises them).
    pub gcvals: Vec<(IrRef, Value)>,
    /// Tail calls recorded at depth 0.
    pub tailcalled: usize,
    /// Prototype addresses the driver has registered, with their keys.
    pub known_protos: Vec<(usize, ProtoKey)>,
    /// The native a `stitch` stop calls (named in the stop event).
    pub stitch_name: Option<&'static str>,
    /// The stitched call is a tail call (`CALLT`): its continuation is in the caller.
    pub stitch_tail: bool,
    /// Set after a return below the start frame: the new stack index of trace slot 0.
    pub rebase: Option<usize>,
    /// Number of values the last multi-result instruction (VARG, CALL with B = 0, a fast
    /// function) left, for the CALLM / CALLMT / RETM that consumes them; `None` when that
    /// instruction was not recorded (a trace starting right after it), which aborts.
    pub multres: Option<usize>,
    /// Where recording started (prototype and pc): a side trace that gets back there at
    /// a compiled loop forms its own loop (LuaJIT's "extra loop").
    pub start_at: (ProtoKey, usize),
}

impl Recorder {
    /// A recorder with empty slots.
    pub fn new(
        no: TraceNo,
        start: StartKind,
        key: ProtoKey,
        pc: usize,
        flags: OptFlags,
    ) -> Recorder {
        Recorder {
            no,
            start,
            cur_key: key,
            pc,
            slots: vec![None; MAX_SLOTS],
            baseslot: 2,
            maxslot: 0,
            needsnap: false,
            mergesnap: false,
            loop_range: None,
            scev: None,
            loopunroll: 15,
            instunroll: 4,
            flags,
            count: 0,
            loopref: 0,
            abort_pc: None,
            frames: Vec::new(),
            pending_callee: false,
            gcvals: Vec::new(),
            tailcalled: 0,
            known_protos: Vec::new(),
            stitch_name: None,
            stitch_tail: false,
            rebase: None,
            multres: None,
            start_at: (key, pc),
        }
    }

    /// Whether this is a side trace.
    pub fn is_side(&self) -> bool {
        self.start == StartKind::Side
    }

    /// Records the instruction at `pc` of the live frame into `data`.
    pub fn record_ins(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, pc: usize) -> RecResult {
        match self.record_inner(data, f, pc) {
            Ok(r) => r,
            Err((e, arg)) => RecResult::Abort(e, arg),
        }
    }

    fn record_inner(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
    ) -> Result<RecResult, (TraceError, Option<String>)> {
        self.pc = pc;
        self.count += 1;
        if self.count > 4000 {
            return Err((TraceError::TraceTooLong, None));
        }
        let ins = f.code[pc];
        let op = bc::op(ins);
        // Root traces record only closed loops.
        if let (Some((lo, hi)), true) = (self.loop_range, self.frames.is_empty()) {
            if pc < lo || pc > hi {
                return Err((TraceError::LeavingLoop, None));
            }
        }
        if self.needsnap {
            self.needsnap = false;
            self.snap_purge(f.code);
            self.snap_add(data);
            self.mergesnap = true;
        }
        let a = bc::a(ins) as usize;
        let nyi = |op: Op| Err((TraceError::NyiBytecode, Some((op as u8).to_string())));
        match op {
            Op::ISLT
            | Op::ISGE
            | Op::ISLE
            | Op::ISGT
            | Op::ISEQV
            | Op::ISNEV
            | Op::ISEQS
            | Op::ISNES
            | Op::ISEQN
            | Op::ISNEN
            | Op::ISEQP
            | Op::ISNEP => {
                self.rec_comp(data, f, pc, ins)?;
            }
            Op::IST | Op::ISF | Op::ISTC | Op::ISFC => {
                self.rec_test(data, f, pc, ins)?;
            }
            Op::MOV => {
                let v = self.getslot(data, f, bc::d(ins) as usize)?;
                self.setslot(a, v);
            }
            Op::KSHORT => {
                let k = data.ir.kint(bc::d(ins) as u16 as i16 as i32);
                self.setslot(a, k);
            }
            Op::KNUM => {
                let v = f.knum[bc::d(ins) as usize].as_num_unchecked();
                let k = ops::knumint(data, v);
                self.setslot(a, k);
            }
            Op::KPRI => {
                let k = match bc::d(ins) {
                    0 => crate::jit::ir::REF_NIL,
                    1 => crate::jit::ir::REF_FALSE,
                    _ => crate::jit::ir::REF_TRUE,
                };
                self.setslot(a, k);
            }
            Op::KNIL => {
                for s in a..=bc::d(ins) as usize {
                    self.setslot(s, crate::jit::ir::REF_NIL);
                }
            }
            Op::ADDVN
            | Op::SUBVN
            | Op::MULVN
            | Op::DIVVN
            | Op::MODVN
            | Op::ADDNV
            | Op::SUBNV
            | Op::MULNV
            | Op::DIVNV
            | Op::MODNV
            | Op::ADDVV
            | Op::SUBVV
            | Op::MULVV
            | Op::DIVVV
            | Op::MODVV
            | Op::POW => {
                self.rec_arith(data, f, ins)?;
            }
            Op::UNM => {
                self.rec_unm(data, f, ins)?;
            }
            Op::JMP => {}
            Op::LOOP | Op::JLOOP => {
                return self.rec_loop(data, f, pc, ins);
            }
            Op::FORI | Op::JFORI => {
                return self.rec_fori(data, f, pc, ins);
            }
            Op::FORL | Op::JFORL | Op::IFORL => {
                return self.rec_forl(data, f, pc, ins);
            }
            Op::CALLT | Op::CALLMT => {
                return self.rec_callt(data, f, pc, ins);
            }
            Op::VARG => {
                return self.rec_varg(data, f, ins);
            }
            Op::CALL | Op::CALLM => {
                return self.rec_call(data, f, ins);
            }
            Op::FUNCF | Op::IFUNCF | Op::FUNCV | Op::JFUNCF | Op::JFUNCV => {
                return self.rec_funcf(data, f, pc, ins);
            }
            Op::UGET => {
                return self.rec_uget(data, f, ins);
            }
            Op::USETV | Op::USETS | Op::USETN | Op::USETP => {
                return self.rec_uset(data, f, ins);
            }
            Op::KSTR => {
                let kv = f.kgc[bc::d(ins) as usize];
                let Some(s) = kv.as_str() else {
                    return nyi(op);
                };
                let k = data.ir.kstr(s.as_bytes());
                self.gcvals.push((k, kv));
                self.setslot(a, k);
            }
            Op::LEN => {
                return self.rec_len(data, f, ins);
            }
            Op::RET0 | Op::RET1 | Op::RET | Op::RETM => {
                return self.rec_ret(data, f, pc, ins);
            }
            Op::GGET => {
                return self.rec_gget(data, f, ins);
            }
            Op::TGETV | Op::TGETS | Op::TGETB => {
                return self.rec_tget(data, f, ins);
            }
            Op::TSETV | Op::TSETS | Op::TSETB => {
                return self.rec_tset(data, f, ins);
            }
            Op::NOT => {
                // The operand's type is known (guarded when loaded): no IR.
                let r = self.getslot(data, f, bc::d(ins) as usize)?;
                let falsy = matches!(self.ty(data, r), IrType::Nil | IrType::False);
                let k = if falsy {
                    crate::jit::ir::REF_TRUE
                } else {
                    crate::jit::ir::REF_FALSE
                };
                self.setslot(a, k);
            }
            Op::ITERN => {
                return self.rec_itern(data, f, pc, ins);
            }
            Op::ITERC => {
                return self.rec_iterc(data, f, ins);
            }
            Op::ITERL | Op::JITERL => {
                return self.rec_iterl(data, f, pc, ins);
            }
            Op::ISNEXT => {
                return self.rec_isnext(data, f, ins);
            }
            Op::CAT => {
                return self.rec_cat(data, f, ins);
            }
            Op::GSET => {
                return self.rec_gset(data, f, ins);
            }
            Op::TDUP => {
                return self.rec_tdup(data, f, ins);
            }
            Op::TNEW => {
                let r = self
                    .emitter(data)
                    .guard(IrOp::TNEW, IrType::Tab, 0, 0)
                    .map_err(|e| (e, None))?;
                self.setslot(a, r);
            }
            Op::ILOOP | Op::IITERL => {
                return Err((TraceError::Blacklisted, None));
            }
            _ => return nyi(op),
        }
        Ok(RecResult::Continue)
    }
}

/// Whether live value `v` has IR type `ty` (the `SLOAD` type check).
pub(crate) fn type_ok(v: Value, ty: crate::jit::ir::IrType) -> bool {
    ops::type_of(v) == ty
}

impl Caller {
    /// A number identifying the caller's prototype in the `RETF` guard (printing only).
    pub fn key_addr(&self) -> u64 {
        use slotmap::Key;
        self.key.data().as_ffi()
    }
}
