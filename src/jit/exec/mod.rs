//! The portable trace executor: runs a trace's IR directly on the VM stack.
//!
//! This is the reference semantics of every IR instruction the recorder emits, and the
//! backend on hosts without native code generation. A trace runs with `base0`, the stack
//! index of trace slot 0 (the function slot of the frame the trace started in), so
//! `SLOAD #s` reads `stack[base0 + s]`.
//!
//! Values live in a dense array indexed by ref; each holds raw bits interpreted by the
//! instruction's type (`int`: an `i32`, `num`: an `f64`, everything else: a boxed
//! `Value`). A failing guard exits through the snapshot in effect at the guard
//! (`SnapBuf::snap_for`): its entries are written back to the stack (ints widened to
//! numbers) and the interpreter resumes at the snapshot's pc. If the exit has a side
//! trace attached, that trace runs at once instead (no exit is reported, as in LuaJIT).
//! At the end of the IR the trace follows its link: `loop` (and tail recursion) with a
//! `LOOP` marker copies the PHI values and jumps back just after `LOOP`; a link to
//! another trace writes back the final snapshot and continues in that trace; every other
//! link writes back the final snapshot and returns to the interpreter at its pc.
//!
//! Rules for whoever changes this: an op the executor cannot run must be rejected by
//! [`supported`] at assembly time (the trace then aborts with "NYI: cannot assemble IR
//! instruction"), never reached at run time.

pub mod ext;

use crate::jit::ids::{BcPos, TraceId};
use crate::jit::ir::{sload, IrBuf, IrOp, IrRef, IrType, KValue, REF_BIAS, REF_FIRST};
use crate::jit::link::LinkType;
use crate::jit::snap::SnapNo;
use crate::jit::world::World;
use crate::vm::object::{Frame, FrameKind, Thread};
use crate::vm::Value;

/// How a run ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExecOutcome {
    /// A guard failed in trace `trace` at `exit` (no side trace attached); the snapshot
    /// was restored and the interpreter resumes at `pc`.
    Exit {
        /// The trace.
        trace: TraceId,
        /// Exit (snapshot) number.
        exit: u16,
        /// Resume position.
        pc: Option<BcPos>,
        /// Stack index of trace slot 0 of the frame the trace ended in.
        base0: usize,
        /// Stack index of slot 0 of the exit's snapshot numbering (below `base0` when
        /// the exit rebuilt inlined frames).
        snap_base0: usize,
    },
    /// The trace linked back to the interpreter; resume at `pc`.
    Done {
        /// Resume position.
        pc: Option<BcPos>,
        /// Stack index of trace slot 0 of the frame the trace ended in.
        base0: usize,
        /// The trace that ended with a `stitch` link (the interpreter runs the call at
        /// `pc`, then the stitched continuation).
        stitched: Option<TraceId>,
    },
}

/// Whether the executor can run `op`.
pub fn supported(op: IrOp) -> bool {
    use IrOp::*;
    matches!(
        op,
        NOP | LOOP
            | PHI
            | BASE
            | SLOAD
            | ADD
            | SUB
            | MUL
            | DIV
            | MOD
            | POW
            | NEG
            | ABS
            | CONV
            | LT
            | GE
            | LE
            | GT
            | ULT
            | UGE
            | ULE
            | UGT
            | EQ
            | NE
            | KPRI
            | KINT
            | KNUM
            | KGC
            | KSLOT
            | KPTR
            | KKPTR
            | KNULL
            | KINT64
            | RENAME
            | FLOAD
            | HREFK
            | HLOAD
            | TNEW
            | RETF
            | AREF
            | ALOAD
            | ASTORE
            | FPMATH
            | MIN
            | MAX
            | CALLN
            | UREFO
            | ULOAD
            | USTORE
            | ALEN
            | HREF
            | NEWREF
            | HSTORE
            | TBAR
            | TDUP
            | TOSTR
            | BUFHDR
            | BUFPUT
            | BUFSTR
            | CARG
            | CALLL
            | HIOP
            | VLOAD
    )
}

