//! Variables, upvalues, block scopes, gotos and labels, and the finishing of a function
//! into a [`Proto`].
//!
//! All functions being compiled share one variable stack (`Parser::vstack`): locals in
//! declaration order, plus pending gotos/breaks and labels, each entry remembering its
//! slot (or active-variable level) and live range. A function's `varmap` maps active slots
//! to entries; its `uvmap` maps upvalues to the entries they capture. Looking a name up
//! walks the active slots innermost-first, then the enclosing functions, creating
//! upvalues on the way out (and marking the capturing block `FSCOPE_UPVAL`, so that its
//! end emits UCLO). Names found nowhere are globals.
//!
//! Gotos: a `goto`/`break` records its jump; a label resolves earlier gotos of the same
//! block at once (rejecting jumps into the scope of a local), later ones when its block
//! ends. At a block end unresolved gotos move to the enclosing block — their jumps become
//! UCLO when the block closes upvalues — and a loop block resolves its breaks to the exit.
//! At the function's end an unresolved goto is "undefined label"/"no loop to break".
//!
//! Finishing: the final RET0 is added unless the last instruction returns (and is not a
//! jump target); returns emitted before the first closure was created get the UCLO
//! fix-up; constants, debug info and child upvalue descriptors (immutable unless the
//! captured local is ever assigned) are converted into the [`Proto`].
//!
//! Rules for whoever changes this file: the variable stack is the single source of
//! debug information (`varinfo` is its non-goto entries in order), so never reorder or
//! drop entries before the function ends.

use super::expr::{ExpDesc, ExpKind};
use super::func_state::*;
use super::parser::Parser;
use super::CompileError;
use crate::bc::{self, KGc, KTable, KValue, Op, Proto, ProtoFlags, UvDesc, VarInfo};

/// Internal variable names, as LuaJIT shows them.
pub(super) const VARNAMES: [&[u8]; 6] = [
    b"(for index)",
    b"(for limit)",
    b"(for step)",
    b"(for generator)",
    b"(for state)",
    b"(for control)",
];

impl<'a> Parser<'a> {
    // ---- Variables -----------------------------------------------------------------

    pub(super) fn var_new(&mut self, n: u32, name: u32) -> R<()> {
        if self.fs.nactvar + n >= MAX_LOCVAR {
            return Err(self.err_limit(MAX_LOCVAR, "local variables"));
        }
        if self.vstack.len() >= 65536 - MAX_UPVAL as usize {
            return Err(self.err_limit(65536 - MAX_UPVAL, "variable names"));
        }
        let vidx = self.vstack.len() as u32;
        self.vstack.push(VarSlot {
            name,
            startpc: 0,
            endpc: 0,
            slot: 0,
            info: 0,
        });
        let slot = self.fs.nactvar + n;
        self.fs.set_varmap(slot, vidx);
        Ok(())
    }

    pub(super) fn var_new_fixed(&mut self, n: u32, which: usize) -> R<()> {
        let id = self.intern(VARNAMES[which]);
        self.var_new(n, id)
    }

    pub(super) fn var_add(&mut self, nvars: u32) {
        let pc = self.fs.pc();
        for _ in 0..nvars {
            let slot = self.fs.nactvar;
            let vidx = self.fs.var_index(slot);
            if let Some(v) = self.vstack.get_mut(vidx) {
                v.startpc = pc;
                v.slot = slot;
                v.info = 0;
            }
            self.fs.nactvar += 1;
        }
    }

    pub(super) fn var_remove(&mut self, tolevel: u32) {
        let pc = self.fs.pc();
        while self.fs.nactvar > tolevel {
            self.fs.nactvar -= 1;
            let vidx = self.fs.var_index(self.fs.nactvar);
            if let Some(v) = self.vstack.get_mut(vidx) {
                v.endpc = pc;
            }
        }
    }

    pub(super) fn fs_at(&mut self, level: usize) -> &mut FuncState {
        if level < self.outer.len() {
            &mut self.outer[level]
        } else {
            &mut self.fs
        }
    }

    pub(super) fn var_lookup_in(
        &mut self,
        level: usize,
        name: u32,
        e: &mut ExpDesc,
        first: bool,
    ) -> R<Option<u32>> {
        let found = {
            let fs = if level < self.outer.len() {
                &self.outer[level]
            } else {
                &self.fs
            };
            let mut found = None;
            for slot in (0..fs.nactvar).rev() {
                let vidx = fs.var_index(slot);
                if var_name_at(&self.vstack, vidx) == Some(name) {
                    found = Some((slot, vidx));
                    break;
                }
            }
            found
        };
        if let Some((slot, vidx)) = found {
            *e = ExpDesc::new(ExpKind::Local, slot);
            if !first {
                let fs = self.fs_at(level);
                if let Some(bl) = fs.blocks.iter_mut().rev().find(|b| b.nactvar <= slot) {
                    bl.flags |= FSCOPE_UPVAL;
                }
            }
            e.aux = vidx as u32;
            return Ok(Some(vidx as u32));
        }
        if level > 0 {
            if let Some(vidx) = self.var_lookup_in(level - 1, name, e, false)? {
                e.info = self.var_lookup_uv(level, vidx, e)?;
                e.k = ExpKind::Upval;
                return Ok(Some(vidx));
            }
            return Ok(None);
        }
        *e = ExpDesc::new(ExpKind::Global, 0);
        e.str = name;
        Ok(None)
    }

