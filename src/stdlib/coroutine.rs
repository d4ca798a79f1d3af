//! The coroutine library: create, resume, yield, status, wrap, running.
//!
//! Each coroutine is a `Thread` with its own stack and frames and runs in its own
//! interpreter invocation (see `vm/interp.rs`); `yield` is a marked native that returns
//! `LuaError::Yield` up to `resume` without unwinding any Lua frame.

use crate::vm::object::{Builtin, CoStatus};
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError};

/// Installs the `coroutine` table.
pub fn open(l: &mut Lua) {
    let t = l.new_table(0, 8);
    let yield_fn = l.native_with("yield", co_yield, Builtin::Yield, Vec::new());
    let entries: [(&'static str, crate::vm::NativeFn); 5] = [
        ("create", create),
        ("resume", resume),
        ("status", status),
        ("wrap", wrap),
        ("running", running),
    ];
    for (name, f) in entries {
        let v = l.native(name, f);
        let k = l.intern(name.as_bytes());
        t.get_mut().set_str(k, v);
    }
    let k = l.intern(b"yield");
    t.get_mut().set_str(k, yield_fn);
    l.set_global("coroutine", Value::tab(t));
}

fn create(l: &mut Lua) -> Result<usize, LuaError> {
    let f = l.arg(1);
    if !f.is_func() {
        return Err(l.type_error(1, "function"));
    }
    let co = l.new_thread();
    co.get_mut().stack[0] = f;
    co.get_mut().top = 2;
    l.push(Value::thread(co));
    Ok(1)
}

fn resume(l: &mut Lua) -> Result<usize, LuaError> {
    let Some(co) = l.arg(1).as_thread() else {
        return Err(l.arg_error(1, "coroutine expected"));
    };
    let args: Vec<Value> = (2..=l.nargs()).map(|i| l.arg(i)).collect();
    match l.resume(co, &args)? {
        Ok(vals) => {
            l.push(Value::TRUE);
            let n = vals.len();
            for v in vals {
                l.push(v);
            }
            Ok(n + 1)
        }
        Err(e) => {
            l.push(Value::FALSE);
            l.push(e);
            Ok(2)
        }
    }
}

fn co_yield(l: &mut Lua) -> Result<usize, LuaError> {
    if !l.can_yield() {
        return Err(l.error_msg_level(1, "attempt to yield across C-call boundary"));
    }
    if l.is_main_running() {
        return Err(l.error_msg_level(1, "attempt to yield from outside a coroutine"));
    }
    Err(LuaError::Yield(l.nargs()))
}

fn status(l: &mut Lua) -> Result<usize, LuaError> {
    let Some(co) = l.arg(1).as_thread() else {
        return Err(l.arg_error(1, "coroutine expected"));
    };
    let s: &[u8] = match co.status {
        CoStatus::Suspended => b"suspended",
        CoStatus::Running => b"running",
        CoStatus::Normal => b"normal",
        CoStatus::Dead => b"dead",
    };
    l.push_str(s);
    Ok(1)
}

fn running(l: &mut Lua) -> Result<usize, LuaError> {
    if l.is_main_running() {
        l.push(Value::NIL);
    } else {
        let t = l.running_thread();
        l.push(Value::thread(t));
    }
    Ok(1)
}

fn wrap(l: &mut Lua) -> Result<usize, LuaError> {
    create(l)?;
    let co = l.arg(l.nargs() + 1);
    // `create` pushed the coroutine as a result; read it back from the stack top.
    let co = if co.is_nil() { l.last_pushed() } else { co };
    let f = l.native_with("wrap", wrap_aux, Builtin::None, vec![co]);
    l.push(f);
    Ok(1)
}

fn wrap_aux(l: &mut Lua) -> Result<usize, LuaError> {
    let co = l.native_upvals()[0];
    let Some(co) = co.as_thread() else {
        return Ok(0);
    };
    let args: Vec<Value> = (1..=l.nargs()).map(|i| l.arg(i)).collect();
    match l.resume(co, &args)? {
        Ok(vals) => {
            let n = vals.len();
            for v in vals {
                l.push(v);
            }
            Ok(n)
        }
        Err(e) => {
            if let Some(s) = e.as_str() {
                let w = l.where_(1);
                let mut text = w.into_bytes();
                text.extend_from_slice(s.as_bytes());
                return Err(LuaError::Error(l.str_value(&text)));
            }
            Err(LuaError::Error(e))
        }
    }
}
