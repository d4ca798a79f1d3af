//! FOLD: constant folding and algebraic simplification, driven by a rule table.
//!
//! Every emitted instruction is matched against [`FOLD_RULES`]. A rule names the op it
//! applies to and a pattern for each operand ([`Pat`]: any value, an int constant, a
//! number constant, any constant, or the result of a given op); the first matching rule
//! runs and answers with a [`Fold`]:
//!
//! - `Next`: not applicable after all, try the next matching rule;
//! - `Ref(r)`: the instruction is replaced by the existing value `r` (often a new
//!   constant);
//! - `Retry(ins)`: the instruction was rewritten (e.g. `x - 3` into `x + -3`, or operands
//!   swapped into canonical order); match the rewritten one from the top;
//! - `Emit`: no simplification applies; fall through to CSE and emission;
//! - `Drop`: a guard that always holds: emit nothing;
//! - `Fail`: a guard that never holds: the trace is useless ("guard would always fail").
//!
//! When no rule matches, the instruction goes to CSE (`super::cse`) and is appended.
//!
//! Rules for adding a fold rule (the same discipline LuaJIT asks for):
//! 1. It must be *correct for every value* of the operands it matches, with Lua semantics:
//!    integer rules only for `int`-typed instructions (wrapping 32-bit arithmetic);
//!    number rules must respect IEEE (no `x*0 = 0`, no `x-x = 0`: NaN and infinities).
//! 2. It must terminate: `Retry` must make progress toward a canonical form.
//! 3. It may only return refs that are older than the instruction would have been, or new
//!    constants. It must never emit instructions itself.
//! 4. A rule that looks *through* an operand (at the instruction that produced it) must
//!    stop at values marked PHI (the "PHI barrier"): during loop optimisation those stand
//!    for the previous iteration's value, not for the instruction that computed it.
//! 5. Add a unit test that fails without the rule.

use super::Emitter;
use crate::jit::ir::{IrIns, IrOp, IrRef, IrType, KValue, OpKind, IRF_GUARD, IRF_PHI, REF_TRUE};
use crate::jit::traceerr::TraceError;

/// An operand pattern.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Pat {
    /// Anything.
    Any,
    /// An int constant.
    KInt,
    /// A number constant.
    KNum,
    /// Any constant.
    K,
    /// An instruction with this op.
    Op(IrOp),
}

/// A rule's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Fold {
    /// Not applicable; try further rules.
    Next,
    /// Replace by this value.
    Ref(IrRef),
    /// Rewritten; fold again.
    Retry(IrIns),
    /// Nothing to fold; go on to CSE.
    Emit,
    /// Guard always true; emit nothing.
    Drop,
    /// Guard always false.
    Fail,
}

