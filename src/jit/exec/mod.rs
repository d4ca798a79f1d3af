//! The portable trace executor: runs a trace's compiled form directly on the VM stack.
//!
//! This is the reference semantics of every IR instruction the recorder emits, and the
//! backend on hosts without native code generation. It works in two phases, like a
//! native backend would:
//!
//! 1. **Compile** ([`compile`], at assembly): the IR and snapshots become an
//!    [`ExecCode`], stored in the world's machine-code table
//!    ([`World::code`](crate::jit::world::World)): a dense array of specialised ops
//!    with operands resolved to registers, an initial register image holding every
//!    constant, the PHI moves, and a restore list per snapshot. [`compile::link`] adds
//!    the end-of-trace action once the link is known.
//! 2. **Run** ([`run`]): the register image is copied into a register file the driver
//!    owns (no allocation once it has grown), and a tight loop matches on each op.
//!
//! A trace runs with `base0`, the stack index of trace slot 0 (the function slot of the
//! frame the trace started in), so `SLOAD #s` reads `stack[base0 + s]`. Registers hold
//! raw bits interpreted by the instruction's type (`int`: an `i32`, `num`: an `f64`,
//! everything else: a boxed `Value`). A failing guard exits through the snapshot in
//! effect at the guard (decided at compile time): its entries are written back to the
//! stack (ints widened to numbers) and the interpreter resumes at the snapshot's pc. If
//! the exit has a side trace attached, that trace runs at once instead (no exit is
//! reported, as in LuaJIT). At the end of the IR the trace follows its link: `loop`
//! (and tail recursion) with a `LOOP` marker copies the PHI values and jumps back just
//! after `LOOP`; a link to another trace writes back the final snapshot and continues in
//! that trace; every other link writes back the final snapshot and returns to the
//! interpreter at its pc.
//!
//! Embedding limits: every loop back-edge and trace-to-trace link charges one unit of
//! [`Fuel`] (the interpreter charges one per loop iteration too) and checks the memory
//! cap; when either is out the trace returns to the interpreter through its last
//! (loop) snapshot, and the driver makes the interpreter raise the error.
//!
//! Rules for whoever changes this: an op the executor cannot run must be rejected by
//! [`supported`] at assembly time (the trace then aborts with "NYI: cannot assemble IR
//! instruction"), never reached at run time. A new op gets an [`XOp`] variant decided in
//! `compile.rs` and one arm in [`step`]; put its semantics in a small helper function
//! here. Nothing on the run path may allocate, hash, or compare names.

pub mod compile;

pub use compile::{ExecCode, XIns, XOp};

mod calls_ext;

pub mod ext;

use crate::jit::ids::{BcPos, TraceId};
use crate::jit::ir::{IrOp, IrType};
use crate::jit::link::LinkType;
use crate::jit::world::{TraceCode, World};
use crate::vm::object::{Frame, FrameKind, Thread};
use crate::vm::{Lua, Value};
use compile::{CallFn, EndAction, EqKind, FpFn, IntCmp, KeyKind, NumCmp, Restore, ValKind};
use std::cell::Cell;

/// How a run ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExecOutcome {
    /// A guard failed in trace `trace` at `exit` (no side trace attached); the snapshot
    /// was restored and the interpreter resumes at `pc`.
    Exit {
        /// The trace.
        trace: TraceId,
        /// Exit (snapshot) number.
        exit: u16,
        /// Resume position.
        pc: Option<BcPos>,
        /// Stack index of trace slot 0 of the frame the trace ended in.
        base0: usize,
        /// Stack index of slot 0 of the exit's snapshot numbering (below `base0` when
        /// the exit rebuilt inlined frames).
        snap_base0: usize,
    },
    /// The trace linked back to the interpreter; resume at `pc`.
    Done {
        /// Resume position.
        pc: Option<BcPos>,
        /// Stack index of trace slot 0 of the frame the trace ended in.
        base0: usize,
        /// The trace that ended with a `stitch` link (the interpreter runs the call at
        /// `pc`, then the stitched continuation).
        stitched: Option<TraceId>,
    },
}

