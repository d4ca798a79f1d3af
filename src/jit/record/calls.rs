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
use crate::jit::ir::{sload, GcConst, IrOp, IrRef, IrType, REF_NIL};
use crate::jit::link::LinkType;
use crate::jit::snap::SNAP_FRAME;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

/// The `HREFK` slot of key `k` in table `t`: the index of its node in skein's hash part
/// (LuaJIT's slot is its own node index), so the executor checks that node first.
pub(crate) fn node_hint(t: crate::vm::TabRef, k: Value) -> u16 {
    t.get_mut()
        .node_of(k)
        .and_then(|(i, _)| u16::try_from(i).ok())
        .unwrap_or(0)
}

/// `HREFK` of constant key `kref` (live value `kv`) in table `tr` (live `t`), as LuaJIT
/// emits it: the hash-mask guard, `FLOAD tab.node`, then `HREFK` with the key's slot.
pub(crate) fn emit_hrefk(
    e: &mut crate::jit::opt::Emitter<'_>,
    tr: IrRef,
    t: crate::vm::TabRef,
    kref: IrRef,
    kv: Value,
) -> Result<IrRef, TraceError> {
    let hm = e.op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.hmask"))?;
    let k = e.ir.kint(hmask_of(t));
    e.guard(IrOp::EQ, IrType::Int, hm.0, k.0)?;
    let node = e.op(IrOp::FLOAD, IrType::P64, tr.0, field("tab.node"))?;
    let ks = e.ir.kslot(kref, node_hint(t, kv));
    e.guard(IrOp::HREFK, IrType::P64, node.0, ks.0)
}

/// `XLOAD` mode: a read-only location (printed `R`).
const XLOAD_READONLY: u16 = 1;
/// `TOSTR` mode: the one-character string of a byte (printed `CHAR`).
const TOSTR_CHAR: u16 = 2;

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
    /// For a vararg callee: the absolute slot of its first extra argument and how many
    /// there are (the values `...` stands for; the count is fixed by the call).
    pub varargs: Option<(usize, usize)>,
}

/// Marks a vararg frame link (`SNAP_FRAME` entry above the passed arguments) in its
/// constant, so an exit can tell it from a call frame link (`(resume pc << 16) | B`). The
/// low bits hold the distance from the call slot to the moved function slot.
pub const VARARG_LINK: u64 = 1 << 62;

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

