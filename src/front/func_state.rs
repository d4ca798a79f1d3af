//! Per-function compiler state: the instruction buffer, jump lists, register allocation
//! and constant tables, plus the variable stack shared by all nested functions.
//!
//! ## Instruction buffer and jump lists
//!
//! Instructions are appended to [`FuncState::bc`] together with the line of the last
//! consumed token. A forward jump whose target is not known yet is part of a *jump list*:
//! the D field of each pending jump holds the offset to the next jump of the same list,
//! [`NO_JMP`] (offset -1) ends a list. `jpc` is the list of jumps that go to "the next
//! instruction emitted"; [`Parser::emit`] patches it to the new instruction. `lasttarget` is
//! the highest position known to be a jump target: instructions at or before it must not
//! be merged with the next one (KNIL merging, UCLO reuse, return fix-ups).
//!
//! A jump may carry a value: the instruction before it is then ISTC/ISFC (copy the tested
//! value to A when jumping) or a KPRI/KSTR/KSHORT/KNUM with A = [`NO_REG`] that loads a
//! constant just before jumping. Patching such a list either fills in the destination
//! register (value wanted) or demotes the test to IST/ISF, respectively turns the constant
//! load into a `JMP +0` (no value wanted). This is LuaJIT's scheme and produces its
//! bytecode exactly.
//!
//! ## Registers
//!
//! Slots below `nactvar` hold active locals; slots from `nactvar` to `freereg` are
//! temporaries allocated strictly as a stack (`free_reg` asserts by construction that
//! only the top temporary is freed). `framesize` is the high-water mark, capped at
//! [`MAX_SLOTS`] with LuaJIT's "function or expression too complex" error.
//!
//! ## Constants
//!
//! Numbers and GC constants (strings, child prototypes, template tables) are numbered in
//! order of first use, separately, exactly as LuaJIT numbers them; strings and numbers are
//! deduplicated (numbers by value, so `0` and `-0` share a slot — the parser never makes a
//! `-0` or NaN constant).
//!
//! Rules for whoever changes this file: every function that can exceed a LuaJIT limit
//! returns a `Result` with LuaJIT's message; never index the buffer without checking.

use super::parser::Parser;
use super::CompileError;
use crate::bc::{self, Ins, Op, Proto, JUMP_BIAS, NO_REG};
use hashbrown::HashMap;

/// End of a jump list.
pub(super) const NO_JMP: u32 = u32::MAX;
/// LuaJIT's `LJ_MAX_SLOTS`.
pub(super) const MAX_SLOTS: u32 = 250;
/// LuaJIT's `LJ_MAX_LOCVAR`.
pub(super) const MAX_LOCVAR: u32 = 200;
/// LuaJIT's `LJ_MAX_UPVAL`.
pub(super) const MAX_UPVAL: u32 = 60;
/// LuaJIT's `LJ_MAX_XLEVEL` (syntax nesting levels).
pub(super) const MAX_XLEVEL: u32 = 200;
/// Largest constant index (`BCMAX_D + 1` constants).
pub(super) const MAX_CONSTANTS: usize = 65536;

/// Compile result alias.
pub(super) type R<T> = Result<T, CompileError>;

/// Variable-stack flags.
pub(super) const VSTACK_VAR_RW: u8 = 0x01;
pub(super) const VSTACK_GOTO: u8 = 0x02;
pub(super) const VSTACK_LABEL: u8 = 0x04;

/// Block-scope flags.
pub(super) const FSCOPE_LOOP: u8 = 0x01;
pub(super) const FSCOPE_BREAK: u8 = 0x02;
pub(super) const FSCOPE_GOLA: u8 = 0x04;
pub(super) const FSCOPE_UPVAL: u8 = 0x08;
pub(super) const FSCOPE_NOCLOSE: u8 = 0x10;

