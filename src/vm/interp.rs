//! The interpreter: one dispatch loop over LuaJIT 2.1 bytecode.
//!
//! ## Stack and frames
//!
//! Each thread has one contiguous value stack. A call at slot `A` of the caller places the
//! function in `A`, leaves `A+1` free (the frame-link slot of LuaJIT's GC64 layout) and the
//! arguments from `A+2`; the callee's `base` is `A+2`, so the function always sits at
//! `base-2` and slot numbers match LuaJIT's listings and trace dumps. Vararg functions move
//! their function and fixed parameters above the passed arguments (as LuaJIT does), so
//! the varargs lie just below the new frame. The metadata of each activation is a
//! [`Frame`] in the thread's frame list (base, result slot, wanted results, saved pc, kind).
//!
//! ## Calls without Rust recursion
//!
//! Lua-to-Lua calls, returns, tail calls, `pcall` and `xpcall` only push or pop frames and
//! continue the loop (`continue 'frame` reloads the cached state of the top frame), so deep
//! Lua recursion, tail calls and nested pcalls never grow the Rust stack. A `pcall`/`xpcall`
//! of a Lua function is a frame of kind `Pcall`/`Xpcall`: returning through it prepends
//! `true`; an error unwinds the frame list to the nearest such frame (`catch`). Rust
//! recursion happens only for metamethods, natives calling back into Lua and coroutine
//! resumes, and is bounded by [`MAX_C_DEPTH`].
//!
//! ## Coroutines
//!
//! Every coroutine runs in its own invocation of [`Lua::execute`]. `coroutine.yield`
//! returns `LuaError::Yield` from the native; it travels up through the loop to `resume`
//! without unwinding any frame. A yield is allowed only when no Rust-level call is active
//! on the coroutine (`nny == 0`), which is why pcall must not recurse in Rust. On resume
//! the values become the results of the pending yield call and the loop continues.
//!
//! ## Rules for whoever changes the loop
//!
//! - `stk` (a raw pointer to `base`) is invalidated by anything that can grow the stack:
//!   calls, metamethods, natives. Such paths either `continue 'frame` or call `reload!`.
//! - Save the pc into the frame (`save_pc!`) before anything that can raise an error or
//!   call out, so positions and variable names in messages are right.
//! - Safe points for the collector: TNEW, TDUP, FNEW, CAT and native calls.

use super::jit_hook::JitEvent;
use super::meta::{Arith, Step};
use super::object::*;
use super::value::Value;
use super::{Lua, LuaError, MAX_C_DEPTH, MAX_RUST_STACK};
use crate::bc::{self, Op};
use std::cmp::Ordering;

/// Slots guaranteed to natives above their arguments.
const NATIVE_MIN_STACK: usize = 40;

impl Lua {
    /// The first free slot above the running frame.
    pub(crate) fn cur_top(&self) -> usize {
        let th = self.th();
        match th.frames.last() {
            Some(f) if f.kind == FrameKind::Native => f.top as usize,
            Some(f) => {
                let func = th.stack[f.base as usize - 2];
                match func.as_func().map(|c| c.kind()) {
                    Some(FuncKind::Lua { proto, .. }) => f.base as usize + proto.framesize as usize,
                    _ => f.base as usize,
                }
            }
            None => th.top,
        }
    }

    /// Whether another Rust-level call into Lua would nest too deeply: more than
    /// [`MAX_C_DEPTH`] levels, or more than [`MAX_RUST_STACK`] bytes of Rust stack used
    /// since the outermost call (debug builds have large frames; embedders may run Lua on
    /// threads with small stacks).
    fn rust_stack_exhausted(&mut self) -> bool {
        let marker = 0u8;
        let here = &marker as *const u8 as usize;
        if self.c_depth == 0 {
            self.stack_origin = here;
            return false;
        }
        self.c_depth >= MAX_C_DEPTH || self.stack_origin.abs_diff(here) > MAX_RUST_STACK
    }

    /// Grows LuaJIT's stack model (`ljstack.rs`) as Lua code LuaJIT would run here,
    /// reaching `peak` slots above the innermost Lua frame, would grow it.
    pub(crate) fn touch_ljstack_from_lua(&mut self, peak: u32) {
        let th = self.th();
        let top = th
            .frames
            .iter()
            .rev()
            .find_map(|f| {
                let func = th.stack.get((f.base as usize).checked_sub(2)?)?;
                match func.as_func()?.kind() {
                    FuncKind::Lua { proto, .. } => Some(f.base as usize + proto.framesize as usize),
                    FuncKind::Native { .. } => None,
                }
            })
            .unwrap_or(th.top);
        th.ljstack.touch(top, peak);
    }

    /// Calls `f` with `args` from Rust and returns up to `nres` results (-1: all).
    pub fn call_value(
        &mut self,
        f: Value,
        args: &[Value],
        nres: i32,
    ) -> Result<Vec<Value>, LuaError> {
        let func = self.cur_top();
        self.grow_stack(func + 3 + args.len())?;
        let th = self.th();
        th.stack[func] = f;
        th.stack[func + 1] = Value::NIL;
        th.stack[func + 2..func + 2 + args.len()].copy_from_slice(args);
        let saved_top = th.top;
        th.top = th.top.max(func + 2 + args.len());
        let r = self.call_at(func, args.len(), nres);
        let th = self.th();
        th.top = saved_top;
        let n = r?;
        Ok(th.stack[func..func + n].to_vec())
    }

    /// Calls a metamethod with two arguments and returns its first result.
    pub(crate) fn call_meta(&mut self, f: Value, a: Value, b: Value) -> Result<Value, LuaError> {
        let func = self.cur_top();
        self.grow_stack(func + 5)?;
        let th = self.th();
        th.stack[func] = f;
        th.stack[func + 1] = Value::NIL;
        th.stack[func + 2] = a;
        th.stack[func + 3] = b;
        self.call_at(func, 2, 1)?;
        Ok(self.th().stack[func])
    }

    /// Calls a metamethod with three arguments, discarding results (`__newindex`).
    pub(crate) fn call_meta3(
        &mut self,
        f: Value,
        a: Value,
        b: Value,
        c: Value,
    ) -> Result<(), LuaError> {
        let func = self.cur_top();
        self.grow_stack(func + 6)?;
        let th = self.th();
        th.stack[func] = f;
        th.stack[func + 1] = Value::NIL;
        th.stack[func + 2] = a;
        th.stack[func + 3] = b;
        th.stack[func + 4] = c;
        self.call_at(func, 3, 0)?;
        Ok(())
    }