/// Whether the executor runs trace `id`: traces whose snapshots hold inlined frames, or
/// that link by up/down-recursion, would need VM frames rebuilt on exit, which the
/// executor does not do yet; the driver runs the interpreter instead.
pub fn runnable(world: &World, id: TraceId) -> bool {
    let Some(h) = world.traces.get(id) else {
        return false;
    };
    if matches!(h.link_type, LinkType::DownRecursion | LinkType::None) {
        return false;
    }
    let Some(d) = world.data.get(id) else {
        return false;
    };
    !d.snaps
        .map
        .iter()
        .any(|e| e.flags() & crate::jit::snap::SNAP_CONT != 0)
}

/// The boxed value of constant `r`, if it is one the executor materialises.
fn const_bits(ir: &IrBuf, r: IrRef, gc: &dyn Fn(IrRef) -> Option<Value>) -> u64 {
    let ins = ir.at(r);
    match ir.kvalue(r) {
        KValue::Int(i) => *i as i64 as u64,
        KValue::Num(n) => n.to_bits(),
        KValue::Gc(_) => gc(r).unwrap_or(Value::NIL).0,
        _ => match ins.ty {
            IrType::Nil => Value::NIL.0,
            IrType::False => Value::FALSE.0,
            IrType::True => Value::TRUE.0,
            _ => 0,
        },
    }
}

/// Upvalue `i` of closure `c`, if it is a Lua closure with that many upvalues.
fn upval_of(c: Value, i: usize) -> Option<crate::vm::object::UpRef> {
    match c.as_func()?.kind() {
        crate::vm::object::FuncKind::Lua { upvals, .. } => upvals.get(i).copied(),
        _ => None,
    }
}

/// Converts raw bits of type `ty` to a Lua value.
fn to_value(bits: u64, ty: IrType) -> Value {
    match ty {
        IrType::Int => Value::num(bits as i64 as i32 as f64),
        IrType::Num => Value::num(f64::from_bits(bits)),
        _ => Value(bits),
    }
}

fn type_ok(v: Value, ty: IrType) -> bool {
    super::record::type_ok(v, ty)
}