/// One fold rule.
pub struct FoldRule {
    /// The rule's name (for tests and tracing).
    pub name: &'static str,
    /// Ops it applies to.
    pub ops: &'static [IrOp],
    /// Pattern of operand 1.
    pub left: Pat,
    /// Pattern of operand 2.
    pub right: Pat,
    /// The rule.
    pub f: fn(&mut Emitter<'_>, &IrIns) -> Fold,
}

use IrOp::*;

const INT_ARITH: &[IrOp] = &[
    ADD, SUB, MUL, BAND, BOR, BXOR, BSHL, BSHR, BSAR, BROL, BROR, MIN, MAX,
];
const NUM_ARITH: &[IrOp] = &[ADD, SUB, MUL, DIV, MOD, POW, MIN, MAX, LDEXP];
const COMPARES: &[IrOp] = &[LT, GE, LE, GT, ULT, UGE, ULE, UGT, EQ, NE];
const COMMUTATIVE: &[IrOp] = &[ADD, MUL, BAND, BOR, BXOR, MIN, MAX, EQ, NE, ADDOV, MULOV];

/// The rule table, tried in order.
pub const FOLD_RULES: &[FoldRule] = &[
    FoldRule {
        name: "kfold_intarith",
        ops: INT_ARITH,
        left: Pat::KInt,
        right: Pat::KInt,
        f: kfold_intarith,
    },
    FoldRule {
        name: "kfold_intov",
        ops: &[ADDOV, SUBOV, MULOV],
        left: Pat::KInt,
        right: Pat::KInt,
        f: kfold_intov,
    },
    FoldRule {
        name: "kfold_bnot",
        ops: &[BNOT],
        left: Pat::KInt,
        right: Pat::Any,
        f: kfold_bnot,
    },
    FoldRule {
        name: "kfold_numarith",
        ops: NUM_ARITH,
        left: Pat::KNum,
        right: Pat::KNum,
        f: kfold_numarith,
    },
    FoldRule {
        name: "kfold_numunary",
        ops: &[NEG, ABS],
        left: Pat::KNum,
        right: Pat::Any,
        f: kfold_numunary,
    },
    FoldRule {
        name: "kfold_intcomp",
        ops: COMPARES,
        left: Pat::KInt,
        right: Pat::KInt,
        f: kfold_intcomp,
    },
    FoldRule {
        name: "kfold_numcomp",
        ops: COMPARES,
        left: Pat::KNum,
        right: Pat::KNum,
        f: kfold_numcomp,
    },
    FoldRule {
        name: "kfold_eqk",
        ops: &[EQ, NE],
        left: Pat::K,
        right: Pat::K,
        f: kfold_eqk,
    },
    FoldRule {
        name: "kfold_conv",
        ops: &[CONV],
        left: Pat::KInt,
        right: Pat::Any,
        f: kfold_conv_int,
    },
    FoldRule {
        name: "kfold_conv_num",
        ops: &[CONV],
        left: Pat::KNum,
        right: Pat::Any,
        f: kfold_conv_num,
    },
    FoldRule {
        name: "abc_k",
        ops: &[ABC],
        left: Pat::Any,
        right: Pat::KInt,
        f: abc_k,
    },
    FoldRule {
        name: "comm_swap",
        ops: COMMUTATIVE,
        left: Pat::Any,
        right: Pat::Any,
        f: comm_swap,
    },
    FoldRule {
        name: "comp_swap",
        ops: COMPARES,
        left: Pat::Any,
        right: Pat::Any,
        f: comp_swap,
    },
    FoldRule {
        name: "simplify_intsub_k",
        ops: &[SUB],
        left: Pat::Any,
        right: Pat::KInt,
        f: simplify_intsub_k,
    },
    FoldRule {
        name: "simplify_intadd_k",
        ops: &[ADD, BOR, BXOR, BSHL, BSHR, BSAR],
        left: Pat::Any,
        right: Pat::KInt,
        f: simplify_int_identity0,
    },
    FoldRule {
        name: "simplify_intmul_k",
        ops: &[MUL],
        left: Pat::Any,
        right: Pat::KInt,
        f: simplify_intmul_k,
    },
    FoldRule {
        name: "simplify_band_k",
        ops: &[BAND],
        left: Pat::Any,
        right: Pat::KInt,
        f: simplify_band_k,
    },
    FoldRule {
        name: "simplify_nummuldiv_k",
        ops: &[MUL, DIV],
        left: Pat::Any,
        right: Pat::KNum,
        f: simplify_nummuldiv_k,
    },
    FoldRule {
        name: "simplify_numsub_k",
        ops: &[SUB, ADD],
        left: Pat::Any,
        right: Pat::KNum,
        f: simplify_numaddsub_negzero,
    },
    FoldRule {
        name: "reassoc_intarith_k",
        ops: &[ADD, BAND, BOR, BXOR],
        left: Pat::Op(ADD),
        right: Pat::KInt,
        f: reassoc_intarith_k,
    },
    FoldRule {
        name: "reassoc_bitop_k",
        ops: &[BAND, BOR, BXOR],
        left: Pat::Any,
        right: Pat::KInt,
        f: reassoc_bitop_k,
    },
    FoldRule {
        name: "simplify_intsubsub",
        ops: &[SUB],
        left: Pat::Any,
        right: Pat::Any,
        f: simplify_intsub_same,
    },
    FoldRule {
        name: "simplify_bitop_same",
        ops: &[BAND, BOR, BXOR, MIN, MAX],
        left: Pat::Any,
        right: Pat::Any,
        f: simplify_bitop_same,
    },
    FoldRule {
        name: "simplify_neg_neg",
        ops: &[NEG, BNOT],
        left: Pat::Any,
        right: Pat::Any,
        f: simplify_unary_twice,
    },
    FoldRule {
        name: "comp_same",
        ops: COMPARES,
        left: Pat::Any,
        right: Pat::Any,
        f: comp_same,
    },
];

fn matches(e: &Emitter<'_>, pat: Pat, v: u16) -> bool {
    let r = IrRef(v);
    match pat {
        Pat::Any => true,
        Pat::K => r.is_const() && e.ir.valid(r),
        Pat::KInt => e.ir.int_of(r).is_some() && e.ir.valid(r),
        Pat::KNum => e.ir.num_of(r).is_some() && e.ir.valid(r),
        Pat::Op(op) => !r.is_const() && e.ir.valid(r) && e.ir.at(r).op == op,
    }
}

/// Folds `ins`, then CSEs and emits whatever is left.
pub fn fold(e: &mut Emitter<'_>, ins: IrIns) -> Result<IrRef, TraceError> {
    let mut ins = ins;
    let mut rounds = 0;
    'retry: loop {
        rounds += 1;
        let m = ins.op.mode();
        for rule in FOLD_RULES {
            if !rule.ops.contains(&ins.op) {
                continue;
            }
            let lok = m.op1 != crate::jit::ir::Operand::Ref || matches(e, rule.left, ins.op1);
            let rok = m.op2 != crate::jit::ir::Operand::Ref || matches(e, rule.right, ins.op2);
            let lok = lok && (m.op1 == crate::jit::ir::Operand::Ref || rule.left == Pat::Any);
            let rok = rok && (m.op2 == crate::jit::ir::Operand::Ref || rule.right == Pat::Any);
            if !(lok && rok) {
                continue;
            }
            match (rule.f)(e, &ins) {
                Fold::Next => continue,
                Fold::Ref(r) => return Ok(r),
                Fold::Retry(n) if rounds < 8 => {
                    ins = n;
                    continue 'retry;
                }
                Fold::Retry(n) => {
                    ins = n;
                    break 'retry;
                }
                Fold::Emit => break 'retry,
                Fold::Drop => return Ok(REF_TRUE),
                Fold::Fail => return Err(TraceError::GuardFails),
            }
        }
        break;
    }
    Ok(e.cse_or_emit(ins))
}

