//! Expression descriptors and the code generation for expressions.
//!
//! An [`ExpDesc`] describes an expression whose code has not necessarily been emitted:
//! a constant (`Nil`..`Num`), a variable (`Local`, `Upval`, `Global`, `Indexed`), an
//! instruction whose destination register is still open (`Relocable`: its A field is
//! patched when the target is known), a value fixed in a register (`NonReloc`), a call or
//! vararg (`Call`: may still be widened to multiple results), or a comparison (`Jmp`:
//! a test plus a jump, the jump taken when the comparison is true). Every descriptor also
//! carries a true list `t` and a false list `f` of pending jumps (for `and`/`or`).
//!
//! The functions here mirror LuaJIT 2.1's decisions one by one — when to discharge, which
//! operand is materialised first, which constant forms (`ADDVN`, `ISEQS`, `TGETB` ...)
//! apply, how constants are folded (only number arithmetic whose result is neither NaN
//! nor -0; negation of non-zero number constants) — because the register numbers and
//! instruction order they produce must be identical to LuaJIT's.
//!
//! Rules for whoever changes this file: free temporaries in reverse allocation order;
//! discharge the second operand before the first where LuaJIT does (indexed operands may
//! free registers); compare with `luajit -bl` after every change.

use super::func_state::{KgcSlot, TKey, TVal, NO_JMP, R, VSTACK_VAR_RW};
use super::parser::Parser;
use crate::bc::{self, Op, NO_REG};

/// Kind of an expression descriptor (order matters: constants first).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ExpKind {
    Nil,
    False,
    True,
    Str,
    Num,
    Local,
    Upval,
    Global,
    Indexed,
    Jmp,
    Relocable,
    NonReloc,
    Call,
    Void,
}

/// An expression descriptor.
#[derive(Copy, Clone, Debug)]
pub(super) struct ExpDesc {
    pub k: ExpKind,
    /// Register, instruction position, upvalue index ... depending on `k`.
    pub info: u32,
    /// Variable-stack index (locals/upvalues), key encoding (`Indexed`: 0..255 register,
    /// 256..511 byte constant, `!idx` string constant), call base (`Call`).
    pub aux: u32,
    /// Number value (`Num`).
    pub num: f64,
    /// Interned string (`Str`, `Global`).
    pub str: u32,
    /// True jump list.
    pub t: u32,
    /// False jump list.
    pub f: u32,
}

impl ExpDesc {
    /// A descriptor of kind `k` with `info`.
    pub fn new(k: ExpKind, info: u32) -> Self {
        ExpDesc {
            k,
            info,
            aux: 0,
            num: 0.0,
            str: 0,
            t: NO_JMP,
            f: NO_JMP,
        }
    }
    /// A number constant.
    pub fn num(n: f64) -> Self {
        let mut e = ExpDesc::new(ExpKind::Num, 0);
        e.num = n;
        e
    }
    /// A string constant.
    pub fn str(s: u32) -> Self {
        let mut e = ExpDesc::new(ExpKind::Str, 0);
        e.str = s;
        e
    }
    /// Has pending jumps.
    pub fn has_jump(&self) -> bool {
        self.t != self.f
    }
    /// Is a constant.
    pub fn is_k(&self) -> bool {
        self.k <= ExpKind::Num
    }
    /// Is a constant without jumps.
    pub fn is_k_nojump(&self) -> bool {
        self.is_k() && !self.has_jump()
    }
    /// Is a number constant.
    pub fn is_numk(&self) -> bool {
        self.k == ExpKind::Num
    }
    /// Is a number constant without jumps.
    pub fn is_numk_nojump(&self) -> bool {
        self.is_numk() && !self.has_jump()
    }
    /// KPRI operand of nil/false/true.
    pub fn pri(&self) -> u32 {
        match self.k {
            ExpKind::Nil => 0,
            ExpKind::False => 1,
            _ => 2,
        }
    }
}

/// Binary operators in LuaJIT's order (arithmetic first, in bytecode order).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Ne,
    Eq,
    Lt,
    Ge,
    Le,
    Gt,
    And,
    Or,
}