/// Whether the executor can run `op`.
pub fn supported(op: IrOp) -> bool {
    use IrOp::*;
    matches!(
        op,
        NOP | LOOP
            | PHI
            | BASE
            | SLOAD
            | ADD
            | SUB
            | MUL
            | DIV
            | MOD
            | ADDOV
            | SUBOV
            | MULOV
            | BAND
            | POW
            | NEG
            | ABS
            | CONV
            | LT
            | GE
            | LE
            | GT
            | ULT
            | UGE
            | ULE
            | UGT
            | EQ
            | NE
            | KPRI
            | KINT
            | KNUM
            | KGC
            | KSLOT
            | KPTR
            | KKPTR
            | KNULL
            | KINT64
            | RENAME
            | FLOAD
            | HREFK
            | HLOAD
            | TNEW
            | RETF
            | AREF
            | ALOAD
            | ASTORE
            | FPMATH
            | MIN
            | MAX
            | CALLN
            | UREFO
            | ULOAD
            | USTORE
            | ALEN
            | HREF
            | NEWREF
            | HSTORE
            | TBAR
            | TDUP
            | TOSTR
            | BUFHDR
            | BUFPUT
            | BUFSTR
            | CARG
            | CALLL
            | HIOP
            | VLOAD
            | FREF
            | FSTORE
            | STRREF
            | XLOAD
            | SNEW
    )
}

/// The compiled form of trace `id`, if it has one.
pub fn code_of(world: &World, id: TraceId) -> Option<&ExecCode> {
    match world.code.get(id) {
        Some(TraceCode::Portable(c)) => Some(c),
        None => None,
    }
}

/// Whether the executor runs trace `id` (decided once, when the trace was linked; see
/// [`compile::link`]): traces whose snapshots hold continuation frames, that link by
/// down-recursion, or that allocate inside a loop are left to the interpreter.
pub fn runnable(world: &World, id: TraceId) -> bool {
    code_of(world, id).is_some_and(|c| c.runnable)
}

/// The embedding limits a run observes at its loop back-edges.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fuel {
    /// Back-edges (loop iterations, trace-to-trace links) still allowed; the run returns
    /// to the interpreter through the loop snapshot when it reaches zero.
    pub left: u64,
    /// The memory cap: the run returns to the interpreter at a back-edge once the heap
    /// is larger.
    pub mem_cap: Option<usize>,
}

impl Fuel {
    /// No limits.
    pub const UNLIMITED: Fuel = Fuel {
        left: u64::MAX,
        mem_cap: None,
    };

    /// Charges one back-edge; false when a limit is reached (nothing is charged then).
    #[inline]
    fn charge(&mut self, lua: &Lua) -> bool {
        if self.left == 0 {
            return false;
        }
        if let Some(cap) = self.mem_cap {
            if lua.gc_bytes() > cap {
                return false;
            }
        }
        self.left -= 1;
        true
    }
}

/// Whether the run may take another back-edge: the fuel allows it and the trace has not
/// allocated more than [`ext::ALLOC_BUDGET`] objects in this run (the collector is
/// paused while a trace runs; returning to the interpreter lets it catch up).
#[inline]
fn go_on(fuel: &mut Fuel, lua: &Lua, xs: &ext::ExtState) -> bool {
    xs.allocs <= ext::ALLOC_BUDGET && fuel.charge(lua)
}

// ---- Per-op semantics, shared by the run loop (one small function per behaviour). ----

/// Converts raw bits of kind `k` to a Lua value.
#[inline]
fn to_value(bits: u64, k: ValKind) -> Value {
    match k {
        ValKind::Int => Value::num(bits as i64 as i32 as f64),
        ValKind::Num => Value::num(f64::from_bits(bits)),
        ValKind::Raw => Value(bits),
    }
}

/// An `i32` register as raw bits.
#[inline]
fn int_bits(i: i32) -> u64 {
    i as i64 as u64
}