fn int_const(e: &mut Emitter<'_>, v: i32) -> Fold {
    Fold::Ref(e.ir.kint(v))
}

fn kfold_intarith(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Int {
        return Fold::Next;
    }
    let (Some(a), Some(b)) = (e.ir.int_of(i.r1()), e.ir.int_of(i.r2())) else {
        return Fold::Next;
    };
    let v = match i.op {
        ADD => a.wrapping_add(b),
        SUB => a.wrapping_sub(b),
        MUL => a.wrapping_mul(b),
        BAND => a & b,
        BOR => a | b,
        BXOR => a ^ b,
        BSHL => a.wrapping_shl(b as u32 & 31),
        BSHR => ((a as u32) >> (b as u32 & 31)) as i32,
        BSAR => a >> (b as u32 & 31),
        BROL => (a as u32).rotate_left(b as u32 & 31) as i32,
        BROR => (a as u32).rotate_right(b as u32 & 31) as i32,
        MIN => a.min(b),
        MAX => a.max(b),
        _ => return Fold::Next,
    };
    int_const(e, v)
}

fn kfold_intov(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let (Some(a), Some(b)) = (e.ir.int_of(i.r1()), e.ir.int_of(i.r2())) else {
        return Fold::Next;
    };
    let v = match i.op {
        ADDOV => a.checked_add(b),
        SUBOV => a.checked_sub(b),
        _ => a.checked_mul(b),
    };
    match v {
        Some(v) => int_const(e, v),
        None => Fold::Fail,
    }
}

fn kfold_bnot(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    match e.ir.int_of(i.r1()) {
        Some(a) => int_const(e, !a),
        None => Fold::Next,
    }
}