    pub(super) fn var_lookup_uv(&mut self, level: usize, vidx: u32, e: &ExpDesc) -> R<u32> {
        let fs = self.fs_at(level);
        if let Some(i) = fs.uvmap.iter().position(|&v| v == vidx) {
            return Ok(i as u32);
        }
        let n = fs.uvmap.len() as u32;
        if n >= MAX_UPVAL {
            let ld = fs.linedefined;
            return Err(self.err_limit_at(ld, MAX_UPVAL, "upvalues"));
        }
        fs.uvmap.push(vidx);
        fs.uvtmp.push(if e.k == ExpKind::Local {
            vidx
        } else {
            UV_OUTER | e.info
        });
        Ok(n)
    }

    pub(super) fn err_limit_at(&self, linedefined: u32, limit: u32, what: &str) -> CompileError {
        let msg = if linedefined == 0 {
            format!("main function has more than {limit} {what}")
        } else {
            format!("function at line {linedefined} has more than {limit} {what}")
        };
        self.lx.error(None, &msg)
    }

    pub(super) fn var_lookup(&mut self) -> R<ExpDesc> {
        let name = self.lex_str()?;
        let mut e = ExpDesc::new(ExpKind::Void, 0);
        let level = self.outer.len();
        self.var_lookup_in(level, name, &mut e, true)?;
        Ok(e)
    }

    // ---- Scopes, gotos and labels --------------------------------------------------

    pub(super) fn fscope_begin(&mut self, flags: u8) {
        let b = BlockScope {
            nactvar: self.fs.nactvar,
            flags,
            vstart: self.vstack.len(),
        };
        self.fs.blocks.push(b);
    }

    pub(super) fn fscope_end(&mut self) -> R<()> {
        let Some(bl) = self.fs.blocks.pop() else {
            return Ok(());
        };
        self.var_remove(bl.nactvar);
        self.fs.freereg = self.fs.nactvar;
        if bl.flags & (FSCOPE_UPVAL | FSCOPE_NOCLOSE) == FSCOPE_UPVAL {
            self.emit_aj(Op::UCLO, bl.nactvar, 0)?;
        }
        if bl.flags & FSCOPE_BREAK != 0 {
            if bl.flags & FSCOPE_LOOP != 0 {
                let pc = self.fs.pc();
                let idx = self.gola_new(NAME_BREAK, VSTACK_LABEL, pc)?;
                self.gola_resolve(&bl, idx)?;
                self.vstack.truncate(idx);
            } else {
                return self.gola_fixup(&bl);
            }
        }
        if bl.flags & FSCOPE_GOLA != 0 {
            self.gola_fixup(&bl)?;
        }
        Ok(())
    }

    pub(super) fn gola_new(&mut self, name: u32, info: u8, pc: u32) -> R<usize> {
        if self.vstack.len() >= 65536 - MAX_UPVAL as usize {
            return Err(self.err_limit(65536 - MAX_UPVAL, "variable names"));
        }
        let idx = self.vstack.len();
        self.vstack.push(VarSlot {
            name,
            startpc: pc,
            endpc: 0,
            slot: self.fs.nactvar,
            info,
        });
        Ok(idx)
    }

    pub(super) fn gola_patch(&mut self, vg: usize, vl: usize) -> R<()> {
        let pc = self.vstack[vg].startpc;
        self.vstack[vg].name = NAME_NONE;
        let slot = self.vstack[vl].slot;
        let target = self.vstack[vl].startpc;
        let i = &mut self.fs.bc[pc as usize];
        *i = bc::set_a(*i, slot);
        self.jmp_patch(pc, target)
    }

    pub(super) fn gola_close(&mut self, vg: usize) -> R<()> {
        let pc = self.vstack[vg].startpc;
        let slot = self.vstack[vg].slot;
        let ins = bc::set_a(self.fs.bc[pc as usize], slot);
        self.fs.bc[pc as usize] = ins;
        if bc::op(ins) == Op::JMP {
            let next = self.fs.jmp_next(pc);
            if next != NO_JMP {
                self.jmp_patch(next, pc)?;
            }
            let ins = self.fs.bc[pc as usize];
            self.fs.bc[pc as usize] = bc::set_d(bc::set_op(ins, Op::UCLO), bc::JUMP_BIAS - 1);
        }
        Ok(())
    }

