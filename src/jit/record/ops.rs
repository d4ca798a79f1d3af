//! Slots, constants, arithmetic and comparisons.
//!
//! Slot reads are lazy: the first read of a slot the trace has not written emits a typed
//! `SLOAD` (guarded with `T` unless the type is implied); writes only update the slot map.
//! Arithmetic is recorded in `num` (an int operand is widened with `CONV num.int`, int
//! constants become number constants), as LuaJIT does on x86-64 without dual-number mode;
//! only for-loop counters are narrowed to `int` (see `loops.rs`). Bytecode number
//! constants that are int32 values become `int` constants ([`knumint`], as LuaJIT does), so
//! a comparison of two int-typed operands — a loop counter and `80` — is an `int`
//! comparison with no conversion; any `num` operand makes it a `num` comparison. A
//! comparison becomes a guard asserting the direction the live values take, preceded by a
//! snapshot whose pc is the other direction (`comp_prep` / `comp_fixup`).

use super::{LiveFrame, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{conv_lit, sload, IrOp, IrRef, IrType, REF_FALSE, REF_NIL, REF_TRUE};
use crate::jit::opt::Emitter;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::value::LuaType;
use crate::vm::Value;

/// A recorder failure: the error and its message argument.
pub type RecErr = (TraceError, Option<String>);

/// The IR type of a live value.
pub(crate) fn type_of(v: Value) -> IrType {
    match v.type_of() {
        LuaType::Nil => IrType::Nil,
        LuaType::Boolean => {
            if v.truthy() {
                IrType::True
            } else {
                IrType::False
            }
        }
        LuaType::Number => IrType::Num,
        LuaType::String => IrType::Str,
        LuaType::Table => IrType::Tab,
        LuaType::Function => IrType::Func,
        LuaType::Userdata => IrType::Udata,
        LuaType::Thread => IrType::Thread,
        _ => IrType::LightUd,
    }
}

/// Whether `v` is exactly an int32 (not `-0`).
fn is_int32(v: f64) -> bool {
    v == v.trunc()
        && v >= i32::MIN as f64
        && v <= i32::MAX as f64
        && !(v == 0.0 && v.is_sign_negative())
}

/// A number constant as LuaJIT interns bytecode number constants: an `int` constant when
/// the value is an int32 (and not `-0`), else a `num` constant. Comparing an int-typed
/// ref with such a constant is then an int comparison (`int NE 0001 +80`).
pub(crate) fn knumint(data: &mut TraceData, v: f64) -> IrRef {
    if is_int32(v) {
        data.ir.kint(v as i32)
    } else {
        data.ir.knum(v)
    }
}

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

impl Recorder {
    pub(crate) fn emitter<'a>(&self, data: &'a mut TraceData) -> Emitter<'a> {
        Emitter::new(&mut data.ir, self.flags)
    }

    /// The live value of local `s` of the current frame (nil beyond the stack).
    pub(crate) fn live(&self, f: &LiveFrame<'_>, s: usize) -> Value {
        f.stack
            .get(self.baseslot + s)
            .copied()
            .unwrap_or(Value::NIL)
    }

    /// The ref for local `s` of the current frame, loading it if needed.
    pub(crate) fn getslot(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        s: usize,
    ) -> Result<IrRef, RecErr> {
        self.getslot_abs(data, f, self.baseslot + s)
    }

    /// The ref for trace slot `idx` (absolute numbering), loading it if needed.
    pub(crate) fn getslot_abs(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        idx: usize,
    ) -> Result<IrRef, RecErr> {
        if idx >= self.slots.len() || idx > 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        if let Some((r, _)) = self.slots[idx] {
            return Ok(r);
        }
        let v = f.stack.get(idx).copied().unwrap_or(Value::NIL);
        let ty = type_of(v);
        let r = self
            .emitter(data)
            .guard(IrOp::SLOAD, ty, idx as u16, sload::TYPECHECK)
            .map_err(|e| (e, None))?;
        self.slots[idx] = Some((r, 0));
        Ok(r)
    }

    /// Writes local `s` of the current frame.
    pub(crate) fn setslot(&mut self, s: usize, r: IrRef) {
        self.slots[self.baseslot + s] = Some((r, 0));
        if s >= self.maxslot {
            if s > self.maxslot {
                self.slots[self.baseslot + s - 1] = None;
            }
            self.maxslot = s + 1;
        }
    }

    /// The IR type of `r` (constants included).
    pub(crate) fn ty(&self, data: &TraceData, r: IrRef) -> IrType {
        match data.ir.at(r).ty {
            // A loaded byte is an int to everything the recorder does with it.
            IrType::U8 => IrType::Int,
            t => t,
        }
    }

    /// `r` as a number: int constants become number constants, int refs are widened.
    pub(crate) fn tonum(&self, data: &mut TraceData, r: IrRef) -> Result<IrRef, RecErr> {
        if self.ty(data, r) != IrType::Int {
            return Ok(r);
        }
        if let Some(k) = data.ir.int_of(r) {
            return Ok(data.ir.knum(k as f64));
        }
        self.emitter(data)
            .op(
                IrOp::CONV,
                IrType::Num,
                r.0,
                conv_lit(IrType::Num, IrType::Int),
            )
            .map_err(|e| (e, None))
    }

    /// Binary arithmetic (`ADDVN` … `MODVV`, `POW`).
    pub(crate) fn rec_arith(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<(), RecErr> {
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        let b = bc::b(ins) as usize;
        let c = bc::c(ins) as usize;
        let n = op as u8;
        let bs = self.baseslot;
        let live = |s: usize| {
            f.stack
                .get(bs + s)
                .copied()
                .unwrap_or(Value::NIL)
                .as_num()
                .unwrap_or(f64::NAN)
        };
        let ((x, vx), (y, vy)) = if op == Op::POW || n >= Op::ADDVV as u8 {
            (
                (self.getslot(data, f, b)?, live(b)),
                (self.getslot(data, f, c)?, live(c)),
            )
        } else {
            let kv = f.knum[c].as_num_unchecked();
            let k = knumint(data, kv);
            let s = (self.getslot(data, f, b)?, live(b));
            if n >= Op::ADDNV as u8 {
                ((k, kv), s)
            } else {
                (s, (k, kv))
            }
        };
        if !(self.ty(data, x) == IrType::Num || self.ty(data, x) == IrType::Int)
            || !(self.ty(data, y) == IrType::Num || self.ty(data, y) == IrType::Int)
        {
            return Err(nyi(op));
        }
        let irop = match op {
            Op::ADDVN | Op::ADDNV | Op::ADDVV => IrOp::ADD,
            Op::SUBVN | Op::SUBNV | Op::SUBVV => IrOp::SUB,
            Op::MULVN | Op::MULNV | Op::MULVV => IrOp::MUL,
            Op::DIVVN | Op::DIVNV | Op::DIVVV => IrOp::DIV,
            Op::MODVN | Op::MODNV | Op::MODVV => IrOp::MOD,
            _ => IrOp::POW,
        };
        let ints = self.ty(data, x) == IrType::Int && self.ty(data, y) == IrType::Int;
        let narrow = self.flags.has(crate::jit::params::OptFlags::NARROW);
        let m = |e: TraceError| (e, None);
        let r = match irop {
            // Integer narrowing (LuaJIT's lj_opt_narrow_arith, without dual numbers): an
            // int + int or int - int whose live result is an int32 is an overflow-checked
            // int op.
            IrOp::ADD | IrOp::SUB
                if ints && is_int32(if irop == IrOp::ADD { vx + vy } else { vx - vy }) =>
            {
                let ov = if irop == IrOp::ADD {
                    IrOp::ADDOV
                } else {
                    IrOp::SUBOV
                };
                self.emitter(data)
                    .guard(ov, IrType::Int, x.0, y.0)
                    .map_err(m)?
            }
            // int % k (constant k > 0): a power of two is a BAND (floored modulo equals
            // the two's complement mask), anything else an int MOD.
            IrOp::MOD if ints && narrow && data.ir.int_of(y).is_some_and(|k| k > 0) => {
                let k = data.ir.int_of(y).unwrap_or(1);
                if k & (k - 1) == 0 {
                    let mask = data.ir.kint(k - 1);
                    self.emitter(data)
                        .op(IrOp::BAND, IrType::Int, x.0, mask.0)
                        .map_err(m)?
                } else {
                    self.emitter(data)
                        .op(IrOp::MOD, IrType::Int, x.0, y.0)
                        .map_err(m)?
                }
            }
            // x ^ k for a constant k: 0 → 1, 1 → x, 2 → x * x (LuaJIT's narrowing and
            // folding of POW); anything else a number POW.
            IrOp::POW if data.ir.int_of(y).is_some_and(|k| (0..=2).contains(&k)) => {
                let x = self.tonum(data, x)?;
                match data.ir.int_of(y) {
                    Some(0) => data.ir.knum(1.0),
                    Some(1) => x,
                    _ => self
                        .emitter(data)
                        .op(IrOp::MUL, IrType::Num, x.0, x.0)
                        .map_err(m)?,
                }
            }
            // Number modulo as LuaJIT emits it: b - floor(b / c) * c.
            IrOp::MOD => {
                let x = self.tonum(data, x)?;
                let y = self.tonum(data, y)?;
                let mut e = self.emitter(data);
                let q = e.op(IrOp::DIV, IrType::Num, x.0, y.0).map_err(m)?;
                let fl = e.op(IrOp::FPMATH, IrType::Num, q.0, 0).map_err(m)?;
                let p = e.op(IrOp::MUL, IrType::Num, fl.0, y.0).map_err(m)?;
                e.op(IrOp::SUB, IrType::Num, x.0, p.0).map_err(m)?
            }
            _ => {
                let x = self.tonum(data, x)?;
                let y = self.tonum(data, y)?;
                self.emitter(data)
                    .op(irop, IrType::Num, x.0, y.0)
                    .map_err(m)?
            }
        };
        self.setslot(a, r);
        Ok(())
    }

    /// Unary minus.
    pub(crate) fn rec_unm(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<(), RecErr> {
        let d = bc::d(ins) as usize;
        let x = self.getslot(data, f, d)?;
        if !matches!(self.ty(data, x), IrType::Num | IrType::Int) {
            return Err(nyi(Op::UNM));
        }
        if self.ty(data, x) == IrType::Int {
            // -i of an int: `NE i 0` (0 would give -0, a number) and `SUBOV 0 i`, unless
            // the live value is 0 or INT_MIN (then the number path, as LuaJIT does).
            let v = self.live(f, d).as_num().unwrap_or(0.0);
            if v != 0.0 && v != i32::MIN as f64 {
                let zero = data.ir.kint(0);
                let m = |e: TraceError| (e, None);
                let mut e = self.emitter(data);
                e.guard(IrOp::NE, IrType::Int, x.0, zero.0).map_err(m)?;
                let r = e.guard(IrOp::SUBOV, IrType::Int, zero.0, x.0).map_err(m)?;
                self.setslot(bc::a(ins) as usize, r);
                return Ok(());
            }
        }
        let x = self.tonum(data, x)?;
        let k = data.ir.knum(-0.0);
        let r = self
            .emitter(data)
            .op(IrOp::NEG, IrType::Num, x.0, k.0)
            .map_err(|e| (e, None))?;
        self.setslot(bc::a(ins) as usize, r);
        Ok(())
    }

    /// Snapshot before a comparison guard (LuaJIT's `rec_comp_prep`).
    fn comp_prep(&mut self, data: &mut TraceData) {
        if data.snaps.len() == 1 && data.snaps.snaps[0].r == data.ir.nins() {
            data.ir
                .emit_raw(crate::jit::ir::IrIns::new(IrOp::NOP, IrType::Nil, 0, 0));
        }
        self.snap_add(data);
    }

    /// After a comparison: the snapshot resumes at the direction not taken; the next
    /// instruction needs a snapshot; dead slots leave the snapshot.
    fn comp_fixup(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, pc: usize, taken: bool) {
        let jmp = f.code[pc + 1];
        let other = if taken {
            pc + 2
        } else {
            (pc as isize + 2 + bc::j(jmp) as isize) as usize
        };
        if let Some(s) = data.snaps.snaps.last_mut() {
            s.pc = Some(crate::jit::ids::BcPos {
                proto: self.cur_key,
                pc: other as u32,
            });
        }
        self.needsnap = true;
        let ja = bc::a(jmp) as usize;
        if ja < self.maxslot {
            self.maxslot = ja;
        }
        self.snap_shrink(data, f.code);
    }

    /// An ordering comparison of two strings, as LuaJIT records it: `CALLN lj_str_cmp`
    /// of both (bytewise, like the interpreter) and an int guard of its sign against 0
    /// that asserts the outcome seen while recording.
    #[allow(clippy::too_many_arguments)]
    fn rec_str_comp(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        op: Op,
        (ra, va): (IrRef, Value),
        (rd, vd): (IrRef, Value),
        both_const: bool,
    ) -> Result<(), RecErr> {
        use std::cmp::Ordering;
        let bytes = |v: Value| {
            v.as_str()
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default()
        };
        let ord = bytes(va).cmp(&bytes(vd));
        // Which way the bytecode goes (its condition) and which int guard holds.
        let (cond, held) = match op {
            Op::ISLT => (ord == Ordering::Less, IrOp::LT),
            Op::ISGE => (ord != Ordering::Less, IrOp::GE),
            Op::ISLE => (ord != Ordering::Greater, IrOp::LE),
            _ => (ord == Ordering::Greater, IrOp::GT),
        };
        if both_const {
            return Ok(());
        }
        let guard = if cond {
            held
        } else {
            match held {
                IrOp::LT => IrOp::GE,
                IrOp::GE => IrOp::LT,
                IrOp::LE => IrOp::GT,
                _ => IrOp::LE,
            }
        };
        self.comp_prep(data);
        let m = |e: TraceError| (e, None);
        let id = crate::jit::ir::IR_CALLS
            .iter()
            .position(|c| *c == "lj_str_cmp")
            .unwrap_or(0) as u16;
        let mut e = self.emitter(data);
        let carg = e.op(IrOp::CARG, IrType::Nil, ra.0, rd.0).map_err(m)?;
        let cmp = e.op(IrOp::CALLN, IrType::Int, carg.0, id).map_err(m)?;
        let zero = data.ir.kint(0);
        self.emitter(data)
            .guard(guard, IrType::Int, cmp.0, zero.0)
            .map_err(m)?;
        self.comp_fixup(data, f, pc, cond);
        Ok(())
    }

    /// Comparisons `ISLT` … `ISNEP`.
    pub(crate) fn rec_comp(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<(), RecErr> {
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        let d = bc::d(ins) as usize;
        let va = self.live(f, a);
        let ra = self.getslot(data, f, a)?;
        let (rd, vd) = match op {
            Op::ISEQS | Op::ISNES => {
                let v = f.kgc[d];
                let s = v
                    .as_str()
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default();
                let k = data.ir.kstr(&s);
                // The executor materialises GC constants from this list.
                self.gcvals.push((k, v));
                (k, v)
            }
            Op::ISEQN | Op::ISNEN => {
                let v = f.knum[d];
                (knumint(data, v.as_num_unchecked()), v)
            }
            Op::ISEQP | Op::ISNEP => {
                let (r, v) = match d {
                    0 => (REF_NIL, Value::NIL),
                    1 => (REF_FALSE, Value::FALSE),
                    _ => (REF_TRUE, Value::TRUE),
                };
                (r, v)
            }
            _ => {
                let v = self.live(f, d);
                (self.getslot(data, f, d)?, v)
            }
        };
        let both_const = ra.is_const() && rd.is_const();
        let ta = self.ty(data, ra);
        let td = self.ty(data, rd);
        let isnum = |t: IrType| matches!(t, IrType::Num | IrType::Int);
        match op {
            Op::ISLT | Op::ISGE | Op::ISLE | Op::ISGT if ta == IrType::Str && td == IrType::Str => {
                return self.rec_str_comp(data, f, pc, op, (ra, va), (rd, vd), both_const);
            }
            Op::ISLT | Op::ISGE | Op::ISLE | Op::ISGT => {
                if !(isnum(ta) && isnum(td)) {
                    return Err(nyi(op));
                }
                let (x, y) = (va.as_num_unchecked(), vd.as_num_unchecked());
                let cond = match op {
                    Op::ISLT => x < y,
                    // Not-less / not-less-or-equal: true when unordered (NaN).
                    Op::ISGE => x.partial_cmp(&y) != Some(std::cmp::Ordering::Less),
                    Op::ISLE => x <= y,
                    _ => !matches!(
                        x.partial_cmp(&y),
                        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                    ),
                };
                if both_const {
                    return Ok(());
                }
                let (mut ra, mut rd, mut t) = (ra, rd, IrType::Int);
                if !(ta == IrType::Int && td == IrType::Int) {
                    ra = self.tonum(data, ra)?;
                    rd = self.tonum(data, rd)?;
                    t = IrType::Num;
                }
                self.comp_prep(data);
                let base = match op {
                    Op::ISLT => 0u8,
                    Op::ISGE => 1,
                    Op::ISLE => 2,
                    _ => 3,
                };
                let mut irop = base;
                if t == IrType::Num {
                    if irop & 1 != 0 {
                        irop ^= 4;
                    }
                    // The guard asserts what happened: the comparison's truth value.
                    let truth = match base {
                        0 => x < y,
                        1 => x >= y,
                        2 => x <= y,
                        _ => x > y,
                    };
                    let truth = if irop & 4 != 0 {
                        truth || x.is_nan() || y.is_nan()
                    } else {
                        truth
                    };
                    if !truth {
                        irop ^= 5;
                    }
                } else {
                    let truth = match base {
                        0 => x < y,
                        1 => x >= y,
                        2 => x <= y,
                        _ => x > y,
                    };
                    if !truth {
                        irop ^= 1;
                    }
                }
                let iro = [
                    IrOp::LT,
                    IrOp::GE,
                    IrOp::LE,
                    IrOp::GT,
                    IrOp::ULT,
                    IrOp::UGE,
                    IrOp::ULE,
                    IrOp::UGT,
                ][irop as usize];
                self.emitter(data)
                    .guard(iro, t, ra.0, rd.0)
                    .map_err(|e| (e, None))?;
                self.comp_fixup(data, f, pc, cond);
            }
            _ => {
                let eq = va.raw_eq(vd);
                if !eq && va.type_of() == vd.type_of() && va.is_tab() {
                    // Tables with a possible __eq: not recorded.
                    return Err(nyi(op));
                }
                let want_eq = matches!(op, Op::ISEQV | Op::ISEQS | Op::ISEQN | Op::ISEQP);
                let cond = eq == want_eq;
                if both_const {
                    return Ok(());
                }
                self.comp_prep(data);
                let same_kind = (isnum(ta) && isnum(td)) || ta == td;
                if same_kind && !matches!(ta, IrType::Nil | IrType::False | IrType::True) {
                    let (mut x, mut y, mut t) = (ra, rd, ta);
                    if isnum(ta) && !(ta == IrType::Int && td == IrType::Int) {
                        x = self.tonum(data, x)?;
                        y = self.tonum(data, y)?;
                        t = IrType::Num;
                    }
                    let iro = if eq { IrOp::EQ } else { IrOp::NE };
                    self.emitter(data)
                        .guard(iro, t, x.0, y.0)
                        .map_err(|e| (e, None))?;
                }
                self.comp_fixup(data, f, pc, cond);
            }
        }
        Ok(())
    }

    /// `IST` / `ISF` / `ISTC` / `ISFC`: type specialisation suffices (the `SLOAD` type
    /// guard decides truthiness); the live slots shrink to the JMP's base, then the copy
    /// variants write `A` when the copy happens (`b or 0` keeps `b`).
    pub(crate) fn rec_test(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<(), RecErr> {
        let d = bc::d(ins) as usize;
        let r = self.getslot(data, f, d)?;
        let ja = bc::a(f.code[pc + 1]) as usize;
        if ja < self.maxslot {
            self.maxslot = ja;
        }
        let op = bc::op(ins);
        if matches!(op, Op::ISTC | Op::ISFC) {
            let truthy = self.live(f, d).truthy();
            if truthy == (op == Op::ISTC) {
                self.setslot(bc::a(ins) as usize, r);
            }
        }
        Ok(())
    }
}
