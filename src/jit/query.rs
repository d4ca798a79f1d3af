//! The Rust query API over the trace world, shaped like LuaJIT's `jit.util`.
//!
//! `jit.util.traceinfo`, `traceir`, `tracek`, `tracesnap` and `funcinfo` are what LuaJIT's
//! own Lua tools (jit.v, jit.dump) are written against; the stdlib's `jit.util` is a thin
//! wrapper over these functions, and Rust users query the same tables directly. Every
//! answer is computed from the world tables at the time of the call; numbers are the
//! trace numbers of the logs. Rules: read-only; return `None` for anything that does not
//! exist (a flushed trace, an instruction past the end), never panic.

use super::events::TraceNo;
use super::ids::TraceId;
use super::ir::{IrOp, KValue, Operand, IRF_GUARD, IRF_PHI, REF_BIAS};
use super::snap::SnapNo;
use super::world::World;

/// `jit.util.traceinfo(tr)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceInfo {
    /// Number of IR instructions (excluding BASE).
    pub nins: u32,
    /// Lowest constant, as a signed biased ref (negative).
    pub nk: i32,
    /// Linked trace number (0 = none).
    pub link: u16,
    /// Number of exits (snapshots).
    pub nexit: u32,
    /// The link type's name.
    pub linktype: &'static str,
}

fn trace(world: &World, no: TraceNo) -> Option<TraceId> {
    world.by_number(no)
}

/// `jit.util.traceinfo(tr)`.
pub fn traceinfo(world: &World, no: TraceNo) -> Option<TraceInfo> {
    let id = trace(world, no)?;
    let h = world.traces.get(id)?;
    let d = world.data.get(id)?;
    let link = h
        .link
        .and_then(|l| world.traces.get(l))
        .map_or(0, |l| l.no.0);
    Some(TraceInfo {
        nins: d.ir.len() as u32,
        nk: d.ir.nk().biased(),
        link,
        nexit: d.snaps.len() as u32,
        linktype: h.link_type.name(),
    })
}

/// `jit.util.traceir(tr, ref)`: mode byte, `ot` (op << 8 | type | guard/PHI flags), the two
/// operands (refs as signed biased numbers, literals as they are), and `ridsp` (register
/// and spill slot; 0 until a backend assigns them).
pub fn traceir(world: &World, no: TraceNo, n: u32) -> Option<(u8, u16, i32, i32, u16)> {
    let d = world.data.get(trace(world, no)?)?;
    if n == 0 || n > d.ir.len() as u32 {
        return None;
    }
    let i = d.ir.at(super::ir::IrRef(REF_BIAS + n as u16));
    let m = i.op.mode();
    let ot = ((i.op as u16) << 8) | i.ty as u16 | (i.flags & (IRF_GUARD | IRF_PHI)) as u16;
    let opnd = |mode: Operand, v: u16| match mode {
        Operand::Ref => v as i32 - REF_BIAS as i32,
        _ => v as i32,
    };
    Some((m.bits(), ot, opnd(m.op1, i.op1), opnd(m.op2, i.op2), 0))
}

/// A constant as `jit.util.tracek` returns it.
#[derive(Clone, Debug, PartialEq)]
pub enum KAnswer {
    /// nil / false / true.
    Pri(Option<bool>),
    /// A number (KINT and KNUM).
    Num(f64),
    /// A 64-bit integer.
    Int64(u64),
    /// A GC object.
    Gc(super::ir::GcConst),
    /// A pointer.
    Ptr(u64),
}

/// `jit.util.tracek(tr, idx)` for a negative biased index: value, IR type number, and the
/// slot for KSLOT.
pub fn tracek(world: &World, no: TraceNo, idx: i32) -> Option<(KAnswer, u8, Option<u16>)> {
    let d = world.data.get(trace(world, no)?)?;
    if idx >= 0 || idx < d.ir.nk().biased() {
        return None;
    }
    let mut r = super::ir::IrRef((REF_BIAS as i32 + idx) as u16);
    let mut slot = None;
    if d.ir.at(r).op == IrOp::KSLOT {
        slot = Some(d.ir.at(r).op2);
        r = d.ir.at(r).r1();
    }
    let i = d.ir.at(r);
    let v = match d.ir.kvalue(r) {
        KValue::None => KAnswer::Pri(match i.ty {
            super::ir::IrType::Nil => None,
            super::ir::IrType::False => Some(false),
            _ => Some(true),
        }),
        KValue::Int(v) => KAnswer::Num(*v as f64),
        KValue::Num(v) => KAnswer::Num(*v),
        KValue::Int64(v) => KAnswer::Int64(*v),
        KValue::Ptr(p) => KAnswer::Ptr(*p),
        KValue::Gc(g) => KAnswer::Gc(g.clone()),
        KValue::Slot => return None,
    };
    Some((v, i.ty as u8, slot))
}

/// `jit.util.tracesnap(tr, sn)`: the snapshot's first ref (biased), its slot count, and
/// its raw entries.
pub fn tracesnap(world: &World, no: TraceNo, sn: u16) -> Option<(i32, u8, Vec<u32>)> {
    let d = world.data.get(trace(world, no)?)?;
    let s = d.snaps.get(SnapNo(sn))?;
    Some((
        s.r.biased(),
        s.nslots,
        d.snaps.entries(SnapNo(sn)).iter().map(|e| e.0).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::events::TraceNo;
    use crate::jit::hotcount::HotKey;
    use crate::jit::ids::{BcPos, FuncRef};
    use crate::jit::ir::{IrIns, IrType};
    use crate::jit::lifecycle::{Jit, NullBackend};
    use crate::jit::world::ProtoInfo;
    use crate::jit::LinkType;

    #[test]
    fn answers_like_jit_util() {
        let mut j = Jit::default();
        let p = j.world.protos.insert(ProtoInfo {
            chunk: "t.lua".into(),
            lines: vec![1; 10],
            ..Default::default()
        });
        let pos = BcPos { proto: p, pc: 3 };
        assert!((1..=56)
            .find_map(|_| j.on_hot_loop(pos, FuncRef::Lua(p), HotKey(8)))
            .is_some());
        let d = j.recording_data().unwrap();
        d.snaps.add(d.ir.nins(), 2, &[], None);
        let s = d.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let k = d.ir.kint(7);
        let mut g = IrIns::new(IrOp::LT, IrType::Int, s.0, k.0);
        g.flags |= IRF_GUARD;
        d.ir.emit_raw(g);
        j.stop(
            FuncRef::Lua(p),
            3,
            LinkType::Interpreter,
            None,
            &mut NullBackend,
        )
        .unwrap();
        let w = &j.world;
        let info = traceinfo(w, TraceNo(1)).unwrap();
        assert_eq!(
            (info.nins, info.nexit, info.link, info.linktype),
            (2, 1, 0, "interpreter")
        );
        let (m, ot, op1, op2, _) = traceir(w, TraceNo(1), 2).unwrap();
        assert_eq!(
            (m, ot >> 8, ot & 0x80, op1, op2),
            (IrOp::LT.mode().bits(), IrOp::LT as u16, 0x80, 1, -4)
        );
        assert_eq!(tracek(w, TraceNo(1), -4).unwrap().0, KAnswer::Num(7.0));
        assert_eq!(tracek(w, TraceNo(1), -1).unwrap().0, KAnswer::Pri(None));
        assert_eq!(tracesnap(w, TraceNo(1), 0), Some((1, 2, vec![])));
        assert!(traceinfo(w, TraceNo(2)).is_none() && traceir(w, TraceNo(1), 3).is_none());
    }
}