/// Name id of the implicit `break` label.
pub(super) const NAME_BREAK: u32 = u32::MAX;
/// Name id of a resolved (invalidated) goto or label.
pub(super) const NAME_NONE: u32 = u32::MAX - 1;

/// One entry of the variable stack: a local variable, a pending goto/break or a label.
#[derive(Clone, Debug)]
pub(super) struct VarSlot {
    /// Interned name (or [`NAME_BREAK`] / [`NAME_NONE`]).
    pub name: u32,
    /// Start of the live range (for gotos: the jump's position; for labels: the target).
    pub startpc: u32,
    /// End of the live range.
    pub endpc: u32,
    /// Slot of a variable; active-variable level of a goto or label.
    pub slot: u32,
    /// `VSTACK_*` flags.
    pub info: u8,
}

/// A lexical block.
#[derive(Clone, Debug)]
pub(super) struct BlockScope {
    /// Number of active locals when the block started.
    pub nactvar: u32,
    /// `FSCOPE_*` flags.
    pub flags: u8,
    /// Variable-stack index where the block starts.
    pub vstart: usize,
}

/// A template-table key while the constructor is being compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum TKey {
    Bool(bool),
    Num(u64),
    Str(u32),
}

/// A constant value inside a template table (`None` = key reserved for a later store).
#[derive(Clone, Copy, Debug)]
pub(super) enum TVal {
    Nil,
    Bool(bool),
    Num(f64),
    Str(u32),
}

/// A template table under construction.
#[derive(Clone, Debug, Default)]
pub(super) struct Template {
    /// Entries in insertion order; `None` values are placeholders for non-constant values.
    pub entries: Vec<(TKey, Option<TVal>)>,
    /// Key to entry index.
    pub index: HashMap<TKey, usize>,
    /// Array size (including index 0); 0 when the constructor needs no array part.
    pub asize: u32,
}

/// A GC constant of the function being compiled.
#[derive(Debug)]
pub(super) enum KgcSlot {
    /// Interned string id.
    Str(u32),
    /// A finished child prototype and its unresolved upvalue descriptors (variable-stack
    /// indexes, or `MAX_VSTACK + i` for upvalue `i` of this function).
    Proto(Box<Proto>, Vec<u32>),
    /// A template table.
    Table(Template),
}

/// Marker added to `uvtmp` entries that refer to an upvalue of the enclosing function.
pub(super) const UV_OUTER: u32 = 0x8000_0000;

/// State of one function being compiled.
#[derive(Debug)]
pub(super) struct FuncState {
    pub bc: Vec<Ins>,
    pub lines: Vec<u32>,
    pub lasttarget: u32,
    pub jpc: u32,
    pub freereg: u32,
    pub nactvar: u32,
    pub framesize: u32,
    pub numparams: u32,
    pub flags: u8,
    pub linedefined: u32,
    pub knum: Vec<f64>,
    pub knum_map: HashMap<u64, u32>,
    pub kgc: Vec<KgcSlot>,
    pub kstr_map: HashMap<u32, u32>,
    /// Variable-stack index where this function's entries start.
    pub vbase: usize,
    /// Slot to variable-stack index, for active locals.
    pub varmap: Vec<u32>,
    /// Upvalue to variable-stack index.
    pub uvmap: Vec<u32>,
    /// Upvalue descriptors before fix-up (see [`KgcSlot::Proto`]).
    pub uvtmp: Vec<u32>,
    pub blocks: Vec<BlockScope>,
}