/// The `i32` in a register.
#[inline]
fn as_int(bits: u64) -> i32 {
    bits as i64 as i32
}

/// The `f64` in a register.
#[inline]
fn as_num(bits: u64) -> f64 {
    f64::from_bits(bits)
}

/// Whether `v` has IR type `ty` (the recorder's rule).
#[inline]
fn type_ok(v: Value, ty: IrType) -> bool {
    match ty {
        IrType::Num => v.is_num(),
        IrType::Str => v.is_str(),
        IrType::Tab => v.is_tab(),
        IrType::Func => v.is_func(),
        IrType::Nil => v.is_nil(),
        _ => super::record::type_ok(v, ty),
    }
}

/// The value in slot `slot` of the trace's frame at `base0` (nil beyond the stack).
#[inline]
fn slot_value(th: &Thread, base0: usize, slot: u16) -> Value {
    th.stack
        .get(base0 + slot as usize)
        .copied()
        .unwrap_or(Value::NIL)
}

/// Upvalue `i` of closure `c`, if it is a Lua closure with that many upvalues.
fn upval_of(c: Value, i: usize) -> Option<crate::vm::object::UpRef> {
    match c.as_func()?.kind() {
        crate::vm::object::FuncKind::Lua { upvals, .. } => upvals.get(i).copied(),
        _ => None,
    }
}

/// `func.env`.
fn fload_env(x: Value) -> u64 {
    x.as_func()
        .map_or(Value::NIL.0, |f| Value::tab(f.get_mut().env).0)
}

/// `tab.meta`, as "has a metatable".
fn fload_meta(x: Value) -> u64 {
    x.as_tab().map_or(1, |t| t.get_mut().meta.is_some() as u64)
}

/// `str.len`.
fn fload_strlen(x: Value) -> u64 {
    x.as_str()
        .map_or(0, |s| int_bits(s.as_bytes().len() as i32))
}

/// `tab.hmask`.
fn fload_hmask(x: Value) -> u64 {
    x.as_tab()
        .map_or(0, |t| int_bits(crate::jit::record::hmask_of(t)))
}

/// Table length.
fn alen(x: Value) -> u64 {
    x.as_tab().map_or(0, |t| int_bits(t.get_mut().len() as i32))
}

/// Looks `key` up in table `t` (nil if `t` is not a table).
#[inline]
fn table_get(t: Value, key: Value) -> Value {
    t.as_tab().map_or(Value::NIL, |t| t.get_mut().get(key))
}

/// `ALOAD`: looks up the key in register bits `kb` of kind `kk` in table `t`, through
/// the table's int and string fast paths (same results as a generic `get`).
#[inline]
fn array_get(t: Value, kb: u64, kk: KeyKind) -> Value {
    let Some(t) = t.as_tab() else {
        return Value::NIL;
    };
    let t = t.get_mut();
    match kk {
        KeyKind::Int => t.get_int(as_int(kb) as i64),
        KeyKind::Num => t.get(Value::num(as_num(kb))),
        KeyKind::Str => match Value(kb).as_str() {
            Some(s) => t.get_str(s),
            None => t.get(Value(kb)),
        },
        KeyKind::Raw => t.get(Value(kb)),
    }
}

/// `ASTORE`: stores `v` under the key in register bits `kb` of kind `kk` (int keys are
/// widened to numbers; anything else is stored as the boxed value it is).
#[inline]
fn array_set(t: Value, kb: u64, kk: KeyKind, v: Value) {
    let Some(t) = t.as_tab() else {
        return;
    };
    let t = t.get_mut();
    match kk {
        KeyKind::Int => t.set_int(as_int(kb) as i64, v),
        KeyKind::Str => match Value(kb).as_str() {
            Some(s) => t.set_str(s, v),
            None => t.set(Value(kb), v),
        },
        KeyKind::Num | KeyKind::Raw => t.set(Value(kb), v),
    }
}