impl BinOp {
    /// Left and right priority.
    pub fn priority(self) -> (u32, u32) {
        match self {
            BinOp::Add | BinOp::Sub => (6, 6),
            BinOp::Mul | BinOp::Div | BinOp::Mod => (7, 7),
            BinOp::Pow => (10, 9),
            BinOp::Concat => (5, 4),
            BinOp::Ne | BinOp::Eq | BinOp::Lt | BinOp::Ge | BinOp::Le | BinOp::Gt => (3, 3),
            BinOp::And => (2, 2),
            BinOp::Or => (1, 1),
        }
    }
    fn arith_index(self) -> u32 {
        match self {
            BinOp::Add => 0,
            BinOp::Sub => 1,
            BinOp::Mul => 2,
            BinOp::Div => 3,
            BinOp::Mod => 4,
            _ => 5,
        }
    }
}

/// Priority of unary operators.
pub(super) const UNARY_PRIORITY: u32 = 8;

/// Lua's `%` on numbers: `a - floor(a/b)*b`.
pub(super) fn lua_mod(a: f64, b: f64) -> f64 {
    a - (a / b).floor() * b
}

fn fold(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Mod => lua_mod(a, b),
        _ => a.powf(b),
    }
}

impl<'a> Parser<'a> {
    /// Discharges a variable or call to a value (possibly emitting a load).
    pub(super) fn discharge(&mut self, e: &mut ExpDesc) -> R<()> {
        let ins = match e.k {
            ExpKind::Upval => bc::ins_ad(Op::UGET, 0, e.info),
            ExpKind::Global => {
                let k = self.fs.const_str(e.str);
                bc::ins_ad(Op::GGET, 0, k)
            }
            ExpKind::Indexed => {
                let rc = e.aux;
                let ins = if (rc as i32) < 0 {
                    bc::ins_abc(Op::TGETS, 0, e.info, !rc)
                } else if rc > 255 {
                    bc::ins_abc(Op::TGETB, 0, e.info, rc - 256)
                } else {
                    self.fs.free_reg(rc);
                    bc::ins_abc(Op::TGETV, 0, e.info, rc)
                };
                self.fs.free_reg(e.info);
                ins
            }
            ExpKind::Call => {
                e.info = e.aux;
                e.k = ExpKind::NonReloc;
                return Ok(());
            }
            ExpKind::Local => {
                e.k = ExpKind::NonReloc;
                return Ok(());
            }
            _ => return Ok(()),
        };
        e.info = self.emit(ins)?;
        e.k = ExpKind::Relocable;
        Ok(())
    }

    /// Frees the register of a non-relocatable expression.
    pub(super) fn expr_free(&mut self, e: &ExpDesc) {
        if e.k == ExpKind::NonReloc {
            self.fs.free_reg(e.info);
        }
    }

    /// Puts an expression into `reg`, ignoring its jump lists.
    pub(super) fn toreg_nobranch(&mut self, e: &mut ExpDesc, reg: u32) -> R<()> {
        self.discharge(e)?;
        let ins = match e.k {
            ExpKind::Str => {
                let k = self.fs.const_str(e.str);
                bc::ins_ad(Op::KSTR, reg, k)
            }
            ExpKind::Num => {
                let n = e.num;
                let k = n as i32;
                if (-32768..=32767).contains(&k)
                    && n == k as f64
                    && !(n == 0.0 && n.is_sign_negative())
                {
                    bc::ins_ad(Op::KSHORT, reg, k as u16 as u32)
                } else {
                    let kn = self.fs.const_num(n);
                    bc::ins_ad(Op::KNUM, reg, kn)
                }
            }
            ExpKind::Relocable => {
                let pc = e.info as usize;
                self.fs.bc[pc] = bc::set_a(self.fs.bc[pc], reg);
                e.info = reg;
                e.k = ExpKind::NonReloc;
                return Ok(());
            }
            ExpKind::NonReloc => {
                if reg == e.info {
                    return Ok(());
                }
                bc::ins_ad(Op::MOV, reg, e.info)
            }
            ExpKind::Nil => {
                self.emit_nil(reg, 1)?;
                e.info = reg;
                e.k = ExpKind::NonReloc;
                return Ok(());
            }
            ExpKind::False | ExpKind::True => bc::ins_ad(Op::KPRI, reg, e.pri()),
            _ => return Ok(()),
        };
        self.emit(ins)?;
        e.info = reg;
        e.k = ExpKind::NonReloc;
        Ok(())
    }

