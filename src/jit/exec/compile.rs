//! The compiled form of a trace: what the portable executor runs.
//!
//! [`compile`] turns a trace's IR and snapshots into an [`ExecCode`] once, at assembly
//! time, so that nothing is decoded, searched or allocated while the trace runs:
//!
//! - **Registers.** Every ref (constant or instruction) owns one 64-bit register,
//!   `ref - nk`, in the trace's own register file [`ExecCode::regs`]. Constants, GC
//!   constants included, are materialised there at compile time and never written
//!   again, so entering a trace copies nothing: instructions overwrite their registers
//!   before any use (the IR is SSA; a snapshot only names refs before it). The file
//!   is made of `Cell`s because the world is shared (`&World`) while a trace runs; a
//!   trace never runs re-entrantly (the executor calls no Lua code).
//! - **Instructions.** [`ExecCode::code`] holds one [`XIns`] per IR instruction that does
//!   work (NOP, LOOP, PHI, BASE and RENAME produce nothing and are left out). Each names
//!   its destination register, its operand registers, and the snapshot it exits through
//!   if it is a guard. The op ([`XOp`]) is specialised here: int and number arithmetic
//!   are different ops, a `SLOAD` with or without a type check is a different op, field
//!   loads and calls are resolved from their names to enum variants, comparisons carry
//!   their kind.
//! - **Loop.** [`ExecCode::loop_at`] is the index of the first instruction after `LOOP`;
//!   [`ExecCode::phis`] the PHI moves (destination ← source registers) done at the
//!   back-edge, flagged [`ExecCode::phis_parallel`] when a sequential copy would read a
//!   register already overwritten.
//! - **Exits.** Each snapshot becomes a [`SnapCode`]: its resume pc and a window into
//!   [`ExecCode::restore`], the precomputed list of slot writes and frame rebuilds.
//! - **Link.** What to do at the end of the IR depends on the trace's link, known only
//!   after assembly ([`crate::jit::lifecycle::link_trace`] runs after the backend), so
//!   [`link`] fills [`ExecCode::end`] and [`ExecCode::runnable`] when the driver has
//!   stopped the trace.
//!
//! The compiled form lives in the world's machine-code table
//! ([`crate::jit::world::World::code`], as [`crate::jit::world::TraceCode::Portable`]);
//! it is dropped with the trace. A native backend fills the same table with its own
//! variant, trace by trace.
//!
//! Rules for whoever changes this: every IR op [`super::supported`] accepts must compile
//! to an [`XOp`] with exactly the semantics the run loop ([`super::run`]) gives it; keep
//! the per-op semantics in the small helper functions of `mod.rs` so the two stay in
//! step; anything that would need a name or a search at run time is resolved here.

use crate::jit::ids::{BcPos, ExitId, TraceId};
use crate::jit::ir::{sload, IrBuf, IrOp, IrRef, IrType, KValue, REF_BIAS, REF_FIRST};
use crate::jit::link::LinkType;
use crate::jit::snap::{SnapNo, SNAP_CONT, SNAP_FRAME};
use crate::jit::world::{TraceCode, TraceData, World};
use crate::vm::Value;
use std::cell::Cell;

/// How a register's raw bits become a Lua value when written to the stack.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValKind {
    /// An `i32` (widened to a number).
    Int,
    /// An `f64`.
    Num,
    /// A boxed value already.
    Raw,
}

impl ValKind {
    /// The kind of a value of IR type `ty`.
    pub fn of(ty: IrType) -> ValKind {
        match ty {
            IrType::Int | IrType::U8 => ValKind::Int,
            IrType::Num => ValKind::Num,
            _ => ValKind::Raw,
        }
    }
}

/// How an array key register is turned into a key value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An `i32` index.
    Int,
    /// An `f64` index.
    Num,
    /// A string (looked up without hashing: strings are interned).
    Str,
    /// Any other boxed value.
    Raw,
}

impl KeyKind {
    /// The kind of a key of IR type `ty`.
    pub fn of(ty: IrType) -> KeyKind {
        match ty {
            IrType::Int => KeyKind::Int,
            IrType::Num => KeyKind::Num,
            IrType::Str => KeyKind::Str,
            _ => KeyKind::Raw,
        }
    }
}

/// `FPMATH` functions, by the op2 literal.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FpFn {
    /// floor
    Floor,
    /// ceil
    Ceil,
    /// trunc
    Trunc,
    /// sqrt
    Sqrt,
    /// natural log
    Ln,
    /// log2
    Log2,
    /// anything else: the argument unchanged
    Ident,
}

/// `CALLN` targets the executor runs, resolved from the call name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CallFn {
    /// sin
    Sin,
    /// cos
    Cos,
    /// tan
    Tan,
    /// exp
    Exp,
    /// anything else: NaN
    Nan,
}

/// Number comparisons (`U*`: true when unordered).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NumCmp {
    /// a < b
    Lt,
    /// a >= b
    Ge,
    /// a <= b
    Le,
    /// a > b
    Gt,
    /// unordered or a < b
    ULt,
    /// unordered or a >= b
    UGe,
    /// unordered or a <= b
    ULe,
    /// unordered or a > b
    UGt,
}