/// Runs trace `id` on `stack` with trace slot 0 at `base0`. `gc` resolves GC constants.
pub fn run(
    world: &World,
    mut id: TraceId,
    th: &mut Thread,
    mut base0: usize,
    gc: &dyn Fn(TraceId, IrRef) -> Option<Value>,
    alloc: &mut dyn FnMut(ext::AllocReq<'_>) -> Value,
) -> ExecOutcome {
    let mut vals: Vec<u64> = Vec::new();
    let mut xs = ext::ExtState::default();
    'trace: loop {
        let Some(data) = world.data.get(id) else {
            return ExecOutcome::Done {
                pc: None,
                base0,
                stitched: None,
            };
        };
        let ir = &data.ir;
        let nk = ir.nk().0 as usize;
        let n = ir.nins().0 as usize;
        vals.clear();
        vals.resize(n - nk, 0);
        let gcf = |r: IrRef| gc(id, r);
        for r in nk..REF_BIAS as usize {
            vals[r - nk] = const_bits(ir, IrRef(r as u16), &gcf);
        }
        let loop_at = ir.refs().find(|&r| ir.at(r).op == IrOp::LOOP);
        // PHIs (left ← right at the loop's back-edge), computed once per trace entry.
        let phis: Vec<(u16, u16)> = ir
            .refs()
            .filter(|&p| ir.at(p).op == IrOp::PHI)
            .map(|p| (ir.at(p).op1, ir.at(p).op2))
            .collect();
        let mut phi_vals: Vec<u64> = Vec::with_capacity(phis.len());
        let mut r = REF_FIRST.0 as usize;
        let get = |vals: &Vec<u64>, x: u16| vals[x as usize - nk];
        loop {
            if r >= n {
                // End of the IR: follow the link.
                let h = &world.traces[id];
                match h.link_type {
                    LinkType::Loop | LinkType::TailRecursion if h.link == Some(id) => {
                        if let Some(l) = loop_at {
                            // Parallel copy: read every right side first.
                            phi_vals.clear();
                            phi_vals.extend(phis.iter().map(|&(_, src)| get(&vals, src)));
                            for (&(dst, _), &v) in phis.iter().zip(&phi_vals) {
                                vals[dst as usize - nk] = v;
                            }
                            r = l.0 as usize + 1;
                        } else {
                            restore_last(ir, data, &vals, nk, th, &mut base0);
                            r = REF_FIRST.0 as usize;
                        }
                        continue;
                    }
                    LinkType::Root | LinkType::Loop | LinkType::TailRecursion => {
                        restore_last(ir, data, &vals, nk, th, &mut base0);
                        match h.link {
                            Some(t) if runnable(world, t) => {
                                id = t;
                                continue 'trace;
                            }
                            _ => {
                                return ExecOutcome::Done {
                                    pc: data.snaps.snaps.last().and_then(|s| s.pc),
                                    base0,
                                    stitched: None,
                                }
                            }
                        }
                    }
                    lt => {
                        let pc = restore_last(ir, data, &vals, nk, th, &mut base0);
                        let stitched = (lt == LinkType::Stitch).then_some(id);
                        return ExecOutcome::Done {
                            pc,
                            base0,
                            stitched,
                        };
                    }
                }
            }
            let ins = *ir.at(IrRef(r as u16));
            if xs.allocs > ext::ALLOC_BUDGET && ins.is_guard() {
                // The collector is paused while the trace runs: after enough allocations
                // leave through this guard's snapshot (not an exit: nothing is counted)
                // so the interpreter can collect; the trace is entered again later.
                let sn = data.snaps.snap_for(IrRef(r as u16)).unwrap_or(SnapNo(0));
                let pc = restore(ir, data, sn, &vals, nk, th, &mut base0);
                return ExecOutcome::Done {
                    pc,
                    base0,
                    stitched: None,
                };
            }
            let mut ok = true;
            let out: u64 = match ins.op {
                IrOp::NOP | IrOp::LOOP | IrOp::PHI | IrOp::BASE | IrOp::RENAME => 0,
                IrOp::RETF => {
                    // Return below the trace's frame: the caller must be the expected one
                    // and no upvalue may still point into the callee's frame.
                    let want_pc = match ir.kvalue(IrRef(ins.op2)) {
                        KValue::Int64(v) => *v as u32,
                        _ => u32::MAX,
                    };
                    let n = th.frames.len();
                    let callee_fslot = th.frames.last().map_or(0, |f| f.fslot as usize);
                    let caller_ok = n >= 2
                        && th.frames[n - 2].pc == want_pc
                        && th.frames[n - 1].kind == FrameKind::Lua
                        && th.frames[n - 2].kind == FrameKind::Lua
                        && !th.open_upvals.iter().any(|u| u.slot >= callee_fslot);
                    if caller_ok {
                        th.frames.pop();
                        base0 = th.frames[n - 2].base as usize - 2;
                    } else {
                        ok = false;
                    }
                    0
                }
                IrOp::SLOAD => {
                    let v = th
                        .stack
                        .get(base0 + ins.op1 as usize)
                        .copied()
                        .unwrap_or(Value::NIL);
                    if ins.op2 & sload::TYPECHECK != 0 && !type_ok(v, ins.ty) {
                        ok = false;
                        0
                    } else if ins.ty == IrType::Int {
                        let x = v.as_num().unwrap_or(0.0);
                        x as i32 as i64 as u64
                    } else {
                        v.0
                    }
                }
                IrOp::ADD | IrOp::SUB | IrOp::MUL | IrOp::DIV | IrOp::MOD | IrOp::POW
                    if ins.ty == IrType::Num =>
                {
                    let a = f64::from_bits(get(&vals, ins.op1));
                    let b = f64::from_bits(get(&vals, ins.op2));
                    let x = match ins.op {
                        IrOp::ADD => a + b,
                        IrOp::SUB => a - b,
                        IrOp::MUL => a * b,
                        IrOp::DIV => a / b,
                        IrOp::MOD => crate::vm::interp::lua_mod(a, b),
                        _ => a.powf(b),
                    };
                    x.to_bits()
                }
                IrOp::ADD | IrOp::SUB | IrOp::MUL => {
                    let a = get(&vals, ins.op1) as i64 as i32;
                    let b = get(&vals, ins.op2) as i64 as i32;
                    let x = match ins.op {
                        IrOp::ADD => a.wrapping_add(b),
                        IrOp::SUB => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    };
                    x as i64 as u64
                }
                IrOp::FLOAD => {
                    let x = Value(get(&vals, ins.op1));
                    match crate::jit::ir::IR_FIELDS.get(ins.op2 as usize).copied() {
                        Some("func.env") => x
                            .as_func()
                            .map_or(Value::NIL.0, |f| Value::tab(f.get_mut().env).0),
                        Some("tab.meta") => {
                            x.as_tab().map_or(1, |t| t.get_mut().meta.is_some() as u64)
                        }
                        Some("str.len") => {
                            x.as_str().map_or(0, |s| s.as_bytes().len() as i64 as u64)
                        }
                        Some("tab.asize") => ext::asize(x),
                        Some("tab.hmask") => x
                            .as_tab()
                            .map_or(0, |t| crate::jit::record::hmask_of(t) as i64 as u64),
                        _ => x.0,
                    }
                }
                IrOp::AREF => get(&vals, ins.op1),
                IrOp::ALEN => Value(get(&vals, ins.op1))
                    .as_tab()
                    .map_or(0, |t| t.get_mut().len() as i32 as i64 as u64),
                IrOp::UREFO => {
                    // The closure; the guard checks the upvalue index exists.
                    let c = Value(get(&vals, ins.op1));
                    ok = upval_of(c, ins.op2 as usize).is_some();
                    c.0
                }
                IrOp::ULOAD | IrOp::USTORE => {
                    let uref = ir.at(IrRef(ins.op1));
                    let c = Value(get(&vals, uref.op1));
                    match upval_of(c, uref.op2 as usize) {
                        Some(u) if ins.op == IrOp::ULOAD => {
                            let v = u.get_mut().get();
                            ok = type_ok(v, ins.ty);
                            v.0
                        }
                        Some(u) => {
                            let v = to_value(get(&vals, ins.op2), ir.at(IrRef(ins.op2)).ty);
                            u.get_mut().set(v);
                            0
                        }
                        None => {
                            ok = false;
                            0
                        }
                    }
                }
                IrOp::ASTORE => {
                    let aref = ir.at(IrRef(ins.op1));
                    let kins = ir.at(IrRef(aref.op2));
                    let kb = get(&vals, aref.op2);
                    let key = match kins.ty {
                        IrType::Int => Value::num(kb as i64 as i32 as f64),
                        _ => Value(kb),
                    };
                    let v = to_value(get(&vals, ins.op2), ir.at(IrRef(ins.op2)).ty);
                    if let Some(t) = Value(get(&vals, aref.op1)).as_tab() {
                        t.get_mut().set(key, v);
                    }
                    0
                }
                IrOp::ALOAD => {
                    // Through its AREF: the table and the key, looked up for real.
                    let aref = ir.at(IrRef(ins.op1));
                    let kins = ir.at(IrRef(aref.op2));
                    let kb = get(&vals, aref.op2);
                    let key = match kins.ty {
                        IrType::Int => Value::num(kb as i64 as i32 as f64),
                        IrType::Num => Value::num(f64::from_bits(kb)),
                        _ => Value(kb),
                    };
                    let v = Value(get(&vals, aref.op1))
                        .as_tab()
                        .map_or(Value::NIL, |t| t.get_mut().get(key));
                    ok = type_ok(v, ins.ty);
                    v.0
                }
                IrOp::HREFK => {
                    // HREFK keeps the table (its FLOAD tab.node); the key must be there.
                    let (t, key) = ext::slot_of(ir, IrRef(r as u16), &|x| get(&vals, x));
                    ok = !ext::hload(t, key).is_nil();
                    get(&vals, ins.op1)
                }
                IrOp::HLOAD => {
                    let (t, key) = ext::slot_of(ir, IrRef(ins.op1), &|x| get(&vals, x));
                    let v = ext::hload(t, key);
                    ok = type_ok(v, ins.ty);
                    v.0
                }
                IrOp::HREF => {
                    let (t, key) = ext::slot_of(ir, IrRef(r as u16), &|x| get(&vals, x));
                    ext::href(t, key)
                }
                IrOp::NEWREF => ext::HREF_FOUND,
                IrOp::HSTORE => {
                    let (t, key) = ext::slot_of(ir, IrRef(ins.op1), &|x| get(&vals, x));
                    let v = to_value(get(&vals, ins.op2), ir.at(IrRef(ins.op2)).ty);
                    ok = ext::hstore(t, key, v);
                    0
                }
                IrOp::TBAR | IrOp::CARG => 0,
                IrOp::TDUP => match gcf(IrRef(ins.op1)).and_then(|v| v.as_tab()) {
                    Some(t) => xs.alloc(alloc, ext::AllocReq::Dup(t)).0,
                    None => {
                        ok = false;
                        0
                    }
                },
                IrOp::TOSTR => {
                    let x = to_value(get(&vals, ins.op1), ir.at(IrRef(ins.op1)).ty);
                    let text = ext::number_text(x.as_num().unwrap_or(0.0));
                    xs.alloc(alloc, ext::AllocReq::Str(text.as_bytes())).0
                }
                IrOp::BUFHDR => {
                    xs.buf.clear();
                    0
                }
                IrOp::BUFPUT => {
                    let v = to_value(get(&vals, ins.op2), ir.at(IrRef(ins.op2)).ty);
                    ok = ext::buf_put(&mut xs.buf, v);
                    0
                }
                IrOp::BUFSTR => {
                    let text = std::mem::take(&mut xs.buf);
                    let v = xs.alloc(alloc, ext::AllocReq::Str(&text));
                    xs.buf = text;
                    v.0
                }
                IrOp::CALLL => {
                    // lj_vm_next(table, position): arguments through the CARG.
                    let carg = ir.at(IrRef(ins.op1));
                    let t = Value(get(&vals, carg.op1));
                    let pos = get(&vals, carg.op2) as i64 as i32;
                    xs.set_next(r as u16, ext::vm_next(t, pos));
                    0
                }
                IrOp::HIOP => xs.next_of(ins.op1).map_or(0, |(p, _, _)| p as u64),
                IrOp::VLOAD => {
                    let v = match xs.next_of(ins.op1) {
                        Some((_, k, v)) => {
                            if ins.op2 == 1 {
                                k
                            } else {
                                v
                            }
                        }
                        None => Value::NIL,
                    };
                    ok = type_ok(v, ins.ty);
                    v.0
                }
                IrOp::TNEW => xs.alloc(alloc, ext::AllocReq::Table).0,
                IrOp::FPMATH => {
                    let x = f64::from_bits(get(&vals, ins.op1));
                    match ins.op2 {
                        0 => x.floor(),
                        1 => x.ceil(),
                        2 => x.trunc(),
                        3 => x.sqrt(),
                        4 => x.ln(),
                        5 => x.log2(),
                        _ => x,
                    }
                    .to_bits()
                }
                IrOp::CALLN => {
                    let x = f64::from_bits(get(&vals, ins.op1));
                    match crate::jit::ir::IR_CALLS.get(ins.op2 as usize).copied() {
                        Some("sin") => x.sin(),
                        Some("cos") => x.cos(),
                        Some("tan") => x.tan(),
                        Some("exp") => x.exp(),
                        _ => f64::NAN,
                    }
                    .to_bits()
                }
                IrOp::MIN | IrOp::MAX => {
                    let (x, y) = (
                        f64::from_bits(get(&vals, ins.op1)),
                        f64::from_bits(get(&vals, ins.op2)),
                    );
                    // As the interpreter's math.min/max: the first unless the second wins.
                    let second = if ins.op == IrOp::MIN { y < x } else { y > x };
                    if second { y } else { x }.to_bits()
                }
                IrOp::NEG => (-f64::from_bits(get(&vals, ins.op1))).to_bits(),
                IrOp::ABS => f64::from_bits(get(&vals, ins.op1)).abs().to_bits(),
                IrOp::CONV => {
                    let src = IrType::from_u8((ins.op2 & 31) as u8).unwrap_or(IrType::Num);
                    let x = get(&vals, ins.op1);
                    if ins.ty == IrType::Num && src == IrType::Int {
                        (x as i64 as i32 as f64).to_bits()
                    } else if ins.ty == IrType::Int {
                        let f = f64::from_bits(x);
                        let i = f as i32;
                        if ins.is_guard() && i as f64 != f {
                            ok = false;
                        }
                        i as i64 as u64
                    } else {
                        x
                    }
                }
                IrOp::LT
                | IrOp::GE
                | IrOp::LE
                | IrOp::GT
                | IrOp::ULT
                | IrOp::UGE
                | IrOp::ULE
                | IrOp::UGT => {
                    let (a, b) = if ins.ty == IrType::Int {
                        (
                            get(&vals, ins.op1) as i64 as i32 as f64,
                            get(&vals, ins.op2) as i64 as i32 as f64,
                        )
                    } else {
                        (
                            f64::from_bits(get(&vals, ins.op1)),
                            f64::from_bits(get(&vals, ins.op2)),
                        )
                    };
                    let nan = a.is_nan() || b.is_nan();
                    ok = match ins.op {
                        IrOp::LT => a < b,
                        IrOp::GE => a >= b,
                        IrOp::LE => a <= b,
                        IrOp::GT => a > b,
                        IrOp::ULT => nan || a < b,
                        IrOp::UGE => nan || a >= b,
                        IrOp::ULE => nan || a <= b,
                        _ => nan || a > b,
                    };
                    0
                }
                IrOp::EQ | IrOp::NE => {
                    let (x, y) = (get(&vals, ins.op1), get(&vals, ins.op2));
                    let eq = match ins.ty {
                        IrType::Num => f64::from_bits(x) == f64::from_bits(y),
                        IrType::Int => x as i32 == y as i32,
                        _ => x == y,
                    };
                    ok = eq == (ins.op == IrOp::EQ);
                    0
                }
                _ => 0,
            };
            if !ok {
                let sn = data.snaps.snap_for(IrRef(r as u16)).unwrap_or(SnapNo(0));
                let snap_base0 = base0;
                let pc = restore(ir, data, sn, &vals, nk, th, &mut base0);
                let side = world
                    .exit_of(id, sn.0)
                    .and_then(|e| world.exits.get(e))
                    .and_then(|e| e.side);
                match side {
                    Some(s)
                        if world.traces.contains_key(s)
                            && (runnable(world, s)
                                || world.traces[s].link_type == LinkType::Interpreter) =>
                    {
                        let has_code = world.data.get(s).is_some_and(|d| !d.snaps.is_empty());
                        if !has_code {
                            return ExecOutcome::Done {
                                pc,
                                base0,
                                stitched: None,
                            };
                        }
                        id = s;
                        continue 'trace;
                    }
                    _ => {
                        return ExecOutcome::Exit {
                            trace: id,
                            exit: sn.0,
                            pc,
                            base0,
                            snap_base0,
                        }
                    }
                }
            }
            vals[r - nk] = out;
            r += 1;
        }
    }
}