    /// Puts an expression into `reg`, resolving its jump lists.
    pub(super) fn toreg(&mut self, e: &mut ExpDesc, reg: u32) -> R<()> {
        self.toreg_nobranch(e, reg)?;
        if e.k == ExpKind::Jmp {
            let mut t = e.t;
            self.jmp_append(&mut t, e.info)?;
            e.t = t;
        }
        if e.has_jump() {
            let mut jfalse = NO_JMP;
            let mut jtrue = NO_JMP;
            if self.fs.jmp_novalue(e.t) || self.fs.jmp_novalue(e.f) {
                let jval = if e.k == ExpKind::Jmp {
                    NO_JMP
                } else {
                    self.emit_jmp()?
                };
                jfalse = self.emit_ad(Op::KPRI, reg, 1)?;
                let fr = self.fs.freereg;
                self.emit_aj(Op::JMP, fr, 1)?;
                jtrue = self.emit_ad(Op::KPRI, reg, 2)?;
                self.jmp_tohere(jval)?;
            }
            let jend = self.fs.pc();
            self.fs.lasttarget = jend;
            self.jmp_patchval(e.f, jend, reg, jfalse)?;
            self.jmp_patchval(e.t, jend, reg, jtrue)?;
        }
        e.f = NO_JMP;
        e.t = NO_JMP;
        e.info = reg;
        e.k = ExpKind::NonReloc;
        Ok(())
    }

    /// Puts an expression into the next free register.
    pub(super) fn tonextreg(&mut self, e: &mut ExpDesc) -> R<()> {
        self.discharge(e)?;
        self.expr_free(e);
        self.reg_reserve(1)?;
        let r = self.fs.freereg - 1;
        self.toreg(e, r)
    }

    /// Puts an expression into some register and returns it.
    pub(super) fn toanyreg(&mut self, e: &mut ExpDesc) -> R<u32> {
        self.discharge(e)?;
        if e.k == ExpKind::NonReloc {
            if !e.has_jump() {
                return Ok(e.info);
            }
            if e.info >= self.fs.nactvar {
                let r = e.info;
                self.toreg(e, r)?;
                return Ok(e.info);
            }
        }
        self.tonextreg(e)?;
        Ok(e.info)
    }

    /// Discharges an expression to a value (register or constant).
    pub(super) fn toval(&mut self, e: &mut ExpDesc) -> R<()> {
        if e.has_jump() {
            self.toanyreg(e)?;
            Ok(())
        } else {
            self.discharge(e)
        }
    }

    /// Emits a store of `e` into variable `var`.
    pub(super) fn store(&mut self, var: &ExpDesc, e: &mut ExpDesc) -> R<()> {
        let ins = match var.k {
            ExpKind::Local => {
                if let Some(v) = self.vstack.get_mut(var.aux as usize) {
                    v.info |= VSTACK_VAR_RW;
                }
                self.expr_free(e);
                return self.toreg(e, var.info);
            }
            ExpKind::Upval => {
                if let Some(v) = self.vstack.get_mut(var.aux as usize) {
                    v.info |= VSTACK_VAR_RW;
                }
                self.toval(e)?;
                match e.k {
                    ExpKind::Nil | ExpKind::False | ExpKind::True => {
                        bc::ins_ad(Op::USETP, var.info, e.pri())
                    }
                    ExpKind::Str => {
                        let k = self.fs.const_str(e.str);
                        bc::ins_ad(Op::USETS, var.info, k)
                    }
                    ExpKind::Num => {
                        let k = self.fs.const_num(e.num);
                        bc::ins_ad(Op::USETN, var.info, k)
                    }
                    _ => {
                        let r = self.toanyreg(e)?;
                        bc::ins_ad(Op::USETV, var.info, r)
                    }
                }
            }
            ExpKind::Global => {
                let ra = self.toanyreg(e)?;
                let k = self.fs.const_str(var.str);
                bc::ins_ad(Op::GSET, ra, k)
            }
            _ => {
                let ra = self.toanyreg(e)?;
                let rc = var.aux;
                if (rc as i32) < 0 {
                    bc::ins_abc(Op::TSETS, ra, var.info, !rc)
                } else if rc > 255 {
                    bc::ins_abc(Op::TSETB, ra, var.info, rc - 256)
                } else {
                    bc::ins_abc(Op::TSETV, ra, var.info, rc)
                }
            }
        };
        self.emit(ins)?;
        self.expr_free(e);
        Ok(())
    }