/// `FPMATH`.
fn fpmath(x: f64, f: FpFn) -> f64 {
    match f {
        FpFn::Floor => x.floor(),
        FpFn::Ceil => x.ceil(),
        FpFn::Trunc => x.trunc(),
        FpFn::Sqrt => x.sqrt(),
        FpFn::Ln => x.ln(),
        FpFn::Log2 => x.log2(),
        FpFn::Ident => x,
    }
}

/// `CALLN` of a math function.
fn calln(x: f64, f: CallFn) -> f64 {
    match f {
        CallFn::Sin => x.sin(),
        CallFn::Cos => x.cos(),
        CallFn::Tan => x.tan(),
        CallFn::Exp => x.exp(),
        CallFn::Nan => f64::NAN,
    }
}

/// A number comparison guard.
#[inline]
fn cmp_num(a: f64, b: f64, c: NumCmp) -> bool {
    match c {
        NumCmp::Lt => a < b,
        NumCmp::Ge => a >= b,
        NumCmp::Le => a <= b,
        NumCmp::Gt => a > b,
        NumCmp::ULt => a.is_nan() || b.is_nan() || a < b,
        NumCmp::UGe => a.is_nan() || b.is_nan() || a >= b,
        NumCmp::ULe => a.is_nan() || b.is_nan() || a <= b,
        NumCmp::UGt => a.is_nan() || b.is_nan() || a > b,
    }
}

/// An integer comparison guard.
#[inline]
fn cmp_int(a: i32, b: i32, c: IntCmp) -> bool {
    match c {
        IntCmp::Lt => a < b,
        IntCmp::Ge => a >= b,
        IntCmp::Le => a <= b,
        IntCmp::Gt => a > b,
    }
}

/// An equality guard's comparison.
#[inline]
fn equal(x: u64, y: u64, k: EqKind) -> bool {
    match k {
        EqKind::Num => as_num(x) == as_num(y),
        EqKind::Int => x as i32 == y as i32,
        EqKind::Raw => x == y,
    }
}

/// `RETF`: return below the trace's frame. The caller must be the expected one and no
/// upvalue may still point into the callee's frame; then the callee's VM frame is
/// popped and `base0` moves to the caller's.
fn retf(th: &mut Thread, want_pc: u32, base0: &mut usize) -> bool {
    let n = th.frames.len();
    let callee_fslot = th.frames.last().map_or(0, |f| f.fslot as usize);
    let caller_ok = n >= 2
        && th.frames[n - 2].pc == want_pc
        && th.frames[n - 1].kind == FrameKind::Lua
        && th.frames[n - 2].kind == FrameKind::Lua
        && !th.open_upvals.iter().any(|u| u.slot >= callee_fslot);
    if caller_ok {
        th.frames.pop();
        *base0 = th.frames[n - 2].base as usize - 2;
    }
    caller_ok
}

