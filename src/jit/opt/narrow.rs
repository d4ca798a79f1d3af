//! NARROW: integer narrowing of loop counters, indexes and arithmetic.
//!
//! Lua 5.1 has one number type (a double). LuaJIT's interpreter and IR keep doubles too,
//! and *narrow* to 32-bit integers only where that is provably safe and pays off, as its
//! documentation describes:
//!
//! - **Numeric for-loop counters** ([`forl_type`]): if start, stop and step are all
//!   integers in int32 range at trace start, and stepping past the stop value cannot
//!   overflow int32, the counter is an `int` (`int SLOAD #3 CI`: read as a number and
//!   converted, `C`), incremented with a plain `ADD` and compared with an int `LE`/`GE`.
//!   Otherwise it stays a `num`.
//! - **Array indexes** ([`narrow_index`]): a number used as an array index is converted
//!   with `CONV int.num index` (a guard that the number is an exact integer), except that
//!   `i + k` of an integer `i` and a small constant is recomputed as an int `ADD` without
//!   overflow check (the bounds check rejects wrapped values), which is why LuaJIT's dumps
//!   show `int ADD 0002 +1` feeding an `ABC` for `t[(i % 3) + 1]`.
//! - **Arithmetic** ([`narrow_addsub`]): `ADD`/`SUB` of two values that are integers (int
//!   refs, int constants, or `CONV num.int` of ints) are emitted as int `ADDOV`/`SUBOV`
//!   guards (exit on overflow) and converted back to num where a number is needed;
//!   everything else stays number arithmetic. This is the "predictive narrowing" of
//!   LuaJIT's for loop bodies in its simplest form; LuaJIT's backpropagation through
//!   conversion chains (`narrow_conv_backprop`) is not done yet.
//!
//! Rules: a narrowing must never change a result. Every int operation that could
//! overflow is an overflow-checking guard, and a conversion that could be inexact is a
//! checked one.

use super::Emitter;
use crate::jit::ir::{conv, conv_lit, IrIns, IrOp, IrRef, IrType, IRF_GUARD};
use crate::jit::traceerr::TraceError;

/// The type of a numeric for loop's counter, from the start/stop/step values at trace
/// start: `int` if everything is an int32 and the final increment cannot overflow.
pub fn forl_type(start: f64, stop: f64, step: f64) -> IrType {
    let is_i32 = |x: f64| x == x.trunc() && x >= i32::MIN as f64 && x <= i32::MAX as f64;
    if !(is_i32(start) && is_i32(stop) && is_i32(step)) || step == 0.0 {
        return IrType::Num;
    }
    // The loop increments until counter+step passes stop: that sum must fit too.
    let last = stop + step;
    if last < i32::MIN as f64 || last > i32::MAX as f64 {
        return IrType::Num;
    }
    IrType::Int
}

/// Whether `r` is known to hold an integer: an int-typed ref or constant, or a
/// `CONV num.int` of one. Returns the int-typed ref.
pub fn int_source(e: &Emitter<'_>, r: IrRef) -> Option<IrRef> {
    let i = e.ir.at(r);
    if i.ty == IrType::Int {
        return Some(r);
    }
    if let Some(v) = e.ir.num_of(r) {
        return (v == v.trunc() && v.abs() < 2f64.powi(31) && !(v == 0.0 && v.is_sign_negative()))
            .then_some(r);
    }
    if !r.is_const() && i.op == IrOp::CONV && i.op2 == conv_lit(IrType::Num, IrType::Int) {
        return Some(i.r1());
    }
    None
}

/// Emits `a + b` or `a - b` (`op` is ADD or SUB) as a number, narrowed to an int
/// `ADDOV`/`SUBOV` guard when both operands are integers. Returns the int or num ref and
/// its type.
pub fn narrow_addsub(
    e: &mut Emitter<'_>,
    op: IrOp,
    a: IrRef,
    b: IrRef,
) -> Result<(IrRef, IrType), TraceError> {
    debug_assert!(matches!(op, IrOp::ADD | IrOp::SUB));
    if let (Some(ia), Some(ib)) = (int_source(e, a), int_source(e, b)) {
        let to_int = |e: &mut Emitter<'_>, r: IrRef| match e.ir.num_of(r) {
            Some(v) if e.ir.at(r).ty == IrType::Num => e.ir.kint(v as i32),
            _ => r,
        };
        let (ia, ib) = (to_int(e, ia), to_int(e, ib));
        let ov = if op == IrOp::ADD {
            IrOp::ADDOV
        } else {
            IrOp::SUBOV
        };
        let mut ins = IrIns::new(ov, IrType::Int, ia.0, ib.0);
        ins.flags |= IRF_GUARD;
        return Ok((e.emit(ins)?, IrType::Int));
    }
    let a = to_num(e, a)?;
    let b = to_num(e, b)?;
    Ok((e.emit(IrIns::new(op, IrType::Num, a.0, b.0))?, IrType::Num))
}

/// `r` as a number: int refs get a `CONV num.int`, int constants become number constants.
pub fn to_num(e: &mut Emitter<'_>, r: IrRef) -> Result<IrRef, TraceError> {
    if let Some(v) = e.ir.int_of(r) {
        return Ok(e.ir.knum(v as f64));
    }
    if e.ir.at(r).ty == IrType::Int {
        return e.emit(IrIns::new(
            IrOp::CONV,
            IrType::Num,
            r.0,
            conv_lit(IrType::Num, IrType::Int),
        ));
    }
    Ok(r)
}