fn kfold_numarith(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let (Some(a), Some(b)) = (e.ir.num_of(i.r1()), e.ir.num_of(i.r2())) else {
        return Fold::Next;
    };
    let v = match i.op {
        ADD => a + b,
        SUB => a - b,
        MUL => a * b,
        DIV => a / b,
        MOD => a - (a / b).floor() * b,
        POW => a.powf(b),
        MIN => {
            if a < b {
                a
            } else {
                b
            }
        }
        MAX => {
            if a > b {
                a
            } else {
                b
            }
        }
        LDEXP => a * 2f64.powi(b as i32),
        _ => return Fold::Next,
    };
    Fold::Ref(e.ir.knum(v))
}

fn kfold_numunary(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let Some(a) = e.ir.num_of(i.r1()) else {
        return Fold::Next;
    };
    let v = if i.op == NEG { -a } else { a.abs() };
    Fold::Ref(e.ir.knum(v))
}

fn verdict(holds: bool) -> Fold {
    if holds {
        Fold::Drop
    } else {
        Fold::Fail
    }
}

fn kfold_intcomp(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let (Some(a), Some(b)) = (e.ir.int_of(i.r1()), e.ir.int_of(i.r2())) else {
        return Fold::Next;
    };
    let (ua, ub) = (a as u32, b as u32);
    verdict(match i.op {
        LT => a < b,
        GE => a >= b,
        LE => a <= b,
        GT => a > b,
        ULT => ua < ub,
        UGE => ua >= ub,
        ULE => ua <= ub,
        UGT => ua > ub,
        EQ => a == b,
        _ => a != b,
    })
}

fn kfold_numcomp(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let (Some(a), Some(b)) = (e.ir.num_of(i.r1()), e.ir.num_of(i.r2())) else {
        return Fold::Next;
    };
    // The unsigned variants are the negated forms with NaN: ULT is !(a >= b), etc.
    verdict(match i.op {
        LT => a < b,
        GE => a >= b,
        LE => a <= b,
        GT => a > b,
        ULT => a.partial_cmp(&b).is_none_or(|o| o.is_lt()),
        UGE => a.partial_cmp(&b).is_none_or(|o| o.is_ge()),
        ULE => a.partial_cmp(&b).is_none_or(|o| o.is_le()),
        UGT => a.partial_cmp(&b).is_none_or(|o| o.is_gt()),
        EQ => a == b,
        _ => a != b,
    })
}

fn kfold_eqk(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let (a, b) = (i.r1(), i.r2());
    if matches!(e.ir.kvalue(a), KValue::Num(_)) || matches!(e.ir.kvalue(b), KValue::Num(_)) {
        return Fold::Next; // NaN: handled by kfold_numcomp.
    }
    // Interned constants: equal values have equal refs.
    let same = a == b;
    verdict(if i.op == EQ { same } else { !same })
}

fn kfold_conv_int(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let Some(a) = e.ir.int_of(i.r1()) else {
        return Fold::Next;
    };
    let src = i.op2 & 31;
    let dst = (i.op2 >> crate::jit::ir::conv::DSH) & 31;
    if src == IrType::Int as u16 && dst == IrType::Num as u16 {
        return Fold::Ref(e.ir.knum(a as f64));
    }
    Fold::Next
}

fn kfold_conv_num(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    let Some(a) = e.ir.num_of(i.r1()) else {
        return Fold::Next;
    };
    let src = i.op2 & 31;
    let dst = (i.op2 >> crate::jit::ir::conv::DSH) & 31;
    if src == IrType::Num as u16 && dst == IrType::Int as u16 {
        let k = a as i32;
        if (k as f64) == a {
            return int_const(e, k);
        }
        if i.is_guard() {
            return Fold::Fail;
        }
    }
    Fold::Next
}