impl FuncState {
    /// A fresh function state whose variables start at `vbase`.
    pub fn new(vbase: usize, linedefined: u32) -> Self {
        FuncState {
            bc: Vec::new(),
            lines: Vec::new(),
            lasttarget: 0,
            jpc: NO_JMP,
            freereg: 0,
            nactvar: 0,
            framesize: 1,
            numparams: 0,
            flags: 0,
            linedefined,
            knum: Vec::new(),
            knum_map: HashMap::new(),
            kgc: Vec::new(),
            kstr_map: HashMap::new(),
            vbase,
            varmap: Vec::new(),
            uvmap: Vec::new(),
            uvtmp: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// Current position (index of the next instruction).
    #[inline]
    pub fn pc(&self) -> u32 {
        self.bc.len() as u32
    }

    /// Number constant index for `n` (allocated on first use).
    pub fn const_num(&mut self, n: f64) -> u32 {
        let key = if n == 0.0 { 0 } else { n.to_bits() };
        if let Some(&i) = self.knum_map.get(&key) {
            return i;
        }
        let i = self.knum.len() as u32;
        self.knum.push(n);
        self.knum_map.insert(key, i);
        i
    }

    /// GC constant index of interned string `s`.
    pub fn const_str(&mut self, s: u32) -> u32 {
        if let Some(&i) = self.kstr_map.get(&s) {
            return i;
        }
        let i = self.kgc.len() as u32;
        self.kgc.push(KgcSlot::Str(s));
        self.kstr_map.insert(s, i);
        i
    }

    /// The variable-stack index of the active local in `slot`.
    pub fn var_index(&self, slot: u32) -> usize {
        self.varmap.get(slot as usize).copied().unwrap_or(0) as usize
    }

    /// Sets the varmap entry of `slot`.
    pub fn set_varmap(&mut self, slot: u32, vidx: u32) {
        let s = slot as usize;
        if self.varmap.len() <= s {
            self.varmap.resize(s + 1, 0);
        }
        self.varmap[s] = vidx;
    }

    /// The next jump of the list after `pc`.
    pub fn jmp_next(&self, pc: u32) -> u32 {
        let delta = bc::j(self.bc[pc as usize]);
        if delta == -1 {
            NO_JMP
        } else {
            (pc as i64 + 1 + delta as i64) as u32
        }
    }

    /// Appends list `l2` to list `*l1`; `false` if the link does not fit a jump offset
    /// (LuaJIT's "control structure too long").
    #[must_use]
    pub fn jmp_append(&mut self, l1: &mut u32, l2: u32) -> bool {
        if l2 == NO_JMP {
            return true;
        }
        if *l1 == NO_JMP {
            *l1 = l2;
            return true;
        }
        let mut list = *l1;
        loop {
            let next = self.jmp_next(list);
            if next == NO_JMP {
                break;
            }
            list = next;
        }
        self.set_jump(list, l2)
    }

    fn set_jump(&mut self, pc: u32, dest: u32) -> bool {
        let off = dest as i64 - (pc as i64 + 1) + JUMP_BIAS as i64;
        if !(0..=0xffff).contains(&off) {
            return false;
        }
        let i = &mut self.bc[pc as usize];
        *i = bc::set_d(*i, off as u32);
        true
    }

    /// Patches the test instruction before the jump at `pc` for destination `reg`;
    /// returns whether the jump carries a value.
    pub fn jmp_patchtestreg(&mut self, pc: u32, reg: u32) -> bool {
        let ipc = if pc >= 1 { pc - 1 } else { pc } as usize;
        let ins = self.bc[ipc];
        let op = bc::op(ins);
        if op == Op::ISTC || op == Op::ISFC {
            if reg != NO_REG && reg != bc::d(ins) {
                self.bc[ipc] = bc::set_a(ins, reg);
            } else {
                let nop = if op == Op::ISTC { Op::IST } else { Op::ISF };
                self.bc[ipc] = bc::set_a(bc::set_op(ins, nop), 0);
            }
        } else if bc::a(ins) == NO_REG {
            if reg == NO_REG {
                let a = bc::a(self.bc[pc as usize]);
                self.bc[ipc] = bc::ins_aj(Op::JMP, a, 0);
            } else {
                self.bc[ipc] = bc::set_a(ins, reg);
                let next = self.bc[ipc + 1];
                if reg >= bc::a(next) {
                    self.bc[ipc + 1] = bc::set_a(next, reg + 1);
                }
            }
        } else {
            return false;
        }
        true
    }

    /// Drops the values of all jumps in a list.
    pub fn jmp_dropval(&mut self, mut list: u32) {
        while list != NO_JMP {
            self.jmp_patchtestreg(list, NO_REG);
            list = self.jmp_next(list);
        }
    }

    /// Whether some jump in the list does not produce a value.
    pub fn jmp_novalue(&self, mut list: u32) -> bool {
        while list != NO_JMP {
            let ipc = if list >= 1 { list - 1 } else { list } as usize;
            let p = self.bc[ipc];
            let op = bc::op(p);
            if !(op == Op::ISTC || op == Op::ISFC || bc::a(p) == NO_REG) {
                return true;
            }
            list = self.jmp_next(list);
        }
        false
    }

    /// Frees a temporary register (locals are never freed).
    pub fn free_reg(&mut self, reg: u32) {
        if reg >= self.nactvar && self.freereg > 0 {
            self.freereg -= 1;
        }
    }
}

impl<'a> Parser<'a> {
    /// An error at the current token (`err_syntax` in LuaJIT terms).
    pub(super) fn err_syntax(&self, msg: &str) -> CompileError {
        self.lx.error(Some(self.lx.tok), msg)
    }

    /// LuaJIT's limit error: "main function has more than N what" or
    /// "function at line L has more than N what".
    pub(super) fn err_limit(&self, limit: u32, what: &str) -> CompileError {
        let msg = if self.fs.linedefined == 0 {
            format!("main function has more than {limit} {what}")
        } else {
            format!(
                "function at line {} has more than {limit} {what}",
                self.fs.linedefined
            )
        };
        self.lx.error(None, &msg)
    }

    /// Appends an instruction, patching pending jumps to it.
    pub(super) fn emit(&mut self, ins: Ins) -> R<u32> {
        let pc = self.fs.pc();
        let jpc = self.fs.jpc;
        self.jmp_patchval(jpc, pc, NO_REG, pc)?;
        self.fs.jpc = NO_JMP;
        if pc as usize >= (1 << 26) {
            return Err(self.err_limit(1 << 26, "bytecode instructions"));
        }
        self.fs.bc.push(ins);
        self.fs.lines.push(self.lx.lastline);
        Ok(pc)
    }

    /// Emits an AD-form instruction.
    pub(super) fn emit_ad(&mut self, op: Op, a: u32, d: u32) -> R<u32> {
        self.emit(bc::ins_ad(op, a, d))
    }

    /// Emits an ABC-form instruction.
    pub(super) fn emit_abc(&mut self, op: Op, a: u32, b: u32, c: u32) -> R<u32> {
        self.emit(bc::ins_abc(op, a, b, c))
    }

    /// Emits a jump-form instruction with a raw offset.
    pub(super) fn emit_aj(&mut self, op: Op, a: u32, j: i32) -> R<u32> {
        self.emit(bc::ins_aj(op, a, j))
    }

    /// Sets the jump target of the instruction at `pc`.
    pub(super) fn jmp_patchins(&mut self, pc: u32, dest: u32) -> R<()> {
        let off = dest as i64 - (pc as i64 + 1) + JUMP_BIAS as i64;
        if !(0..=0xffff).contains(&off) {
            return Err(self.err_syntax("control structure too long"));
        }
        let i = &mut self.fs.bc[pc as usize];
        *i = bc::set_d(*i, off as u32);
        Ok(())
    }

    /// Patches a jump list: jumps with values go to `vtarget` (storing into `reg`), the
    /// others to `dtarget`.
    pub(super) fn jmp_patchval(
        &mut self,
        mut list: u32,
        vtarget: u32,
        reg: u32,
        dtarget: u32,
    ) -> R<()> {
        while list != NO_JMP {
            let next = self.fs.jmp_next(list);
            if self.fs.jmp_patchtestreg(list, reg) {
                self.jmp_patchins(list, vtarget)?;
            } else {
                self.jmp_patchins(list, dtarget)?;
            }
            list = next;
        }
        Ok(())
    }

    /// Appends jump list `l2` to `*l1`.
    pub(super) fn jmp_append(&mut self, l1: &mut u32, l2: u32) -> R<()> {
        if self.fs.jmp_append(l1, l2) {
            Ok(())
        } else {
            Err(self.err_syntax("control structure too long"))
        }
    }

    /// Makes a jump list target the next instruction.
    pub(super) fn jmp_tohere(&mut self, list: u32) -> R<()> {
        self.fs.lasttarget = self.fs.pc();
        let mut jpc = self.fs.jpc;
        self.jmp_append(&mut jpc, list)?;
        self.fs.jpc = jpc;
        Ok(())
    }

    /// Patches a jump list to `target`.
    pub(super) fn jmp_patch(&mut self, list: u32, target: u32) -> R<()> {
        if target == self.fs.pc() {
            self.jmp_tohere(list)
        } else {
            self.jmp_patchval(list, target, NO_REG, target)
        }
    }

    /// Emits an unconditional jump (or reuses a preceding UCLO) and returns its list.
    pub(super) fn emit_jmp(&mut self) -> R<u32> {
        let jpc = self.fs.jpc;
        let pc = self.fs.pc();
        self.fs.jpc = NO_JMP;
        let mut j;
        if pc >= 1 && pc > self.fs.lasttarget && bc::op(self.fs.bc[pc as usize - 1]) == Op::UCLO {
            j = pc - 1;
            let i = &mut self.fs.bc[j as usize];
            *i = bc::set_d(*i, (JUMP_BIAS - 1) & 0xffff);
            self.fs.lasttarget = j + 1;
        } else {
            let a = self.fs.freereg;
            j = self.emit_aj(Op::JMP, a, -1)?;
        }
        self.jmp_append(&mut j, jpc)?;
        Ok(j)
    }

    /// Raises the frame size to cover `n` more registers.
    pub(super) fn reg_bump(&mut self, n: u32) -> R<()> {
        let sz = self.fs.freereg + n;
        if sz > self.fs.framesize {
            if sz >= MAX_SLOTS {
                return Err(self.err_syntax("function or expression too complex"));
            }
            self.fs.framesize = sz;
        }
        Ok(())
    }

    /// Reserves `n` registers.
    pub(super) fn reg_reserve(&mut self, n: u32) -> R<()> {
        self.reg_bump(n)?;
        self.fs.freereg += n;
        Ok(())
    }

    /// Emits code to set `n` registers from `from` to nil, merging with a preceding
    /// KPRI nil / KNIL where no jump targets the current position.
    pub(super) fn emit_nil(&mut self, mut from: u32, mut n: u32) -> R<()> {
        let pc = self.fs.pc();
        if pc > self.fs.lasttarget && pc >= 1 {
            let ip = pc as usize - 1;
            let ins = self.fs.bc[ip];
            let pfrom = bc::a(ins);
            match bc::op(ins) {
                Op::KPRI if bc::d(ins) == 0 => {
                    let merge = if from == pfrom {
                        if n == 1 {
                            return Ok(());
                        }
                        true
                    } else if from == pfrom + 1 {
                        from = pfrom;
                        n += 1;
                        true
                    } else {
                        false
                    };
                    if merge {
                        self.fs.bc[ip] = bc::ins_ad(Op::KNIL, from, from + n - 1);
                        return Ok(());
                    }
                }
                Op::KNIL => {
                    let pto = bc::d(ins);
                    if pfrom <= from && from <= pto + 1 {
                        if from + n - 1 > pto {
                            self.fs.bc[ip] = bc::set_d(ins, from + n - 1);
                        }
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        if n == 1 {
            self.emit_ad(Op::KPRI, from, 0)?;
        } else {
            self.emit_ad(Op::KNIL, from, from + n - 1)?;
        }
        Ok(())
    }
}