/// Integer comparisons (the unordered forms are the same on integers).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum IntCmp {
    /// a < b
    Lt,
    /// a >= b
    Ge,
    /// a <= b
    Le,
    /// a > b
    Gt,
}

/// What an equality guard compares.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EqKind {
    /// As numbers.
    Num,
    /// As `i32`s.
    Int,
    /// As raw bits.
    Raw,
}

/// One executor op with its operands resolved to register numbers.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum XOp {
    /// Writes zero (an op with no value the executor computes).
    Zero,
    /// Copies register `a`.
    Mov { a: u16 },
    /// Return below the trace's frame to a caller resuming at `want_pc`.
    Retf { want_pc: u32 },
    /// Stack slot, no type check, kept boxed.
    SloadRaw { slot: u16 },
    /// Stack slot with a type check, kept boxed.
    SloadChk { slot: u16, ty: IrType },
    /// Stack slot converted to an `i32`.
    SloadInt { slot: u16 },
    /// Stack slot with a type check, converted to an `i32`.
    SloadIntChk { slot: u16, ty: IrType },
    /// Number arithmetic.
    AddN { a: u16, b: u16 },
    /// Number subtraction.
    SubN { a: u16, b: u16 },
    /// Number multiplication.
    MulN { a: u16, b: u16 },
    /// Number division.
    DivN { a: u16, b: u16 },
    /// Lua modulo on numbers.
    ModN { a: u16, b: u16 },
    /// Power on numbers.
    PowN { a: u16, b: u16 },
    /// Wrapping `i32` addition.
    AddI { a: u16, b: u16 },
    /// Wrapping `i32` subtraction.
    SubI { a: u16, b: u16 },
    /// Wrapping `i32` multiplication.
    MulI { a: u16, b: u16 },
    /// The narrowed int ops (`ADDOV`/`SUBOV`/`MULOV` guards, int `MOD`, `BAND`), run by
    /// `calls_ext::int_arith`; an overflow (or a zero divisor) fails the guard.
    IntArith { a: u16, b: u16, op: IrOp },
    /// `func.env`.
    FloadEnv { a: u16 },
    /// `tab.meta` (as a has-metatable flag).
    FloadMeta { a: u16 },
    /// Guard: the table in `a` has no metatable (a `tab.meta` load compared with 0,
    /// fused at compile time).
    NoMeta { a: u16 },
    /// `str.len`.
    FloadStrLen { a: u16 },
    /// `XLOAD u8` of a `STRREF`: byte `at` (0-based) of the string in `s`, fused at
    /// compile time (the recorder's guards keep `at` in range; out of range reads 0).
    StrByte { s: u16, at: u16 },
    /// `SNEW` of a `STRREF`: the `n` bytes of the string in `s` from `at` (0-based),
    /// fused at compile time (the recorder's guards keep the range inside the string).
    StrSub { s: u16, at: u16, n: u16 },
    /// `CALLN lj_str_cmp` of two strings (from its `CARG`): -1, 0 or 1, bytewise.
    StrCmp { a: u16, b: u16 },
    /// `tab.hmask`.
    FloadHmask { a: u16 },
    /// Table length.
    Alen { a: u16 },
    /// Upvalue reference: the closure in `a`, guarded to have upvalue `idx`.
    Urefo { a: u16, idx: u16 },
    /// Upvalue load (closure in `clo`), type-guarded.
    Uload { clo: u16, idx: u16, ty: IrType },
    /// Upvalue store.
    Ustore {
        clo: u16,
        idx: u16,
        val: u16,
        vk: ValKind,
    },
    /// Array store.
    Astore {
        tab: u16,
        key: u16,
        kk: KeyKind,
        val: u16,
        vk: ValKind,
    },
    /// Array load, type-guarded.
    Aload {
        tab: u16,
        key: u16,
        kk: KeyKind,
        ty: IrType,
    },
    /// Constant-key hash reference: the table, guarded to hold the key; yields the index
    /// of the key's node in the table's hash part (`u64::MAX` for a key found elsewhere).
    /// `hint` is the node the key was in while recording (the `KSLOT`), tried first.
    Hrefk { tab: u16, key: u16, hint: u16 },
    /// Constant-key hash load, type-guarded: reads the node its `HREFK` (register
    /// `node`) found when it still holds the key, else looks the key up again.
    Hload {
        tab: u16,
        key: u16,
        node: u16,
        ty: IrType,
    },
    /// A new empty table.
    Tnew,
    /// A math function.
    Fpmath { a: u16, f: FpFn },
    /// A library call on a number.
    Calln { a: u16, f: CallFn },
    /// math.min semantics.
    Min { a: u16, b: u16 },
    /// math.max semantics.
    Max { a: u16, b: u16 },
    /// Number negation.
    Neg { a: u16 },
    /// Number absolute value.
    Abs { a: u16 },
    /// `i32` → number.
    ConvIntNum { a: u16 },
    /// Number → `i32`, guarded to be exact when `check`.
    ConvNumInt { a: u16, check: bool },
    /// Integer comparison guard.
    CmpI { a: u16, b: u16, cmp: IntCmp },
    /// Number comparison guard.
    CmpN { a: u16, b: u16, cmp: NumCmp },
    /// Equality guard (`ne`: inequality).
    Eq {
        a: u16,
        b: u16,
        kind: EqKind,
        ne: bool,
    },
    /// An instruction the executor cannot run (the trace is not compiled).
    Unsupported,
    /// A fixed value (`NEWREF`: the key's slot exists, see `ext::HREF_FOUND`).
    Konst { bits: u64 },
    /// Hash reference with a computed key: whether `t[k]` holds a value (`ext::href`).
    Href { tab: u16, key: u16, kk: ValKind },
    /// Hash load through a computed-key reference, type-guarded.
    HloadV {
        tab: u16,
        key: u16,
        kk: ValKind,
        ty: IrType,
    },
    /// Hash store through any reference; a nil/NaN key or a non-table fails.
    Hstore {
        tab: u16,
        key: u16,
        kk: ValKind,
        val: u16,
        vk: ValKind,
    },
    /// `tab.asize`.
    FloadAsize { a: u16 },
    /// A table field of the metatable paths (`ext::tab_field`).
    TabField { a: u16, f: super::ext::TabField },
    /// A copy of the template table in `a` (allocates).
    Tdup { a: u16 },
    /// A number as a string (allocates).
    Tostr { a: u16, ak: ValKind, char: bool },
    /// Starts the string buffer.
    Bufhdr,
    /// Appends `val` (a string or number) to the buffer; other types fail.
    Bufput { val: u16, vk: ValKind },
    /// The buffer's contents as a string (allocates).
    Bufstr,
    /// `lj_vm_next(tab, pos)`: the entry is kept in the run's state under `dst`.
    CallNext { tab: u16, pos: u16 },
    /// The traversal position after the entry of call `call`.
    Hiop { call: u16 },
    /// The key (`key`) or value of the entry of call `call`, type-guarded.
    Vload { call: u16, key: bool, ty: IrType },
}