/// `ABC asize k` is implied by an earlier `ABC asize k2` with `k2 >= k` (the earlier
/// guard already proved the array is larger than k2). Only with the `abc` flag.
fn abc_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if !e.flags.has(crate::jit::params::OptFlags::ABC) {
        return Fold::Next;
    }
    let Some(k) = e.ir.int_of(i.r2()) else {
        return Fold::Next;
    };
    let mut r = e.ir.chain[ABC as usize];
    while r.0 > i.op1 {
        let prev = e.ir.at(r);
        if prev.op1 == i.op1 && e.ir.int_of(prev.r2()).is_some_and(|k2| k2 >= k) {
            return Fold::Drop;
        }
        r = prev.prev;
    }
    Fold::Next
}

/// Commutative ops keep the lower ref on the right, as LuaJIT does: constants (below the
/// bias) end up right, and `s + CONV(i)` reads `ADD 0005 0004` like LuaJIT's dumps.
fn comm_swap(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.op1 >= i.op2 || !e.ir.valid(i.r1()) || !e.ir.valid(i.r2()) {
        return Fold::Next;
    }
    debug_assert!(matches!(i.op.mode().kind, OpKind::C | OpKind::R));
    Fold::Retry(IrIns {
        op1: i.op2,
        op2: i.op1,
        ..*i
    })
}

/// Comparisons keep the lower ref (so any constant) on the right; the op mirrors: `3 < x`
/// is `x > 3`, `LT 0004 0007` is `GT 0007 0004`.
fn comp_swap(_e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.op1 >= i.op2 {
        return Fold::Next;
    }
    match i.op.swap_compare() {
        Some(op) => Fold::Retry(IrIns {
            op,
            op1: i.op2,
            op2: i.op1,
            ..*i
        }),
        None => Fold::Next,
    }
}

/// `x - k` → `x + (-k)` for ints.
fn simplify_intsub_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Int {
        return Fold::Next;
    }
    let Some(k) = e.ir.int_of(i.r2()) else {
        return Fold::Next;
    };
    if k == 0 {
        return Fold::Ref(i.r1());
    }
    if k == i32::MIN {
        return Fold::Next;
    }
    let nk = e.ir.kint(-k);
    Fold::Retry(IrIns {
        op: ADD,
        op2: nk.0,
        ..*i
    })
}

/// `x + 0`, `x | 0`, `x ^ 0`, `x << 0` ... → `x` for ints.
fn simplify_int_identity0(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty == IrType::Int && e.ir.int_of(i.r2()) == Some(0) {
        Fold::Ref(i.r1())
    } else {
        Fold::Next
    }
}

/// `x * 0` → 0, `x * 1` → x, `x * -1` → `0 - x`... for ints (wrapping, so exact).
fn simplify_intmul_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Int {
        return Fold::Next;
    }
    match e.ir.int_of(i.r2()) {
        Some(0) => Fold::Ref(i.r2()),
        Some(1) => Fold::Ref(i.r1()),
        Some(2) => Fold::Retry(IrIns {
            op: ADD,
            op2: i.op1,
            ..*i
        }),
        _ => Fold::Next,
    }
}

/// `x & 0` → 0, `x & -1` → x.
fn simplify_band_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    match e.ir.int_of(i.r2()) {
        Some(0) if i.ty == IrType::Int => Fold::Ref(i.r2()),
        Some(-1) if i.ty == IrType::Int => Fold::Ref(i.r1()),
        _ => Fold::Next,
    }
}

/// `x * 1.0` → x, `x / 1.0` → x, `x * 2.0` → `x + x` (exact in IEEE).
fn simplify_nummuldiv_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Num {
        return Fold::Next;
    }
    match e.ir.num_of(i.r2()) {
        Some(1.0) => Fold::Ref(i.r1()),
        Some(k) if k == 2.0 && i.op == MUL => Fold::Retry(IrIns {
            op: ADD,
            op2: i.op1,
            ..*i
        }),
        _ => Fold::Next,
    }
}

/// `x - 0.0` → x and `x + -0.0` → x (exact for every x, including -0 and NaN).
fn simplify_numaddsub_negzero(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Num {
        return Fold::Next;
    }
    match e.ir.num_of(i.r2()) {
        Some(k) if k == 0.0 && (i.op == SUB) == k.is_sign_positive() => Fold::Ref(i.r1()),
        _ => Fold::Next,
    }
}