/// A number used as an array index, narrowed to an int: constants directly, a `CONV
/// num.int` back to its source, anything else with a checked `CONV int.num index`.
pub fn narrow_index(e: &mut Emitter<'_>, r: IrRef) -> Result<IrRef, TraceError> {
    if e.ir.at(r).ty == IrType::Int {
        return Ok(r);
    }
    if let Some(v) = e.ir.num_of(r) {
        if v == v.trunc() && v.abs() < 2f64.powi(31) {
            return Ok(e.ir.kint(v as i32));
        }
    }
    if let Some(src) = int_source(e, r) {
        return Ok(src);
    }
    // Backpropagation, one level: `i + k` / `i - k` with an integer `i` and a small constant
    // is computed in int without an overflow check. A wrapped result is negative or huge
    // (as unsigned), so the array bounds check that follows every index rejects it; with
    // |k| <= 2^16 no wrapped value can land inside an array (LuaJIT limits array parts to
    // far less than 2^31 - 2^16 slots).
    let i = *e.ir.at(r);
    if !r.is_const() && i.ty == IrType::Num && matches!(i.op, IrOp::ADD | IrOp::SUB) {
        if let (Some(a), Some(k)) = (int_source(e, i.r1()), e.ir.num_of(i.r2())) {
            if k == k.trunc() && k.abs() <= 65536.0 && e.ir.at(a).ty == IrType::Int {
                let kk = e.ir.kint(k as i32);
                return e.emit(IrIns::new(i.op, IrType::Int, a.0, kk.0));
            }
        }
    }
    let mut ins = IrIns::new(
        IrOp::CONV,
        IrType::Int,
        r.0,
        conv_lit(IrType::Int, IrType::Num) | conv::INDEX,
    );
    ins.flags |= IRF_GUARD;
    e.emit(ins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::IrBuf;
    use crate::jit::params::OptFlags;

    #[test]
    fn forl_counters() {
        assert_eq!(forl_type(1.0, 1000.0, 1.0), IrType::Int);
        assert_eq!(forl_type(1.0, 1e3, 1.0), IrType::Int);
        assert_eq!(forl_type(1.0, 2.5, 1.0), IrType::Num);
        assert_eq!(forl_type(1.0, i32::MAX as f64, 1.0), IrType::Num);
        assert_eq!(forl_type(0.0, 1.0, 0.5), IrType::Num);
        assert_eq!(forl_type(10.0, 1.0, -1.0), IrType::Int);
    }

    #[test]
    fn addsub_narrows_only_ints() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let i = e.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let x = e.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Num, 3, 0));
        let one = e.ir.knum(1.0);
        let (r, t) = narrow_addsub(&mut e, IrOp::ADD, i, one).unwrap();
        assert_eq!(
            (t, e.ir.at(r).op, e.ir.at(r).is_guard()),
            (IrType::Int, IrOp::ADDOV, true)
        );
        let (r, t) = narrow_addsub(&mut e, IrOp::ADD, x, i).unwrap();
        assert_eq!((t, e.ir.at(r).op), (IrType::Num, IrOp::ADD));
        // The newer CONV is the higher ref: canonical order puts it on the left.
        assert_eq!(e.ir.at(e.ir.at(r).r1()).op, IrOp::CONV);
        let half = e.ir.knum(0.5);
        let (_, t) = narrow_addsub(&mut e, IrOp::SUB, i, half).unwrap();
        assert_eq!(t, IrType::Num);
        let idx = narrow_index(&mut e, x).unwrap();
        assert_eq!(
            e.ir.fmt_ins(idx, None, &NoNames).unwrap().trim_end(),
            format!("{:04} >  int CONV   0002  int.num index", idx.0 - 0x8000)
        );
        e.ir.verify().unwrap();
    }

    #[test]
    fn index_backpropagation() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let i = e.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let ci = to_num(&mut e, i).unwrap();
        let one = e.ir.knum(1.0);
        let sum = e
            .emit(IrIns::new(IrOp::ADD, IrType::Num, ci.0, one.0))
            .unwrap();
        let idx = narrow_index(&mut e, sum).unwrap();
        let n = *e.ir.at(idx);
        assert_eq!(
            (n.op, n.ty, n.r1(), e.ir.int_of(n.r2()), n.is_guard()),
            (IrOp::ADD, IrType::Int, i, Some(1), false)
        );
        // A large constant keeps the checked conversion.
        let big = e.ir.knum(1e6);
        let far = e
            .emit(IrIns::new(IrOp::ADD, IrType::Num, ci.0, big.0))
            .unwrap();
        let conv = narrow_index(&mut e, far).unwrap();
        assert_eq!(e.ir.at(conv).op, IrOp::CONV);
    }

    struct NoNames;
    impl crate::jit::ids::FuncNames for NoNames {
        fn lua_loc(&self, _: crate::jit::ids::ProtoKey, _: Option<u32>) -> String {
            String::new()
        }
        fn fast_name(&self, _: u8) -> String {
            String::new()
        }
    }
}
