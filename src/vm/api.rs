//! Helpers for native functions: argument checking with Lua's "bad argument" messages,
//! `tostring` with `__tostring`, and output.

use super::meta::fmt_num;
use super::object::*;
use super::value::{LuaType, Value};
use super::{Lua, LuaError, MM};

impl Lua {
    /// The name of the running native (for "bad argument ... to 'name'").
    /// LuaJIT names the function after the call site (`string.rep` -> 'rep'); a native
    /// called from another native (e.g. through `pcall`) is '?'.
    pub fn native_name(&self) -> String {
        let n = self.th().frames.len();
        if n == 0 || self.top_is_tail_native() {
            return "?".into();
        }
        self.callee_name(n - 1).unwrap_or_else(|| "?".into())
    }

    /// "bad argument #i to 'name' (msg)"; for a method call (`s:rep(x)`) the self
    /// argument is not counted, as in Lua 5.1.
    pub fn arg_error(&mut self, i: usize, msg: &str) -> LuaError {
        let name = self.native_name();
        if self.called_as_method() {
            if i == 1 {
                return self.error_msg_level(1, &format!("calling '{name}' on bad self ({msg})"));
            }
            let j = i - 1;
            return self.error_msg_level(1, &format!("bad argument #{j} to '{name}' ({msg})"));
        }
        self.error_msg_level(1, &format!("bad argument #{i} to '{name}' ({msg})"))
    }

    /// Whether the running native was called with method syntax.
    fn called_as_method(&self) -> bool {
        let n = self.th().frames.len();
        n > 0 && !self.top_is_tail_native() && self.callee_kind(n - 1) == Some("method")
    }

    /// "bad argument #i to 'name' (T expected, got U)".
    pub fn type_error(&mut self, i: usize, expected: &str) -> LuaError {
        let got = if i > self.nargs() {
            "no value"
        } else {
            self.arg(i).type_name()
        };
        self.arg_error(i, &format!("{expected} expected, got {got}"))
    }

    /// Argument `i` as a table.
    pub fn check_table(&mut self, i: usize) -> Result<TabRef, LuaError> {
        match self.arg(i).as_tab() {
            Some(t) => Ok(t),
            None => Err(self.type_error(i, "table")),
        }
    }

    /// Argument `i` as a number (numeric strings are converted).
    pub fn check_num(&mut self, i: usize) -> Result<f64, LuaError> {
        match self.to_number(self.arg(i)) {
            Some(n) => Ok(n),
            None => Err(self.type_error(i, "number")),
        }
    }

    /// Argument `i` as an integer (truncated toward zero like `lua_tointeger`).
    pub fn check_int(&mut self, i: usize) -> Result<i64, LuaError> {
        self.check_num(i).map(|n| n as i64)
    }

