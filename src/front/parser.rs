//! The recursive-descent parser: statements and expressions.
//!
//! There is no syntax tree. Each grammar rule emits bytecode as soon as it has seen
//! enough, using the expression descriptors of `expr.rs` to delay decisions (which
//! register, which constant form) until the consumer is known. This single-pass shape is
//! what makes the output identical to LuaJIT's: the order in which constants are first
//! used, registers are reserved and jumps are patched *is* the order of parsing.
//!
//! ## Functions
//!
//! The function being compiled is `self.fs`; enclosing functions wait in `self.outer`
//! (innermost last). `parse_body` pushes a fresh state, parses parameters and the chunk,
//! and `fs_finish` (in `scope.rs`, with variables, upvalues, scopes and gotos) turns it
//! into a child prototype stored as the parent's next GC constant (FNEW's operand).
//!
//! ## Limits
//!
//! Nesting depth (`chunk has too many syntax levels`), locals, upvalues, registers and
//! constants are checked with LuaJIT's messages so that no input can exhaust the Rust
//! stack or overflow an operand field.
//!
//! Rules for whoever changes this file: keep the order of `emit` calls, constant look-ups
//! and register reservations exactly as they are, and compare with `luajit -bl`.

use super::expr::{tkey, tval, BinOp, ExpDesc, ExpKind, UNARY_PRIORITY};
use super::func_state::*;
use super::lexer::{Lexer, Tok, TokVal};
use super::CompileError;
use crate::bc::{self, Op, Proto, ProtoFlags};
use hashbrown::HashMap;

/// Parser state: the lexer, interned strings, the variable stack and function states.
pub(super) struct Parser<'a> {
    pub(super) lx: Lexer<'a>,
    pub(super) strings: Vec<Vec<u8>>,
    pub(super) string_ids: HashMap<Vec<u8>, u32>,
    pub(super) vstack: Vec<VarSlot>,
    pub(super) fs: FuncState,
    pub(super) outer: Vec<FuncState>,
    pub(super) level: u32,
    pub(super) chunkname: Box<[u8]>,
}

fn is_block_end(t: Tok) -> bool {
    matches!(
        t,
        Tok::Else | Tok::Elseif | Tok::End | Tok::Until | Tok::Eof
    )
}

fn hsize2hbits(s: u32) -> u32 {
    if s == 0 {
        0
    } else if s == 1 {
        1
    } else {
        1 + (31 - (s - 1).leading_zeros())
    }
}

fn binop_of(t: Tok) -> Option<BinOp> {
    Some(match t {
        Tok::Char(b'+') => BinOp::Add,
        Tok::Char(b'-') => BinOp::Sub,
        Tok::Char(b'*') => BinOp::Mul,
        Tok::Char(b'/') => BinOp::Div,
        Tok::Char(b'%') => BinOp::Mod,
        Tok::Char(b'^') => BinOp::Pow,
        Tok::Concat => BinOp::Concat,
        Tok::Ne => BinOp::Ne,
        Tok::Eq => BinOp::Eq,
        Tok::Char(b'<') => BinOp::Lt,
        Tok::Le => BinOp::Le,
        Tok::Char(b'>') => BinOp::Gt,
        Tok::Ge => BinOp::Ge,
        Tok::And => BinOp::And,
        Tok::Or => BinOp::Or,
        _ => return None,
    })
}

/// One entry of the left-hand side list of an assignment.
struct Lhs {
    v: ExpDesc,
}

impl<'a> Parser<'a> {
    /// Creates a parser over `source`.
    pub(super) fn new(source: &'a [u8], chunkname: &[u8]) -> Self {
        let short = bc::proto::short_source(chunkname);
        Parser {
            lx: Lexer::new(source, short),
            strings: Vec::new(),
            string_ids: HashMap::new(),
            vstack: Vec::new(),
            fs: FuncState::new(0, 0),
            outer: Vec::new(),
            level: 0,
            chunkname: chunkname.into(),
        }
    }