impl XOp {
    /// The registers the op reads (unused places are register 0, which always exists).
    pub fn reads(&self) -> [u16; 3] {
        use XOp::*;
        match *self {
            Zero | Unsupported | Retf { .. } | Tnew | Konst { .. } | Bufhdr | Bufstr => [0; 3],
            FloadAsize { a } | TabField { a, .. } | Tdup { a } | Tostr { a, .. } => [a, 0, 0],
            Bufput { val, .. } => [val, 0, 0],
            Hiop { call } | Vload { call, .. } => [call, 0, 0],
            Href { tab, key, .. } | HloadV { tab, key, .. } | CallNext { tab, pos: key } => {
                [tab, key, 0]
            }
            Hstore { tab, key, val, .. } => [tab, key, val],
            SloadRaw { .. } | SloadChk { .. } | SloadInt { .. } | SloadIntChk { .. } => [0; 3],
            Mov { a }
            | FloadEnv { a }
            | FloadMeta { a }
            | NoMeta { a }
            | FloadStrLen { a }
            | FloadHmask { a }
            | Alen { a }
            | Urefo { a, .. }
            | Fpmath { a, .. }
            | Calln { a, .. }
            | Neg { a }
            | Abs { a }
            | ConvIntNum { a }
            | ConvNumInt { a, .. } => [a, 0, 0],
            AddN { a, b }
            | SubN { a, b }
            | MulN { a, b }
            | DivN { a, b }
            | ModN { a, b }
            | PowN { a, b }
            | AddI { a, b }
            | SubI { a, b }
            | MulI { a, b }
            | IntArith { a, b, .. }
            | Min { a, b }
            | Max { a, b }
            | CmpI { a, b, .. }
            | CmpN { a, b, .. }
            | Eq { a, b, .. } => [a, b, 0],
            StrByte { s, at } => [s, at, 0],
            StrCmp { a, b } => [a, b, 0],
            StrSub { s, at, n } => [s, at, n],
            Uload { clo, .. } => [clo, 0, 0],
            Ustore { clo, val, .. } => [clo, val, 0],
            Astore { tab, key, val, .. } => [tab, key, val],
            Aload { tab, key, .. } | Hrefk { tab, key, .. } => [tab, key, 0],
            Hload { tab, key, node, .. } => [tab, key, node],
        }
    }
}

/// One compiled instruction.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct XIns {
    /// What it does.
    pub op: XOp,
    /// The register it writes.
    pub dst: u16,
    /// The snapshot (exit) it leaves through if it is a guard and fails.
    pub snap: u16,
}

/// One step of restoring a snapshot.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Restore {
    /// Write register `reg` (of kind `kind`) to trace slot `slot`.
    Slot { slot: u16, reg: u16, kind: ValKind },
    /// Rebuild the VM frame of an inlined call whose function sits at `slot - 1`; the
    /// caller resumes at `retpc` wanting `nres` results.
    Frame { slot: u16, retpc: u32, nres: i32 },
    /// The vararg frame link of the inlined vararg call whose frame was just rebuilt sits
    /// at trace slot `slot`: that frame's base moves above it (see `calls_ext`).
    VarargFrame { slot: u16 },
}

/// A snapshot as the executor restores it.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapCode {
    /// Resume position.
    pub pc: Option<BcPos>,
    /// Start of its window in [`ExecCode::restore`].
    pub start: u32,
    /// End of its window.
    pub end: u32,
}