    /// Optional integer argument.
    pub fn opt_int(&mut self, i: usize, default: i64) -> Result<i64, LuaError> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_int(i)
        }
    }

    /// Argument `i` as a string (numbers are converted).
    pub fn check_str(&mut self, i: usize) -> Result<StrRef, LuaError> {
        let v = self.arg(i);
        match self.coerce_to_str(v) {
            Some(s) => Ok(s),
            None => Err(self.type_error(i, "string")),
        }
    }

    /// Requires argument `i` to be present.
    pub fn check_any(&mut self, i: usize) -> Result<Value, LuaError> {
        if i > self.nargs() {
            Err(self.arg_error(i, "value expected"))
        } else {
            Ok(self.arg(i))
        }
    }

    /// `tostring(v)` including `__tostring`.
    pub fn tostring(&mut self, v: Value) -> Result<StrRef, LuaError> {
        let mm = self.metamethod(v, MM::Tostring);
        if !mm.is_nil() {
            let r = self.call_value(mm, &[v], 1)?;
            let r = r.first().copied().unwrap_or(Value::NIL);
            return match self.coerce_to_str(r) {
                Some(s) => Ok(s),
                None => Err(self.error_msg("'__tostring' must return a string")),
            };
        }
        let text = self.tostring_raw(v);
        Ok(self.intern(&text))
    }

    /// `tostring` without metamethods.
    pub fn tostring_raw(&self, v: Value) -> Vec<u8> {
        if let Some(s) = v.as_str() {
            return s.as_bytes().to_vec();
        }
        if let Some(n) = v.as_num() {
            return fmt_num(n).into_bytes();
        }
        let text = match v.type_of() {
            LuaType::Nil => "nil".to_string(),
            LuaType::Boolean => if v.truthy() { "true" } else { "false" }.to_string(),
            LuaType::Function => match v.as_func().map(|f| f.kind()) {
                Some(FuncKind::Native { .. }) => {
                    format!("function: builtin#{}", v.0 & 0xffff)
                }
                _ => format!("function: {:#x}", v.0 & ((1 << 47) - 1)),
            },
            t => format!("{}: {:#x}", t.name(), v.0 & ((1 << 47) - 1)),
        };
        text.into_bytes()
    }

    /// Writes to the state's standard output.
    pub fn write_out(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let _ = self.out.write_all(bytes);
    }

    /// Flushes the state's standard output.
    pub fn flush_out(&mut self) {
        use std::io::Write;
        let _ = self.out.flush();
    }
}

impl Lua {
    /// The function running at `level` (1 = the caller of the running native).
    pub fn function_at_level(&self, level: usize) -> Option<Value> {
        let th = self.th();
        let i = th.frames.len().checked_sub(1 + level)?;
        Some(th.stack[th.frames[i].base as usize - 2])
    }

    /// Testing aid: collect at every `every`-th safe point (0 turns it off). Slow; finds
    /// values the VM forgot to root.
    pub fn set_gc_stress(&mut self, every: u32) {
        self.heap.stress = every;
    }

    /// `collectgarbage("stop"/"restart")`.
    pub fn set_gc_stopped(&mut self, stopped: bool) {
        self.heap.stopped = stopped;
    }

    /// `collectgarbage("setpause"/"setstepmul")`; returns the previous value.
    pub fn set_gc_param(&mut self, pause: bool, v: usize) -> usize {
        let slot = if pause {
            &mut self.heap.pause
        } else {
            &mut self.heap.stepmul
        };
        std::mem::replace(slot, v)
    }
}

impl Lua {
    /// Whether the main thread is running (not a coroutine).
    pub fn is_main_running(&self) -> bool {
        self.cur == self.main
    }

    /// Whether the running coroutine may yield (no Rust-level call in between).
    pub fn can_yield(&self) -> bool {
        self.nny == 0
    }

    /// The running coroutine.
    pub fn running_thread(&self) -> ThreadRef {
        self.cur
    }

    /// The last value pushed by the running native.
    pub fn last_pushed(&self) -> Value {
        let th = self.th();
        match th.frames.last() {
            Some(f) if f.top > f.base => th.stack[f.top as usize - 1],
            _ => Value::NIL,
        }
    }
}

impl Lua {
    /// Keeps `v` alive for Rust code: stores it in the registry and returns a handle
    /// (like `luaL_ref`). Release it with [`Lua::release_ref`].
    pub fn make_ref(&mut self, v: Value) -> i64 {
        let reg = self.registry;
        let mut k = reg.len() as i64 + 1;
        while !reg.get_int(k).is_nil() {
            k += 1;
        }
        reg.get_mut().set_int(k, v);
        k
    }

    /// The value behind a handle from [`Lua::make_ref`] (nil if released).
    pub fn get_ref(&self, r: i64) -> Value {
        self.registry.get_int(r)
    }

    /// Releases a handle; the value may then be collected.
    pub fn release_ref(&mut self, r: i64) {
        self.registry.get_mut().set_int(r, Value::NIL);
    }
}
