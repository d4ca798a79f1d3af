//! Debug information at run time: error positions, the names of operands in error
//! messages, and tracebacks.
//!
//! Names follow LuaJIT: an operand that is an active local is "local 'x'"; otherwise the
//! bytecode is scanned backwards from the faulting instruction for the instruction that
//! last wrote the slot: GGET gives "global 'x'", TGETS "field 'x'" (or "method 'x'" when
//! it is the `obj:m()` pattern: preceded by a MOV of the object into the self slot), UGET
//! "upvalue 'x'", MOV repeats the question for its source slot. Any instruction that
//! clobbers a range of slots (calls, KNIL, VARG) ends the search without a name.

use super::object::*;
use super::value::Value;
use super::{Lua, LuaError};
use crate::bc::{self, Mode, Op};

/// The chunk name as shown in messages (`@f.lua` -> `f.lua`).
pub fn short_chunkname(name: &[u8]) -> String {
    crate::bc::proto::short_source(name)
}

/// The name of `slot` at bytecode position `pc` of `p`, as (kind, name).
pub fn slot_name(p: &ProtoObj, pc: usize, slot: u32) -> Option<(&'static str, String)> {
    if let Some(n) = local_name(p, pc, slot) {
        return Some(("local", n));
    }
    let mut i = pc;
    while i > 1 {
        i -= 1;
        let ins = p.bc[i];
        let op = bc::op(ins);
        let a = bc::a(ins);
        match op.mode_a() {
            Mode::Base if slot >= a && (op != Op::KNIL || slot <= bc::d(ins)) => return None,
            Mode::Dst if a == slot => {
                return match op {
                    Op::MOV => {
                        let src = bc::d(ins);
                        local_name(p, i, src).map(|n| ("local", n))
                    }
                    Op::GGET => kstr(p, bc::d(ins)).map(|n| ("global", n)),
                    Op::TGETS => {
                        let name = kstr(p, bc::c(ins))?;
                        if i > 1 {
                            let prev = p.bc[i - 1];
                            if bc::op(prev) == Op::MOV
                                && bc::a(prev) == a + 2
                                && bc::d(prev) == bc::b(ins)
                            {
                                return Some(("method", name));
                            }
                        }
                        Some(("field", name))
                    }
                    Op::UGET => p
                        .debug
                        .uvnames
                        .get(bc::d(ins) as usize)
                        .map(|n| ("upvalue", String::from_utf8_lossy(n).into_owned())),
                    _ => None,
                };
            }
            _ => {}
        }
    }
    None
}

fn kstr(p: &ProtoObj, d: u32) -> Option<String> {
    p.kgc.get(d as usize)?.as_str().map(|s| s.to_str_lossy())
}

/// The name of the active local variable in `slot` at `pc`.
pub fn local_name(p: &ProtoObj, pc: usize, slot: u32) -> Option<String> {
    let mut n = slot;
    for v in &p.debug.varinfo {
        if (pc as u32) < v.startpc {
            break;
        }
        if (pc as u32) < v.endpc {
            if n == 0 {
                if v.name.first() == Some(&b'(') {
                    return None;
                }
                return Some(String::from_utf8_lossy(&v.name).into_owned());
            }
            n -= 1;
        }
    }
    None
}

impl Lua {
    /// The Lua frame at `level` (0 = top frame), with its prototype and current pc.
    fn frame_at(&self, level: usize) -> Option<(Frame, Option<ProtoRef>)> {
        let th = self.th();
        let i = th.frames.len().checked_sub(1 + level)?;
        let fr = th.frames[i];
        let p = match fr.kind {
            FrameKind::Native => None,
            _ => match th.stack[fr.base as usize - 2].as_func().map(|c| c.kind()) {
                Some(FuncKind::Lua { proto, .. }) => Some(*proto),
                _ => None,
            },
        };
        Some((fr, p))
    }

    /// "chunk:line:" of the frame at `level`, or "" for natives.
    pub fn where_(&self, level: usize) -> String {
        // A native reached by a tail call replaced its caller's frame in LuaJIT, so
        // level 1 is the caller's caller.
        let level = if level >= 1 && self.top_is_tail_native() {
            // The replaced frame's own caller: a pcall'ed frame was called by pcall (C).
            match self.frame_at(1) {
                Some((fr, _)) if matches!(fr.kind, FrameKind::Pcall | FrameKind::Xpcall) => {
                    return String::new();
                }
                _ => level + 1,
            }
        } else {
            level
        };
        match self.frame_at(level) {
            Some((fr, Some(p))) => {
                let pc = (fr.pc as usize).saturating_sub(1);
                format!(
                    "{}:{}: ",
                    short_chunkname(&p.debug.chunkname),
                    p.debug.line_of(pc)
                )
            }
            _ => String::new(),
        }
    }

    /// Whether the running frame is a native entered by a tail call.
    pub(crate) fn top_is_tail_native(&self) -> bool {
        matches!(self.th().frames.last(), Some(f) if f.kind == FrameKind::Native && f.pc == 1)
    }

    /// An error whose message gets the position of the running Lua function.
    pub fn error_msg_pos(&mut self, msg: &str) -> LuaError {
        let w = self.where_(0);
        self.error_msg(&format!("{w}{msg}"))
    }