    /// Calls the function in slot `func` with `nargs` arguments from `func + 2`, leaving
    /// the results from `func`; returns their number. A Rust-level (non-yieldable) call.
    pub(crate) fn call_at(
        &mut self,
        func: usize,
        nargs: usize,
        nres: i32,
    ) -> Result<usize, LuaError> {
        if self.rust_stack_exhausted() {
            return Err(self.error_msg_pos("stack overflow"));
        }
        self.c_depth += 1;
        self.nny += 1;
        let depth = self.th().frames.len();
        let r = match self.precall(func, nargs, nres) {
            Ok(true) => self.execute(depth + 1),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        self.c_depth -= 1;
        self.nny -= 1;
        match r {
            Ok(()) => Ok(if nres < 0 {
                self.th().multres
            } else {
                nres as usize
            }),
            Err(e) => {
                self.close_upvals(func);
                self.th().frames.truncate(depth);
                Err(e)
            }
        }
    }

    /// Sets up a call of the value in `func`. Returns true if a Lua frame was pushed
    /// (the caller must run the loop), false if a native already ran and placed results.
    pub(crate) fn precall(
        &mut self,
        func: usize,
        mut nargs: usize,
        nres: i32,
    ) -> Result<bool, LuaError> {
        loop {
            let f = self.th().stack[func];
            if let Some(c) = f.as_func() {
                match &c.kind {
                    FuncKind::Lua { .. } => {
                        self.push_lua_frame(func, nargs, nres, FrameKind::Lua, func)?;
                        return Ok(true);
                    }
                    FuncKind::Native { f, builtin, .. } => {
                        return match builtin {
                            Builtin::Pcall => self.pcall_setup(func, nargs, nres, false),
                            Builtin::Xpcall => self.pcall_setup(func, nargs, nres, true),
                            _ => {
                                self.call_native(func, nargs, nres, *f, false)?;
                                Ok(false)
                            }
                        };
                    }
                }
            }
            // Not a function: try __call, passing the object as first argument.
            let mm = self.metamethod(f, super::MM::Call);
            if mm.is_nil() {
                return Err(self.call_error(func, f));
            }
            self.grow_stack(func + 3 + nargs)?;
            let th = self.th();
            th.stack.copy_within(func + 2..func + 2 + nargs, func + 3);
            th.stack[func + 2] = f;
            th.stack[func] = mm;
            nargs += 1;
        }
    }

    /// Pushes a frame for the Lua function in slot `fslot` (arguments from `fslot + 2`).
    #[inline]
    pub(crate) fn push_lua_frame(
        &mut self,
        fslot: usize,
        nargs: usize,
        nres: i32,
        kind: FrameKind,
        dest: usize,
    ) -> Result<(), LuaError> {
        let th = self.th();
        let c = th.stack[fslot].as_func().unwrap_or_else(|| unreachable!());
        let FuncKind::Lua { proto, .. } = &c.kind else {
            unreachable!()
        };
        let proto = *proto;
        let mut base = fslot + 2;
        let framesize = proto.framesize as usize;
        let need = base + nargs + framesize + 4;
        if need > th.stack.len() {
            self.grow_stack(need)?;
        }
        let th = self.th();
        let np = proto.numparams as usize;
        for i in nargs..np {
            th.stack[base + i] = Value::NIL;
        }
        if proto.is_vararg {
            let newbase = base + nargs + 2;
            th.stack[newbase - 2] = th.stack[fslot];
            th.stack[newbase - 1] = Value::NIL;
            for i in 0..np {
                if i < nargs {
                    th.stack[newbase + i] = th.stack[base + i];
                    th.stack[base + i] = Value::NIL;
                } else {
                    th.stack[newbase + i] = Value::NIL;
                }
            }
            base = newbase;
        }
        if th.frames.len() >= super::MAX_STACK / 4 {
            return Err(self.error_msg_pos("stack overflow"));
        }
        th.frames.push(Frame {
            base: base as u32,
            func: dest as u32,
            fslot: fslot as u32,
            pc: 0,
            nres,
            kind,
            top: 0,
            cont: 0,
        });
        Ok(())
    }

    /// Calls a native in slot `func` and places its results from `func`.
    pub(crate) fn call_native(
        &mut self,
        func: usize,
        nargs: usize,
        nres: i32,
        f: NativeFn,
        tail: bool,
    ) -> Result<(), LuaError> {
        let base = func + 2;
        self.grow_stack(base + nargs + NATIVE_MIN_STACK)?;
        let th = self.th();
        th.ljstack.check_c(base + nargs);
        th.frames.push(Frame {
            base: base as u32,
            func: func as u32,
            fslot: func as u32,
            pc: tail as u32,
            nres,
            kind: FrameKind::Native,
            top: (base + nargs) as u32,
            cont: 0,
        });
        self.gc_check();
        let n = f(self)?;
        let th = self.th();
        let fr = th.frames.pop().unwrap_or_else(|| unreachable!());
        let top = fr.top as usize;
        self.place_results(func, top - n, n, nres);
        Ok(())
    }

    /// Copies `n` results from `src` to `dest` as a caller wanting `nres` expects.
    #[inline]
    pub(crate) fn place_results(&mut self, dest: usize, src: usize, n: usize, nres: i32) {
        let th = self.th();
        if nres < 0 {
            if dest + n > th.stack.len() {
                let _ = self.grow_stack(dest + n + 1);
            }
            let th = self.th();
            th.stack.copy_within(src..src + n, dest);
            th.multres = n;
        } else {
            let want = nres as usize;
            if dest + want > th.stack.len() {
                let _ = self.grow_stack(dest + want + 1);
            }
            let th = self.th();
            let k = n.min(want);
            th.stack.copy_within(src..src + k, dest);
            for i in k..want {
                th.stack[dest + i] = Value::NIL;
            }
        }
    }

    fn pcall_setup(
        &mut self,
        func: usize,
        nargs: usize,
        nres: i32,
        with_handler: bool,
    ) -> Result<bool, LuaError> {
        let bad = if nargs == 0 {
            Some("bad argument #1 to '{}' (value expected)".to_string())
        } else if with_handler && !self.th().stack[func + 3].is_func() {
            let got = if nargs < 2 {
                "no value"
            } else {
                self.th().stack[func + 3].type_name()
            };
            Some(format!(
                "bad argument #2 to '{{}}' (function expected, got {got})"
            ))
        } else {
            None
        };
        if let Some(template) = bad {
            // pcall has no frame of its own: it is named by the caller's call instruction
            // (LuaJIT's '?' when called from a native or in tail position).
            let (name, pos) = match self.th().frames.last() {
                Some(f) if f.kind != FrameKind::Native => {
                    let fr = *f;
                    let p = self.th().stack[fr.base as usize - 2]
                        .as_func()
                        .and_then(|c| c.lua_proto());
                    let ins = p.and_then(|p| p.bc.get((fr.pc as usize).wrapping_sub(1)).copied());
                    match (p, ins) {
                        (Some(p), Some(ins)) if matches!(bc::op(ins), Op::CALL | Op::CALLM) => (
                            super::debug::slot_name(&p, fr.pc as usize - 1, bc::a(ins))
                                .map(|(_, n)| n)
                                .unwrap_or_else(|| "?".into()),
                            self.where_(0),
                        ),
                        _ => ("?".to_string(), String::new()),
                    }
                }
                _ => ("?".to_string(), String::new()),
            };
            let msg = template.replace("{}", &name);
            return Err(self.error_msg(&format!("{pos}{msg}")));
        }
        self.grow_stack(func + nargs + 8)?;
        let th = self.th();
        let inner_nargs;
        if with_handler {
            // xpcall f h args... -> h in the result slot, f at func+2, args from func+4.
            th.stack[func + 1] = th.stack[func + 3];
            th.stack[func + 3] = Value::NIL;
            inner_nargs = nargs - 2;
        } else {
            // pcall f args... -> shift the args up one slot to make room for the link.
            th.stack.copy_within(func + 3..func + 2 + nargs, func + 4);
            th.stack[func + 3] = Value::NIL;
            inner_nargs = nargs - 1;
        }
        let fslot = func + 2;
        let kind = if with_handler {
            FrameKind::Xpcall
        } else {
            FrameKind::Pcall
        };
        let f = th.stack[fslot];
        if let Some(c) = f.as_func() {
            if let FuncKind::Lua { .. } = c.kind {
                self.push_lua_frame(fslot, inner_nargs, nres, kind, func + 1)?;
                return Ok(true);
            }
        }
        // A native (or a non-function): run it inside a Rust-level protected call, under
        // a native frame standing for pcall itself (so `error` levels and tracebacks see it).
        let depth = self.th().frames.len();
        self.th().frames.push(Frame {
            base: (func + 2) as u32,
            func: func as u32,
            fslot: func as u32,
            pc: 0,
            nres,
            kind: FrameKind::Native,
            top: (func + 2) as u32,
            cont: 0,
        });
        let saved_nny = self.nny;
        self.nny += 1;
        let r = self.precall(fslot, inner_nargs, -1).and_then(|pushed| {
            if pushed {
                self.execute(depth + 2)
            } else {
                Ok(())
            }
        });
        self.nny = saved_nny;
        let th = self.th();
        match r {
            Ok(()) => {
                th.frames.truncate(depth);
                let n = th.multres;
                th.stack[func] = Value::TRUE;
                self.place_results(func + 1, fslot, n, nres.max(-1) - (nres > 0) as i32);
                let th = self.th();
                if nres < 0 {
                    th.multres = n + 1;
                }
            }
            Err(LuaError::Yield(_)) => {
                self.th().frames.truncate(depth);
                let e = self.error_msg("attempt to yield across C-call boundary");
                return self.pcall_fail(func, nres, e, with_handler, depth);
            }
            Err(e) => {
                return self.pcall_fail(func, nres, e, with_handler, depth);
            }
        }
        Ok(false)
    }

    fn pcall_fail(
        &mut self,
        func: usize,
        nres: i32,
        e: LuaError,
        with_handler: bool,
        depth: usize,
    ) -> Result<bool, LuaError> {
        let mut v = match e {
            LuaError::Error(v) => v,
            LuaError::Yield(_) => Value::NIL,
        };
        if with_handler {
            let h = self.th().stack[func + 1];
            v = self.run_handler(h, v);
        }
        self.close_upvals(func + 1);
        let th = self.th();
        th.frames.truncate(depth);
        th.stack[func] = Value::FALSE;
        th.stack[func + 1] = v;
        self.place_results(func, func, 2, nres);
        Ok(false)
    }

    fn run_handler(&mut self, h: Value, v: Value) -> Value {
        match self.call_value(h, &[v], 1) {
            Ok(r) => r.first().copied().unwrap_or(Value::NIL),
            Err(_) => self.str_value(b"error in error handling"),
        }
    }

    /// Unwinds to the nearest pcall/xpcall frame at or above `entry_depth - 1`.
    /// Returns Ok if the loop should continue with the frame list as left.
    fn catch(&mut self, e: LuaError, entry_depth: usize) -> Result<(), LuaError> {
        let LuaError::Error(mut v) = e else {
            return Err(e);
        };
        let th = self.th();
        let lo = entry_depth.saturating_sub(1);
        let mut found = None;
        for i in (lo..th.frames.len()).rev() {
            if matches!(th.frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall) {
                found = Some(i);
                break;
            }
        }
        let Some(i) = found else {
            if self.want_traceback && self.traceback.is_none() && self.cur == self.main {
                let th = self.th();
                let any = th
                    .frames
                    .iter()
                    .any(|f| matches!(f.kind, FrameKind::Pcall | FrameKind::Xpcall));
                if !any && self.nny <= 1 {
                    self.traceback = Some(self.traceback_string(0));
                }
            }
            return Err(e);
        };
        let fr = th.frames[i];
        let dest = fr.func as usize;
        if fr.kind == FrameKind::Xpcall {
            let h = th.stack[dest];
            v = self.run_handler(h, v);
        }
        self.close_upvals(fr.fslot as usize);
        let th = self.th();
        th.frames.truncate(i);
        th.stack[dest - 1] = Value::FALSE;
        th.stack[dest] = v;
        self.place_results(dest - 1, dest - 1, 2, fr.nres);
        Ok(())
    }

    /// Pops the top Lua frame, delivering `n` results from slot `src`.
    #[inline]
    fn post_return(&mut self, src: usize, n: usize) {
        let th = self.th();
        let fr = th.frames.pop().unwrap_or_else(|| unreachable!());
        if let Some(u) = th.open_upvals.last() {
            if u.slot >= fr.fslot as usize {
                self.close_upvals(fr.fslot as usize);
            }
        }
        let th = self.th();
        let dest = fr.func as usize;
        match fr.kind {
            FrameKind::Lua => {
                if fr.nres == 1 {
                    th.stack[dest] = if n > 0 { th.stack[src] } else { Value::NIL };
                } else {
                    self.place_results(dest, src, n, fr.nres);
                }
            }
            FrameKind::Cat => {
                th.stack[dest] = if n > 0 { th.stack[src] } else { Value::NIL };
                if let Some(caller) = th.frames.last_mut() {
                    // Re-run the caller's CAT over the slots up to the pair's result.
                    caller.cont = (dest - caller.base as usize) as u32 + 1;
                    caller.pc -= 1;
                }
            }
            FrameKind::CmpTrue | FrameKind::CmpFalse => {
                let r = if n > 0 { th.stack[src] } else { Value::NIL };
                let want = fr.kind == FrameKind::CmpTrue;
                if let Some(caller) = th.frames.last_mut() {
                    let func = th.stack[caller.base as usize - 2];
                    if let Some(p) = func.as_func().and_then(|f| f.lua_proto()) {
                        let jmp = p.bc[caller.pc as usize];
                        if r.truthy() == want {
                            caller.pc = (caller.pc as i64 + 1 + bc::j(jmp) as i64) as u32;
                        } else {
                            caller.pc += 1;
                        }
                    }
                }
            }
            FrameKind::Native => {}
            FrameKind::Pcall | FrameKind::Xpcall => {
                th.stack[dest - 1] = Value::TRUE;
                if fr.nres < 0 {
                    self.place_results(dest, src, n, -1);
                    self.th().multres = n + 1;
                } else if fr.nres > 0 {
                    self.place_results(dest, src, n, fr.nres - 1);
                }
            }
        }
    }

    /// Runs the top frame (at depth `entry_depth`) until it returns; results are left at
    /// its result slot (count in `multres` when all were wanted).
    pub(crate) fn execute(&mut self, entry_depth: usize) -> Result<(), LuaError> {
        'frame: loop {
            let th = self.th();
            let Some(&fr) = th.frames.last() else {
                return Ok(());
            };
            let base = fr.base as usize;
            let closure = th.stack[base - 2]
                .as_func()
                .unwrap_or_else(|| unreachable!());
            let FuncKind::Lua { proto, upvals } = &closure.kind else {
                unreachable!()
            };
            let proto: ProtoRef = *proto;
            let upvals: &[UpRef] = upvals;
            let code: *mut u32 = proto.get_mut().bc.as_mut_ptr();
            let kgc: *const Value = proto.kgc.as_ptr();
            let knum: *const Value = proto.knum.as_ptr();
            let mut pc = fr.pc as usize;
            let mut stk: *mut Value = th.stack.as_mut_ptr().wrapping_add(base);
            // The running frame's record (refreshed with `stk`: pushing frames may move it).
            let mut frp: *mut Frame = th.frames.as_mut_ptr().wrapping_add(th.frames.len() - 1);
            let mut multres = th.multres;
            let fsize = proto.framesize as usize;
            if fr.kind != FrameKind::Native && fr.top != 0 {
                // A tail-called pcall returned into this frame: return its results.
                if let Some(f) = th.frames.last_mut() {
                    f.top = 0;
                }
                self.post_return(fr.top as usize - 1, multres);
                if self.th().frames.len() < entry_depth {
                    return Ok(());
                }
                continue 'frame;
            }

            // SAFETY (for every use of these macros): the front end (or the bytecode
            // verifier for loaded dumps) guarantees slot operands < framesize and constant
            // indexes in range; push_lua_frame grew the stack to base + framesize; `stk`
            // is reloaded after anything that can reallocate the stack.
            macro_rules! s {
                ($i:expr) => {
                    (*stk.add($i as usize))
                };
            }
            macro_rules! kstr {
                ($i:expr) => {
                    (*kgc.add($i as usize))
                };
            }
            macro_rules! knum {
                ($i:expr) => {
                    (*knum.add($i as usize))
                };
            }
            macro_rules! reload {
                () => {
                    let th = self.th();
                    stk = th.stack.as_mut_ptr().wrapping_add(base);
                    frp = th.frames.as_mut_ptr().wrapping_add(th.frames.len() - 1);
                };
            }
            macro_rules! save_pc {
                () => {
                    // SAFETY: `frp` points at the running frame's record (see `reload!`).
                    (*frp).pc = pc as u32;
                };
            }
            macro_rules! throw {
                ($e:expr) => {{
                    let e = $e;
                    self.th().multres = multres;
                    match self.catch(e, entry_depth) {
                        Ok(()) => {
                            if self.th().frames.len() < entry_depth {
                                return Ok(());
                            }
                            continue 'frame;
                        }
                        Err(e) => return Err(e),
                    }
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => throw!(e),
                    }
                };
            }
            macro_rules! jump {
                ($ins:expr) => {
                    pc = (pc as isize + bc::j($ins) as isize) as usize
                };
            }
            // Conditional branch: the next instruction is the JMP to take.
            macro_rules! branch {
                ($cond:expr) => {{
                    if $cond {
                        // A comparison is always followed by its JMP (inside the outer
                        // unsafe block of the dispatch loop).
                        let jmp = *code.add(pc);
                        pc = (pc as isize + 1 + bc::j(jmp) as isize) as usize;
                    } else {
                        pc += 1;
                    }
                }};
            }
            macro_rules! hot {
                ($op:expr) => {{
                    if self.jit_hook.is_some() {
                        save_pc!();
                        self.th().multres = multres;
                        if let Some(mut h) = self.jit_hook.take() {
                            h.hot(self, proto, pc - 1, base, JitEvent::Hot($op));
                            if self.jit_hook.is_none() {
                                self.jit_hook = Some(h);
                            }
                        }
                        reload!();
                    }
                    // Embedding limits (instruction budget, memory cap): see src/embed.
                    if self.limits.is_some() {
                        save_pc!();
                        tri!(self.charge_limits());
                        // A collection may have run finalizers (Lua code).
                        reload!();
                    }
                }};
            }
            // Calls metamethod `$mm` with `$args` above the frame (results to `$dest`): a Lua
            // metamethod becomes a new frame and the loop continues in it; a native one has
            // already run, so the frame state is reloaded.
            macro_rules! run_meta {
                ($mm:expr, $args:expr, $dest:expr, $nres:expr, $kind:expr) => {{
                    let pushed =
                        tri!(self.meta_call(base + fsize, $mm, $args, $dest, $nres, $kind));
                    if pushed {
                        continue 'frame;
                    }
                    reload!();
                }};
            }
            // The result of a slow step goes to slot $a; Lua metamethods run as frames
            // returning into that slot.
            macro_rules! meta_to {
                ($step:expr, $a:expr) => {{
                    match tri!($step) {
                        Step::Value(v) => {
                            reload!();
                            s!($a) = v;
                        }
                        Step::Call {
                            mm, args, nargs, ..
                        } => {
                            run_meta!(mm, &args[..nargs], base + $a as usize, 1, FrameKind::Lua);
                        }
                    }
                }};
            }
            // A slow store (`__newindex`): no result.
            macro_rules! meta_do {
                ($step:expr) => {{
                    match tri!($step) {
                        Step::Value(_) => {
                            reload!();
                        }
                        Step::Call {
                            mm, args, nargs, ..
                        } => {
                            run_meta!(mm, &args[..nargs], base + fsize, 0, FrameKind::Lua);
                        }
                    }
                }};
            }
            // A slow comparison: take the following JMP when the outcome's truth is $want.
            macro_rules! meta_cmp {
                ($step:expr, $want:expr) => {{
                    match tri!($step) {
                        Step::Value(v) => {
                            reload!();
                            branch!(v.truthy() == $want);
                        }
                        Step::Call {
                            mm,
                            args,
                            nargs,
                            negate,
                            ..
                        } => {
                            let want = $want != negate;
                            let kind = if want {
                                FrameKind::CmpTrue
                            } else {
                                FrameKind::CmpFalse
                            };
                            let top = base + fsize;
                            run_meta!(mm, &args[..nargs], top, 1, kind);
                            let r = self.th().stack[top];
                            branch!(r.truthy() == want);
                        }
                    }
                }};
            }
            macro_rules! arith {
                ($ins:expr, $kind:expr, $b:expr, $c:expr, $bs:expr, $cs:expr, $f:expr) => {{
                    let b: Value = $b;
                    let c: Value = $c;
                    let a = bc::a($ins);
                    if b.is_num() && c.is_num() {
                        let f: fn(f64, f64) -> f64 = $f;
                        s!(a) = Value::from_arith(f(b.as_num_unchecked(), c.as_num_unchecked()));
                    } else {
                        save_pc!();
                        meta_to!(self.arith_step($kind, b, c, $bs, $cs), a);
                    }
                }};
            }

            loop {
                // (jitrec edit) While recording, the recorder sees each instruction (with
                // live values) before it runs; it may patch the bytecode, so the
                // instruction is fetched afterwards.
                if self.jit_recording {
                    if let Some(mut h) = self.jit_hook.take() {
                        // SAFETY: as in `save_pc!` (outside the dispatch's unsafe block).
                        unsafe {
                            save_pc!();
                        }
                        self.th().multres = multres;
                        h.record(self, proto, pc);
                        self.jit_hook = Some(h);
                        reload!();
                        if self.jit_reload {
                            self.jit_reload = false;
                            continue 'frame;
                        }
                    }
                }
                // SAFETY: pc stays inside the bytecode: every function ends in a return and
                // jumps target instructions of the same function.
                let ins = unsafe { *code.add(pc) };
                pc += 1;
                let a = bc::a(ins);
                // SAFETY: see the macro comment above; each arm only touches slots and
                // constants named by its operands.
                unsafe {
                    match decode_op(ins) {
                        Op::ISLT | Op::ISGE | Op::ISLE | Op::ISGT => {
                            let x = s!(a);
                            let y = s!(bc::d(ins));
                            let op = decode_op(ins);
                            if x.is_num() && y.is_num() {
                                let (x, y) = (x.as_num_unchecked(), y.as_num_unchecked());
                                let r = match op {
                                    Op::ISLT => x < y,
                                    Op::ISGE => x.partial_cmp(&y) != Some(Ordering::Less),
                                    Op::ISLE => x <= y,
                                    _ => !matches!(
                                        x.partial_cmp(&y),
                                        Some(Ordering::Less | Ordering::Equal)
                                    ),
                                };
                                branch!(r);
                            } else {
                                save_pc!();
                                let want = matches!(op, Op::ISLT | Op::ISLE);
                                match op {
                                    Op::ISLT | Op::ISGE => meta_cmp!(self.lt_step(x, y), want),
                                    _ => meta_cmp!(self.le_step(x, y), want),
                                }
                            }
                        }
                        Op::ISEQV | Op::ISNEV => {
                            let x = s!(a);
                            let y = s!(bc::d(ins));
                            let want = decode_op(ins) == Op::ISEQV;
                            if x.raw_eq(y) {
                                branch!(want);
                            } else if x.is_num() || y.is_num() || x.itype() != y.itype() {
                                branch!(!want);
                            } else {
                                save_pc!();
                                meta_cmp!(self.eq_step(x, y), want);
                            }
                        }
                        Op::ISEQS => branch!(s!(a) == kstr!(bc::d(ins))),
                        Op::ISNES => branch!(s!(a) != kstr!(bc::d(ins))),
                        Op::ISEQN => branch!(s!(a).raw_eq(knum!(bc::d(ins)))),
                        Op::ISNEN => branch!(!s!(a).raw_eq(knum!(bc::d(ins)))),
                        Op::ISEQP => branch!(s!(a) == prim(bc::d(ins))),
                        Op::ISNEP => branch!(s!(a) != prim(bc::d(ins))),
                        Op::ISTC => {
                            let v = s!(bc::d(ins));
                            if v.truthy() {
                                s!(a) = v;
                            }
                            branch!(v.truthy());
                        }
                        Op::ISFC => {
                            let v = s!(bc::d(ins));
                            if !v.truthy() {
                                s!(a) = v;
                            }
                            branch!(!v.truthy());
                        }
                        Op::IST => branch!(s!(bc::d(ins)).truthy()),
                        Op::ISF => branch!(!s!(bc::d(ins)).truthy()),
                        Op::ISTYPE | Op::ISNUM => {}
                        Op::MOV => s!(a) = s!(bc::d(ins)),
                        Op::NOT => s!(a) = Value::bool(!s!(bc::d(ins)).truthy()),
                        Op::UNM => {
                            let d = bc::d(ins);
                            let v = s!(d);
                            if v.is_num() {
                                s!(a) = Value::num(-v.as_num_unchecked());
                            } else {
                                save_pc!();
                                meta_to!(self.arith_step(Arith::Unm, v, v, Some(d), Some(d)), a);
                            }
                        }
                        Op::LEN => {
                            let d = bc::d(ins);
                            let v = s!(d);
                            if let Some(s) = v.as_str() {
                                s!(a) = Value::num(s.data.len() as f64);
                            } else if let Some(t) = v.as_tab().filter(|t| t.meta.is_none()) {
                                s!(a) = Value::num(t.len() as f64);
                            } else {
                                save_pc!();
                                meta_to!(self.len_step(v, d), a);
                            }
                        }
                        Op::ADDVN => arith!(
                            ins,
                            Arith::Add,
                            s!(bc::b(ins)),
                            knum!(bc::c(ins)),
                            Some(bc::b(ins)),
                            None,
                            |x, y| x + y
                        ),
                        Op::SUBVN => arith!(
                            ins,
                            Arith::Sub,
                            s!(bc::b(ins)),
                            knum!(bc::c(ins)),
                            Some(bc::b(ins)),
                            None,
                            |x, y| x - y
                        ),
                        Op::MULVN => arith!(
                            ins,
                            Arith::Mul,
                            s!(bc::b(ins)),
                            knum!(bc::c(ins)),
                            Some(bc::b(ins)),
                            None,
                            |x, y| x * y
                        ),
                        Op::DIVVN => arith!(
                            ins,
                            Arith::Div,
                            s!(bc::b(ins)),
                            knum!(bc::c(ins)),
                            Some(bc::b(ins)),
                            None,
                            |x, y| x / y
                        ),
                        Op::MODVN => arith!(
                            ins,
                            Arith::Mod,
                            s!(bc::b(ins)),
                            knum!(bc::c(ins)),
                            Some(bc::b(ins)),
                            None,
                            lua_mod
                        ),
                        Op::ADDNV => arith!(
                            ins,
                            Arith::Add,
                            knum!(bc::c(ins)),
                            s!(bc::b(ins)),
                            None,
                            Some(bc::b(ins)),
                            |x, y| x + y
                        ),
                        Op::SUBNV => arith!(
                            ins,
                            Arith::Sub,
                            knum!(bc::c(ins)),
                            s!(bc::b(ins)),
                            None,
                            Some(bc::b(ins)),
                            |x, y| x - y
                        ),
                        Op::MULNV => arith!(
                            ins,
                            Arith::Mul,
                            knum!(bc::c(ins)),
                            s!(bc::b(ins)),
                            None,
                            Some(bc::b(ins)),
                            |x, y| x * y
                        ),
                        Op::DIVNV => arith!(
                            ins,
                            Arith::Div,
                            knum!(bc::c(ins)),
                            s!(bc::b(ins)),
                            None,
                            Some(bc::b(ins)),
                            |x, y| x / y
                        ),
                        Op::MODNV => arith!(
                            ins,
                            Arith::Mod,
                            knum!(bc::c(ins)),
                            s!(bc::b(ins)),
                            None,
                            Some(bc::b(ins)),
                            lua_mod
                        ),
                        Op::ADDVV => arith!(
                            ins,
                            Arith::Add,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            |x, y| x + y
                        ),
                        Op::SUBVV => arith!(
                            ins,
                            Arith::Sub,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            |x, y| x - y
                        ),
                        Op::MULVV => arith!(
                            ins,
                            Arith::Mul,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            |x, y| x * y
                        ),
                        Op::DIVVV => arith!(
                            ins,
                            Arith::Div,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            |x, y| x / y
                        ),
                        Op::MODVV => arith!(
                            ins,
                            Arith::Mod,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            lua_mod
                        ),
                        Op::POW => arith!(
                            ins,
                            Arith::Pow,
                            s!(bc::b(ins)),
                            s!(bc::c(ins)),
                            Some(bc::b(ins)),
                            Some(bc::c(ins)),
                            f64::powf
                        ),
                        Op::CAT => {
                            save_pc!();
                            self.gc_check();
                            let end = if (*frp).cont != 0 {
                                let e = (*frp).cont as usize - 1;
                                (*frp).cont = 0;
                                e
                            } else {
                                bc::c(ins) as usize
                            };
                            match tri!(self.concat_step(base, bc::b(ins) as usize, end)) {
                                Step::Value(v) => {
                                    reload!();
                                    s!(a) = v;
                                }
                                Step::Call { mm, args, .. } => {
                                    // The pair ends at the slot holding args[1]; the
                                    // result replaces the pair's first slot.
                                    let dest = base + args[2].as_num_unchecked() as usize;
                                    let pushed = tri!(self.meta_call(
                                        base + fsize,
                                        mm,
                                        &args[..2],
                                        dest,
                                        1,
                                        FrameKind::Cat
                                    ));
                                    debug_assert!(pushed);
                                    continue 'frame;
                                }
                            }
                        }
                        Op::KSTR => s!(a) = kstr!(bc::d(ins)),
                        Op::KCDATA => {
                            save_pc!();
                            throw!(self.error_msg_pos("cdata constants are not supported"));
                        }
                        Op::KSHORT => s!(a) = Value::num(bc::d(ins) as u16 as i16 as f64),
                        Op::KNUM => s!(a) = knum!(bc::d(ins)),
                        Op::KPRI => s!(a) = prim(bc::d(ins)),
                        Op::KNIL => {
                            for i in a..=bc::d(ins) {
                                s!(i) = Value::NIL;
                            }
                        }
                        Op::UGET => s!(a) = upvals.get_unchecked(bc::d(ins) as usize).get(),
                        Op::USETV => upvals
                            .get_unchecked(a as usize)
                            .get_mut()
                            .set(s!(bc::d(ins))),
                        Op::USETS => upvals
                            .get_unchecked(a as usize)
                            .get_mut()
                            .set(kstr!(bc::d(ins))),
                        Op::USETN => upvals
                            .get_unchecked(a as usize)
                            .get_mut()
                            .set(knum!(bc::d(ins))),
                        Op::USETP => upvals
                            .get_unchecked(a as usize)
                            .get_mut()
                            .set(prim(bc::d(ins))),
                        Op::UCLO => {
                            self.close_upvals(base + a as usize);
                            jump!(ins);
                        }
                        Op::FNEW => {
                            save_pc!();
                            self.gc_check();
                            let child = kstr!(bc::d(ins))
                                .as_proto()
                                .unwrap_or_else(|| unreachable!());
                            let mut ups = Vec::with_capacity(child.uv.len());
                            for uv in child.uv.iter() {
                                if uv.is_local() {
                                    ups.push(self.find_upval(base + uv.index() as usize));
                                } else {
                                    ups.push(upvals[uv.index() as usize]);
                                }
                            }
                            let f = self.new_closure(
                                closure.env,
                                FuncKind::Lua {
                                    proto: child,
                                    upvals: ups.into_boxed_slice(),
                                },
                            );
                            s!(a) = Value::func(f);
                        }
                        Op::TNEW => {
                            save_pc!();
                            self.gc_check();
                            let d = bc::d(ins) as usize;
                            let narr = d & 0x7ff;
                            let hbits = d >> 11;
                            let nhash = if hbits > 0 { 1usize << hbits } else { 0 };
                            let t = self.new_table(narr, nhash);
                            s!(a) = Value::tab(t);
                        }
                        Op::TDUP => {
                            save_pc!();
                            self.gc_check();
                            let tpl = kstr!(bc::d(ins)).as_tab().unwrap_or_else(|| unreachable!());
                            let t = self.adopt_table(tpl.duplicate());
                            s!(a) = Value::tab(t);
                        }
                        Op::GGET => {
                            let k = kstr!(bc::d(ins));
                            let env = closure.env;
                            let v = env.get_str(k.as_str().unwrap_or_else(|| unreachable!()));
                            if !v.is_nil() || env.meta.is_none() {
                                s!(a) = v;
                            } else {
                                save_pc!();
                                meta_to!(self.index_step(Value::tab(env), k, None), a);
                            }
                        }
                        Op::GSET => {
                            let k = kstr!(bc::d(ins));
                            let env = closure.env;
                            if env.meta.is_none() {
                                env.get_mut()
                                    .set_str(k.as_str().unwrap_or_else(|| unreachable!()), s!(a));
                            } else {
                                save_pc!();
                                meta_do!(self.newindex_step(Value::tab(env), k, s!(a), None));
                            }
                        }
                        Op::TGETV | Op::TGETR => {
                            let tv = s!(bc::b(ins));
                            let k = s!(bc::c(ins));
                            if let Some(t) = tv.as_tab() {
                                let v = t.get(k);
                                if !v.is_nil() || t.meta.is_none() || decode_op(ins) == Op::TGETR {
                                    s!(a) = v;
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_to!(self.index_step(tv, k, Some(bc::b(ins))), a);
                        }
                        Op::TGETS => {
                            let tv = s!(bc::b(ins));
                            let k = kstr!(bc::c(ins));
                            if let Some(t) = tv.as_tab() {
                                let v = t.get_str(k.as_str().unwrap_or_else(|| unreachable!()));
                                if !v.is_nil() || t.meta.is_none() {
                                    s!(a) = v;
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_to!(self.index_step(tv, k, Some(bc::b(ins))), a);
                        }
                        Op::TGETB => {
                            let tv = s!(bc::b(ins));
                            let k = bc::c(ins) as i64;
                            if let Some(t) = tv.as_tab() {
                                let v = t.get_int(k);
                                if !v.is_nil() || t.meta.is_none() {
                                    s!(a) = v;
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_to!(
                                self.index_step(tv, Value::num(k as f64), Some(bc::b(ins))),
                                a
                            );
                        }
                        Op::TSETV | Op::TSETR => {
                            let tv = s!(bc::b(ins));
                            let k = s!(bc::c(ins));
                            if let Some(t) = tv.as_tab() {
                                if t.meta.is_none() || decode_op(ins) == Op::TSETR {
                                    if k.is_nil() || (k.is_num() && k.as_num_unchecked().is_nan()) {
                                        save_pc!();
                                        throw!(self.key_error(k));
                                    }
                                    t.get_mut().set(k, s!(a));
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_do!(self.newindex_step(tv, k, s!(a), Some(bc::b(ins))));
                        }
                        Op::TSETS => {
                            let tv = s!(bc::b(ins));
                            let k = kstr!(bc::c(ins));
                            if let Some(t) = tv.as_tab() {
                                if t.meta.is_none() {
                                    t.get_mut().set_str(
                                        k.as_str().unwrap_or_else(|| unreachable!()),
                                        s!(a),
                                    );
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_do!(self.newindex_step(tv, k, s!(a), Some(bc::b(ins))));
                        }
                        Op::TSETB => {
                            let tv = s!(bc::b(ins));
                            let k = bc::c(ins) as i64;
                            if let Some(t) = tv.as_tab() {
                                if t.meta.is_none() {
                                    t.get_mut().set_int(k, s!(a));
                                    continue;
                                }
                            }
                            save_pc!();
                            meta_do!(self.newindex_step(
                                tv,
                                Value::num(k as f64),
                                s!(a),
                                Some(bc::b(ins))
                            ));
                        }
                        Op::TSETM => {
                            let Some(t) = s!(a - 1).as_tab() else {
                                save_pc!();
                                throw!(self.error_msg_pos("bad bytecode: TSETM without a table"));
                            };
                            let kn = knum!(bc::d(ins)).as_num_unchecked();
                            let start = if kn >= 4503599627370496.0 {
                                (kn.to_bits() & 0xffff_ffff) as i64
                            } else {
                                kn as i64
                            };
                            let t = t.get_mut();
                            for i in 0..multres {
                                t.set_int(start + i as i64, s!(a as usize + i));
                            }
                        }
                        Op::CALL | Op::CALLM => {
                            let nargs = if decode_op(ins) == Op::CALL {
                                bc::c(ins) as usize - 1
                            } else {
                                bc::c(ins) as usize + multres
                            };
                            let nres = bc::b(ins) as i32 - 1;
                            let func = base + a as usize;
                            save_pc!();
                            let f = s!(a);
                            if let Some(c) = f.as_func() {
                                if let FuncKind::Lua { proto: cp, .. } = c.kind() {
                                    // Fast path: fixed-argument function, stack room known.
                                    let th = self.th();
                                    let nb = func + 2;
                                    let np = cp.numparams as usize;
                                    if !cp.is_vararg
                                        && nb + (cp.framesize as usize) < th.stack.len()
                                        && th.frames.len() < super::MAX_STACK / 4
                                    {
                                        for i in nargs..np {
                                            *th.stack.get_unchecked_mut(nb + i) = Value::NIL;
                                        }
                                        th.frames.push(Frame {
                                            base: nb as u32,
                                            func: func as u32,
                                            fslot: func as u32,
                                            pc: 0,
                                            nres,
                                            kind: FrameKind::Lua,
                                            top: 0,
                                            cont: 0,
                                        });
                                        continue 'frame;
                                    }
                                    tri!(self.push_lua_frame(
                                        func,
                                        nargs,
                                        nres,
                                        FrameKind::Lua,
                                        func
                                    ));
                                    continue 'frame;
                                }
                            }
                            let pushed = tri!(self.precall(func, nargs, nres));
                            if pushed {
                                continue 'frame;
                            }
                            reload!();
                            multres = self.th().multres;
                        }
                        Op::CALLT | Op::CALLMT => {
                            let nargs = if decode_op(ins) == Op::CALLT {
                                bc::d(ins) as usize - 1
                            } else {
                                bc::d(ins) as usize + multres
                            };
                            let func = base + a as usize;
                            save_pc!();
                            tri!(self.resolve_call(func, nargs).map(|n| {
                                // __call may have inserted the object as first argument.
                                multres = n;
                            }));
                            let nargs = multres;
                            let f = s!(a);
                            let c = f.as_func().unwrap_or_else(|| unreachable!());
                            match &c.kind {
                                FuncKind::Lua { .. } => {
                                    let th = self.th();
                                    let fr = *th.frames.last().unwrap_or_else(|| unreachable!());
                                    self.close_upvals(fr.fslot as usize);
                                    let th = self.th();
                                    let fslot = fr.fslot as usize;
                                    th.stack.copy_within(func..func + 2 + nargs, fslot);
                                    th.frames.pop();
                                    tri!(self.push_lua_frame(
                                        fslot,
                                        nargs,
                                        fr.nres,
                                        fr.kind,
                                        fr.func as usize
                                    ));
                                    continue 'frame;
                                }
                                _ => {
                                    let pushed = tri!(self.precall_tail_native(func, nargs));
                                    if pushed {
                                        continue 'frame;
                                    }
                                    let n = self.th().multres;
                                    self.post_return(func, n);
                                    if self.th().frames.len() < entry_depth {
                                        return Ok(());
                                    }
                                    continue 'frame;
                                }
                            }
                        }
                        Op::ITERC => {
                            // A-3 generator, A-2 state, A-1 control -> call A(A+2, A+3).
                            let func = base + a as usize;
                            s!(a) = s!(a - 3);
                            s!(a + 1) = Value::NIL;
                            s!(a + 2) = s!(a - 2);
                            s!(a + 3) = s!(a - 1);
                            save_pc!();
                            let nres = bc::b(ins) as i32 - 1;
                            let pushed = tri!(self.precall(func, 2, nres));
                            if pushed {
                                continue 'frame;
                            }
                            reload!();
                        }
                        Op::ITERN => {
                            // (recnyi edit) ITERN is the hot-counted op of pairs loops, on
                            // every execution (LuaJIT 2.1); the hook may run the loop's
                            // trace instead (then it sets `jit_reload`).
                            hot!(Op::ITERN);
                            if self.jit_reload {
                                self.jit_reload = false;
                                continue 'frame;
                            }
                            let (Some(t), Some(pos)) = (s!(a - 2).as_tab(), s!(a - 1).as_num())
                            else {
                                // Not set up by ISNEXT (foreign bytecode): run it as ITERC.
                                *code.add(pc - 1) = bc::set_op(ins, Op::ITERC);
                                pc -= 1;
                                continue;
                            };
                            let pos = pos as usize;
                            match t.entry_from(pos) {
                                Some((next, k, v)) => {
                                    s!(a) = k;
                                    s!(a + 1) = v;
                                    s!(a - 1) = Value::num(next as f64);
                                    // Take the following ITERL's branch (a JITERL is
                                    // left to run as itself: it enters its trace).
                                    let il = *code.add(pc);
                                    match decode_op(il) {
                                        Op::ITERL => {
                                            pc += 1;
                                            jump!(il);
                                        }
                                        Op::IITERL => {
                                            pc += 1;
                                            jump!(il);
                                        }
                                        _ => {}
                                    }
                                }
                                None => pc += 1,
                            }
                        }
                        Op::VARG => {
                            let fr = *self.th().frames.last().unwrap_or_else(|| unreachable!());
                            let np = proto.numparams as usize;
                            let nargs = base - fr.fslot as usize - 4;
                            let nvar = nargs.saturating_sub(np);
                            let src = fr.fslot as usize + 2 + np;
                            let want = bc::b(ins) as i32 - 1;
                            let th = self.th();
                            if want < 0 {
                                let need = base + a as usize + nvar + 1;
                                if need > th.stack.len() {
                                    tri!(self.grow_stack(need));
                                    reload!();
                                }
                                let th = self.th();
                                th.stack.copy_within(src..src + nvar, base + a as usize);
                                multres = nvar;
                            } else {
                                for i in 0..want as usize {
                                    s!(a as usize + i) = if i < nvar {
                                        th.stack[src + i]
                                    } else {
                                        Value::NIL
                                    };
                                }
                            }
                        }
                        Op::ISNEXT => {
                            let gen = s!(a - 3);
                            let ok = gen.as_func().is_some()
                                && gen.as_func() == self.next_fn
                                && s!(a - 2).as_tab().is_some()
                                && s!(a - 1).is_nil();
                            if ok {
                                s!(a - 1) = Value::num(0.0);
                            } else {
                                // Despecialise: turn the ITERN at the target back into ITERC.
                                let target = (pc as isize + bc::j(ins) as isize) as usize;
                                let it = *code.add(target);
                                if bc::op(it) == Op::ITERN {
                                    *code.add(target) = bc::set_op(it, Op::ITERC);
                                }
                            }
                            jump!(ins);
                        }
                        Op::RET1 | Op::RET0
                            if (*frp).kind == FrameKind::Lua
                                && (*frp).nres == 1
                                && self
                                    .th()
                                    .open_upvals
                                    .last()
                                    .is_none_or(|u| u.slot < (*frp).fslot as usize) =>
                        {
                            // Fast path: one result wanted by a Lua caller, nothing to close.
                            let v = if decode_op(ins) == Op::RET1 {
                                s!(a)
                            } else {
                                Value::NIL
                            };
                            let th = self.th();
                            let dest = (*frp).func as usize;
                            th.frames.pop();
                            *th.stack.get_unchecked_mut(dest) = v;
                            if th.frames.len() < entry_depth {
                                return Ok(());
                            }
                            continue 'frame;
                        }
                        Op::RETM | Op::RET | Op::RET0 | Op::RET1 => {
                            let n = match decode_op(ins) {
                                Op::RETM => bc::d(ins) as usize + multres,
                                _ => bc::d(ins) as usize - 1,
                            };
                            self.post_return(base + a as usize, n);
                            if self.th().frames.len() < entry_depth {
                                return Ok(());
                            }
                            continue 'frame;
                        }
                        Op::FORI | Op::JFORI => {
                            let (mut i, mut lim, mut st) = (s!(a), s!(a + 1), s!(a + 2));
                            if !(i.is_num() && lim.is_num() && st.is_num()) {
                                // Numeric strings are coerced (once, here), as in LuaJIT.
                                let conv = |v: Value| self.to_number(v).map(Value::num);
                                match (conv(i), conv(lim), conv(st)) {
                                    (Some(x), Some(y), Some(z)) => {
                                        (i, lim, st) = (x, y, z);
                                        s!(a) = x;
                                        s!(a + 1) = y;
                                        s!(a + 2) = z;
                                    }
                                    (x, y, _) => {
                                        save_pc!();
                                        let what = if x.is_none() {
                                            "initial value"
                                        } else if y.is_none() {
                                            "limit"
                                        } else {
                                            "step"
                                        };
                                        throw!(self.error_msg_pos(&format!(
                                            "'for' {what} must be a number"
                                        )));
                                    }
                                }
                            }
                            let (i, lim, st) = (
                                i.as_num_unchecked(),
                                lim.as_num_unchecked(),
                                st.as_num_unchecked(),
                            );
                            if if st >= 0.0 { i <= lim } else { i >= lim } {
                                s!(a + 3) = Value::num(i);
                                // (jitrec edit) A JFORI entering its loop runs the loop's
                                // trace at once (its JFORL, just before the jump target,
                                // holds the trace number), as LuaJIT does.
                                let forl =
                                    *code.add((pc as isize + bc::j(ins) as isize - 1) as usize);
                                if bc::op(ins) == Op::JFORI && bc::op(forl) == Op::JFORL {
                                    if let Some(mut h) = self.jit_hook.take() {
                                        save_pc!();
                                        self.th().multres = multres;
                                        let done =
                                            h.enter_trace(self, proto, pc - 1, base, bc::d(forl));
                                        if self.jit_hook.is_none() {
                                            self.jit_hook = Some(h);
                                        }
                                        if done {
                                            continue 'frame;
                                        }
                                        reload!();
                                    }
                                }
                            } else {
                                jump!(ins);
                            }
                        }
                        Op::FORL | Op::IFORL => {
                            if decode_op(ins) == Op::FORL {
                                hot!(Op::FORL);
                            }
                            let st = s!(a + 2).as_num_unchecked();
                            let i = s!(a).as_num_unchecked() + st;
                            let lim = s!(a + 1).as_num_unchecked();
                            if if st >= 0.0 { i <= lim } else { i >= lim } {
                                s!(a) = Value::num(i);
                                s!(a + 3) = Value::num(i);
                                jump!(ins);
                            }
                        }
                        Op::ITERL | Op::IITERL => {
                            if decode_op(ins) == Op::ITERL {
                                hot!(Op::ITERL);
                            }
                            let v = s!(a);
                            if !v.is_nil() {
                                s!(a - 1) = v;
                                jump!(ins);
                            }
                        }
                        // LOOP's operand points past the loop for the JIT; it never jumps.
                        Op::LOOP => hot!(Op::LOOP),
                        Op::ILOOP => {}
                        Op::JMP => jump!(ins),
                        Op::FUNCF => {
                            hot!(Op::FUNCF);
                            // LuaJIT runs a FUNCF again after growing its stack, and
                            // counts the call again (see ljstack.rs).
                            if self.th().ljstack.check(base + fsize) && !self.jit_recording {
                                hot!(Op::FUNCF);
                            }
                        }
                        // Vararg function entries are not hot-counted (as in LuaJIT):
                        // their traces start from loops or from calls into them.
                        Op::FUNCV | Op::IFUNCF | Op::IFUNCV => {
                            self.th().ljstack.check(base + fsize);
                        }
                        Op::JFORL | Op::JITERL | Op::JLOOP | Op::JFUNCF | Op::JFUNCV => {
                            if matches!(decode_op(ins), Op::JFUNCF | Op::JFUNCV) {
                                self.th().ljstack.check(base + fsize);
                            }
                            save_pc!();
                            self.th().multres = multres;
                            let done = match self.jit_hook.take() {
                                Some(mut h) => {
                                    let r = h.enter_trace(self, proto, pc - 1, base, bc::d(ins));
                                    if self.jit_hook.is_none() {
                                        self.jit_hook = Some(h);
                                    }
                                    r
                                }
                                None => false,
                            };
                            if !done {
                                throw!(self.error_msg_pos(&format!(
                                    "trace {} is not available",
                                    bc::d(ins)
                                )));
                            }
                            continue 'frame;
                        }
                        Op::FUNCC | Op::FUNCCW => {}
                    }
                }
            }
        }
    }

    /// Resolves `__call` for the value in `func` (shifting arguments); returns the new
    /// argument count.
    fn resolve_call(&mut self, func: usize, mut nargs: usize) -> Result<usize, LuaError> {
        loop {
            let f = self.th().stack[func];
            if f.is_func() {
                return Ok(nargs);
            }
            let mm = self.metamethod(f, super::MM::Call);
            if mm.is_nil() {
                return Err(self.call_error(func, f));
            }
            self.grow_stack(func + 3 + nargs)?;
            let th = self.th();
            th.stack.copy_within(func + 2..func + 2 + nargs, func + 3);
            th.stack[func + 2] = f;
            th.stack[func] = mm;
            nargs += 1;
        }
    }

    /// A tail call of a native (or pcall): run it as a normal call wanting all results.
    fn precall_tail_native(&mut self, func: usize, nargs: usize) -> Result<bool, LuaError> {
        let f = self.th().stack[func]
            .as_func()
            .unwrap_or_else(|| unreachable!());
        if let FuncKind::Native {
            f,
            builtin: Builtin::None | Builtin::Next | Builtin::Yield,
            ..
        } = f.kind
        {
            self.call_native(func, nargs, -1, f, true)?;
            return Ok(false);
        }
        let depth = self.th().frames.len();
        let pushed = self.precall(func, nargs, -1)?;
        if pushed {
            // A pcall frame returns into this frame's slots; mark the frame so that it
            // returns those results as soon as it is resumed.
            if let Some(f) = self.th().frames.get_mut(depth - 1) {
                f.top = func as u32 + 1;
            }
        }
        Ok(pushed)
    }

    // ---- coroutines ----

    /// Resumes coroutine `co` with `args`. Returns `Ok(Ok(values))` when it yielded or
    /// finished, `Ok(Err(error value))` when it died with an error.
    pub fn resume(
        &mut self,
        co: ThreadRef,
        args: &[Value],
    ) -> Result<Result<Vec<Value>, Value>, LuaError> {
        match co.status {
            CoStatus::Suspended => {}
            CoStatus::Dead => {
                let v = self.str_value(b"cannot resume dead coroutine");
                return Ok(Err(v));
            }
            CoStatus::Running => {
                let v = self.str_value(b"cannot resume running coroutine");
                return Ok(Err(v));
            }
            CoStatus::Normal => {
                let v = self.str_value(b"cannot resume non-suspended coroutine");
                return Ok(Err(v));
            }
        }
        if self.rust_stack_exhausted() {
            let v = self.str_value(b"C stack overflow");
            return Ok(Err(v));
        }
        let prev = self.cur;
        let saved_nny = self.nny;
        prev.get_mut().status = CoStatus::Normal;
        co.get_mut().status = CoStatus::Running;
        self.cur = co;
        self.nny = 0;
        self.c_depth += 1;
        let r = self.resume_inner(co, args);
        self.c_depth -= 1;
        self.cur = prev;
        self.nny = saved_nny;
        prev.get_mut().status = CoStatus::Running;
        let th = co.get_mut();
        match r {
            Ok(()) => {
                th.status = CoStatus::Dead;
                let n = th.multres;
                let out = th.stack[0..n].to_vec();
                th.frames.clear();
                th.top = 0;
                Ok(Ok(out))
            }
            Err(LuaError::Yield(n)) => {
                th.status = CoStatus::Suspended;
                let fr = *th.frames.last().unwrap_or_else(|| unreachable!());
                let top = fr.top as usize;
                Ok(Ok(th.stack[top - n..top].to_vec()))
            }
            Err(LuaError::Error(v)) => {
                th.status = CoStatus::Dead;
                Ok(Err(v))
            }
        }
    }

    fn resume_inner(&mut self, co: ThreadRef, args: &[Value]) -> Result<(), LuaError> {
        let th = co.get_mut();
        if th.fresh {
            th.fresh = false;
            self.grow_stack(args.len() + 8)?;
            let th = co.get_mut();
            th.stack[1] = Value::NIL;
            th.stack[2..2 + args.len()].copy_from_slice(args);
            th.top = 2 + args.len();
            if self.precall(0, args.len(), -1)? {
                self.execute(1)?;
            }
            return Ok(());
        }
        // Deliver the resume values as the results of the pending yield call.
        let fr = th.frames.pop().unwrap_or_else(|| unreachable!());
        let src = fr.top as usize;
        self.grow_stack(src + args.len() + 1)?;
        let th = co.get_mut();
        th.stack[src..src + args.len()].copy_from_slice(args);
        self.place_results(fr.func as usize, src, args.len(), fr.nres);
        if fr.pc == 1 {
            // The yield was a tail call: return its results from the calling frame.
            let n = self.th().multres;
            self.post_return(fr.func as usize, n);
        }
        if self.th().frames.is_empty() {
            return Ok(());
        }
        self.execute(1)
    }
}

/// The opcode of an instruction without a range check.
///
/// # Safety
/// The opcode byte must be below `bc::NUM_OPS`: the front end only emits valid opcodes
/// and the dump reader rejects invalid ones.
#[inline(always)]
unsafe fn decode_op(ins: u32) -> Op {
    debug_assert!((bc::op_num(ins) as usize) < bc::NUM_OPS);
    // SAFETY: `Op` is `repr(u8)` with contiguous discriminants 0..NUM_OPS.
    unsafe { std::mem::transmute::<u8, Op>(bc::op_num(ins)) }
}

/// The primitive value encoded in a KPRI/ISEQP operand.
#[inline(always)]
fn prim(d: u32) -> Value {
    match d {
        0 => Value::NIL,
        1 => Value::FALSE,
        _ => Value::TRUE,
    }
}

/// Lua's modulo: `a - floor(a/b)*b`.
#[inline(always)]
pub fn lua_mod(a: f64, b: f64) -> f64 {
    a - (a / b).floor() * b
}

impl Lua {
    /// Calls metamethod `mm` with `args`, placing the function at slot `top` (above the
    /// running frame). A Lua metamethod becomes a frame of `kind` returning `nres` results
    /// into `dest` (true: the loop must continue with the new frame); a native one runs
    /// now and its first result is copied to `dest` when `nres` is 1.
    pub(crate) fn meta_call(
        &mut self,
        top: usize,
        mm: Value,
        args: &[Value],
        dest: usize,
        nres: i32,
        kind: FrameKind,
    ) -> Result<bool, LuaError> {
        self.grow_stack(top + 3 + args.len())?;
        let th = self.th();
        th.stack[top] = mm;
        th.stack[top + 1] = Value::NIL;
        th.stack[top + 2..top + 2 + args.len()].copy_from_slice(args);
        if let Some(FuncKind::Lua { .. }) = mm.as_func().map(|f| f.kind()) {
            self.push_lua_frame(top, args.len(), nres, kind, dest)?;
            return Ok(true);
        }
        self.call_at(top, args.len(), nres)?;
        if nres == 1 && dest != top {
            let th = self.th();
            th.stack[dest] = th.stack[top];
        }
        Ok(false)
    }
}