    /// Turns `t` into an indexed expression with key `e` (already a value).
    pub(super) fn index(&mut self, t: &mut ExpDesc, e: &mut ExpDesc) -> R<()> {
        t.k = ExpKind::Indexed;
        if e.is_numk() {
            let n = e.num;
            let k = n as i32;
            if (0..=255).contains(&k) && n == k as f64 {
                t.aux = 256 + k as u32;
                return Ok(());
            }
        } else if e.k == ExpKind::Str {
            let idx = self.fs.const_str(e.str);
            if idx <= 255 {
                t.aux = !idx;
                return Ok(());
            }
        }
        t.aux = self.toanyreg(e)?;
        Ok(())
    }

    /// Emits `obj:method` lookup: the method into a new call base, `obj` as self.
    pub(super) fn method(&mut self, e: &mut ExpDesc, key: &ExpDesc) -> R<()> {
        let obj = self.toanyreg(e)?;
        self.expr_free(e);
        let func = self.fs.freereg;
        self.emit_ad(Op::MOV, func + 2, obj)?;
        let idx = self.fs.const_str(key.str);
        if idx <= 255 {
            self.reg_reserve(3)?;
            self.emit_abc(Op::TGETS, func, obj, idx)?;
        } else {
            self.reg_reserve(4)?;
            self.emit_ad(Op::KSTR, func + 3, idx)?;
            self.emit_abc(Op::TGETV, func, obj, func + 3)?;
            self.fs.freereg -= 1;
        }
        e.info = func;
        e.k = ExpKind::NonReloc;
        Ok(())
    }

    fn invertcond(&mut self, e: &ExpDesc) {
        let pc = e.info as usize - 1;
        let ins = self.fs.bc[pc];
        let op = bc::op(ins);
        self.fs.bc[pc] = bc::set_op(ins, Op::from_u8(op as u8 ^ 1).unwrap_or(op));
    }

    fn emit_branch(&mut self, e: &mut ExpDesc, cond: bool) -> R<u32> {
        if e.k == ExpKind::Relocable {
            let pc = e.info as usize;
            let ins = self.fs.bc[pc];
            if bc::op(ins) == Op::NOT {
                self.fs.bc[pc] = bc::ins_ad(if cond { Op::ISF } else { Op::IST }, 0, bc::d(ins));
                return self.emit_jmp();
            }
        }
        if e.k != ExpKind::NonReloc {
            self.reg_reserve(1)?;
            let r = self.fs.freereg - 1;
            self.toreg_nobranch(e, r)?;
        }
        self.emit_ad(if cond { Op::ISTC } else { Op::ISFC }, NO_REG, e.info)?;
        let pc = self.emit_jmp()?;
        self.expr_free(e);
        Ok(pc)
    }

    /// Emits a branch taken when `e` is false (falls through when true).
    pub(super) fn branch_t(&mut self, e: &mut ExpDesc) -> R<()> {
        self.discharge(e)?;
        let pc = match e.k {
            ExpKind::Str | ExpKind::Num | ExpKind::True => NO_JMP,
            ExpKind::Jmp => {
                self.invertcond(e);
                e.info
            }
            ExpKind::False | ExpKind::Nil => {
                self.toreg_nobranch(e, NO_REG)?;
                self.emit_jmp()?
            }
            _ => self.emit_branch(e, false)?,
        };
        let mut f = e.f;
        self.jmp_append(&mut f, pc)?;
        e.f = f;
        self.jmp_tohere(e.t)?;
        e.t = NO_JMP;
        Ok(())
    }

    /// Emits a branch taken when `e` is true (falls through when false).
    pub(super) fn branch_f(&mut self, e: &mut ExpDesc) -> R<()> {
        self.discharge(e)?;
        let pc = match e.k {
            ExpKind::Nil | ExpKind::False => NO_JMP,
            ExpKind::Jmp => e.info,
            ExpKind::Str | ExpKind::Num | ExpKind::True => {
                self.toreg_nobranch(e, NO_REG)?;
                self.emit_jmp()?
            }
            _ => self.emit_branch(e, true)?,
        };
        let mut t = e.t;
        self.jmp_append(&mut t, pc)?;
        e.t = t;
        self.jmp_tohere(e.f)?;
        e.f = NO_JMP;
        Ok(())
    }

    fn foldarith(op: BinOp, e1: &mut ExpDesc, e2: &ExpDesc) -> bool {
        if !e1.is_numk_nojump() || !e2.is_numk_nojump() {
            return false;
        }
        let n = fold(op, e1.num, e2.num);
        if n.is_nan() || (n == 0.0 && n.is_sign_negative()) {
            return false;
        }
        e1.num = n;
        true
    }