/// The hash mask the executor and the recorder agree on for a table (a shape guard):
/// 0 for a table without a hash part (LuaJIT's "key cannot be there" check), else 63.
pub fn hmask_of(t: crate::vm::TabRef) -> i32 {
    if t.get_mut().nodes.is_empty() {
        0
    } else {
        63
    }
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
        // Fixed arguments, plus the values of the preceding multi-result op for CALLM.
        let nargs = match op {
            Op::CALL if bc::c(ins) > 0 => bc::c(ins) as usize - 1,
            Op::CALLM => bc::c(ins) as usize + self.multres.ok_or_else(|| nyi(op))?,
            _ => return Err(nyi(op)),
        };
        let (fv, fc) = self.callee(f, a, op)?;
        if let crate::vm::object::FuncKind::Native {
            name, f: native, ..
        } = fc.kind()
        {
            // LuaJIT's name for it (`string.format`), if it is a library function.
            let lib = crate::stdlib::fastfn::library_name(*native);
            let name: &'static str = lib.unwrap_or(name);
            let nres = bc::b(ins) as i32 - 1;
            if let Some(lib) = lib {
                if let Some(r) = self.rec_fastfunc(data, f, a, nargs, nres, fv, lib)? {
                    return Ok(r);
                }
            }
            return self.stitch_native(data, f, a, nargs, fv, name);
        }
        let (framesize, numparams, vararg) = fc.lua_proto().map_or((0, 0, false), |p| {
            (p.framesize as usize, p.numparams as usize, p.is_vararg)
        });
        // A vararg callee's frame starts above the passed arguments.
        let shift = if vararg { nargs + 2 } else { 0 };
        // Snapshots address at most 250 slots (LuaJIT's LJ_MAX_JSLOTS).
        if self.frames.len() >= 20 || self.baseslot + a + 2 + shift + framesize >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        let (_, kf) = self.guard_callee(data, f, a, fv)?;
        let call_abs = self.baseslot + a;
        self.frames.push(RecFrame {
            key: self.cur_key,
            baseslot: self.baseslot,
            call_a: a,
            nres: bc::b(ins) as i32 - 1,
            varargs: vararg.then(|| (call_abs + 2 + numparams, nargs.saturating_sub(numparams))),
        });
        // The frame link carries what the executor needs to rebuild the VM frame on an
        // exit: the caller's resume pc and the results it wants (+1).
        let link = data
            .ir
            .kint64(((self.pc as u64 + 1) << 16) | bc::b(ins) as u64);
        self.slots[call_abs] = Some((kf, 0));
        self.slots[call_abs + 1] = Some((link, SNAP_FRAME));
        self.baseslot = call_abs + 2;
        self.maxslot = nargs;
        if vararg {
            self.enter_vararg_frame(data, f, call_abs, nargs, numparams, kf)?;
        }
        self.pending_callee = true;
        Ok(RecResult::Continue)
    }

    /// LuaJIT's vararg frame (set up at FUNCV; nothing is emitted) for a vararg function
    /// whose function slot is `fslot` with `nargs` arguments above it: the function is
    /// copied above the arguments with a vararg frame link, the fixed parameters move up
    /// with it and their old slots become nil. The callee's frame then starts there.
    fn enter_vararg_frame(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        fslot: usize,
        nargs: usize,
        numparams: usize,
        kf: crate::jit::ir::IrRef,
    ) -> Result<(), RecErr> {
        let shift = nargs + 2;
        let vbase = fslot + 2 + shift;
        let fixed = numparams.min(nargs);
        for i in 0..fixed {
            let r = self.getslot_abs(data, f, fslot + 2 + i)?;
            self.slots[vbase + i] = Some((r, 0));
            self.slots[fslot + 2 + i] = Some((REF_NIL, 0));
        }
        let vlink = data.ir.kint64(VARARG_LINK | shift as u64);
        self.slots[vbase - 2] = Some((kf, 0));
        self.slots[vbase - 1] = Some((vlink, SNAP_FRAME));
        self.baseslot = vbase;
        self.maxslot = fixed;
        Ok(())
    }

    /// Math fast functions recorded inline, as LuaJIT does (`math.floor/ceil/sqrt` →
    /// `FPMATH`, `abs` → `ABS`, two-argument `min`/`max` → `MIN`/`MAX`), after guarding
    /// the function's identity. Returns `None` for anything else (the caller stitches).
    #[allow(clippy::too_many_arguments)]
    fn rec_fastfunc(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        a: usize,
        nargs: usize,
        nres: i32,
        fv: Value,
        name: &str,
    ) -> Result<Option<RecResult>, RecErr> {
        if name == "select" {
            return self.rec_select(data, f, a, nargs, nres, fv);
        }
        if name == "pairs" || name == "ipairs" {
            // (recnyi) pairs / ipairs loops: see iter.rs.
            return self.rec_pairs(data, f, (a, nargs, nres), fv);
        }
        if matches!(
            name,
            "type" | "string.len" | "string.byte" | "string.char" | "string.sub"
        ) {
            return self.rec_string_ff(data, f, (a, nargs, nres), fv, name);
        }
        let want_args = match name {
            "math.floor" | "math.ceil" | "math.sqrt" | "math.abs" | "math.sin" | "math.cos"
            | "math.tan" | "math.exp" => 1,
            "math.min" | "math.max" => 2,
            _ => return Ok(None),
        };
        let name = name.strip_prefix("math.").unwrap_or(name);
        if nargs != want_args || !(0..=1).contains(&nres) {
            return Ok(None);
        }
        let live = |s: usize| self.live(f, s);
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
        Ok(Some(self.ff_result(a, nargs, nres, r)))
    }

    /// A fast function's integer argument: an int ref as is, a number through a checked
    /// `CONV int.num` (the guard fails for a fractional value).
    fn int_arg(&mut self, data: &mut TraceData, r: IrRef) -> Result<IrRef, RecErr> {
        match self.ty(data, r) {
            IrType::Int => Ok(r),
            IrType::Num => {
                let lit = crate::jit::ir::conv_lit(IrType::Int, IrType::Num)
                    | crate::jit::ir::conv::CHECK;
                self.emitter(data)
                    .guard(IrOp::CONV, IrType::Int, r.0, lit)
                    .map_err(|e| (e, None))
            }
            _ => Err(nyi(Op::CALL)),
        }
    }

    /// The callee in slot `a`, loaded and guarded to be the function `fv`; returns its
    /// ref and the function constant.
    fn guard_callee(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        a: usize,
        fv: Value,
    ) -> Result<(IrRef, IrRef), RecErr> {
        let fr = self.getslot(data, f, a)?;
        let kf = self.kfunc(data, fv);
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(|e| (e, None))?;
        }
        Ok((fr, kf))
    }

    /// A native callee that is not recorded: the trace stops before the call (function
    /// guarded, arguments in their slots for the snapshot) and a continuation trace is
    /// stitched on after it returns (`link stitch`, named as LuaJIT names the native).
    fn stitch_native(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        a: usize,
        nargs: usize,
        fv: Value,
        name: &'static str,
    ) -> Result<RecResult, RecErr> {
        let (fr, _) = self.guard_callee(data, f, a, fv)?;
        for i in 0..nargs {
            let r = self.getslot(data, f, a + 2 + i)?;
            self.slots[self.baseslot + a + 2 + i] = Some((r, 0));
        }
        self.slots[self.baseslot + a] = Some((fr, 0));
        self.maxslot = self.maxslot.max(a + 2 + nargs);
        self.stitch_name = Some(name);
        self.stop(data, LinkType::Stitch, None, self.pc)
    }

    /// Finishes an inlined fast-function call at `a` with `nargs` arguments: the call
    /// slots are cleared and the single result `r` (if wanted) lands at `a`.
    fn ff_result(&mut self, a: usize, nargs: usize, nres: i32, r: IrRef) -> RecResult {
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
        RecResult::Continue
    }

    /// `type(x)`, `string.len(s)` and one-byte `string.byte(s [, i])`, recorded inline as
    /// LuaJIT records them: `type` is a constant string (the argument's type is fixed by
    /// its typed load), `len` is `FLOAD str.len`, and `byte` checks its index against the
    /// length (`ULE i len` and `GE i-1 0`, or `UGE len +1` without an index) and reads
    /// the byte with `STRREF` + `XLOAD u8`. Other arities, negative or out-of-range
    /// indexes and multiple results are left to the caller (it stitches).
    fn rec_string_ff(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        (a, nargs, nres): (usize, usize, i32),
        fv: Value,
        name: &str,
    ) -> Result<Option<RecResult>, RecErr> {
        let live = |s: usize| self.live(f, s);
        if !(0..=1).contains(&nres) || nargs == 0 {
            return Ok(None);
        }
        let arg0 = live(a + 2);
        let tn = arg0.type_name();
        let type_str = crate::jit::record::TYPE_NAMES
            .iter()
            .position(|n| *n == tn)
            .and_then(|i| f.type_names.get(i).copied())
            .unwrap_or(Value::NIL);
        match name {
            "type" => {
                if type_str.is_nil() {
                    return Ok(None);
                }
            }
            "string.len" => {
                if !arg0.is_str() {
                    return Ok(None);
                }
            }
            "string.sub" => {
                // Positive, in-range, non-empty ranges only: 1 <= i <= j <= #s.
                let Some(st) = arg0.as_str() else {
                    return Ok(None);
                };
                let len = st.as_bytes().len() as f64;
                let int = |v: Value| v.as_num().filter(|x| *x == x.trunc());
                let i = int(live(a + 3));
                let j = if nargs == 3 {
                    int(live(a + 4))
                } else {
                    Some(len)
                };
                let ok = matches!((i, j), (Some(i), Some(j)) if 1.0 <= i && i <= j && j <= len);
                if !(2..=3).contains(&nargs) || !ok {
                    return Ok(None);
                }
            }
            "string.char" => {
                let byte = arg0
                    .as_num()
                    .is_some_and(|x| x == x.trunc() && (0.0..=255.0).contains(&x));
                if nargs != 1 || !byte {
                    return Ok(None);
                }
            }
            _ => {
                let Some(s) = arg0.as_str() else {
                    return Ok(None);
                };
                let len = s.as_bytes().len() as f64;
                let ok = match nargs {
                    1 => len >= 1.0,
                    2 => live(a + 3)
                        .as_num()
                        .is_some_and(|i| i == i.trunc() && i >= 1.0 && i <= len),
                    _ => false,
                };
                if !ok {
                    return Ok(None);
                }
            }
        }
        let m = |e: TraceError| (e, None);
        let fr = self.getslot(data, f, a)?;
        let mut args = Vec::with_capacity(nargs);
        for i in 0..nargs.min(3) {
            args.push(self.getslot(data, f, a + 2 + i)?);
        }
        let kf = self.kfunc(data, fv);
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(m)?;
        }
        let r = match name {
            "type" => {
                let k = data.ir.kstr(arg0.type_name().as_bytes());
                self.gcvals.push((k, type_str));
                k
            }
            "string.char" => {
                // The code must be an int in 0..=255 (`ULE x +255`), then `TOSTR CHAR`.
                let x = self.int_arg(data, args[0])?;
                let k255 = data.ir.kint(255);
                self.emitter(data)
                    .guard(IrOp::ULE, IrType::Int, x.0, k255.0)
                    .map_err(m)?;
                self.emitter(data)
                    .op(IrOp::TOSTR, IrType::Str, x.0, TOSTR_CHAR)
                    .map_err(m)?
            }
            "string.sub" => {
                // `ULE j len`, `GE i-1 0`, then `SNEW (STRREF s i-1) (j-(i-1))` with the
                // length checked non-negative (a later empty range yields "").
                let lenf = field("str.len");
                let len = self
                    .emitter(data)
                    .op(IrOp::FLOAD, IrType::Int, args[0].0, lenf)
                    .map_err(m)?;
                let end = if nargs == 3 {
                    let j = self.int_arg(data, args[2])?;
                    self.emitter(data)
                        .guard(IrOp::ULE, IrType::Int, j.0, len.0)
                        .map_err(m)?;
                    j
                } else {
                    len
                };
                let i = self.int_arg(data, args[1])?;
                let minus1 = data.ir.kint(-1);
                let start0 = self
                    .emitter(data)
                    .op(IrOp::ADD, IrType::Int, i.0, minus1.0)
                    .map_err(m)?;
                let zero = data.ir.kint(0);
                self.emitter(data)
                    .guard(IrOp::GE, IrType::Int, start0.0, zero.0)
                    .map_err(m)?;
                let n = self
                    .emitter(data)
                    .op(IrOp::SUB, IrType::Int, end.0, start0.0)
                    .map_err(m)?;
                self.emitter(data)
                    .guard(IrOp::GE, IrType::Int, n.0, zero.0)
                    .map_err(m)?;
                let p = self
                    .emitter(data)
                    .op(IrOp::STRREF, IrType::P64, args[0].0, start0.0)
                    .map_err(m)?;
                self.emitter(data)
                    .op(IrOp::SNEW, IrType::Str, p.0, n.0)
                    .map_err(m)?
            }
            "string.len" => {
                let len = field("str.len");
                self.emitter(data)
                    .op(IrOp::FLOAD, IrType::Int, args[0].0, len)
                    .map_err(m)?
            }
            _ => {
                let lenf = field("str.len");
                let len = self
                    .emitter(data)
                    .op(IrOp::FLOAD, IrType::Int, args[0].0, lenf)
                    .map_err(m)?;
                let start0 = if nargs == 1 {
                    let one = data.ir.kint(1);
                    self.emitter(data)
                        .guard(IrOp::UGE, IrType::Int, len.0, one.0)
                        .map_err(m)?;
                    data.ir.kint(0)
                } else {
                    let i = self.int_arg(data, args[1])?;
                    self.emitter(data)
                        .guard(IrOp::ULE, IrType::Int, i.0, len.0)
                        .map_err(m)?;
                    let minus1 = data.ir.kint(-1);
                    let start0 = self
                        .emitter(data)
                        .op(IrOp::ADD, IrType::Int, i.0, minus1.0)
                        .map_err(m)?;
                    let zero = data.ir.kint(0);
                    self.emitter(data)
                        .guard(IrOp::GE, IrType::Int, start0.0, zero.0)
                        .map_err(m)?;
                    start0
                };
                let p = self
                    .emitter(data)
                    .op(IrOp::STRREF, IrType::P64, args[0].0, start0.0)
                    .map_err(m)?;
                self.emitter(data)
                    .op(IrOp::XLOAD, IrType::U8, p.0, XLOAD_READONLY)
                    .map_err(m)?
            }
        };
        Ok(Some(self.ff_result(a, nargs, nres, r)))
    }

    /// `select('#', ...)` and `select(k, ...)` with a constant selector, as LuaJIT records
    /// the fast function: the count is a constant (the argument count is fixed in the
    /// trace) and `select(k, ...)` yields the argument refs from `k` on. The results land
    /// at `a` (all of them for `nres = -1`, counted in `multres`). Anything else: `None`.
    fn rec_select(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        a: usize,
        nargs: usize,
        nres: i32,
        fv: Value,
    ) -> Result<Option<RecResult>, RecErr> {
        if nargs == 0 {
            return Ok(None);
        }
        let live = self.live(f, a + 2);
        let sel = self.getslot(data, f, a + 2)?;
        if !sel.is_const() {
            return Ok(None);
        }
        let count = live.as_str().is_some_and(|s| s.as_bytes() == b"#");
        let start = if count {
            0
        } else if let Some(k) = data.ir.int_of(sel) {
            k as i64
        } else if let Some(k) = data.ir.num_of(sel) {
            if k != k.trunc() {
                return Ok(None);
            }
            k as i64
        } else {
            return Ok(None);
        };
        if !count && start < 1 {
            return Ok(None);
        }
        let _ = self.guard_callee(data, f, a, fv)?;
        let results: Vec<_> = if count {
            vec![data.ir.kint(nargs as i32 - 1)]
        } else {
            let mut v = Vec::new();
            for i in start as usize..nargs {
                v.push(self.getslot(data, f, a + 2 + i)?);
            }
            v
        };
        let top = self.baseslot + a + 2 + nargs;
        for s in self.baseslot + a..top.min(self.slots.len()) {
            self.slots[s] = None;
        }
        let n = if nres < 0 {
            results.len()
        } else {
            nres as usize
        };
        for i in 0..n {
            let r = results.get(i).copied().unwrap_or(REF_NIL);
            self.slots[self.baseslot + a + i] = Some((r, 0));
        }
        self.maxslot = a + n;
        self.multres = Some(n);
        Ok(Some(RecResult::Continue))
    }

    /// `VARG A B C` inside an inlined vararg frame: the passed arguments are known refs, so
    /// the values are copied (nil beyond the last one) with no guard; `B = 0` copies all
    /// of them and sets `multres`. At depth 0 (the number of varargs is not fixed by the
    /// trace) it is not recorded.
    pub(crate) fn rec_varg(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let Some((first, nvar)) = self.frames.last().and_then(|fr| fr.varargs) else {
            return Err(nyi(Op::VARG));
        };
        let a = bc::a(ins) as usize;
        let want = bc::b(ins) as i32 - 1;
        let n = if want < 0 { nvar } else { want as usize };
        if self.baseslot + a + n >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        let mut vals = Vec::with_capacity(n);
        for i in 0..n.min(nvar) {
            vals.push(self.getslot_abs(data, f, first + i)?);
        }
        for i in 0..n {
            let r = vals.get(i).copied().unwrap_or(REF_NIL);
            self.setslot(a + i, r);
        }
        if want < 0 {
            self.maxslot = a + n;
            self.multres = Some(n);
        }
        Ok(RecResult::Continue)
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
            Op::JFUNCF => {
                // A compiled function whose trace does not just return (the driver shows
                // those as the original FUNCF, see `JitDriver::record`): no unrolling
                // across it. At the trace's own start with no frame inlined or returned
                // from, that is one more tail recursion; elsewhere link to its trace.
                let here = crate::jit::ids::BcPos {
                    proto: self.cur_key,
                    pc: pc as u32,
                };
                let start = data.snaps.snaps.first().and_then(|s| s.pc);
                let no_frames = self.frames.is_empty()
                    && !data.ir.refs().any(|r| data.ir.at(r).op == IrOp::RETF);
                if start == Some(here) && no_frames {
                    return self.stop(data, LinkType::TailRecursion, Some(self.no), pc);
                }
                let lnk = (f.trace_of)(bc::d(ins));
                self.stop(data, LinkType::Root, lnk, pc)
            }
            Op::FUNCF | Op::FUNCV => {
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

    /// `CALLT A D` / `CALLMT A D` to a Lua function: the callee replaces the frame. A tail
    /// call of a fast function recorded inline (`return select('#', ...)`) returns its
    /// results from the current frame.
    pub(crate) fn rec_callt(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        let d = bc::d(ins) as usize;
        let nargs = match op {
            Op::CALLT if d > 0 => d - 1,
            Op::CALLMT => d + self.multres.ok_or_else(|| nyi(op))?,
            _ => return Err(nyi(op)),
        };
        let (fv, fc) = self.callee(f, a, op)?;
        if let crate::vm::object::FuncKind::Native {
            name, f: native, ..
        } = fc.kind()
        {
            let lib = crate::stdlib::fastfn::library_name(*native);
            if let Some(lib) = lib {
                if let Some(r) = self.rec_fastfunc(data, f, a, nargs, -1, fv, lib)? {
                    if r != RecResult::Continue {
                        return Ok(r);
                    }
                    let n = self.multres.unwrap_or(0);
                    return self.ret_values(data, f, pc, a, n);
                }
            }
            // Inside an inlined frame the tail call is stitched like a call; the
            // continuation starts where it returns to, in the caller.
            if self.frames.is_empty() {
                return Err(nyi(op));
            }
            self.stitch_tail = true;
            return self.stitch_native(data, f, a, nargs, fv, lib.unwrap_or(name));
        }
        // The callee replaces the whole activation: inside a vararg frame that starts at
        // the original call slot, below the passed arguments (unknown at depth 0).
        let cur_vararg = matches!(bc::op(f.code[0]), Op::FUNCV | Op::IFUNCV | Op::JFUNCV);
        let fslot = match self.frames.last() {
            Some(fr) if cur_vararg => fr.baseslot + fr.call_a,
            None if cur_vararg => return Err(nyi(op)),
            _ => self.baseslot - 2,
        };
        let (numparams, vararg) = fc
            .lua_proto()
            .map_or((0, false), |p| (p.numparams as usize, p.is_vararg));
        let framesize = fc.lua_proto().map_or(0, |p| p.framesize as usize);
        let shift = if vararg { nargs + 2 } else { 0 };
        if self.baseslot + shift + framesize.max(nargs) >= 250 {
            return Err((TraceError::TraceTooDeep, None));
        }
        let (_, kf) = self.guard_callee(data, f, a, fv)?;
        let mut args = Vec::with_capacity(nargs);
        for i in 0..nargs {
            args.push(self.getslot(data, f, a + 2 + i)?);
        }
        let top = self.baseslot + self.maxslot.max(a + 2 + nargs);
        for s in fslot + 2..top.min(self.slots.len()) {
            self.slots[s] = None;
        }
        for (i, r) in args.into_iter().enumerate() {
            self.slots[fslot + 2 + i] = Some((r, 0));
        }
        self.slots[fslot] = Some((kf, 0));
        self.baseslot = fslot + 2;
        self.maxslot = nargs;
        if let Some(fr) = self.frames.last_mut() {
            fr.varargs = vararg.then(|| (fslot + 2 + numparams, nargs.saturating_sub(numparams)));
        }
        if vararg {
            self.enter_vararg_frame(data, f, fslot, nargs, numparams, kf)?;
        }
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
        let func = match (self.key_of_func(fv), fc.kind()) {
            (Some(k), _) => crate::jit::ids::FuncRef::Lua(k),
            (None, crate::vm::object::FuncKind::Native { f, .. }) => {
                match crate::stdlib::fastfn::native_id(*f) {
                    Some(id) => crate::jit::ids::FuncRef::Fast(id),
                    None => crate::jit::ids::FuncRef::C(fc.addr() as u64),
                }
            }
            (None, _) => crate::jit::ids::FuncRef::C(fc.addr() as u64),
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
            // As a bytecode constant: an int constant when the value is an int32.
            super::ops::knumint(data, v.as_num_unchecked())
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
        let a = bc::a(ins) as usize;
        let n = if op == Op::RETM {
            bc::d(ins) as usize + self.multres.ok_or_else(|| nyi(op))?
        } else {
            bc::d(ins) as usize - 1
        };
        self.ret_values(data, f, pc, a, n)
    }

    /// Returns `n` values from slot `a` of the current frame.
    fn ret_values(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        a: usize,
        n: usize,
    ) -> Result<RecResult, RecErr> {
        if self.frames.is_empty()
            && matches!(bc::op(f.code[0]), Op::FUNCV | Op::IFUNCV | Op::JFUNCV)
        {
            // Below a vararg frame the trace did not enter lies no Lua frame it could
            // return into: the trace returns to the interpreter (LuaJIT's rule).
            return self.stop(data, LinkType::Return, None, pc);
        }
        let Some(fr) = self.frames.pop() else {
            // Side traces and roots started at a return go on into the Lua caller; other
            // roots return to the interpreter.
            let below = self.is_side() || matches!(self.start, super::StartKind::Return(_));
            if let (true, Some(c)) = (below, f.caller) {
                if c.nres >= 0 {
                    return self.ret_lower(data, f, c, a, n);
                }
            }
            if below || matches!(self.start, super::StartKind::Func(_)) {
                return self.stop(data, LinkType::Return, None, pc);
            }
            return Err((TraceError::LeavingLoop, None));
        };
        let mut res = Vec::with_capacity(n);
        for i in 0..n {
            res.push(self.getslot(data, f, a + i)?);
        }
        let top = self.baseslot + self.maxslot.max(a + n);
        for s in fr.baseslot + fr.call_a..top.min(self.slots.len()) {
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
        self.multres = Some(want);
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
        if let Some(stop) = self.check_downrec_unroll(data, kp)? {
            return Ok(stop);
        }
        // The RETF guard gets a snapshot of its own, at the return (as LuaJIT's dumps
        // show: `SNAP #1` right before the first `RETF` of a return-started trace).
        self.snap_add(data);
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

    /// Sets up a root trace that starts at the return instruction at `pc` (LuaJIT's
    /// restart after "down-recursion, restarting"): the returned values are the live
    /// slots, and snapshot #0 resumes at the return. The driver calls this after starting
    /// the trace, then records the return itself.
    pub fn setup_root_return(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, pc: usize) {
        let ins = f.code[pc];
        let n = match bc::op(ins) {
            Op::RET0 => 0,
            _ => (bc::d(ins) as usize).saturating_sub(1),
        };
        self.maxslot = bc::a(ins) as usize + n;
        self.pc = pc;
        self.snap_add(data);
    }

    /// LuaJIT's down-recursion check, before a return below the trace's start frame into
    /// the prototype whose `RETF` constant is `kp`: if the trace already returned into that
    /// prototype, it is recursing downwards. At the trace's own start position that closes
    /// the trace (link `down-recursion` to itself) once more than `recunroll` (2) such
    /// returns (plus tail calls) were unrolled; anywhere else the trace aborts with
    /// "down-recursion, restarting" (LuaJIT then restarts recording at this return).
    fn check_downrec_unroll(
        &mut self,
        data: &mut TraceData,
        kp: crate::jit::ir::IrRef,
    ) -> Result<Option<RecResult>, RecErr> {
        let count = data
            .ir
            .refs()
            .filter(|&r| {
                let i = data.ir.at(r);
                i.op == IrOp::RETF && i.op1 == kp.0
            })
            .count();
        if count == 0 {
            return Ok(None);
        }
        let here = crate::jit::ids::BcPos {
            proto: self.cur_key,
            pc: self.pc as u32,
        };
        let start = data.snaps.snaps.first().and_then(|s| s.pc);
        if start != Some(here) {
            return Err((TraceError::DownRecursion, None));
        }
        if count + self.tailcalled > 2 {
            let pc = self.pc;
            return self
                .stop(data, LinkType::DownRecursion, Some(self.no), pc)
                .map(Some);
        }
        Ok(None)
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
        // Numbers are stored as numbers (an int value is converted first, as LuaJIT does).
        let v = self.tonum(data, v)?;
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

    /// The function in call slot `a` of the frame (value and object), NYI for `op` when
    /// it is not a function (a `__call` metamethod is not recorded).
    fn callee(
        &self,
        f: &LiveFrame<'_>,
        a: usize,
        op: Op,
    ) -> Result<(Value, crate::vm::object::FnRef), RecErr> {
        let fv = self.live(f, a);
        match fv.as_func() {
            Some(fc) => Ok((fv, fc)),
            None => Err(nyi(op)),
        }
    }

    /// The name constant (as a value and a string) and the live environment table of a
    /// GGET / GSET (`op`): the environment of the function running in the frame.
    pub(crate) fn global_env(
        &self,
        f: &LiveFrame<'_>,
        ins: u32,
        op: Op,
    ) -> Result<(Value, crate::vm::StrRef, crate::vm::TabRef), RecErr> {
        let kv = f.kgc[bc::d(ins) as usize];
        let Some(key) = kv.as_str() else {
            return Err(nyi(op));
        };
        let fv = f
            .stack
            .get(self.baseslot - 2)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(fc) = fv.as_func() else {
            return Err(nyi(op));
        };
        Ok((kv, key, fc.get_mut().env))
    }

    /// `GGET`: a global read through the closure's environment.
    pub(crate) fn rec_gget(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let (kv, key, env) = self.global_env(f, ins, Op::GGET)?;
        let v = env.get_mut().get_str(key);
        if v.is_nil() {
            // Missing globals need the metatable path: not recorded.
            return Err(nyi(Op::GGET));
        }
        let kname = data.ir.kstr(key.as_bytes());
        self.gcvals.push((kname, kv));
        // Inside an inlined frame the closure is the guarded constant (LuaJIT's
        // `FLOAD t1.lua:3 func.env`); in the start frame a read-only `SLOAD #0 R`.
        let fref = self.current_closure(data)?;
        let mut e = self.emitter(data);
        let m = |x: TraceError| (x, None);
        let envr = e
            .op(IrOp::FLOAD, IrType::Tab, fref.0, field("func.env"))
            .map_err(m)?;
        let href = emit_hrefk(&mut e, envr, env, kname, kv).map_err(m)?;
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

#[cfg(test)]
mod tests {
    use super::super::{Caller, LiveFrame, RecResult, Recorder, StartKind};
    use crate::bc::{ins_ad, Op};
    use crate::jit::events::TraceNo;
    use crate::jit::ids::ProtoKey;
    use crate::jit::ir::IrOp;
    use crate::jit::link::LinkType;
    use crate::jit::params::OptFlags;
    use crate::jit::traceerr::TraceError;
    use crate::jit::world::TraceData;
    use crate::vm::Value;

    /// Records the `RET1 0 2` at pc 1 of a recursive function `times` times in a row, each
    /// time returning into a caller of the same prototype (as the driver presents a
    /// return below the start frame), and answers what the last one gave.
    fn returns(rec: &mut Recorder, data: &mut TraceData, times: usize) -> Vec<RecResult> {
        let code = [ins_ad(Op::FUNCF, 3, 0), ins_ad(Op::RET1, 0, 2)];
        let stack = [Value::NIL, Value::NIL, Value::num(5.0)];
        let no_trace = |_: u32| None;
        let lf = LiveFrame {
            type_names: &[],
            key: ProtoKey::default(),
            code: &code,
            knum: &[],
            kgc: &[],
            stack: &stack,
            numparams: 1,
            base0: 100,
            caller: Some(Caller {
                key: ProtoKey::default(),
                base: 90,
                pc: 7,
                nres: 1,
            }),
            trace_of: &no_trace,
            loop_left: &|_| false,
            iter_trace: &|_| None,
            next_fn: None,
        };
        (0..times).map(|_| rec.record_ins(data, &lf, 1)).collect()
    }

    fn retf_count(data: &TraceData) -> usize {
        data.ir
            .refs()
            .filter(|&r| data.ir.at(r).op == IrOp::RETF)
            .count()
    }

    #[test]
    fn root_started_at_a_return_links_down_recursion_after_recunroll() {
        let key = ProtoKey::default();
        let mut rec = Recorder::new(
            TraceNo(6),
            StartKind::Return(1),
            key,
            1,
            OptFlags::default(),
        );
        let mut data = TraceData::default();
        let code = [ins_ad(Op::FUNCF, 3, 0), ins_ad(Op::RET1, 0, 2)];
        let stack = [Value::NIL, Value::NIL, Value::num(5.0)];
        let no_trace = |_: u32| None;
        let lf = LiveFrame {
            type_names: &[],
            key,
            code: &code,
            knum: &[],
            kgc: &[],
            stack: &stack,
            numparams: 1,
            base0: 100,
            caller: None,
            trace_of: &no_trace,
            loop_left: &|_| false,
            iter_trace: &|_| None,
            next_fn: None,
        };
        rec.setup_root_return(&mut data, &lf, 1);
        assert_eq!(rec.maxslot, 1);
        let res = returns(&mut rec, &mut data, 4);
        // Three returns are unrolled (one RETF guard each), the fourth closes the trace.
        assert_eq!(
            &res[..3],
            &[
                RecResult::Continue,
                RecResult::Continue,
                RecResult::Continue
            ]
        );
        assert_eq!(
            res[3],
            RecResult::Stop {
                link_type: LinkType::DownRecursion,
                link: Some(TraceNo(6))
            }
        );
        assert_eq!(retf_count(&data), 3);
    }

    #[test]
    fn second_return_into_the_same_prototype_elsewhere_restarts() {
        // A side trace that started somewhere else (pc 0): the second return below its
        // start frame into the same prototype aborts with "down-recursion, restarting".
        let key = ProtoKey::default();
        let mut rec = Recorder::new(TraceNo(3), StartKind::Side, key, 0, OptFlags::default());
        let mut data = TraceData::default();
        rec.pc = 0;
        rec.snap_add(&mut data);
        let res = returns(&mut rec, &mut data, 2);
        assert_eq!(res[0], RecResult::Continue);
        assert_eq!(res[1], RecResult::Abort(TraceError::DownRecursion, None));
        assert_eq!(
            TraceError::DownRecursion.format(None),
            "down-recursion, restarting"
        );
    }
}