/// Runs one instruction; false if it is a guard that failed.
#[inline(always)]
fn step(
    ins: &XIns,
    regs: &[Cell<u64>],
    lua: &mut Lua,
    th: &mut Thread,
    base0: &mut usize,
    xs: &mut ext::ExtState,
) -> bool {
    // SAFETY (for every `get_unchecked` below): `compile` checked that every register
    // an op reads or writes is inside the trace's register file (`registers_in_range`),
    // and `regs` is that file.
    macro_rules! r {
        ($i:expr) => {
            unsafe { regs.get_unchecked($i as usize) }.get()
        };
    }
    macro_rules! n {
        ($i:expr) => {
            as_num(r!($i))
        };
    }
    macro_rules! i {
        ($i:expr) => {
            as_int(r!($i))
        };
    }
    let out: u64 = match ins.op {
        XOp::Zero => 0,
        XOp::Mov { a } => r!(a),
        XOp::AddN { a, b } => (n!(a) + n!(b)).to_bits(),
        XOp::SubN { a, b } => (n!(a) - n!(b)).to_bits(),
        XOp::MulN { a, b } => (n!(a) * n!(b)).to_bits(),
        XOp::DivN { a, b } => (n!(a) / n!(b)).to_bits(),
        XOp::ModN { a, b } => crate::vm::interp::lua_mod(n!(a), n!(b)).to_bits(),
        XOp::PowN { a, b } => n!(a).powf(n!(b)).to_bits(),
        XOp::AddI { a, b } => int_bits(i!(a).wrapping_add(i!(b))),
        XOp::SubI { a, b } => int_bits(i!(a).wrapping_sub(i!(b))),
        XOp::MulI { a, b } => int_bits(i!(a).wrapping_mul(i!(b))),
        XOp::IntArith { a, b, op } => match calls_ext::int_arith(op, i!(a), i!(b)) {
            Some(x) => int_bits(x),
            None => return false,
        },
        XOp::CmpI { a, b, cmp } => return cmp_int(i!(a), i!(b), cmp),
        XOp::CmpN { a, b, cmp } => return cmp_num(n!(a), n!(b), cmp),
        XOp::Eq { a, b, kind, ne } => return equal(r!(a), r!(b), kind) != ne,
        XOp::SloadRaw { slot } => slot_value(th, *base0, slot).0,
        XOp::SloadChk { slot, ty } => {
            let v = slot_value(th, *base0, slot);
            if !type_ok(v, ty) {
                return false;
            }
            v.0
        }
        XOp::SloadInt { slot } => {
            let v = slot_value(th, *base0, slot);
            int_bits(v.as_num().unwrap_or(0.0) as i32)
        }
        XOp::SloadIntChk { slot, ty } => {
            let v = slot_value(th, *base0, slot);
            if !type_ok(v, ty) {
                return false;
            }
            int_bits(v.as_num().unwrap_or(0.0) as i32)
        }
        XOp::Retf { want_pc } => {
            if !retf(th, want_pc, base0) {
                return false;
            }
            0
        }
        XOp::FloadEnv { a } => fload_env(Value(r!(a))),
        XOp::FloadMeta { a } => fload_meta(Value(r!(a))),
        XOp::NoMeta { a } => return fload_meta(Value(r!(a))) as i32 == 0,
        XOp::FloadStrLen { a } => fload_strlen(Value(r!(a))),
        XOp::StrByte { s, at } => Value(r!(s))
            .as_str()
            .and_then(|st| st.as_bytes().get(as_int(r!(at)) as usize).copied())
            .map_or(0, |b| int_bits(i32::from(b))),
        XOp::FloadHmask { a } => fload_hmask(Value(r!(a))),
        XOp::Alen { a } => alen(Value(r!(a))),
        XOp::Urefo { a, idx } => {
            // The closure; the guard checks the upvalue index exists.
            let c = Value(r!(a));
            if upval_of(c, idx as usize).is_none() {
                return false;
            }
            c.0
        }
        XOp::Uload { clo, idx, ty } => match upval_of(Value(r!(clo)), idx as usize) {
            Some(u) => {
                let v = u.get_mut().get();
                if !type_ok(v, ty) {
                    return false;
                }
                v.0
            }
            None => return false,
        },
        XOp::Ustore { clo, idx, val, vk } => match upval_of(Value(r!(clo)), idx as usize) {
            Some(u) => {
                u.get_mut().set(to_value(r!(val), vk));
                0
            }
            None => return false,
        },
        XOp::Astore {
            tab,
            key,
            kk,
            val,
            vk,
        } => {
            array_set(Value(r!(tab)), r!(key), kk, to_value(r!(val), vk));
            0
        }
        XOp::Aload { tab, key, kk, ty } => {
            let v = array_get(Value(r!(tab)), r!(key), kk);
            if !type_ok(v, ty) {
                return false;
            }
            v.0
        }
        XOp::Hrefk { tab, key, hint } => {
            let (t, k) = (Value(r!(tab)), Value(r!(key)));
            let hinted = t.as_tab().and_then(|t| {
                let n = t.get_mut().nodes.get(hint as usize).copied()?;
                (n.key == k).then_some((hint as usize, n.val))
            });
            match hinted.or_else(|| t.as_tab().and_then(|t| t.get_mut().node_of(k))) {
                Some((i, v)) if !v.is_nil() => i as u64,
                Some(_) => return false,
                None if table_get(t, k).is_nil() => return false,
                None => u64::MAX,
            }
        }
        XOp::Hload { tab, key, node, ty } => {
            let (t, k) = (Value(r!(tab)), Value(r!(key)));
            let at = t
                .as_tab()
                .and_then(|t| t.get_mut().nodes.get(r!(node) as usize).copied())
                .filter(|n| n.key == k);
            let v = match at {
                Some(n) => n.val,
                None => table_get(t, k),
            };
            if !type_ok(v, ty) {
                return false;
            }
            v.0
        }
        XOp::Tnew => {
            xs.allocs += 1;
            Value::tab(lua.new_table(0, 0)).0
        }
        // Never compiled (`compile` rejects the trace).
        XOp::Unsupported => return false,
        XOp::Konst { bits } => bits,
        XOp::Href { tab, key, kk } => ext::href(Value(r!(tab)), to_value(r!(key), kk)),
        XOp::HloadV { tab, key, kk, ty } => {
            let v = ext::hload(Value(r!(tab)), to_value(r!(key), kk));
            if !type_ok(v, ty) {
                return false;
            }
            v.0
        }
        XOp::Hstore {
            tab,
            key,
            kk,
            val,
            vk,
        } => {
            let (t, k, v) = (Value(r!(tab)), to_value(r!(key), kk), to_value(r!(val), vk));
            if !ext::hstore(t, k, v) {
                return false;
            }
            0
        }
        XOp::FloadAsize { a } => ext::asize(Value(r!(a))),
        XOp::TabField { a, f } => ext::tab_field(Value(r!(a)), f),
        XOp::Tdup { a } => match Value(r!(a)).as_tab() {
            Some(t) => {
                xs.allocs += 1;
                let copy = t.get_mut().duplicate();
                Value::tab(lua.adopt_table(copy)).0
            }
            None => return false,
        },
        XOp::StrCmp { a, b } => {
            let bytes = |x: u64| Value(x).as_str().map_or(&[][..], |s| s.as_bytes());
            int_bits(bytes(r!(a)).cmp(bytes(r!(b))) as i32)
        }
        XOp::StrSub { s, at, n } => {
            let (at, n) = (
                as_int(r!(at)).max(0) as usize,
                as_int(r!(n)).max(0) as usize,
            );
            let bytes = Value(r!(s))
                .as_str()
                .and_then(|st| st.as_bytes().get(at..at.saturating_add(n)))
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            xs.allocs += 1;
            lua.str_value(&bytes).0
        }
        XOp::Tostr { a, ak, char } => {
            let x = to_value(r!(a), ak).as_num().unwrap_or(0.0);
            xs.allocs += 1;
            if char {
                // `TOSTR CHAR`: the recorder's `ULE x +255` guard keeps x a byte.
                lua.str_value(&[x as u8]).0
            } else {
                lua.str_value(ext::number_text(x).as_bytes()).0
            }
        }
        XOp::Bufhdr => {
            xs.buf.clear();
            0
        }
        XOp::Bufput { val, vk } => {
            if !ext::buf_put(&mut xs.buf, to_value(r!(val), vk)) {
                return false;
            }
            0
        }
        XOp::Bufstr => {
            xs.allocs += 1;
            lua.str_value(&xs.buf).0
        }
        XOp::CallNext { tab, pos } => {
            let next = ext::vm_next(Value(r!(tab)), i!(pos));
            xs.set_next(ins.dst, next);
            0
        }
        XOp::Hiop { call } => xs.next_of(call).map_or(0, |(p, _, _)| int_bits(p as i32)),
        XOp::Vload { call, key, ty } => {
            let v = match xs.next_of(call) {
                Some((_, k, v)) => {
                    if key {
                        k
                    } else {
                        v
                    }
                }
                None => Value::NIL,
            };
            if !type_ok(v, ty) {
                return false;
            }
            v.0
        }
        XOp::Fpmath { a, f } => fpmath(n!(a), f).to_bits(),
        XOp::Calln { a, f } => calln(n!(a), f).to_bits(),
        // As the interpreter's math.min/max: the first unless the second wins.
        XOp::Min { a, b } => {
            let (x, y) = (n!(a), n!(b));
            if y < x { y } else { x }.to_bits()
        }
        XOp::Max { a, b } => {
            let (x, y) = (n!(a), n!(b));
            if y > x { y } else { x }.to_bits()
        }
        XOp::Neg { a } => (-n!(a)).to_bits(),
        XOp::Abs { a } => n!(a).abs().to_bits(),
        XOp::ConvIntNum { a } => (i!(a) as f64).to_bits(),
        XOp::ConvNumInt { a, check } => {
            let f = n!(a);
            let i = f as i32;
            if check && i as f64 != f {
                return false;
            }
            int_bits(i)
        }
    };
    // SAFETY: see the top of this function.
    unsafe { regs.get_unchecked(ins.dst as usize) }.set(out);
    true
}