    fn emit_arith(&mut self, op: BinOp, e1: &mut ExpDesc, e2: &mut ExpDesc) -> R<()> {
        if Self::foldarith(op, e1, e2) {
            return Ok(());
        }
        let (ins_op, rb, rc);
        if op == BinOp::Pow {
            rc = self.toanyreg(e2)?;
            rb = self.toanyreg(e1)?;
            ins_op = Op::POW;
        } else {
            let base = op.arith_index();
            let mut opn = Op::ADDVV as u32 + base;
            self.toval(e2)?;
            let mut c = if e2.is_numk() {
                self.fs.const_num(e2.num)
            } else {
                u32::MAX
            };
            if c <= 255 {
                opn = Op::ADDVN as u32 + base;
            } else {
                c = self.toanyreg(e2)?;
            }
            self.toval(e1)?;
            let t = if e1.is_numk() && !e2.is_numk() {
                self.fs.const_num(e1.num)
            } else {
                u32::MAX
            };
            if t <= 255 {
                rb = c;
                rc = t;
                opn = Op::ADDNV as u32 + base;
            } else {
                rb = self.toanyreg(e1)?;
                rc = c;
            }
            ins_op = Op::from_u8(opn as u8).unwrap_or(Op::ADDVV);
        }
        if e1.k == ExpKind::NonReloc && e1.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        if e2.k == ExpKind::NonReloc && e2.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        e1.info = self.emit_abc(ins_op, 0, rb, rc)?;
        e1.k = ExpKind::Relocable;
        Ok(())
    }

    fn emit_comp(&mut self, op: BinOp, e1in: &mut ExpDesc, e2in: &mut ExpDesc) -> R<()> {
        self.toval(e1in)?;
        let mut a = *e1in;
        let mut b = *e2in;
        let ins = if op == BinOp::Eq || op == BinOp::Ne {
            let eq = op == BinOp::Eq;
            if a.is_k() {
                std::mem::swap(&mut a, &mut b);
            }
            let ra = self.toanyreg(&mut a)?;
            self.toval(&mut b)?;
            match b.k {
                ExpKind::Nil | ExpKind::False | ExpKind::True => {
                    bc::ins_ad(if eq { Op::ISEQP } else { Op::ISNEP }, ra, b.pri())
                }
                ExpKind::Str => {
                    let k = self.fs.const_str(b.str);
                    bc::ins_ad(if eq { Op::ISEQS } else { Op::ISNES }, ra, k)
                }
                ExpKind::Num => {
                    let k = self.fs.const_num(b.num);
                    bc::ins_ad(if eq { Op::ISEQN } else { Op::ISNEN }, ra, k)
                }
                _ => {
                    let rd = self.toanyreg(&mut b)?;
                    bc::ins_ad(if eq { Op::ISEQV } else { Op::ISNEV }, ra, rd)
                }
            }
        } else {
            let (opc, ra, rd) = match op {
                BinOp::Lt | BinOp::Le => {
                    let rd = self.toanyreg(&mut b)?;
                    let ra = self.toanyreg(&mut a)?;
                    (if op == BinOp::Lt { Op::ISLT } else { Op::ISLE }, ra, rd)
                }
                _ => {
                    // a > b is b < a; a >= b is b <= a.
                    std::mem::swap(&mut a, &mut b);
                    self.toval(&mut a)?;
                    let ra = self.toanyreg(&mut a)?;
                    let rd = self.toanyreg(&mut b)?;
                    (if op == BinOp::Gt { Op::ISLT } else { Op::ISLE }, ra, rd)
                }
            };
            bc::ins_ad(opc, ra, rd)
        };
        if a.k == ExpKind::NonReloc && a.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        if b.k == ExpKind::NonReloc && b.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        self.emit(ins)?;
        e1in.info = self.emit_jmp()?;
        e1in.k = ExpKind::Jmp;
        Ok(())
    }

    /// Prepares the left operand of a binary operator before the right one is parsed.
    pub(super) fn binop_left(&mut self, op: BinOp, e: &mut ExpDesc) -> R<()> {
        match op {
            BinOp::And => self.branch_t(e),
            BinOp::Or => self.branch_f(e),
            BinOp::Concat => self.tonextreg(e),
            BinOp::Eq | BinOp::Ne => {
                if !e.is_k_nojump() {
                    self.toanyreg(e)?;
                }
                Ok(())
            }
            _ => {
                if !e.is_numk_nojump() {
                    self.toanyreg(e)?;
                }
                Ok(())
            }
        }
    }