fn restore_last(
    ir: &IrBuf,
    data: &crate::jit::world::TraceData,
    vals: &[u64],
    nk: usize,
    th: &mut Thread,
    base0: &mut usize,
) -> Option<BcPos> {
    if data.snaps.is_empty() {
        return None;
    }
    let sn = SnapNo(data.snaps.len() as u16 - 1);
    restore(ir, data, sn, vals, nk, th, base0)
}

/// Writes snapshot `sn` back to the stack and rebuilds the VM frames of inlined calls
/// (a frame-link entry holds the caller's resume pc and wanted results); `base0` becomes
/// that of the innermost frame. Returns the snapshot's pc.
fn restore(
    ir: &IrBuf,
    data: &crate::jit::world::TraceData,
    sn: SnapNo,
    vals: &[u64],
    nk: usize,
    th: &mut Thread,
    base0: &mut usize,
) -> Option<BcPos> {
    let b0 = *base0;
    for e in data.snaps.entries(sn) {
        let s = e.slot() as usize;
        if e.flags() & crate::jit::snap::SNAP_CONT != 0 {
            continue;
        }
        let r = e.r();
        if e.flags() & crate::jit::snap::SNAP_FRAME != 0 {
            if s == 1 {
                continue;
            }
            let link = match ir.kvalue(r) {
                KValue::Int64(v) => *v,
                _ => continue,
            };
            let (retpc, nres) = ((link >> 16) as u32, (link & 0xffff) as i32 - 1);
            if let Some(top) = th.frames.last_mut() {
                top.pc = retpc;
            }
            let fslot = (b0 + s - 1) as u32;
            th.frames.push(Frame {
                base: fslot + 2,
                func: fslot,
                fslot,
                pc: 0,
                nres,
                kind: FrameKind::Lua,
                top: 0,
                cont: 0,
            });
            *base0 = b0 + s - 1;
            continue;
        }
        let ty = ir.at(r).ty;
        let bits = vals[r.0 as usize - nk];
        if let Some(slot) = th.stack.get_mut(b0 + s) {
            *slot = to_value(bits, ty);
        }
    }
    data.snaps.get(sn).and_then(|s| s.pc)
}