    pub(super) fn gola_resolve(&mut self, bl: &BlockScope, idx: usize) -> R<()> {
        let name = self.vstack[idx].name;
        for vg in bl.vstart..idx {
            let g = &self.vstack[vg];
            if g.name == name && g.info & VSTACK_GOTO != 0 {
                if g.slot < self.vstack[idx].slot {
                    let vname = self.fs.var_index(g.slot);
                    let local = self
                        .vstack
                        .get(vname)
                        .map(|v| String::from_utf8_lossy(self.string(v.name)).into_owned())
                        .unwrap_or_default();
                    let line = self.fs.lines.get(g.startpc as usize).copied().unwrap_or(0);
                    let msg = format!(
                        "<goto {}> jumps into the scope of local '{}'",
                        String::from_utf8_lossy(self.string(name)),
                        local
                    );
                    return Err(self.lx.error_at(line, None, &msg));
                }
                self.gola_patch(vg, idx)?;
            }
        }
        Ok(())
    }

    pub(super) fn gola_fixup(&mut self, bl: &BlockScope) -> R<()> {
        let ve = self.vstack.len();
        for v in bl.vstart..ve {
            let name = self.vstack[v].name;
            if name == NAME_NONE {
                continue;
            }
            let info = self.vstack[v].info;
            if info & VSTACK_LABEL != 0 {
                self.vstack[v].name = NAME_NONE;
                for vg in v + 1..ve {
                    if self.vstack[vg].name == name && self.vstack[vg].info & VSTACK_GOTO != 0 {
                        if bl.flags & FSCOPE_UPVAL != 0
                            && self.vstack[vg].slot > self.vstack[v].slot
                        {
                            self.gola_close(vg)?;
                        }
                        self.gola_patch(vg, v)?;
                    }
                }
            } else if info & VSTACK_GOTO != 0 {
                if let Some(prev) = self.fs.blocks.last_mut() {
                    prev.flags |= if name == NAME_BREAK {
                        FSCOPE_BREAK
                    } else {
                        FSCOPE_GOLA
                    };
                    self.vstack[v].slot = bl.nactvar;
                    if bl.flags & FSCOPE_UPVAL != 0 {
                        self.gola_close(v)?;
                    }
                } else {
                    let pc = self.vstack[v].startpc as usize;
                    let line = self.fs.lines.get(pc).copied().unwrap_or(0);
                    let msg = if name == NAME_BREAK {
                        "no loop to break".to_string()
                    } else {
                        format!(
                            "undefined label '{}'",
                            String::from_utf8_lossy(self.string(name))
                        )
                    };
                    return Err(self.lx.error_at(line, None, &msg));
                }
            }
        }
        Ok(())
    }

    pub(super) fn gola_findlabel(&self, name: u32) -> Option<usize> {
        let start = self.fs.blocks.last().map(|b| b.vstart).unwrap_or(0);
        (start..self.vstack.len())
            .find(|&v| self.vstack[v].name == name && self.vstack[v].info & VSTACK_LABEL != 0)
    }

    // ---- Function states -----------------------------------------------------------