/// `(x + k1) + k2` → `x + (k1+k2)` for ints (and the same for same-op bit ops).
fn reassoc_intarith_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty != IrType::Int {
        return Fold::Next;
    }
    let left = *e.ir.at(i.r1());
    if left.op != i.op || left.ty != IrType::Int || left.flags & IRF_PHI != 0 {
        return Fold::Next;
    }
    let (Some(k1), Some(k2)) = (e.ir.int_of(left.r2()), e.ir.int_of(i.r2())) else {
        return Fold::Next;
    };
    let k = match i.op {
        ADD => k1.wrapping_add(k2),
        BAND => k1 & k2,
        BOR => k1 | k2,
        _ => k1 ^ k2,
    };
    let kr = e.ir.kint(k);
    Fold::Retry(IrIns {
        op1: left.op1,
        op2: kr.0,
        ..*i
    })
}

fn reassoc_bitop_k(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if IrRef(i.op1).is_const() || !e.ir.valid(i.r1()) || e.ir.at(i.r1()).op != i.op {
        return Fold::Next;
    }
    reassoc_intarith_k(e, i)
}

/// `x - x` → 0 for ints.
fn simplify_intsub_same(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.ty == IrType::Int && i.op1 == i.op2 {
        int_const(e, 0)
    } else {
        Fold::Next
    }
}

/// `x & x` → x, `x | x` → x, `x ^ x` → 0, `min(x,x)` → x.
fn simplify_bitop_same(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.op1 != i.op2 {
        return Fold::Next;
    }
    match i.op {
        BXOR if i.ty == IrType::Int => int_const(e, 0),
        BXOR => Fold::Next,
        _ => Fold::Ref(i.r1()),
    }
}

/// `-(-x)` → x, `~~x` → x.
fn simplify_unary_twice(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if IrRef(i.op1).is_const() || !e.ir.valid(i.r1()) {
        return Fold::Next;
    }
    let inner = *e.ir.at(i.r1());
    if inner.op == i.op && inner.op2 == i.op2 && inner.flags & IRF_PHI == 0 {
        Fold::Ref(inner.r1())
    } else {
        Fold::Next
    }
}