    /// An error raised by a native with the position of the function at `level`
    /// (1 = the native's caller), as `luaL_error`/`error` do.
    pub fn error_msg_level(&mut self, level: usize, msg: &str) -> LuaError {
        let w = self.where_(level);
        self.error_msg(&format!("{w}{msg}"))
    }

    fn describe(&self, slot: Option<u32>) -> Option<(&'static str, String)> {
        let slot = slot?;
        let (fr, p) = self.frame_at(0)?;
        let p = p?;
        slot_name(&p, (fr.pc as usize).saturating_sub(1), slot)
    }

    /// "attempt to <what> <name> (a <type> value)".
    pub fn operand_error(&mut self, what: &str, v: Value, slot: Option<u32>) -> LuaError {
        let msg = match self.describe(slot) {
            Some((kind, name)) => {
                format!(
                    "attempt to {what} {kind} '{name}' (a {} value)",
                    v.type_name()
                )
            }
            None => format!("attempt to {what} a {} value", v.type_name()),
        };
        self.error_msg_pos(&msg)
    }

    /// The error for calling the non-callable value `f` in stack slot `func`.
    pub fn call_error(&mut self, func: usize, f: Value) -> LuaError {
        let slot = match self.frame_at(0) {
            Some((fr, Some(_))) if func >= fr.base as usize => {
                Some((func - fr.base as usize) as u32)
            }
            _ => None,
        };
        self.operand_error("call", f, slot)
    }

    /// A traceback of the running thread from `level`, in LuaJIT's format.
    pub fn traceback_string(&self, level: usize) -> String {
        let th = self.th();
        let mut lines = vec!["stack traceback:".to_string()];
        let n = th.frames.len();
        let mut entries = Vec::new();
        for i in (0..n.saturating_sub(level)).rev() {
            let fr = th.frames[i];
            let func = th.stack[fr.base as usize - 2];
            let name = self.callee_name(i);
            let entry = match func.as_func().map(|c| c.kind()) {
                Some(FuncKind::Lua { proto, .. }) => {
                    let pc = (fr.pc as usize).saturating_sub(1);
                    let src = short_chunkname(&proto.debug.chunkname);
                    let line = proto.debug.line_of(pc);
                    if proto.debug.firstline == 0 {
                        format!("{src}:{line}: in main chunk")
                    } else if let Some(name) = name {
                        format!("{src}:{line}: in function '{name}'")
                    } else {
                        format!(
                            "{src}:{line}: in function <{src}:{}>",
                            proto.debug.firstline
                        )
                    }
                }
                Some(FuncKind::Native { name: nname, .. }) => match name {
                    Some(name) => format!("[C]: in function '{name}'"),
                    None => format!("[C]: in function '{nname}'"),
                },
                None => "[C]: ?".to_string(),
            };
            entries.push(entry);
            match fr.kind {
                FrameKind::Pcall => entries.push("[C]: in function 'pcall'".into()),
                FrameKind::Xpcall => entries.push("[C]: in function 'xpcall'".into()),
                _ => {}
            }
        }
        if entries.len() > 22 {
            let tail = entries.split_off(entries.len() - 11);
            entries.truncate(11);
            entries.push("...".into());
            entries.extend(tail);
        }
        for e in entries {
            lines.push(format!("\t{e}"));
        }
        // LuaJIT ends with the C entry point's address ("[C]: at 0x...").
        lines.push(format!("\t[C]: at {:#x}", self.main.addr()));
        lines.join("\n")
    }

    /// How frame `i` was named by its caller ("global", "method", ...).
    pub(crate) fn callee_kind(&self, i: usize) -> Option<&'static str> {
        let th = self.th();
        if i == 0 || matches!(th.frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall) {
            return None;
        }
        let caller = th.frames[i - 1];
        if caller.kind == FrameKind::Native {
            return None;
        }
        let p = th.stack[caller.base as usize - 2].as_func()?.lua_proto()?;
        let pc = (caller.pc as usize).checked_sub(1)?;
        let ins = *p.bc.get(pc)?;
        match bc::op(ins) {
            Op::CALL | Op::CALLM => slot_name(&p, pc, bc::a(ins)).map(|(k, _)| k),
            _ => None,
        }
    }

    /// The name under which frame `i` was called (from its caller's call instruction).
    pub(crate) fn callee_name(&self, i: usize) -> Option<String> {
        let th = self.th();
        if i == 0 || matches!(th.frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall) {
            return None;
        }
        let caller = th.frames[i - 1];
        if caller.kind == FrameKind::Native {
            return None;
        }
        let p = match th.stack[caller.base as usize - 2]
            .as_func()
            .map(|c| c.kind())
        {
            Some(FuncKind::Lua { proto, .. }) => *proto,
            _ => return None,
        };
        let pc = (caller.pc as usize).checked_sub(1)?;
        let ins = *p.bc.get(pc)?;
        match bc::op(ins) {
            Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => {
                slot_name(&p, pc, bc::a(ins)).map(|(_, n)| n)
            }
            _ => None,
        }
    }
}
