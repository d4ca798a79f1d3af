//! Calls, returns, function headers and global lookups.
//!
//! A call to a Lua function is inlined: the recorder guards the callee's identity (`EQ`
//! against the closure constant), puts the closure and a frame marker into the caller's
//! call slots (they appear in snapshots as `t1.lua:3 ftsz|`), pushes a [`RecFrame`] and
//! continues recording the callee's bytecode with `baseslot` moved up to the callee's
//! first argument (GC64 layout: `base = call slot + 2`). A return at depth > 0 copies the
//! result refs into the caller's slots and pops the frame. A return at depth 0 ends a side
//! trace (link `return`) and aborts a root loop trace ("leaving loop in root trace").
//! Calls to native functions are not recorded yet (`NYI: bytecode 66`).
//!
//! Global reads (`GGET`) are recorded as LuaJIT does: the current closure's environment
//! (`SLOAD #0 R` + `FLOAD func.env`), a guard on its hash mask, `HREFK` on the key and a
//! typed `HLOAD`.

use super::ops::{type_of, RecErr};
use super::{LiveFrame, RecResult, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{sload, GcConst, IrOp, IrType, REF_NIL};
use crate::jit::link::LinkType;
use crate::jit::snap::SNAP_FRAME;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

/// A frame the recorder inlined.
#[derive(Copy, Clone, Debug)]
pub struct RecFrame {
    /// The caller's prototype.
    pub key: crate::jit::ids::ProtoKey,
    /// The caller's baseslot.
    pub baseslot: usize,
    /// The call slot (A of the CALL).
    pub call_a: usize,
    /// Results wanted (-1: all).
    pub nres: i32,
}

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

/// The hash mask the executor and the recorder agree on for a table (a shape guard).
pub fn hmask_of(_t: crate::vm::TabRef) -> i32 {
    63
}

impl Recorder {
    /// `CALL A B C` (fixed arguments).
    pub(crate) fn rec_call(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        let c = bc::c(ins) as usize;
        if op != Op::CALL || c == 0 {
            return Err(nyi(op));
        }
        let fv = f
            .stack
            .get(self.baseslot + a)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(fc) = fv.as_func() else {
            return Err(nyi(op));
        };
        if let crate::vm::object::FuncKind::Native { name, .. } = fc.kind() {
            if let Some(r) = self.rec_fastfunc(data, f, ins, fv, name)? {
                return Ok(r);
            }
            // A native callee is not recorded: the trace stops before the call and a
            // continuation trace is stitched on after it returns.
            if !self.frames.is_empty() {
                return Err(nyi(op));
            }
            let fr = self.getslot(data, f, a)?;
            let kf = self.kfunc(data, fv);
            if fr != kf {
                self.emitter(data)
                    .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                    .map_err(|e| (e, None))?;
            }
            for i in 0..c.saturating_sub(1) {
                let r = self.getslot(data, f, a + 2 + i)?;
                self.slots[self.baseslot + a + 2 + i] = Some((r, 0));
            }
            self.slots[self.baseslot + a] = Some((fr, 0));
            self.maxslot = self.maxslot.max(a + 1 + c);
            self.stitch_name = Some(name);
            return self.stop(data, LinkType::Stitch, None, self.pc);
        }
        let framesize = fc.lua_proto().map_or(0, |p| p.framesize as usize);
        // Snapshots address at most 250 slots (LuaJIT's LJ_MAX_JSLOTS).
        if self.frames.len() >= 20 || self.baseslot + a + 2 + framesize >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        let fr = self.getslot(data, f, a)?;
        let kf = self.kfunc(data, fv);
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(|e| (e, None))?;
        }
        self.frames.push(RecFrame {
            key: self.cur_key,
            baseslot: self.baseslot,
            call_a: a,
            nres: bc::b(ins) as i32 - 1,
        });
        // The frame link carries what the executor needs to rebuild the VM frame on an
        // exit: the caller's resume pc and the results it wants (+1).
        let link = data
            .ir
            .kint64(((self.pc as u64 + 1) << 16) | bc::b(ins) as u64);
        self.slots[self.baseslot + a] = Some((kf, 0));
        self.slots[self.baseslot + a + 1] = Some((link, SNAP_FRAME));
        self.baseslot += a + 2;
        self.maxslot = c - 1;
        self.pending_callee = true;
        Ok(RecResult::Continue)
    }

    /// Math fast functions recorded inline, as LuaJIT does (`math.floor/ceil/sqrt` →
    /// `FPMATH`, `abs` → `ABS`, two-argument `min`/`max` → `MIN`/`MAX`), after guarding
    /// the function's identity. Returns `None` for anything else (the caller stitches).
    fn rec_fastfunc(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
        fv: Value,
        name: &str,
    ) -> Result<Option<RecResult>, RecErr> {
        let a = bc::a(ins) as usize;
        let nres = bc::b(ins) as i32 - 1;
        let nargs = (bc::c(ins) as usize).saturating_sub(1);
        if name == "pairs" || name == "ipairs" {
            // (recnyi) pairs / ipairs loops: see iter.rs.
            return self.rec_pairs(data, f, ins, fv);
        }
        let want_args = match name {
            "floor" | "ceil" | "sqrt" | "abs" | "sin" | "cos" | "tan" | "exp" => 1,
            "min" | "max" => 2,
            _ => return Ok(None),
        };
        if nargs != want_args || !(0..=1).contains(&nres) {
            return Ok(None);
        }
        let live = |s: usize| {
            f.stack
                .get(self.baseslot + s)
                .copied()
                .unwrap_or(Value::NIL)
        };
        if (0..nargs).any(|i| !live(a + 2 + i).is_num()) {
            return Ok(None);
        }
        let fr = self.getslot(data, f, a)?;
        let kf = self.kfunc(data, fv);
        let m = |e: TraceError| (e, None);
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(m)?;
        }
        let mut args = Vec::with_capacity(nargs);
        for i in 0..nargs {
            let r = self.getslot(data, f, a + 2 + i)?;
            args.push(self.tonum(data, r)?);
        }
        let mut e = self.emitter(data);
        let r = match name {
            "floor" => e.op(IrOp::FPMATH, IrType::Num, args[0].0, 0),
            "ceil" => e.op(IrOp::FPMATH, IrType::Num, args[0].0, 1),
            "sqrt" => e.op(IrOp::FPMATH, IrType::Num, args[0].0, 3),
            "abs" => {
                let k = e.ir.knum(f64::from_bits(0x7fff_ffff_ffff_ffff));
                e.op(IrOp::ABS, IrType::Num, args[0].0, k.0)
            }
            "sin" | "cos" | "tan" | "exp" => {
                // A call of the C math function (`CALLN sin`), by its call id.
                let id = crate::jit::ir::IR_CALLS
                    .iter()
                    .position(|c| *c == name)
                    .unwrap_or(0) as u16;
                e.op(IrOp::CALLN, IrType::Num, args[0].0, id)
            }
            "min" => e.op(IrOp::MIN, IrType::Num, args[0].0, args[1].0),
            _ => e.op(IrOp::MAX, IrType::Num, args[0].0, args[1].0),
        }
        .map_err(m)?;
        for s in a..(a + 2 + nargs) {
            if self.baseslot + s < self.slots.len() {
                self.slots[self.baseslot + s] = None;
            }
        }
        if nres == 1 {
            self.setslot(a, r);
            self.maxslot = a + 1;
        } else {
            self.maxslot = a;
        }
        Ok(Some(RecResult::Continue))
    }

    /// `FUNCF` / `IFUNCF` / `JFUNCF` at the start of an inlined callee: call-unroll
    /// limits, recursion links (LuaJIT's `check_call_unroll`), parameter setup.
    pub(crate) fn rec_funcf(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        match op {
            Op::FUNCF | Op::JFUNCF => {
                let count = self
                    .frames
                    .iter()
                    .filter(|fr| fr.key == self.cur_key)
                    .count();
                let at_start = matches!(self.start, super::StartKind::Func(k) if k == self.cur_key);
                if at_start && !self.is_side() {
                    if count + self.tailcalled > 2 {
                        let lt = if self.frames.is_empty() {
                            LinkType::TailRecursion
                        } else {
                            LinkType::UpRecursion
                        };
                        return self.stop(data, lt, Some(self.no), pc + 1);
                    }
                } else if count > 3 {
                    return Err((TraceError::CallUnroll, None));
                }
                if op == Op::JFUNCF {
                    let lnk = (f.trace_of)(bc::d(ins));
                    return self.stop(data, LinkType::Root, lnk, pc);
                }
                for s in self.maxslot..f.numparams {
                    self.slots[self.baseslot + s] = Some((REF_NIL, 0));
                }
                self.maxslot = f.numparams;
                Ok(RecResult::Continue)
            }
            Op::IFUNCF | Op::IFUNCV => Err((TraceError::Blacklisted, None)),
            _ => Err(nyi(op)),
        }
    }

    /// `CALLT A D` (fixed arguments) to a Lua function: the callee replaces the frame.
    pub(crate) fn rec_callt(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let d = bc::d(ins) as usize;
        if d == 0 {
            return Err(nyi(Op::CALLT));
        }
        let nargs = d - 1;
        let fv = f
            .stack
            .get(self.baseslot + a)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(fc) = fv.as_func() else {
            return Err(nyi(Op::CALLT));
        };
        if fc.lua_proto().is_none() {
            return Err(nyi(Op::CALLT));
        }
        let framesize = fc.lua_proto().map_or(0, |p| p.framesize as usize);
        if self.baseslot + framesize.max(nargs) >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        let fr = self.getslot(data, f, a)?;
        let kf = self.kfunc(data, fv);
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(|e| (e, None))?;
        }
        let mut args = Vec::with_capacity(nargs);
        for i in 0..nargs {
            args.push(self.getslot(data, f, a + 2 + i)?);
        }
        let top = self.baseslot + self.maxslot.max(a + 2 + nargs);
        for s in self.baseslot..top.min(self.slots.len()) {
            self.slots[s] = None;
        }
        for (i, r) in args.into_iter().enumerate() {
            self.slots[self.baseslot + i] = Some((r, 0));
        }
        self.slots[self.baseslot - 2] = Some((kf, 0));
        self.maxslot = nargs;
        self.tailcalled += 1;
        self.pending_callee = true;
        Ok(RecResult::Continue)
    }

    /// The closure constant for `fv`.
    /// The IR ref of the running closure (the function slot below the current frame),
    /// loaded with a read-only SLOAD the first time and remembered in its slot.
    pub(crate) fn current_closure(
        &mut self,
        data: &mut TraceData,
    ) -> Result<crate::jit::ir::IrRef, RecErr> {
        let slot0 = self.baseslot - 2;
        if let Some((r, _)) = self.slots[slot0] {
            return Ok(r);
        }
        let r = self
            .emitter(data)
            .op(IrOp::SLOAD, IrType::Func, slot0 as u16, sload::READONLY)
            .map_err(|e| (e, None))?;
        self.slots[slot0] = Some((r, 0));
        Ok(r)
    }

    pub(crate) fn kfunc(&mut self, data: &mut TraceData, fv: Value) -> crate::jit::ir::IrRef {
        let fc = fv.as_func().expect("function");
        let func = match self.key_of_func(fv) {
            Some(k) => crate::jit::ids::FuncRef::Lua(k),
            None => crate::jit::ids::FuncRef::C(fc.addr() as u64),
        };
        let kf = data.ir.kgc(
            GcConst::Func {
                id: fc.addr() as u64,
                func,
            },
            IrType::Func,
        );
        self.gcvals.push((kf, fv));
        kf
    }

    /// The JIT key of a Lua function already seen by the recorder.
    fn key_of_func(&self, fv: Value) -> Option<crate::jit::ids::ProtoKey> {
        let p = fv.as_func()?.lua_proto()?;
        self.known_protos
            .iter()
            .find(|(a, _)| *a == p.addr())
            .map(|x| x.1)
    }

    /// `UGET`: an immutable upvalue specialises to a constant (after guarding the
    /// current closure's identity); mutable ones are not recorded yet.
    pub(crate) fn rec_uget(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let d = bc::d(ins) as usize;
        let fv = f
            .stack
            .get(self.baseslot - 2)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(fc) = fv.as_func() else {
            return Err(nyi(Op::UGET));
        };
        let crate::vm::object::FuncKind::Lua { proto, upvals } = &fc.get_mut().kind else {
            return Err(nyi(Op::UGET));
        };
        let immutable = proto.uv.get(d).is_some_and(|u| u.is_immutable());
        let Some(uv) = upvals.get(d) else {
            return Err(nyi(Op::UGET));
        };
        let v = uv.get_mut().get();
        if !immutable || !(v.is_func() || v.is_num()) {
            if let Some(s) = self.open_alias(data, f, fv, d)? {
                let r = self.getslot_abs(data, f, s)?;
                self.setslot(a, r);
                return Ok(RecResult::Continue);
            }
            // A mutable upvalue: load it through the closure (`UREFO` + typed `ULOAD`).
            let cur = self.current_closure(data)?;
            let mut e = self.emitter(data);
            let uref = e
                .guard(IrOp::UREFO, IrType::P64, cur.0, d as u16)
                .map_err(|e| (e, None))?;
            let r = e
                .guard(IrOp::ULOAD, type_of(v), uref.0, 0)
                .map_err(|e| (e, None))?;
            self.setslot(a, r);
            return Ok(RecResult::Continue);
        }
        // Specialise the current closure.
        let cur = self.current_closure(data)?;
        let kcur = self.kfunc(data, fv);
        if cur != kcur {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, cur.0, kcur.0)
                .map_err(|e| (e, None))?;
            self.slots[self.baseslot - 2] = Some((kcur, 0));
        }
        let k = if v.is_num() {
            data.ir.knum(v.as_num_unchecked())
        } else {
            self.kfunc(data, v)
        };
        self.setslot(a, k);
        Ok(RecResult::Continue)
    }

    /// `RET0` / `RET1` / `RET`.
    pub(crate) fn rec_ret(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        if op == Op::RETM {
            return Err(nyi(op));
        }
        let a = bc::a(ins) as usize;
        let n = bc::d(ins) as usize - 1;
        let Some(fr) = self.frames.pop() else {
            if let (true, Some(c)) = (self.is_side(), f.caller) {
                if c.nres >= 0 {
                    return self.ret_lower(data, f, c, a, n);
                }
            }
            if self.is_side() || matches!(self.start, super::StartKind::Func(_)) {
                return self.stop(data, LinkType::Return, None, pc);
            }
            return Err((TraceError::LeavingLoop, None));
        };
        let mut res = Vec::with_capacity(n);
        for i in 0..n {
            res.push(self.getslot(data, f, a + i)?);
        }
        let top = self.baseslot + self.maxslot.max(a + n);
        for s in self.baseslot - 2..top.min(self.slots.len()) {
            self.slots[s] = None;
        }
        self.baseslot = fr.baseslot;
        self.cur_key = fr.key;
        let want = if fr.nres < 0 { n } else { fr.nres as usize };
        for i in 0..want {
            let r = res.get(i).copied().unwrap_or(REF_NIL);
            self.slots[self.baseslot + fr.call_a + i] = Some((r, 0));
        }
        self.maxslot = fr.call_a + want;
        Ok(RecResult::Continue)
    }

    /// A side trace returns below its start frame into Lua caller `c`: guard the return
    /// target (`RETF`), move the results into the caller's call slots and continue
    /// recording in the caller, whose slot 0 becomes the trace's new slot 0.
    fn ret_lower(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        c: super::Caller,
        a: usize,
        n: usize,
    ) -> Result<RecResult, RecErr> {
        let mut res = Vec::with_capacity(n);
        for i in 0..n {
            res.push(self.getslot(data, f, a + i)?);
        }
        let callee_base = f.base0 + self.baseslot;
        if callee_base < c.base + 2 {
            return Err(nyi(Op::RET));
        }
        let delta = callee_base - c.base;
        if delta + c.nres.max(0) as usize + 256 > super::MAX_SLOTS {
            return Err((TraceError::TraceTooDeep, None));
        }
        let kp = data.ir.kint64(c.key_addr());
        let kpc = data.ir.kint64(c.pc as u64);
        self.emitter(data)
            .guard(IrOp::RETF, IrType::P64, kp.0, kpc.0)
            .map_err(|e| (e, None))?;
        for s in self.slots.iter_mut() {
            *s = None;
        }
        let want = c.nres as usize;
        for i in 0..want {
            let r = res.get(i).copied().unwrap_or(REF_NIL);
            self.slots[delta + i] = Some((r, 0));
        }
        self.baseslot = 2;
        self.cur_key = c.key;
        self.maxslot = delta - 2 + want;
        self.rebase = Some(c.base - 2);
        self.needsnap = true;
        Ok(RecResult::Continue)
    }

    /// If upvalue `idx` of closure `fv` is open on a stack slot the trace holds (at or
    /// above trace slot 0), that slot (LuaJIT records such upvalues as slot accesses).
    /// Only for a closure whose identity the trace guards (a constant in slot 0 of the
    /// current frame); otherwise the access is not recorded.
    fn open_alias(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        fv: Value,
        idx: usize,
    ) -> Result<Option<usize>, RecErr> {
        let Some(fc) = fv.as_func() else {
            return Err(nyi(Op::UGET));
        };
        let crate::vm::object::FuncKind::Lua { upvals, .. } = &fc.get_mut().kind else {
            return Err(nyi(Op::UGET));
        };
        let Some(uv) = upvals.get(idx) else {
            return Err(nyi(Op::UGET));
        };
        let u = uv.get_mut();
        if !u.open || u.slot < f.base0 {
            return Ok(None);
        }
        let guarded = self.slots[self.baseslot - 2].is_some_and(|(r, _)| r.is_const());
        if !guarded {
            return Err(nyi(Op::UGET));
        }
        let s = u.slot - f.base0;
        let _ = data;
        if s >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        Ok(Some(s))
    }

    /// `USETV` / `USETS` / `USETN` / `USETP`: `UREFO` + `USTORE` through the closure.
    pub(crate) fn rec_uset(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        let d = bc::d(ins) as usize;
        let v = match op {
            Op::USETV => self.getslot(data, f, d)?,
            Op::USETS => {
                let kv = f.kgc[d];
                let Some(s) = kv.as_str() else {
                    return Err(nyi(op));
                };
                let k = data.ir.kstr(s.as_bytes());
                self.gcvals.push((k, kv));
                k
            }
            Op::USETN => data.ir.knum(f.knum[d].as_num_unchecked()),
            _ => match d {
                0 => REF_NIL,
                1 => crate::jit::ir::REF_FALSE,
                _ => crate::jit::ir::REF_TRUE,
            },
        };
        let fv = f
            .stack
            .get(self.baseslot - 2)
            .copied()
            .unwrap_or(Value::NIL);
        if let Some(s) = self.open_alias(data, f, fv, a)? {
            // The upvalue is a slot of a frame in the trace: a plain slot write.
            self.slots[s] = Some((v, 0));
            if s >= self.baseslot && s - self.baseslot >= self.maxslot {
                self.maxslot = s - self.baseslot + 1;
            }
            return Ok(RecResult::Continue);
        }
        let cur = self.current_closure(data)?;
        let vt = self.ty(data, v);
        let mut e = self.emitter(data);
        let uref = e
            .guard(IrOp::UREFO, IrType::P64, cur.0, a as u16)
            .map_err(|e| (e, None))?;
        e.op(IrOp::USTORE, vt, uref.0, v.0).map_err(|e| (e, None))?;
        // A store is a side effect: later guards must not resume before it.
        self.needsnap = true;
        Ok(RecResult::Continue)
    }

    /// `GGET`: a global read through the closure's environment.
    pub(crate) fn rec_gget(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let kv = f.kgc[bc::d(ins) as usize];
        let Some(key) = kv.as_str() else {
            return Err(nyi(Op::GGET));
        };
        let fv = f
            .stack
            .get(self.baseslot - 2)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(fc) = fv.as_func() else {
            return Err(nyi(Op::GGET));
        };
        let env = fc.get_mut().env;
        let v = env.get_mut().get_str(key);
        if v.is_nil() {
            // Missing globals need the metatable path: not recorded.
            return Err(nyi(Op::GGET));
        }
        let kname = data.ir.kstr(key.as_bytes());
        self.gcvals.push((kname, kv));
        // (recnyi) The known closure of an inlined frame, not a stale stack slot.
        let fref = self.current_closure(data)?;
        let mut e = self.emitter(data);
        let m = |x: TraceError| (x, None);
        let envr = e
            .op(IrOp::FLOAD, IrType::Tab, fref.0, field("func.env"))
            .map_err(m)?;
        let hm = e
            .op(IrOp::FLOAD, IrType::Int, envr.0, field("tab.hmask"))
            .map_err(m)?;
        let k = e.ir.kint(hmask_of(env));
        e.guard(IrOp::EQ, IrType::Int, hm.0, k.0).map_err(m)?;
        let node = e
            .op(IrOp::FLOAD, IrType::P64, envr.0, field("tab.node"))
            .map_err(m)?;
        let ks = e.ir.kslot(kname, 0);
        let href = e.guard(IrOp::HREFK, IrType::P64, node.0, ks.0).map_err(m)?;
        let r = e.guard(IrOp::HLOAD, type_of(v), href.0, 0).map_err(m)?;
        self.setslot(a, r);
        Ok(RecResult::Continue)
    }
}

/// The FLOAD literal of field `name`.
pub fn field(name: &str) -> u16 {
    crate::jit::ir::IR_FIELDS
        .iter()
        .position(|f| *f == name)
        .unwrap_or(0) as u16
}