/// Writes snapshot `sn` back to the stack and rebuilds the VM frames of inlined calls;
/// `base0` becomes that of the innermost frame. Returns the snapshot's pc.
fn restore(
    c: &ExecCode,
    sn: u16,
    regs: &[Cell<u64>],
    th: &mut Thread,
    base0: &mut usize,
) -> Option<BcPos> {
    let snap = c.snaps.get(sn as usize)?;
    let b0 = *base0;
    for e in &c.restore[snap.start as usize..snap.end as usize] {
        match *e {
            Restore::Slot { slot, reg, kind } => {
                if let Some(s) = th.stack.get_mut(b0 + slot as usize) {
                    *s = to_value(regs[reg as usize].get(), kind);
                }
            }
            Restore::Frame { slot, retpc, nres } => {
                if let Some(top) = th.frames.last_mut() {
                    top.pc = retpc;
                }
                let fslot = (b0 + slot as usize - 1) as u32;
                th.frames.push(Frame {
                    base: fslot + 2,
                    func: fslot,
                    fslot,
                    pc: 0,
                    nres,
                    kind: FrameKind::Lua,
                    top: 0,
                    cont: 0,
                });
                *base0 = fslot as usize;
            }
            Restore::VarargFrame { slot } => {
                *base0 = calls_ext::restore_vararg_frame(th, b0 + slot as usize);
            }
        }
    }
    snap.pc
}