    pub(super) fn fixup_ret(&mut self) -> R<()> {
        let lastpc = self.fs.pc();
        let needs_ret = lastpc <= self.fs.lasttarget || lastpc == 0 || {
            let op = bc::op(self.fs.bc[lastpc as usize - 1]);
            !matches!(
                op,
                Op::CALLMT | Op::CALLT | Op::RETM | Op::RET | Op::RET0 | Op::RET1
            )
        };
        if needs_ret {
            let upval = self
                .fs
                .blocks
                .last()
                .is_some_and(|b| b.flags & FSCOPE_UPVAL != 0);
            if upval {
                self.emit_aj(Op::UCLO, 0, 0)?;
            }
            self.emit_ad(Op::RET0, 0, 1)?;
        }
        if let Some(b) = self.fs.blocks.last_mut() {
            b.flags |= FSCOPE_NOCLOSE;
        }
        self.fscope_end()?;
        if self.fs.flags & ProtoFlags::FIXUP_RETURN != 0 {
            for pc in 1..lastpc {
                let ins = self.fs.bc[pc as usize];
                match bc::op(ins) {
                    Op::CALLMT | Op::CALLT | Op::RETM | Op::RET | Op::RET0 | Op::RET1 => {
                        let offset = self.emit(ins)?;
                        self.fs.lines[offset as usize] = self.fs.lines[pc as usize];
                        let off = offset as i64 - (pc as i64 + 1) + bc::JUMP_BIAS as i64;
                        if off > 0xffff {
                            return Err(self.err_syntax("control structure too long"));
                        }
                        self.fs.bc[pc as usize] = bc::ins_ad(Op::UCLO, 0, off as u32);
                    }
                    Op::UCLO => return Ok(()),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Finishes the current function; returns its prototype and raw upvalue references,
    /// and makes the enclosing function current again.
    pub(super) fn fs_finish(&mut self, line: u32) -> R<(Proto, Vec<u32>)> {
        self.fixup_ret()?;
        let fs = &self.fs;
        if fs.kgc.len() > MAX_CONSTANTS || fs.knum.len() > MAX_CONSTANTS {
            return Err(self.err_limit(MAX_CONSTANTS as u32, "constants"));
        }
        let mut pt = Proto {
            chunkname: self.chunkname.clone(),
            ..Proto::default()
        };
        let op = if fs.flags & ProtoFlags::VARARG != 0 {
            Op::FUNCV
        } else {
            Op::FUNCF
        };
        pt.bc = fs.bc.clone();
        if let Some(first) = pt.bc.first_mut() {
            *first = bc::ins_ad(op, fs.framesize, 0);
        }
        pt.lineinfo = fs.lines.clone();
        if let Some(first) = pt.lineinfo.first_mut() {
            *first = fs.linedefined;
        }
        pt.knum = fs.knum.clone();
        pt.numparams = fs.numparams as u8;
        pt.framesize = fs.framesize as u8;
        pt.flags = ProtoFlags(fs.flags & !(ProtoFlags::HAS_RETURN | ProtoFlags::FIXUP_RETURN));
        pt.firstline = fs.linedefined;
        pt.numline = line.saturating_sub(fs.linedefined);
        pt.uvnames = fs
            .uvmap
            .iter()
            .map(|&v| {
                let name = self.vstack.get(v as usize).map(|s| s.name).unwrap_or(0);
                self.string(name).into()
            })
            .collect();
        pt.varinfo = self.vstack[fs.vbase.min(self.vstack.len())..]
            .iter()
            .filter(|v| v.info & (VSTACK_GOTO | VSTACK_LABEL) == 0)
            .map(|v| VarInfo {
                name: self.string(v.name).into(),
                startpc: v.startpc,
                endpc: v.endpc,
            })
            .collect();
        let kgc = std::mem::take(&mut self.fs.kgc);
        pt.kgc = kgc
            .into_iter()
            .map(|k| match k {
                KgcSlot::Str(s) => KGc::Str(self.string(s).into()),
                KgcSlot::Proto(mut child, uvtmp) => {
                    child.uv = uvtmp
                        .iter()
                        .map(|&u| {
                            if u & UV_OUTER != 0 {
                                UvDesc((u & !UV_OUTER) as u16)
                            } else {
                                let v = &self.vstack[u as usize];
                                let mut d = v.slot as u16 | UvDesc::LOCAL;
                                if v.info & VSTACK_VAR_RW == 0 {
                                    d |= UvDesc::IMMUTABLE;
                                }
                                UvDesc(d)
                            }
                        })
                        .collect();
                    KGc::Proto(child)
                }
                KgcSlot::Table(t) => KGc::Table(self.template(t)),
            })
            .collect();
        let uvtmp = std::mem::take(&mut self.fs.uvtmp);
        self.vstack.truncate(self.fs.vbase);
        if let Some(parent) = self.outer.pop() {
            self.fs = parent;
        }
        Ok((pt, uvtmp))
    }

    pub(super) fn kvalue(&self, v: Option<TVal>) -> KValue {
        match v {
            None | Some(TVal::Nil) => KValue::Nil,
            Some(TVal::Bool(b)) => KValue::Bool(b),
            Some(TVal::Num(n)) => KValue::Num(n),
            Some(TVal::Str(s)) => KValue::Str(self.string(s).into()),
        }
    }

    pub(super) fn template(&self, t: Template) -> KTable {
        let mut out = KTable {
            array: vec![KValue::Nil; t.asize as usize],
            hash: Vec::new(),
        };
        for (k, v) in t.entries {
            let key = match k {
                TKey::Bool(b) => KValue::Bool(b),
                TKey::Str(s) => KValue::Str(self.string(s).into()),
                TKey::Num(bits) => {
                    let n = f64::from_bits(bits);
                    if n >= 0.0 && n < t.asize as f64 && n.fract() == 0.0 {
                        out.array[n as usize] = self.kvalue(v);
                        continue;
                    }
                    KValue::Num(n)
                }
            };
            out.hash.push((key, self.kvalue(v)));
        }
        out
    }
}

fn var_name_at(vstack: &[VarSlot], vidx: usize) -> Option<u32> {
    vstack.get(vidx).map(|v| v.name)
}