/// What happens at the end of the IR.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EndAction {
    /// Not linked yet (the trace is not runnable).
    Unlinked,
    /// Loop to itself: PHI moves, then jump to [`ExecCode::loop_at`].
    LoopBack,
    /// Loop to itself without a `LOOP` marker: write back the last snapshot and start
    /// over from the first instruction.
    Restart,
    /// Write back the last snapshot and continue in trace `.0` if it is runnable, else
    /// return to the interpreter at the snapshot's pc.
    ToTrace(Option<TraceId>),
    /// Write back the last snapshot and return to the interpreter (`stitch`: the trace
    /// ended in a stitch link).
    ToInterp {
        /// Whether the link is `stitch`.
        stitch: bool,
    },
}

/// The compiled form of one trace.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecCode {
    /// The register file: constants materialised, then one register per instruction,
    /// then one scratch register per PHI (for a parallel copy).
    pub regs: Box<[Cell<u64>]>,
    /// Number of registers excluding the PHI scratch ones.
    pub nregs: u32,
    /// Register holding the first instruction's value (`REF_FIRST - nk`).
    pub first_reg: u16,
    /// The instructions that do work.
    pub code: Box<[XIns]>,
    /// Index in `code` of the first instruction after `LOOP`.
    pub loop_at: Option<u32>,
    /// The loop snapshot: the one in effect at `LOOP`. After the PHI moves it describes
    /// the state at the start of the next iteration (its pc is the loop body), so a run
    /// stopped at the back-edge (embedding limits) resumes the interpreter there.
    pub loop_snap: Option<u16>,
    /// PHI moves at the back-edge: (destination, source) registers.
    pub phis: Box<[(u16, u16)]>,
    /// Whether the PHI moves need a parallel copy (some destination is a later source).
    pub phis_parallel: bool,
    /// Snapshots, by number.
    pub snaps: Box<[SnapCode]>,
    /// Restore steps of every snapshot.
    pub restore: Box<[Restore]>,
    /// Whether some snapshot holds a continuation frame (not runnable).
    pub has_cont: bool,
    /// Whether the trace allocates (`TNEW`, `TDUP`, `TOSTR`, `BUFSTR`).
    pub has_tnew: bool,
    /// What the end of the IR does (set by [`link`]).
    pub end: EndAction,
    /// Whether the executor runs this trace (set by [`link`]).
    pub runnable: bool,
    /// The trace's link type (set by [`link`]).
    pub link_type: LinkType,
    /// The exit ids of the trace, by snapshot number (set by [`link`]).
    pub exits: Box<[ExitId]>,
}

impl ExecCode {
    /// The number of the last snapshot, if any.
    pub fn last_snap(&self) -> Option<u16> {
        (!self.snaps.is_empty()).then(|| self.snaps.len() as u16 - 1)
    }
}

/// The register of ref `r` in a trace whose lowest constant is `nk`.
fn reg(nk: u16, r: u16) -> u16 {
    r.wrapping_sub(nk)
}

/// The raw bits constant `r` holds in the register image.
fn const_bits(ir: &IrBuf, r: IrRef, gcvals: &[(IrRef, Value)]) -> u64 {
    match ir.kvalue(r) {
        KValue::Int(i) => *i as i64 as u64,
        KValue::Num(n) => n.to_bits(),
        KValue::Gc(_) => gcvals
            .iter()
            .find(|(k, _)| *k == r)
            .map_or(Value::NIL.0, |x| x.1 .0),
        _ => match ir.at(r).ty {
            IrType::Nil => Value::NIL.0,
            IrType::False => Value::FALSE.0,
            IrType::True => Value::TRUE.0,
            _ => 0,
        },
    }
}

/// The table register, key register and key kind of the hash reference at `r`
/// (`HREFK`: the constant key of its `KSLOT`; `HREF`/`NEWREF`: the key operand).
fn hash_slot(ir: &IrBuf, r: IrRef) -> Option<(u16, u16, ValKind)> {
    let nk = ir.nk().0;
    let h = ir.at(r);
    match h.op {
        IrOp::HREFK => Some((
            reg(nk, h.op1),
            reg(nk, ir.at(IrRef(h.op2)).op1),
            ValKind::Raw,
        )),
        IrOp::HREF | IrOp::NEWREF => Some((
            reg(nk, h.op1),
            reg(nk, h.op2),
            ValKind::of(ir.at(IrRef(h.op2)).ty),
        )),
        _ => None,
    }
}

/// The first IR instruction the executor cannot run in this shape (an `XLOAD` not fed
/// by a `STRREF`, a call it does not know, ...), for the abort message.
pub fn first_unsupported(ir: &IrBuf) -> Option<IrOp> {
    ir.refs()
        .find(|&r| compile_op(ir, r) == Some(XOp::Unsupported))
        .map(|r| ir.at(r).op)
}