/// `x < x` fails, `x <= x` holds, for ints (numbers could be NaN).
fn comp_same(e: &mut Emitter<'_>, i: &IrIns) -> Fold {
    if i.op1 != i.op2 || i.flags & IRF_GUARD == 0 {
        return Fold::Next;
    }
    let t = if IrRef(i.op1).is_const() {
        e.ir.at(i.r1()).ty
    } else {
        i.ty
    };
    if t != IrType::Int {
        return Fold::Next;
    }
    verdict(matches!(i.op, GE | LE | UGE | ULE | EQ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::IrBuf;
    use crate::jit::params::OptFlags;

    fn guard(op: IrOp, ty: IrType, a: IrRef, b: IrRef) -> IrIns {
        let mut i = IrIns::new(op, ty, a.0, b.0);
        i.flags |= IRF_GUARD;
        i
    }

    #[test]
    fn folds_constants_and_simplifies() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let (k2, k3) = (e.ir.kint(2), e.ir.kint(3));
        let r = e.emit(IrIns::new(ADD, IrType::Int, k2.0, k3.0)).unwrap();
        assert_eq!(e.ir.int_of(r), Some(5));
        let x = e.ir.emit_raw(IrIns::new(SLOAD, IrType::Int, 2, 0));
        // x - 3 becomes x + -3; (x + -3) + 3 becomes x + 0 = x.
        let a = e.emit(IrIns::new(SUB, IrType::Int, x.0, k3.0)).unwrap();
        assert_eq!(e.ir.at(a).op, ADD);
        assert_eq!(e.ir.int_of(e.ir.at(a).r2()), Some(-3));
        let b = e.emit(IrIns::new(ADD, IrType::Int, a.0, k3.0)).unwrap();
        assert_eq!(b, x);
        // 3 + x is canonicalised to x + 3 and CSE'd with an existing x + 3.
        let c = e.emit(IrIns::new(ADD, IrType::Int, x.0, k3.0)).unwrap();
        let d = e.emit(IrIns::new(ADD, IrType::Int, k3.0, x.0)).unwrap();
        assert_eq!(c, d);
        // Constant guards drop or fail.
        assert_eq!(e.emit(guard(LT, IrType::Int, k2, k3)), Ok(REF_TRUE));
        assert_eq!(
            e.emit(guard(GT, IrType::Int, k2, k3)),
            Err(TraceError::GuardFails)
        );
        // 3 < x becomes x > 3.
        let g = e.emit(guard(LT, IrType::Int, k3, x)).unwrap();
        assert_eq!((e.ir.at(g).op, e.ir.at(g).r1()), (GT, x));
        // Overflowing constant ADDOV fails.
        let big = e.ir.kint(i32::MAX);
        assert_eq!(
            e.emit(guard(ADDOV, IrType::Int, big, k2)),
            Err(TraceError::GuardFails)
        );
    }

    #[test]
    fn number_rules_respect_ieee() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let x = e.ir.emit_raw(IrIns::new(SLOAD, IrType::Num, 2, 0));
        let k0 = e.ir.knum(0.0);
        let k1 = e.ir.knum(1.0);
        // x * 0 is not folded (NaN, -0); x * 1 is.
        let m0 = e.emit(IrIns::new(MUL, IrType::Num, x.0, k0.0)).unwrap();
        assert_eq!(e.ir.at(m0).op, MUL);
        assert_eq!(e.emit(IrIns::new(MUL, IrType::Num, x.0, k1.0)).unwrap(), x);
        // x - x is not folded for numbers.
        let s = e.emit(IrIns::new(SUB, IrType::Num, x.0, x.0)).unwrap();
        assert_eq!(e.ir.at(s).op, SUB);
        // NaN comparisons: NaN < 1 fails, NaN ULT 1 ("not >=") holds.
        let nan = e.ir.knum(f64::NAN);
        assert_eq!(
            e.emit(guard(LT, IrType::Num, nan, k1)),
            Err(TraceError::GuardFails)
        );
        assert_eq!(e.emit(guard(ULT, IrType::Num, nan, k1)), Ok(REF_TRUE));
        let m = e.emit(IrIns::new(MUL, IrType::Num, k1.0, k0.0)).unwrap();
        assert_eq!(e.ir.num_of(m), Some(0.0));
    }

    #[test]
    fn abc_covered_by_a_larger_constant_check_is_dropped() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let t = e.op(SLOAD, IrType::Tab, 2, 0).unwrap();
        let asize = e.op(FLOAD, IrType::Int, t.0, 8).unwrap();
        let (k3, k5) = (e.ir.kint(3), e.ir.kint(5));
        let a5 = e.guard(ABC, IrType::Int, asize.0, k5.0).unwrap();
        assert_ne!(a5, REF_TRUE);
        assert_eq!(e.guard(ABC, IrType::Int, asize.0, k3.0), Ok(REF_TRUE));
        let k7 = e.ir.kint(7);
        assert_ne!(e.guard(ABC, IrType::Int, asize.0, k7.0).unwrap(), REF_TRUE);
        // Without the abc flag the check stays (CSE still merges identical ones).
        let mut e = Emitter::new(e.ir, OptFlags(OptFlags::FOLD | OptFlags::CSE));
        let a3 = e.guard(ABC, IrType::Int, asize.0, k3.0).unwrap();
        assert_ne!(a3, REF_TRUE);
    }

    #[test]
    fn fold_off_still_cses() {
        let mut ir = IrBuf::new();
        let flags = OptFlags(OptFlags::CSE);
        let mut e = Emitter::new(&mut ir, flags);
        let (k2, k3) = (e.ir.kint(2), e.ir.kint(3));
        let a = e.emit(IrIns::new(ADD, IrType::Int, k2.0, k3.0)).unwrap();
        assert_eq!(e.ir.at(a).op, ADD);
        assert_eq!(e.emit(IrIns::new(ADD, IrType::Int, k2.0, k3.0)).unwrap(), a);
    }
}