    /// Emits a binary operator.
    pub(super) fn binop(&mut self, op: BinOp, e1: &mut ExpDesc, e2: &mut ExpDesc) -> R<()> {
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow => {
                self.emit_arith(op, e1, e2)
            }
            BinOp::And => {
                self.discharge(e2)?;
                let mut f = e2.f;
                self.jmp_append(&mut f, e1.f)?;
                e2.f = f;
                *e1 = *e2;
                Ok(())
            }
            BinOp::Or => {
                self.discharge(e2)?;
                let mut t = e2.t;
                self.jmp_append(&mut t, e1.t)?;
                e2.t = t;
                *e1 = *e2;
                Ok(())
            }
            BinOp::Concat => {
                self.toval(e2)?;
                if e2.k == ExpKind::Relocable && bc::op(self.fs.bc[e2.info as usize]) == Op::CAT {
                    self.expr_free(e1);
                    let pc = e2.info as usize;
                    let ins = self.fs.bc[pc];
                    self.fs.bc[pc] = (ins & 0x00ff_ffff) | (e1.info << 24);
                    e1.info = e2.info;
                } else {
                    self.tonextreg(e2)?;
                    self.expr_free(e2);
                    self.expr_free(e1);
                    e1.info = self.emit_abc(Op::CAT, 0, e1.info, e2.info)?;
                }
                e1.k = ExpKind::Relocable;
                Ok(())
            }
            _ => self.emit_comp(op, e1, e2),
        }
    }

    /// Emits a unary operator.
    pub(super) fn unop(&mut self, op: Op, e: &mut ExpDesc) -> R<()> {
        if op == Op::NOT {
            std::mem::swap(&mut e.t, &mut e.f);
            self.fs.jmp_dropval(e.f);
            self.fs.jmp_dropval(e.t);
            self.discharge(e)?;
            match e.k {
                ExpKind::Nil | ExpKind::False => {
                    e.k = ExpKind::True;
                    return Ok(());
                }
                ExpKind::Str | ExpKind::Num | ExpKind::True => {
                    e.k = ExpKind::False;
                    return Ok(());
                }
                ExpKind::Jmp => {
                    self.invertcond(e);
                    return Ok(());
                }
                ExpKind::Relocable => {
                    self.reg_reserve(1)?;
                    let r = self.fs.freereg - 1;
                    let pc = e.info as usize;
                    self.fs.bc[pc] = bc::set_a(self.fs.bc[pc], r);
                    e.info = r;
                    e.k = ExpKind::NonReloc;
                }
                _ => {}
            }
        } else {
            if op == Op::UNM && !e.has_jump() && e.is_numk() && e.num != 0.0 {
                e.num = -e.num;
                return Ok(());
            }
            self.toanyreg(e)?;
        }
        self.expr_free(e);
        e.info = self.emit_ad(op, 0, e.info)?;
        e.k = ExpKind::Relocable;
        Ok(())
    }

    /// Adds a constant key/value to the template table at GC index `kidx`.
    pub(super) fn template_set(&mut self, kidx: usize, key: TKey, val: Option<TVal>) {
        if let Some(KgcSlot::Table(t)) = self.fs.kgc.get_mut(kidx) {
            match t.index.get(&key) {
                Some(&i) => t.entries[i].1 = val,
                None => {
                    t.index.insert(key, t.entries.len());
                    t.entries.push((key, val));
                }
            }
        }
    }
}

/// The template-table key of a constant expression (not nil).
pub(super) fn tkey(e: &ExpDesc) -> TKey {
    match e.k {
        ExpKind::False => TKey::Bool(false),
        ExpKind::True => TKey::Bool(true),
        ExpKind::Str => TKey::Str(e.str),
        _ => TKey::Num(if e.num == 0.0 { 0 } else { e.num.to_bits() }),
    }
}

/// The template-table value of a constant expression.
pub(super) fn tval(e: &ExpDesc) -> TVal {
    match e.k {
        ExpKind::Nil => TVal::Nil,
        ExpKind::False => TVal::Bool(false),
        ExpKind::True => TVal::Bool(true),
        ExpKind::Str => TVal::Str(e.str),
        _ => TVal::Num(e.num),
    }
}