    /// Interns a string.
    pub(super) fn intern(&mut self, s: &[u8]) -> u32 {
        if let Some(&id) = self.string_ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.to_vec());
        self.string_ids.insert(s.to_vec(), id);
        id
    }

    pub(super) fn string(&self, id: u32) -> &[u8] {
        self.strings.get(id as usize).map(|v| &v[..]).unwrap_or(b"")
    }

    /// Compiles the main chunk.
    pub(super) fn parse_main(mut self) -> R<Proto> {
        if let Some(message) = self.lx.bytecode_error.take() {
            return Err(CompileError { message });
        }
        self.fs.flags |= ProtoFlags::VARARG;
        self.fscope_begin(0);
        self.emit_ad(Op::FUNCV, 0, 0)?;
        self.lx.next()?;
        self.parse_chunk()?;
        if self.lx.tok != Tok::Eof {
            return Err(self.err_token(Tok::Eof));
        }
        let line = self.lx.line;
        let (pt, _) = self.fs_finish(line)?;
        Ok(pt)
    }

    // ---- Token helpers -------------------------------------------------------------

    pub(super) fn err_token(&self, t: Tok) -> CompileError {
        self.err_syntax(&format!("'{}' expected", t.name()))
    }

    fn lex_opt(&mut self, t: Tok) -> R<bool> {
        if self.lx.tok == t {
            self.lx.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn lex_check(&mut self, t: Tok) -> R<()> {
        if self.lx.tok != t {
            return Err(self.err_token(t));
        }
        self.lx.next()
    }

    fn lex_match(&mut self, what: Tok, who: Tok, line: u32) -> R<()> {
        if !self.lex_opt(what)? {
            if line == self.lx.line {
                return Err(self.err_token(what));
            }
            let msg = format!(
                "'{}' expected (to close '{}' at line {})",
                what.name(),
                who.name(),
                line
            );
            return Err(self.err_syntax(&msg));
        }
        Ok(())
    }

    pub(super) fn lex_str(&mut self) -> R<u32> {
        let id = match (self.lx.tok, &self.lx.val) {
            (Tok::Name, TokVal::Str(s)) => {
                let s = s.clone();
                self.intern(&s)
            }
            (Tok::Goto, _) => self.intern(b"goto"),
            _ => return Err(self.err_token(Tok::Name)),
        };
        self.lx.next()?;
        Ok(id)
    }

    fn synlevel_begin(&mut self) -> R<()> {
        self.level += 1;
        if self.level >= MAX_XLEVEL {
            return Err(self.lx.error(None, "chunk has too many syntax levels"));
        }
        Ok(())
    }

    fn synlevel_end(&mut self) {
        self.level -= 1;
    }

    // ---- Expressions ---------------------------------------------------------------

    fn expr_str(&mut self) -> R<ExpDesc> {
        let s = self.lex_str()?;
        Ok(ExpDesc::str(s))
    }

    fn expr_field(&mut self, v: &mut ExpDesc) -> R<()> {
        self.toanyreg(v)?;
        self.lx.next()?;
        let mut key = self.expr_str()?;
        self.index(v, &mut key)
    }

    fn expr_bracket(&mut self) -> R<ExpDesc> {
        self.lx.next()?;
        let mut v = self.expr()?;
        self.toval(&mut v)?;
        self.lex_check(Tok::Char(b']'))?;
        Ok(v)
    }

    fn expr_table(&mut self, e: &mut ExpDesc) -> R<()> {
        let line = self.lx.line;
        let mut kidx: Option<usize> = None;
        let (mut vcall, mut needarr) = (false, false);
        let mut narr: u32 = 1;
        let mut nhash: u32 = 0;
        let mut freg = self.fs.freereg;
        let pc = self.emit_ad(Op::TNEW, freg, 0)?;
        *e = ExpDesc::new(ExpKind::NonReloc, freg);
        self.reg_reserve(1)?;
        freg += 1;
        self.lex_check(Tok::Char(b'{'))?;
        while self.lx.tok != Tok::Char(b'}') {
            vcall = false;
            let mut key;
            if self.lx.tok == Tok::Char(b'[') {
                key = self.expr_bracket()?;
                if !key.is_k() {
                    self.index(e, &mut key)?;
                }
                if key.is_numk() && key.num == 0.0 {
                    needarr = true;
                } else {
                    nhash += 1;
                }
                self.lex_check(Tok::Char(b'='))?;
            } else if matches!(self.lx.tok, Tok::Name | Tok::Goto)
                && self.lx.lookahead()? == Tok::Char(b'=')
            {
                key = self.expr_str()?;
                self.lex_check(Tok::Char(b'='))?;
                nhash += 1;
            } else {
                key = ExpDesc::num(narr as f64);
                narr += 1;
                needarr = true;
                vcall = true;
            }
            let mut val = self.expr()?;
            let mut nonconst = true;
            if key.is_k() && key.k != ExpKind::Nil && (key.k == ExpKind::Str || val.is_k_nojump()) {
                let k = match kidx {
                    Some(k) => k,
                    None => {
                        let k = self.fs.kgc.len();
                        self.fs.kgc.push(KgcSlot::Table(Template::default()));
                        self.fs.bc[pc as usize] = bc::ins_ad(Op::TDUP, freg - 1, k as u32);
                        kidx = Some(k);
                        k
                    }
                };
                vcall = false;
                if val.is_k_nojump() {
                    self.template_set(k, tkey(&key), Some(tval(&val)));
                    nonconst = false;
                } else {
                    self.template_set(k, tkey(&key), None);
                }
            }
            if nonconst {
                if val.k != ExpKind::Call {
                    self.toanyreg(&mut val)?;
                    vcall = false;
                }
                if key.is_k() {
                    self.index(e, &mut key)?;
                }
                self.store(e, &mut val)?;
            }
            self.fs.freereg = freg;
            if !self.lex_opt(Tok::Char(b','))? && !self.lex_opt(Tok::Char(b';'))? {
                break;
            }
        }
        self.lex_match(Tok::Char(b'}'), Tok::Char(b'{'), line)?;
        if vcall {
            let mut ilp = self.fs.pc() as usize - 1;
            let en = (narr - 1) as f64 + 4503599627370496.0;
            if narr > 256 {
                self.fs.bc.pop();
                self.fs.lines.pop();
                ilp -= 1;
            }
            let k = self.fs.const_num(en);
            self.fs.bc[ilp] = bc::ins_ad(Op::TSETM, freg, k);
            let call = self.fs.bc[ilp - 1];
            self.fs.bc[ilp - 1] = call & 0x00ff_ffff;
        }
        if pc + 1 == self.fs.pc() {
            e.info = pc;
            self.fs.freereg -= 1;
            e.k = ExpKind::Relocable;
        } else {
            e.k = ExpKind::NonReloc;
        }
        match kidx {
            None => {
                let n = if needarr { narr.clamp(3, 0x7ff) } else { 0 };
                let ins = self.fs.bc[pc as usize];
                self.fs.bc[pc as usize] = bc::set_d(ins, n | (hsize2hbits(nhash) << 11));
            }
            Some(k) => {
                if let Some(KgcSlot::Table(t)) = self.fs.kgc.get_mut(k) {
                    t.asize = if needarr { narr } else { 0 };
                }
            }
        }
        Ok(())
    }

    fn parse_params(&mut self, needself: bool) -> R<u32> {
        self.lex_check(Tok::Char(b'('))?;
        let mut n = 0;
        if needself {
            let id = self.intern(b"self");
            self.var_new(n, id)?;
            n += 1;
        }
        if self.lx.tok != Tok::Char(b')') {
            loop {
                match self.lx.tok {
                    Tok::Name | Tok::Goto => {
                        let s = self.lex_str()?;
                        self.var_new(n, s)?;
                        n += 1;
                    }
                    Tok::Dots => {
                        self.lx.next()?;
                        self.fs.flags |= ProtoFlags::VARARG;
                        break;
                    }
                    _ => return Err(self.err_syntax("<name> or '...' expected")),
                }
                if !self.lex_opt(Tok::Char(b','))? {
                    break;
                }
            }
        }
        self.var_add(n);
        self.reg_reserve(n)?;
        self.lex_check(Tok::Char(b')'))?;
        Ok(n)
    }

    fn parse_body(&mut self, e: &mut ExpDesc, needself: bool, line: u32) -> R<()> {
        let vbase = self.vstack.len();
        let parent = std::mem::replace(&mut self.fs, FuncState::new(vbase, line));
        self.outer.push(parent);
        self.fscope_begin(0);
        self.fs.numparams = self.parse_params(needself)?;
        self.emit_ad(Op::FUNCF, 0, 0)?;
        self.parse_chunk()?;
        if self.lx.tok != Tok::End {
            self.lex_match(Tok::End, Tok::Function, line)?;
        }
        self.lx.lastline = self.lx.line;
        let (pt, uvtmp) = self.fs_finish(self.lx.line)?;
        let kidx = self.fs.kgc.len() as u32;
        self.fs.kgc.push(KgcSlot::Proto(Box::new(pt), uvtmp));
        *e = ExpDesc::new(ExpKind::Relocable, self.emit_ad(Op::FNEW, 0, kidx)?);
        if self.fs.flags & ProtoFlags::CHILD == 0 {
            if self.fs.flags & ProtoFlags::HAS_RETURN != 0 {
                self.fs.flags |= ProtoFlags::FIXUP_RETURN;
            }
            self.fs.flags |= ProtoFlags::CHILD;
        }
        self.lx.next()
    }

    fn expr_list(&mut self, v: &mut ExpDesc) -> R<u32> {
        let mut n = 1;
        *v = self.expr()?;
        while self.lex_opt(Tok::Char(b','))? {
            self.tonextreg(v)?;
            *v = self.expr()?;
            n += 1;
        }
        Ok(n)
    }

    fn parse_args(&mut self, e: &mut ExpDesc) -> R<()> {
        let line = self.lx.line;
        let mut args;
        match self.lx.tok {
            Tok::Char(b'(') => {
                if line != self.lx.lastline {
                    return Err(self.err_syntax("ambiguous syntax (function call x new statement)"));
                }
                self.lx.next()?;
                if self.lx.tok == Tok::Char(b')') {
                    args = ExpDesc::new(ExpKind::Void, 0);
                } else {
                    args = ExpDesc::new(ExpKind::Void, 0);
                    self.expr_list(&mut args)?;
                    if args.k == ExpKind::Call {
                        let pc = args.info as usize;
                        self.fs.bc[pc] &= 0x00ff_ffff;
                    }
                }
                self.lex_match(Tok::Char(b')'), Tok::Char(b'('), line)?;
            }
            Tok::Char(b'{') => {
                args = ExpDesc::new(ExpKind::Void, 0);
                self.expr_table(&mut args)?;
            }
            Tok::String => {
                let s = match &self.lx.val {
                    TokVal::Str(s) => s.clone(),
                    _ => Vec::new(),
                };
                args = ExpDesc::str(self.intern(&s));
                self.lx.next()?;
            }
            _ => return Err(self.err_syntax("function arguments expected")),
        }
        let base = e.info;
        let ins = if args.k == ExpKind::Call {
            bc::ins_abc(Op::CALLM, base, 2, args.aux - base - 2)
        } else {
            if args.k != ExpKind::Void {
                self.tonextreg(&mut args)?;
            }
            bc::ins_abc(Op::CALL, base, 2, self.fs.freereg - base - 1)
        };
        let pc = self.emit(ins)?;
        *e = ExpDesc::new(ExpKind::Call, pc);
        e.aux = base;
        self.fs.lines[pc as usize] = line;
        self.fs.freereg = base + 1;
        Ok(())
    }

    fn expr_primary(&mut self, v: &mut ExpDesc) -> R<()> {
        match self.lx.tok {
            Tok::Char(b'(') => {
                let line = self.lx.line;
                self.lx.next()?;
                *v = self.expr()?;
                self.lex_match(Tok::Char(b')'), Tok::Char(b'('), line)?;
                self.discharge(v)?;
            }
            Tok::Name | Tok::Goto => {
                *v = self.var_lookup()?;
            }
            _ => return Err(self.err_syntax("unexpected symbol")),
        }
        loop {
            match self.lx.tok {
                Tok::Char(b'.') => self.expr_field(v)?,
                Tok::Char(b'[') => {
                    self.toanyreg(v)?;
                    let mut key = self.expr_bracket()?;
                    self.index(v, &mut key)?;
                }
                Tok::Char(b':') => {
                    self.lx.next()?;
                    let key = self.expr_str()?;
                    self.method(v, &key)?;
                    self.parse_args(v)?;
                }
                Tok::Char(b'(') | Tok::String | Tok::Char(b'{') => {
                    self.tonextreg(v)?;
                    self.reg_reserve(1)?;
                    self.parse_args(v)?;
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn expr_simple(&mut self, v: &mut ExpDesc) -> R<()> {
        match self.lx.tok {
            Tok::Number => {
                let n = match self.lx.val {
                    TokVal::Num(n) => n,
                    _ => 0.0,
                };
                *v = ExpDesc::num(n);
            }
            Tok::String => {
                let s = match &self.lx.val {
                    TokVal::Str(s) => s.clone(),
                    _ => Vec::new(),
                };
                *v = ExpDesc::str(self.intern(&s));
            }
            Tok::Nil => *v = ExpDesc::new(ExpKind::Nil, 0),
            Tok::True => *v = ExpDesc::new(ExpKind::True, 0),
            Tok::False => *v = ExpDesc::new(ExpKind::False, 0),
            Tok::Dots => {
                if self.fs.flags & ProtoFlags::VARARG == 0 {
                    return Err(self.err_syntax("cannot use '...' outside a vararg function"));
                }
                self.reg_reserve(1)?;
                let base = self.fs.freereg - 1;
                let np = self.fs.numparams;
                let pc = self.emit_abc(Op::VARG, base, 2, np)?;
                *v = ExpDesc::new(ExpKind::Call, pc);
                v.aux = base;
            }
            Tok::Char(b'{') => return self.expr_table(v),
            Tok::Function => {
                self.lx.next()?;
                let line = self.lx.line;
                return self.parse_body(v, false, line);
            }
            _ => return self.expr_primary(v),
        }
        self.lx.next()
    }

    fn expr_unop(&mut self, v: &mut ExpDesc) -> R<()> {
        let op = match self.lx.tok {
            Tok::Not => Op::NOT,
            Tok::Char(b'-') => Op::UNM,
            Tok::Char(b'#') => Op::LEN,
            _ => return self.expr_simple(v),
        };
        self.lx.next()?;
        self.expr_binop(v, UNARY_PRIORITY)?;
        self.unop(op, v)
    }

    fn expr_binop(&mut self, v: &mut ExpDesc, limit: u32) -> R<Option<BinOp>> {
        self.synlevel_begin()?;
        self.expr_unop(v)?;
        let mut op = binop_of(self.lx.tok);
        while let Some(o) = op {
            if o.priority().0 <= limit {
                break;
            }
            self.lx.next()?;
            self.binop_left(o, v)?;
            let mut v2 = ExpDesc::new(ExpKind::Void, 0);
            let next = self.expr_binop(&mut v2, o.priority().1)?;
            self.binop(o, v, &mut v2)?;
            op = next;
        }
        self.synlevel_end();
        Ok(op)
    }

    fn expr(&mut self) -> R<ExpDesc> {
        let mut v = ExpDesc::new(ExpKind::Void, 0);
        self.expr_binop(&mut v, 0)?;
        Ok(v)
    }

    fn expr_next(&mut self) -> R<()> {
        let mut e = self.expr()?;
        self.tonextreg(&mut e)
    }

    fn expr_cond(&mut self) -> R<u32> {
        let mut v = self.expr()?;
        if v.k == ExpKind::Nil {
            v.k = ExpKind::False;
        }
        self.branch_t(&mut v)?;
        Ok(v.f)
    }

    // ---- Statements ----------------------------------------------------------------

    fn assign_adjust(&mut self, nvars: u32, nexps: u32, e: &mut ExpDesc) -> R<()> {
        let mut extra = nvars as i64 - nexps as i64;
        if e.k == ExpKind::Call {
            extra += 1;
            if extra < 0 {
                extra = 0;
            }
            let pc = e.info as usize;
            self.fs.bc[pc] = (self.fs.bc[pc] & 0x00ff_ffff) | (((extra + 1) as u32 & 0xff) << 24);
            if extra > 1 {
                self.reg_reserve(extra as u32 - 1)?;
            }
        } else {
            if e.k != ExpKind::Void {
                self.tonextreg(e)?;
            }
            if extra > 0 {
                let reg = self.fs.freereg;
                self.reg_reserve(extra as u32)?;
                self.emit_nil(reg, extra as u32)?;
            }
        }
        if nexps > nvars {
            self.fs.freereg -= nexps - nvars;
        }
        Ok(())
    }

    fn assign_hazard(&mut self, lhs: &mut [Lhs], v: &ExpDesc) -> R<()> {
        let reg = v.info;
        let tmp = self.fs.freereg;
        let mut hazard = false;
        for lh in lhs.iter_mut().rev() {
            if lh.v.k == ExpKind::Indexed {
                if lh.v.info == reg {
                    hazard = true;
                    lh.v.info = tmp;
                }
                if lh.v.aux == reg {
                    hazard = true;
                    lh.v.aux = tmp;
                }
            }
        }
        if hazard {
            self.emit_ad(Op::MOV, tmp, reg)?;
            self.reg_reserve(1)?;
        }
        Ok(())
    }

    fn parse_assignment(&mut self, lhs: &mut Vec<Lhs>) -> R<()> {
        let nvars = lhs.len() as u32;
        let k = lhs[lhs.len() - 1].v.k;
        if !(ExpKind::Local..=ExpKind::Indexed).contains(&k) {
            return Err(self.err_syntax("syntax error"));
        }
        if self.lex_opt(Tok::Char(b','))? {
            let mut v = ExpDesc::new(ExpKind::Void, 0);
            self.expr_primary(&mut v)?;
            if v.k == ExpKind::Local {
                self.assign_hazard(lhs, &v)?;
            }
            if self.level + nvars >= MAX_XLEVEL {
                return Err(self.err_limit(MAX_XLEVEL, "variable names"));
            }
            lhs.push(Lhs { v });
            self.parse_assignment(lhs)?;
            lhs.pop();
        } else {
            self.lex_check(Tok::Char(b'='))?;
            let mut e = ExpDesc::new(ExpKind::Void, 0);
            let nexps = self.expr_list(&mut e)?;
            if nexps == nvars {
                if e.k == ExpKind::Call {
                    if bc::op(self.fs.bc[e.info as usize]) == Op::VARG {
                        self.fs.freereg -= 1;
                        e.k = ExpKind::Relocable;
                    } else {
                        e.info = e.aux;
                        e.k = ExpKind::NonReloc;
                    }
                }
                let var = lhs[lhs.len() - 1].v;
                return self.store(&var, &mut e);
            }
            self.assign_adjust(nvars, nexps, &mut e)?;
        }
        let mut e = ExpDesc::new(ExpKind::NonReloc, self.fs.freereg - 1);
        let var = lhs[lhs.len() - 1].v;
        self.store(&var, &mut e)
    }

    fn parse_call_assign(&mut self) -> R<()> {
        let mut v = ExpDesc::new(ExpKind::Void, 0);
        self.expr_primary(&mut v)?;
        if v.k == ExpKind::Call {
            let pc = v.info as usize;
            self.fs.bc[pc] = (self.fs.bc[pc] & 0x00ff_ffff) | (1 << 24);
        } else {
            let mut lhs = vec![Lhs { v }];
            self.parse_assignment(&mut lhs)?;
        }
        Ok(())
    }

    fn parse_local(&mut self) -> R<()> {
        if self.lex_opt(Tok::Function)? {
            let name = self.lex_str()?;
            self.var_new(0, name)?;
            let reg = self.fs.freereg;
            let mut v = ExpDesc::new(ExpKind::Local, reg);
            v.aux = self.fs.var_index(reg) as u32;
            self.reg_reserve(1)?;
            self.var_add(1);
            let mut b = ExpDesc::new(ExpKind::Void, 0);
            let line = self.lx.line;
            self.parse_body(&mut b, false, line)?;
            self.expr_free(&b);
            self.toreg(&mut b, v.info)?;
            let vidx = self.fs.var_index(self.fs.nactvar - 1);
            let pc = self.fs.pc();
            if let Some(var) = self.vstack.get_mut(vidx) {
                var.startpc = pc;
            }
        } else {
            let mut nvars = 0;
            loop {
                let name = self.lex_str()?;
                self.var_new(nvars, name)?;
                nvars += 1;
                if !self.lex_opt(Tok::Char(b','))? {
                    break;
                }
            }
            let mut e = ExpDesc::new(ExpKind::Void, 0);
            let nexps = if self.lex_opt(Tok::Char(b'='))? {
                self.expr_list(&mut e)?
            } else {
                0
            };
            self.assign_adjust(nvars, nexps, &mut e)?;
            self.var_add(nvars);
        }
        Ok(())
    }

    fn parse_func(&mut self, line: u32) -> R<()> {
        self.lx.next()?;
        let mut v = self.var_lookup()?;
        let mut needself = false;
        while self.lx.tok == Tok::Char(b'.') {
            self.expr_field(&mut v)?;
        }
        if self.lx.tok == Tok::Char(b':') {
            needself = true;
            self.expr_field(&mut v)?;
        }
        let mut b = ExpDesc::new(ExpKind::Void, 0);
        self.parse_body(&mut b, needself, line)?;
        self.store(&v, &mut b)?;
        let pc = self.fs.pc() as usize - 1;
        self.fs.lines[pc] = line;
        Ok(())
    }

    fn parse_return(&mut self) -> R<()> {
        self.lx.next()?;
        self.fs.flags |= ProtoFlags::HAS_RETURN;
        let ins;
        if is_block_end(self.lx.tok) || self.lx.tok == Tok::Char(b';') {
            ins = bc::ins_ad(Op::RET0, 0, 1);
        } else {
            let mut e = ExpDesc::new(ExpKind::Void, 0);
            let nret = self.expr_list(&mut e)?;
            let nactvar = self.fs.nactvar;
            if nret == 1 {
                if e.k == ExpKind::Call {
                    let ip = self.fs.bc[e.info as usize];
                    if bc::op(ip) == Op::VARG {
                        self.fs.bc[e.info as usize] &= 0x00ff_ffff;
                        ins = bc::ins_ad(Op::RETM, nactvar, e.aux - nactvar);
                    } else {
                        self.fs.bc.pop();
                        self.fs.lines.pop();
                        let op = if bc::op(ip) == Op::CALLM {
                            Op::CALLMT
                        } else {
                            Op::CALLT
                        };
                        ins = bc::ins_ad(op, bc::a(ip), bc::c(ip));
                    }
                } else {
                    let r = self.toanyreg(&mut e)?;
                    ins = bc::ins_ad(Op::RET1, r, 2);
                }
            } else if e.k == ExpKind::Call {
                self.fs.bc[e.info as usize] &= 0x00ff_ffff;
                ins = bc::ins_ad(Op::RETM, nactvar, e.aux - nactvar);
            } else {
                self.tonextreg(&mut e)?;
                ins = bc::ins_ad(Op::RET, nactvar, nret + 1);
            }
        }
        if self.fs.flags & ProtoFlags::CHILD != 0 {
            self.emit_aj(Op::UCLO, 0, 0)?;
        }
        self.emit(ins)?;
        Ok(())
    }

    fn parse_block(&mut self) -> R<()> {
        self.fscope_begin(0);
        self.parse_chunk()?;
        self.fscope_end()
    }

    fn parse_then(&mut self) -> R<u32> {
        self.lx.next()?;
        let condexit = self.expr_cond()?;
        self.lex_check(Tok::Then)?;
        self.parse_block()?;
        Ok(condexit)
    }

    fn parse_if(&mut self, line: u32) -> R<()> {
        let mut escapelist = NO_JMP;
        let mut flist = self.parse_then()?;
        while self.lx.tok == Tok::Elseif {
            let j = self.emit_jmp()?;
            self.jmp_append(&mut escapelist, j)?;
            self.jmp_tohere(flist)?;
            flist = self.parse_then()?;
        }
        if self.lx.tok == Tok::Else {
            let j = self.emit_jmp()?;
            self.jmp_append(&mut escapelist, j)?;
            self.jmp_tohere(flist)?;
            self.lx.next()?;
            self.parse_block()?;
        } else {
            self.jmp_append(&mut escapelist, flist)?;
        }
        self.jmp_tohere(escapelist)?;
        self.lex_match(Tok::End, Tok::If, line)
    }

    fn parse_while(&mut self, line: u32) -> R<()> {
        self.lx.next()?;
        let start = self.fs.pc();
        self.fs.lasttarget = start;
        let condexit = self.expr_cond()?;
        self.fscope_begin(FSCOPE_LOOP);
        self.lex_check(Tok::Do)?;
        let nact = self.fs.nactvar;
        let lp = self.emit_ad(Op::LOOP, nact, 0)?;
        self.parse_block()?;
        let j = self.emit_jmp()?;
        self.jmp_patch(j, start)?;
        self.lex_match(Tok::End, Tok::While, line)?;
        self.fscope_end()?;
        self.jmp_tohere(condexit)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)
    }

    fn parse_repeat(&mut self, line: u32) -> R<()> {
        let lp = self.fs.pc();
        self.fs.lasttarget = lp;
        self.fscope_begin(FSCOPE_LOOP);
        self.fscope_begin(0);
        self.lx.next()?;
        let nact = self.fs.nactvar;
        self.emit_ad(Op::LOOP, nact, 0)?;
        self.parse_chunk()?;
        self.lex_match(Tok::Until, Tok::Repeat, line)?;
        let mut condexit = self.expr_cond()?;
        let inner_upval = self
            .fs
            .blocks
            .last()
            .is_some_and(|b| b.flags & FSCOPE_UPVAL != 0);
        if !inner_upval {
            self.fscope_end()?;
        } else {
            self.parse_break()?;
            self.jmp_tohere(condexit)?;
            self.fscope_end()?;
            condexit = self.emit_jmp()?;
        }
        self.jmp_patch(condexit, lp)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)?;
        self.fscope_end()
    }

    fn parse_for_num(&mut self, varname: u32, line: u32) -> R<()> {
        let base = self.fs.freereg;
        self.var_new_fixed(0, 0)?;
        self.var_new_fixed(1, 1)?;
        self.var_new_fixed(2, 2)?;
        self.var_new(3, varname)?;
        self.lex_check(Tok::Char(b'='))?;
        self.expr_next()?;
        self.lex_check(Tok::Char(b','))?;
        self.expr_next()?;
        if self.lex_opt(Tok::Char(b','))? {
            self.expr_next()?;
        } else {
            let r = self.fs.freereg;
            self.emit_ad(Op::KSHORT, r, 1)?;
            self.reg_reserve(1)?;
        }
        self.var_add(3);
        self.lex_check(Tok::Do)?;
        let lp = self.emit_aj(Op::FORI, base, -1)?;
        self.fscope_begin(0);
        self.var_add(1);
        self.reg_reserve(1)?;
        self.parse_block()?;
        self.fscope_end()?;
        let loopend = self.emit_aj(Op::FORL, base, -1)?;
        self.fs.lines[loopend as usize] = line;
        self.jmp_patchins(loopend, lp + 1)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)
    }

    fn predict_next(&mut self, pc: u32) -> bool {
        let Some(&ins) = self.fs.bc.get(pc as usize) else {
            return false;
        };
        let name = match bc::op(ins) {
            Op::MOV => {
                let d = bc::d(ins);
                if d >= self.fs.nactvar {
                    return false;
                }
                let vidx = self.fs.var_index(d);
                self.vstack.get(vidx).map(|v| v.name)
            }
            Op::UGET => {
                let d = bc::d(ins) as usize;
                self.fs
                    .uvmap
                    .get(d)
                    .and_then(|&v| self.vstack.get(v as usize))
                    .map(|v| v.name)
            }
            Op::GGET => {
                let d = bc::d(ins);
                for s in [&b"pairs"[..], &b"next"[..]] {
                    if let Some(&id) = self.string_ids.get(s) {
                        if self.fs.kstr_map.get(&id) == Some(&d) {
                            return true;
                        }
                    }
                }
                return false;
            }
            _ => return false,
        };
        match name {
            Some(n) => {
                let s = self.string(n);
                s == b"pairs" || s == b"next"
            }
            None => false,
        }
    }

    fn parse_for_iter(&mut self, indexname: u32) -> R<()> {
        let base = self.fs.freereg + 3;
        let exprpc = self.fs.pc();
        self.var_new_fixed(0, 3)?;
        self.var_new_fixed(1, 4)?;
        self.var_new_fixed(2, 5)?;
        self.var_new(3, indexname)?;
        let mut nvars = 4;
        while self.lex_opt(Tok::Char(b','))? {
            let s = self.lex_str()?;
            self.var_new(nvars, s)?;
            nvars += 1;
        }
        self.lex_check(Tok::In)?;
        let line = self.lx.line;
        let mut e = ExpDesc::new(ExpKind::Void, 0);
        let nexps = self.expr_list(&mut e)?;
        self.assign_adjust(3, nexps, &mut e)?;
        self.reg_bump(4)?;
        let isnext = nvars <= 5 && self.predict_next(exprpc);
        self.var_add(3);
        self.lex_check(Tok::Do)?;
        let lp = self.emit_aj(if isnext { Op::ISNEXT } else { Op::JMP }, base, -1)?;
        self.fscope_begin(0);
        self.var_add(nvars - 3);
        self.reg_reserve(nvars - 3)?;
        self.parse_block()?;
        self.fscope_end()?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)?;
        self.emit_abc(
            if isnext { Op::ITERN } else { Op::ITERC },
            base,
            nvars - 3 + 1,
            3,
        )?;
        let loopend = self.emit_aj(Op::ITERL, base, -1)?;
        self.fs.lines[loopend as usize - 1] = line;
        self.fs.lines[loopend as usize] = line;
        self.jmp_patchins(loopend, lp + 1)
    }

    fn parse_for(&mut self, line: u32) -> R<()> {
        self.fscope_begin(FSCOPE_LOOP);
        self.lx.next()?;
        let varname = self.lex_str()?;
        match self.lx.tok {
            Tok::Char(b'=') => self.parse_for_num(varname, line)?,
            Tok::Char(b',') | Tok::In => self.parse_for_iter(varname)?,
            _ => return Err(self.err_syntax("'=' or 'in' expected")),
        }
        self.lex_match(Tok::End, Tok::For, line)?;
        self.fscope_end()
    }

    fn parse_break(&mut self) -> R<()> {
        if let Some(b) = self.fs.blocks.last_mut() {
            b.flags |= FSCOPE_BREAK;
        }
        let j = self.emit_jmp()?;
        self.gola_new(NAME_BREAK, VSTACK_GOTO, j)?;
        Ok(())
    }

    fn parse_goto(&mut self) -> R<()> {
        let name = self.lex_str()?;
        if let Some(vl) = self.gola_findlabel(name) {
            let slot = self.vstack[vl].slot;
            self.emit_aj(Op::LOOP, slot, -1)?;
        }
        if let Some(b) = self.fs.blocks.last_mut() {
            b.flags |= FSCOPE_GOLA;
        }
        let j = self.emit_jmp()?;
        self.gola_new(name, VSTACK_GOTO, j)?;
        Ok(())
    }

    fn parse_label(&mut self) -> R<()> {
        self.fs.lasttarget = self.fs.pc();
        if let Some(b) = self.fs.blocks.last_mut() {
            b.flags |= FSCOPE_GOLA;
        }
        self.lx.next()?;
        let name = self.lex_str()?;
        if self.gola_findlabel(name).is_some() {
            let msg = format!(
                "duplicate label '{}'",
                String::from_utf8_lossy(self.string(name))
            );
            return Err(self.lx.error(None, &msg));
        }
        let pc = self.fs.pc();
        let idx = self.gola_new(name, VSTACK_LABEL, pc)?;
        self.lex_check(Tok::Label)?;
        while self.lx.tok == Tok::Label {
            self.synlevel_begin()?;
            self.parse_label()?;
            self.synlevel_end();
        }
        if is_block_end(self.lx.tok) && self.lx.tok != Tok::Until {
            if let Some(b) = self.fs.blocks.last() {
                self.vstack[idx].slot = b.nactvar;
            }
        }
        let bl = self.fs.blocks.last().cloned().unwrap_or(BlockScope {
            nactvar: 0,
            flags: 0,
            vstart: 0,
        });
        self.gola_resolve(&bl, idx)
    }

    fn parse_stmt(&mut self) -> R<bool> {
        let line = self.lx.line;
        match self.lx.tok {
            Tok::If => self.parse_if(line)?,
            Tok::While => self.parse_while(line)?,
            Tok::Do => {
                self.lx.next()?;
                self.parse_block()?;
                self.lex_match(Tok::End, Tok::Do, line)?;
            }
            Tok::For => self.parse_for(line)?,
            Tok::Repeat => self.parse_repeat(line)?,
            Tok::Function => self.parse_func(line)?,
            Tok::Local => {
                self.lx.next()?;
                self.parse_local()?;
            }
            Tok::Return => {
                self.parse_return()?;
                return Ok(true);
            }
            Tok::Break => {
                self.lx.next()?;
                self.parse_break()?;
                return Ok(true);
            }
            Tok::Label => self.parse_label()?,
            Tok::Goto => {
                if self.lx.lookahead()? == Tok::Name {
                    self.lx.next()?;
                    self.parse_goto()?;
                } else {
                    self.parse_call_assign()?;
                }
            }
            _ => self.parse_call_assign()?,
        }
        Ok(false)
    }

    fn parse_chunk(&mut self) -> R<()> {
        self.synlevel_begin()?;
        let mut islast = false;
        while !islast && !is_block_end(self.lx.tok) {
            islast = self.parse_stmt()?;
            self.lex_opt(Tok::Char(b';'))?;
            self.fs.freereg = self.fs.nactvar;
        }
        self.synlevel_end();
        Ok(())
    }
}