/// Compiles one IR instruction at `r` to its op (`None`: nothing to run).
fn compile_op(ir: &IrBuf, r: IrRef) -> Option<XOp> {
    let nk = ir.nk().0;
    let ins = ir.at(r);
    let a = reg(nk, ins.op1);
    let b = reg(nk, ins.op2);
    let num = ins.ty == IrType::Num;
    let op = match ins.op {
        IrOp::NOP | IrOp::LOOP | IrOp::PHI | IrOp::BASE | IrOp::RENAME => return None,
        // A string reference only feeds the XLOAD it is fused into.
        IrOp::STRREF => return None,
        IrOp::SNEW => {
            let p = ir.at(IrRef(ins.op1));
            if p.op != IrOp::STRREF {
                return Some(XOp::Unsupported);
            }
            XOp::StrSub {
                s: reg(nk, p.op1),
                at: reg(nk, p.op2),
                n: b,
            }
        }
        IrOp::XLOAD => {
            let p = ir.at(IrRef(ins.op1));
            if p.op != IrOp::STRREF || ins.ty != IrType::U8 {
                return Some(XOp::Unsupported);
            }
            XOp::StrByte {
                s: reg(nk, p.op1),
                at: reg(nk, p.op2),
            }
        }
        IrOp::RETF => XOp::Retf {
            want_pc: match ir.kvalue(IrRef(ins.op2)) {
                KValue::Int64(v) => *v as u32,
                _ => u32::MAX,
            },
        },
        IrOp::SLOAD => {
            let slot = ins.op1;
            let chk = ins.op2 & sload::TYPECHECK != 0;
            match (chk, ins.ty == IrType::Int) {
                (false, false) => XOp::SloadRaw { slot },
                (true, false) => XOp::SloadChk { slot, ty: ins.ty },
                (false, true) => XOp::SloadInt { slot },
                (true, true) => XOp::SloadIntChk { slot, ty: ins.ty },
            }
        }
        IrOp::ADD if num => XOp::AddN { a, b },
        IrOp::SUB if num => XOp::SubN { a, b },
        IrOp::MUL if num => XOp::MulN { a, b },
        IrOp::DIV if num => XOp::DivN { a, b },
        IrOp::MOD if num => XOp::ModN { a, b },
        IrOp::POW if num => XOp::PowN { a, b },
        IrOp::ADD => XOp::AddI { a, b },
        IrOp::SUB => XOp::SubI { a, b },
        IrOp::MUL => XOp::MulI { a, b },
        IrOp::MOD | IrOp::BAND | IrOp::ADDOV | IrOp::SUBOV | IrOp::MULOV => {
            XOp::IntArith { a, b, op: ins.op }
        }
        IrOp::FLOAD => match crate::jit::ir::IR_FIELDS.get(ins.op2 as usize).copied() {
            Some("func.env") => XOp::FloadEnv { a },
            Some("tab.meta") if ins.ty == IrType::Tab => XOp::TabField {
                a,
                f: super::ext::TabField::Meta,
            },
            Some("tab.nomm") => XOp::TabField {
                a,
                f: super::ext::TabField::Nomm,
            },
            Some("tab.meta") => XOp::FloadMeta { a },
            Some("str.len") => XOp::FloadStrLen { a },
            Some("tab.hmask") => XOp::FloadHmask { a },
            Some("tab.asize") => XOp::FloadAsize { a },
            _ => XOp::Mov { a },
        },
        IrOp::AREF | IrOp::FREF => XOp::Mov { a },
        // Only the negative-metamethod cache is ever stored to (`record/meta.rs`).
        IrOp::FSTORE => {
            let fref = ir.at(IrRef(ins.op1));
            if crate::jit::ir::IR_FIELDS.get(fref.op2 as usize).copied() != Some("tab.nomm") {
                return Some(XOp::Unsupported);
            }
            XOp::TabField {
                a: reg(nk, fref.op1),
                f: super::ext::TabField::ClearNomm,
            }
        }
        IrOp::ALEN => XOp::Alen { a },
        IrOp::UREFO => XOp::Urefo { a, idx: ins.op2 },
        IrOp::ULOAD | IrOp::USTORE => {
            let uref = ir.at(IrRef(ins.op1));
            let clo = reg(nk, uref.op1);
            let idx = uref.op2;
            if ins.op == IrOp::ULOAD {
                XOp::Uload {
                    clo,
                    idx,
                    ty: ins.ty,
                }
            } else {
                XOp::Ustore {
                    clo,
                    idx,
                    val: b,
                    vk: ValKind::of(ir.at(IrRef(ins.op2)).ty),
                }
            }
        }
        IrOp::ASTORE => {
            let aref = ir.at(IrRef(ins.op1));
            // A number key is stored as the boxed value it already is.
            let kk = match KeyKind::of(ir.at(IrRef(aref.op2)).ty) {
                KeyKind::Num => KeyKind::Raw,
                kk => kk,
            };
            XOp::Astore {
                tab: reg(nk, aref.op1),
                key: reg(nk, aref.op2),
                kk,
                val: b,
                vk: ValKind::of(ir.at(IrRef(ins.op2)).ty),
            }
        }
        IrOp::ALOAD => {
            let aref = ir.at(IrRef(ins.op1));
            let kk = KeyKind::of(ir.at(IrRef(aref.op2)).ty);
            XOp::Aload {
                tab: reg(nk, aref.op1),
                key: reg(nk, aref.op2),
                kk,
                ty: ins.ty,
            }
        }
        IrOp::HREFK => XOp::Hrefk {
            tab: a,
            key: reg(nk, ir.at(IrRef(ins.op2)).op1),
            hint: ir.at(IrRef(ins.op2)).op2,
        },
        IrOp::HLOAD => {
            let h = ir.at(IrRef(ins.op1));
            let Some((tab, key, kk)) = hash_slot(ir, IrRef(ins.op1)) else {
                return Some(XOp::Unsupported);
            };
            if h.op == IrOp::HREFK {
                XOp::Hload {
                    tab,
                    key,
                    node: reg(nk, ins.op1),
                    ty: ins.ty,
                }
            } else {
                XOp::HloadV {
                    tab,
                    key,
                    kk,
                    ty: ins.ty,
                }
            }
        }
        IrOp::HREF => {
            let Some((tab, key, kk)) = hash_slot(ir, r) else {
                return Some(XOp::Unsupported);
            };
            XOp::Href { tab, key, kk }
        }
        IrOp::NEWREF => XOp::Konst {
            bits: super::ext::HREF_FOUND,
        },
        IrOp::HSTORE => {
            let Some((tab, key, kk)) = hash_slot(ir, IrRef(ins.op1)) else {
                return Some(XOp::Unsupported);
            };
            XOp::Hstore {
                tab,
                key,
                kk,
                val: b,
                vk: ValKind::of(ir.at(IrRef(ins.op2)).ty),
            }
        }
        IrOp::TBAR | IrOp::CARG => XOp::Zero,
        IrOp::TDUP => XOp::Tdup { a },
        IrOp::TOSTR => XOp::Tostr {
            a,
            ak: ValKind::of(ir.at(IrRef(ins.op1)).ty),
            char: ins.op2 == 2,
        },
        IrOp::BUFHDR => XOp::Bufhdr,
        IrOp::BUFPUT => XOp::Bufput {
            val: b,
            vk: ValKind::of(ir.at(IrRef(ins.op2)).ty),
        },
        IrOp::BUFSTR => XOp::Bufstr,
        IrOp::CALLL => {
            if crate::jit::ir::IR_CALLS.get(ins.op2 as usize).copied() != Some("lj_vm_next") {
                return Some(XOp::Unsupported);
            }
            let carg = ir.at(IrRef(ins.op1));
            XOp::CallNext {
                tab: reg(nk, carg.op1),
                pos: reg(nk, carg.op2),
            }
        }
        IrOp::HIOP => XOp::Hiop { call: a },
        IrOp::VLOAD => XOp::Vload {
            call: a,
            key: ins.op2 == 1,
            ty: ins.ty,
        },
        IrOp::TNEW => XOp::Tnew,
        IrOp::FPMATH => XOp::Fpmath {
            a,
            f: match ins.op2 {
                0 => FpFn::Floor,
                1 => FpFn::Ceil,
                2 => FpFn::Trunc,
                3 => FpFn::Sqrt,
                4 => FpFn::Ln,
                5 => FpFn::Log2,
                _ => FpFn::Ident,
            },
        },
        IrOp::CALLN
            if crate::jit::ir::IR_CALLS.get(ins.op2 as usize).copied() == Some("lj_str_cmp") =>
        {
            let carg = ir.at(IrRef(ins.op1));
            if carg.op != IrOp::CARG {
                return Some(XOp::Unsupported);
            }
            XOp::StrCmp {
                a: reg(nk, carg.op1),
                b: reg(nk, carg.op2),
            }
        }
        IrOp::CALLN => XOp::Calln {
            a,
            f: match crate::jit::ir::IR_CALLS.get(ins.op2 as usize).copied() {
                Some("sin") => CallFn::Sin,
                Some("cos") => CallFn::Cos,
                Some("tan") => CallFn::Tan,
                Some("exp") => CallFn::Exp,
                _ => CallFn::Nan,
            },
        },
        IrOp::MIN => XOp::Min { a, b },
        IrOp::MAX => XOp::Max { a, b },
        IrOp::NEG => XOp::Neg { a },
        IrOp::ABS => XOp::Abs { a },
        IrOp::CONV => {
            let src = IrType::from_u8((ins.op2 & 31) as u8).unwrap_or(IrType::Num);
            if ins.ty == IrType::Num && src == IrType::Int {
                XOp::ConvIntNum { a }
            } else if ins.ty == IrType::Int {
                XOp::ConvNumInt {
                    a,
                    check: ins.is_guard(),
                }
            } else {
                XOp::Mov { a }
            }
        }
        IrOp::LT | IrOp::GE | IrOp::LE | IrOp::GT if ins.ty == IrType::Int => {
            let cmp = match ins.op {
                IrOp::LT => IntCmp::Lt,
                IrOp::GE => IntCmp::Ge,
                IrOp::LE => IntCmp::Le,
                _ => IntCmp::Gt,
            };
            XOp::CmpI { a, b, cmp }
        }
        IrOp::ULT | IrOp::UGE | IrOp::ULE | IrOp::UGT if ins.ty == IrType::Int => {
            let cmp = match ins.op {
                IrOp::ULT => IntCmp::Lt,
                IrOp::UGE => IntCmp::Ge,
                IrOp::ULE => IntCmp::Le,
                _ => IntCmp::Gt,
            };
            XOp::CmpI { a, b, cmp }
        }
        IrOp::LT
        | IrOp::GE
        | IrOp::LE
        | IrOp::GT
        | IrOp::ULT
        | IrOp::UGE
        | IrOp::ULE
        | IrOp::UGT => {
            let cmp = match ins.op {
                IrOp::LT => NumCmp::Lt,
                IrOp::GE => NumCmp::Ge,
                IrOp::LE => NumCmp::Le,
                IrOp::GT => NumCmp::Gt,
                IrOp::ULT => NumCmp::ULt,
                IrOp::UGE => NumCmp::UGe,
                IrOp::ULE => NumCmp::ULe,
                _ => NumCmp::UGt,
            };
            XOp::CmpN { a, b, cmp }
        }
        IrOp::EQ | IrOp::NE => XOp::Eq {
            a,
            b,
            kind: match ins.ty {
                IrType::Num => EqKind::Num,
                IrType::Int => EqKind::Int,
                _ => EqKind::Raw,
            },
            ne: ins.op == IrOp::NE,
        },
        _ => XOp::Zero,
    };
    Some(op)
}