/// Writes back the last snapshot (if any); returns its pc.
fn restore_last(
    c: &ExecCode,
    regs: &[Cell<u64>],
    th: &mut Thread,
    base0: &mut usize,
) -> Option<BcPos> {
    let sn = c.last_snap()?;
    restore(c, sn, regs, th, base0)
}

/// The PHI moves of the loop back-edge.
#[inline]
fn phi_moves(c: &ExecCode, regs: &[Cell<u64>]) {
    if !c.phis_parallel {
        for &(d, s) in c.phis.iter() {
            regs[d as usize].set(regs[s as usize].get());
        }
        return;
    }
    // Parallel copy through the scratch registers above the trace's own.
    let base = c.nregs as usize;
    for (i, &(_, s)) in c.phis.iter().enumerate() {
        regs[base + i].set(regs[s as usize].get());
    }
    for (i, &(d, _)) in c.phis.iter().enumerate() {
        regs[d as usize].set(regs[base + i].get());
    }
}

/// Where a taken exit continues.
enum Side<'w> {
    /// No side trace runs: report the exit.
    None,
    /// A side trace that links to the interpreter and has no code: resume there
    /// without reporting an exit.
    Interpreter,
    /// Continue in this side trace.
    Run(TraceId, &'w ExecCode),
}

/// The side trace attached to exit `sn` of the trace compiled as `c`.
#[inline]
fn side_of<'w>(world: &'w World, c: &ExecCode, sn: u16) -> Side<'w> {
    let Some(s) = c
        .exits
        .get(sn as usize)
        .and_then(|&e| world.exits.get(e))
        .and_then(|e| e.side)
    else {
        return Side::None;
    };
    match code_of(world, s) {
        Some(sc) if sc.runnable || sc.link_type == LinkType::Interpreter => {
            if sc.snaps.is_empty() {
                Side::Interpreter
            } else {
                Side::Run(s, sc)
            }
        }
        Some(_) => Side::None,
        None => match world.traces.get(s) {
            Some(h) if h.link_type == LinkType::Interpreter => Side::Interpreter,
            _ => Side::None,
        },
    }
}

/// Runs trace `id` on the running thread's stack with trace slot 0 at `base0`, in each
/// trace's own register file (entering copies and allocates nothing). `fuel` is charged
/// at every loop back-edge and trace-to-trace link.
pub fn run(
    world: &World,
    mut id: TraceId,
    lua: &mut Lua,
    mut base0: usize,
    fuel: &mut Fuel,
) -> ExecOutcome {
    let th = lua.th();
    let Some(mut c) = code_of(world, id) else {
        return ExecOutcome::Done {
            pc: None,
            base0,
            stitched: None,
        };
    };
    // Per-run state of the data ops (string buffer, pairs traversal, allocations).
    let mut xs = ext::ExtState::default();
    'trace: loop {
        let regs = &c.regs[..];
        let code = &c.code[..];
        let mut pc = 0usize;
        loop {
            while let Some(ins) = code.get(pc) {
                if step(ins, regs, lua, th, &mut base0, &mut xs) {
                    pc += 1;
                    continue;
                }
                // A guard failed: exit through its snapshot, or into its side trace.
                let sn = ins.snap;
                let snap_base0 = base0;
                let rpc = restore(c, sn, regs, th, &mut base0);
                match side_of(world, c, sn) {
                    Side::Run(s, sc) => {
                        id = s;
                        c = sc;
                        continue 'trace;
                    }
                    Side::Interpreter => {
                        return ExecOutcome::Done {
                            pc: rpc,
                            base0,
                            stitched: None,
                        };
                    }
                    Side::None => {
                        return ExecOutcome::Exit {
                            trace: id,
                            exit: sn,
                            pc: rpc,
                            base0,
                            snap_base0,
                        }
                    }
                }
            }
            // End of the IR: follow the link.
            match c.end {
                EndAction::LoopBack => {
                    phi_moves(c, regs);
                    if !go_on(fuel, lua, &xs) {
                        // Stop at the start of the next iteration (the loop snapshot).
                        let pc = match c.loop_snap {
                            Some(sn) => restore(c, sn, regs, th, &mut base0),
                            None => restore_last(c, regs, th, &mut base0),
                        };
                        return ExecOutcome::Done {
                            pc,
                            base0,
                            stitched: None,
                        };
                    }
                    pc = c.loop_at.unwrap_or(0) as usize;
                }
                EndAction::Restart => {
                    let last = restore_last(c, regs, th, &mut base0);
                    if !go_on(fuel, lua, &xs) {
                        return ExecOutcome::Done {
                            pc: last,
                            base0,
                            stitched: None,
                        };
                    }
                    pc = 0;
                }
                EndAction::ToTrace(target) => {
                    let last = restore_last(c, regs, th, &mut base0);
                    match target.and_then(|t| Some((t, code_of(world, t)?))) {
                        Some((t, tc)) if tc.runnable && go_on(fuel, lua, &xs) => {
                            id = t;
                            c = tc;
                            continue 'trace;
                        }
                        _ => {
                            return ExecOutcome::Done {
                                pc: last,
                                base0,
                                stitched: None,
                            }
                        }
                    }
                }
                EndAction::ToInterp { stitch } => {
                    let pc = restore_last(c, regs, th, &mut base0);
                    return ExecOutcome::Done {
                        pc,
                        base0,
                        stitched: stitch.then_some(id),
                    };
                }
                EndAction::Unlinked => {
                    return ExecOutcome::Done {
                        pc: None,
                        base0,
                        stitched: None,
                    }
                }
            }
        }
    }
}