/// Compiles the snapshot restore lists of `data`.
fn compile_snaps(data: &TraceData, nk: u16) -> (Vec<SnapCode>, Vec<Restore>, bool) {
    let ir = &data.ir;
    let mut snaps = Vec::with_capacity(data.snaps.len());
    let mut restore = Vec::new();
    let mut has_cont = false;
    for n in 0..data.snaps.len() {
        let sn = SnapNo(n as u16);
        let start = restore.len() as u32;
        for e in data.snaps.entries(sn) {
            let slot = e.slot() as u16;
            if e.flags() & SNAP_CONT != 0 {
                has_cont = true;
                continue;
            }
            let r = e.r();
            if e.flags() & SNAP_FRAME != 0 {
                if slot == 1 {
                    continue;
                }
                let KValue::Int64(link) = ir.kvalue(r) else {
                    continue;
                };
                if super::calls_ext::is_vararg_link(*link) {
                    restore.push(Restore::VarargFrame { slot });
                    continue;
                }
                restore.push(Restore::Frame {
                    slot,
                    retpc: (link >> 16) as u32,
                    nres: (link & 0xffff) as i32 - 1,
                });
                continue;
            }
            restore.push(Restore::Slot {
                slot,
                reg: reg(nk, r.0),
                kind: ValKind::of(ir.at(r).ty),
            });
        }
        snaps.push(SnapCode {
            pc: data.snaps.get(sn).and_then(|s| s.pc),
            start,
            end: restore.len() as u32,
        });
    }
    (snaps, restore, has_cont)
}

/// Fuses `FLOAD t tab.meta` + `EQ m +0` into one `NoMeta { t }` guard (the load is
/// then dropped by [`drop_unused_moves`] if nothing else reads it). `regs` is the
/// register image; registers below `nconst` hold constants.
fn fuse_no_meta(code: &mut [XIns], regs: &[u64], nconst: u16) {
    let mut meta_of = std::collections::BTreeMap::new();
    for i in code.iter_mut() {
        match i.op {
            XOp::FloadMeta { a } => {
                meta_of.insert(i.dst, a);
            }
            XOp::Eq {
                a,
                b,
                kind: EqKind::Int,
                ne: false,
            } if b < nconst && regs.get(b as usize) == Some(&0) => {
                if let Some(&t) = meta_of.get(&a) {
                    i.op = XOp::NoMeta { a: t };
                }
            }
            _ => {}
        }
    }
}

/// Drops register copies and metatable loads nobody reads (an `AREF` is read through
/// by its `ALOAD` / `ASTORE`, which name the table and key registers themselves; a
/// `tab.meta` load is read through by a fused `NoMeta`), keeping `loop_at` pointing at
/// the same instruction. Saves one dispatch per array access and per metatable check.
fn drop_unused_moves(
    code: Vec<XIns>,
    loop_at: Option<u32>,
    phis: &[(u16, u16)],
    restore: &[Restore],
    nregs: usize,
) -> (Vec<XIns>, Option<u32>) {
    let mut used = vec![false; nregs];
    let mut mark = |r: u16| {
        if let Some(u) = used.get_mut(r as usize) {
            *u = true;
        }
    };
    for i in &code {
        for r in i.op.reads() {
            mark(r);
        }
    }
    for &(d, s) in phis {
        mark(d);
        mark(s);
    }
    for e in restore {
        if let Restore::Slot { reg, .. } = *e {
            mark(reg);
        }
    }
    let mut out = Vec::with_capacity(code.len());
    let mut new_loop_at = None;
    for (n, i) in code.into_iter().enumerate() {
        if loop_at == Some(n as u32) {
            new_loop_at = Some(out.len() as u32);
        }
        let dead_move = matches!(i.op, XOp::Mov { .. } | XOp::FloadMeta { .. })
            && !used.get(i.dst as usize).is_some_and(|&u| u);
        if !dead_move {
            out.push(i);
        }
    }
    if loop_at.is_some() && new_loop_at.is_none() {
        new_loop_at = Some(out.len() as u32);
    }
    (out, new_loop_at)
}

/// Whether every register `c` names exists (the run loop relies on it to index the
/// register file without bounds checks).
fn registers_in_range(c: &ExecCode) -> bool {
    let n = c.nregs as usize;
    let ok = |r: u16| (r as usize) < n;
    c.regs.len() == n + c.phis.len()
        && c.code
            .iter()
            .all(|i| ok(i.dst) && i.op.reads().into_iter().all(ok))
        && c.phis.iter().all(|&(d, s)| ok(d) && ok(s))
        && c.restore.iter().all(|e| match *e {
            Restore::Slot { reg, .. } => ok(reg),
            Restore::Frame { .. } | Restore::VarargFrame { .. } => true,
        })
        && c.snaps
            .iter()
            .all(|s| s.start <= s.end && s.end as usize <= c.restore.len())
        && c.code
            .iter()
            .all(|i| (i.snap as usize) < c.snaps.len().max(1))
}

/// Compiles trace data to its executor form. `gcvals` are the values of the trace's GC
/// constants (closures, strings, tables) by ref. `None` if the IR names a register
/// that does not exist (malformed IR; the trace is not assembled).
pub fn compile(data: &TraceData, gcvals: &[(IrRef, Value)]) -> Option<ExecCode> {
    let ir = &data.ir;
    let nk = ir.nk().0;
    let nregs = (ir.nins().0 - nk) as usize;
    let mut regs = vec![0u64; nregs];
    for r in nk..REF_BIAS {
        regs[(r - nk) as usize] = const_bits(ir, IrRef(r), gcvals);
    }
    let mut code = Vec::with_capacity(ir.nins().0.saturating_sub(REF_FIRST.0) as usize);
    let mut loop_at = None;
    let mut loop_snap = None;
    let mut phis = Vec::new();
    let mut has_tnew = false;
    for r in ir.refs() {
        let ins = ir.at(r);
        match ins.op {
            IrOp::LOOP => {
                loop_at = Some(code.len() as u32);
                loop_snap = data.snaps.snap_for(r).map(|s| s.0);
            }
            IrOp::PHI => phis.push((reg(nk, ins.op1), reg(nk, ins.op2))),
            IrOp::TNEW | IrOp::TDUP | IrOp::TOSTR | IrOp::BUFSTR | IrOp::SNEW => has_tnew = true,
            _ => {}
        }
        if let Some(op) = compile_op(ir, r) {
            if op == XOp::Unsupported {
                return None;
            }
            code.push(XIns {
                op,
                dst: reg(nk, r.0),
                snap: data.snaps.snap_for(r).map_or(0, |s| s.0),
            });
        }
    }
    // A sequential copy is right unless a destination is read by a later move.
    let phis_parallel = phis
        .iter()
        .enumerate()
        .any(|(i, &(d, _))| phis[i + 1..].iter().any(|&(_, s)| s == d));
    let (snaps, restore, has_cont) = compile_snaps(data, nk);
    // The fusion stays within one side of LOOP: a guard after LOOP re-reading a table
    // register from before LOOP could see a PHI-updated value the load did not.
    let split = loop_at.map_or(code.len(), |l| l as usize);
    let (pre, body) = code.split_at_mut(split);
    for part in [pre, body] {
        fuse_no_meta(part, &regs, reg(nk, REF_BIAS));
    }
    let (code, loop_at) = drop_unused_moves(code, loop_at, &phis, &restore, nregs);
    regs.resize(nregs + phis.len(), 0);
    let c = ExecCode {
        regs: regs.into_iter().map(Cell::new).collect(),
        nregs: nregs as u32,
        first_reg: reg(nk, REF_FIRST.0),
        code: code.into_boxed_slice(),
        loop_at,
        loop_snap,
        phis: phis.into_boxed_slice(),
        phis_parallel,
        snaps: snaps.into_boxed_slice(),
        restore: restore.into_boxed_slice(),
        has_cont,
        has_tnew,
        end: EndAction::Unlinked,
        runnable: false,
        link_type: LinkType::None,
        exits: Box::new([]),
    };
    registers_in_range(&c).then_some(c)
}

/// Fills in what depends on trace `id`'s link (its end action and whether the executor
/// runs it); called once the trace is stopped and linked.
pub fn link(world: &mut World, id: TraceId) {
    let Some(h) = world.traces.get(id) else {
        return;
    };
    let (lt, target) = (h.link_type, h.link);
    let exits: Box<[ExitId]> = world
        .trace_exits
        .get(id)
        .map_or(Box::new([]), |v| v.clone().into());
    let Some(TraceCode::Portable(c)) = world.code.get_mut(id) else {
        return;
    };
    c.exits = exits;
    c.link_type = lt;
    c.end = match lt {
        LinkType::Loop | LinkType::TailRecursion if target == Some(id) => {
            if c.loop_at.is_some() {
                EndAction::LoopBack
            } else {
                EndAction::Restart
            }
        }
        LinkType::Root | LinkType::Loop | LinkType::TailRecursion => EndAction::ToTrace(target),
        LinkType::None => EndAction::Unlinked,
        lt => EndAction::ToInterp {
            stitch: lt == LinkType::Stitch,
        },
    };
    // Inlined-frame continuations and down-recursion would need VM frames rebuilt in
    // ways the executor does not do. Allocating traces run: the collector is paused
    // while a trace runs, so the run loop returns to the interpreter at a back-edge
    // after `ext::ALLOC_BUDGET` allocations and the collector catches up.
    let needs_frames = matches!(lt, LinkType::DownRecursion | LinkType::None) || c.has_cont;
    c.runnable = !needs_frames;
}
