//! The `jit` library: `jit.on/off/flush/status`, `jit.version*`, `jit.os/arch`,
//! `jit.opt.start`, and the `jit.v` / `jit.dump` modules.
//!
//! Everything here is a thin view of the [`JitDriver`] installed in the state (found
//! through `Lua::jit_hook`). `jit.v` and `jit.dump` add a log sink to the driver: a reader
//! of the trace event stream formatting with `jit::log_v` / `jit::log_dump` and writing to
//! a file (or standard output). `.on()` attaches (replacing a previous sink of the same
//! module), `.off()` detaches. The modules are registered in `package.loaded`; if the
//! state has no `require`, a minimal one (marked below) is installed for them.

use crate::jit::driver::{self, JitDriver, Sink, SinkKind};
use crate::jit::log_dump::DumpLog;
use crate::jit::log_v::VLog;
use crate::vm::{Lua, LuaError, NativeFn, TabRef, Value};
use std::io::Write;

fn table_with(l: &mut Lua, fns: &[(&'static str, NativeFn)]) -> TabRef {
    let t = l.new_table(0, fns.len());
    for &(n, f) in fns {
        let v = l.native(n, f);
        let k = l.intern(n.as_bytes());
        t.get_mut().set_str(k, v);
    }
    t
}

fn set(l: &mut Lua, t: TabRef, k: &str, v: Value) {
    let k = l.intern(k.as_bytes());
    t.get_mut().set_str(k, v);
}

fn driver(l: &mut Lua) -> Result<&mut JitDriver, LuaError> {
    if JitDriver::of(l).is_none() {
        return Err(l.error_msg("JIT not available"));
    }
    Ok(JitDriver::of(l).expect("checked"))
}

fn jit_on(l: &mut Lua) -> Result<usize, LuaError> {
    driver(l)?.enabled = true;
    Ok(0)
}

fn jit_off(l: &mut Lua) -> Result<usize, LuaError> {
    if let Some(mut h) = l.jit_hook.take() {
        if let Some(d) = h.as_any().and_then(|a| a.downcast_mut::<JitDriver>()) {
            d.enabled = false;
            d.cancel_recording(l);
        }
        l.jit_hook = Some(h);
    }
    Ok(0)
}

fn jit_flush(l: &mut Lua) -> Result<usize, LuaError> {
    if let Some(mut h) = l.jit_hook.take() {
        if let Some(d) = h.as_any().and_then(|a| a.downcast_mut::<JitDriver>()) {
            d.flush(l);
        }
        l.jit_hook = Some(h);
    }
    Ok(0)
}

fn jit_status(l: &mut Lua) -> Result<usize, LuaError> {
    let on = JitDriver::of(l).is_some_and(|d| d.enabled);
    l.push(Value::bool(on));
    let mut n = 1;
    if let Some(d) = JitDriver::of(l) {
        let flags = d.jit.world.opts.flags;
        let names: Vec<&str> = crate::jit::params::FLAG_NAMES
            .iter()
            .filter(|(_, bit, _)| flags.has(*bit))
            .map(|(name, _, _)| *name)
            .collect();
        for nm in names {
            let s = l.str_value(nm.as_bytes());
            l.push(s);
            n += 1;
        }
    }
    Ok(n)
}

fn opt_start(l: &mut Lua) -> Result<usize, LuaError> {
    let n = l.nargs();
    for i in 1..=n {
        let s = l.check_str(i)?.to_str_lossy();
        let r = driver(l)?.jit.set_opt(&s);
        if let Err(e) = r {
            return Err(l.error_msg(&e.0));
        }
    }
    Ok(0)
}

fn open_out(l: &mut Lua, i: usize) -> Result<Box<dyn Write>, LuaError> {
    let v = l.arg(i);
    match v.as_str() {
        Some(s) if s.as_bytes() != b"-" => {
            let name = s.to_str_lossy();
            match std::fs::File::create(&name) {
                Ok(f) => Ok(Box::new(std::io::BufWriter::new(f))),
                Err(e) => Err(l.error_msg(&format!("{name}: {e}"))),
            }
        }
        _ => Ok(Box::new(std::io::stdout())),
    }
}

fn attach(l: &mut Lua, kind: SinkKind, out: Box<dyn Write>, dump: bool) -> Result<(), LuaError> {
    let d = driver(l)?;
    d.sinks
        .retain(|s| matches!(s.kind, SinkKind::Dump(_)) != dump);
    let cursor = d.jit.world.events.end();
    d.sinks.push(Sink { kind, out, cursor });
    Ok(())
}

fn v_on(l: &mut Lua) -> Result<usize, LuaError> {
    let out = open_out(l, 1)?;
    attach(l, SinkKind::Verbose(VLog::new()), out, false)?;
    Ok(0)
}

fn v_off(l: &mut Lua) -> Result<usize, LuaError> {
    driver(l)?
        .sinks
        .retain(|s| matches!(s.kind, SinkKind::Dump(_)));
    Ok(0)
}

fn dump_on(l: &mut Lua) -> Result<usize, LuaError> {
    let mode = l.arg(1).as_str().map(|s| s.to_str_lossy());
    let out = open_out(l, 2)?;
    attach(l, SinkKind::Dump(DumpLog::new(mode.as_deref())), out, true)?;
    Ok(0)
}

fn dump_off(l: &mut Lua) -> Result<usize, LuaError> {
    driver(l)?
        .sinks
        .retain(|s| !matches!(s.kind, SinkKind::Dump(_)));
    Ok(0)
}

/// MINIMAL `require` (jitrec): only `package.loaded` and `package.preload`; the
/// integrator removes it when the package library lands.
fn minimal_require(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let pkg = l.get_global("package");
    let Some(pkg) = pkg.as_tab() else {
        return Err(l.error_msg("package table missing"));
    };
    let kl = l.intern(b"loaded");
    let loaded = pkg.get_mut().get_str(kl).as_tab();
    if let Some(t) = loaded {
        let v = t.get_mut().get_str(name);
        if !v.is_nil() {
            l.push(v);
            return Ok(1);
        }
    }
    let kp = l.intern(b"preload");
    if let Some(pre) = pkg.get_mut().get_str(kp).as_tab() {
        let f = pre.get_mut().get_str(name);
        if !f.is_nil() {
            let r = l.call_value(f, &[Value::str(name)], 1)?;
            let v = r
                .first()
                .copied()
                .filter(|v| !v.is_nil())
                .unwrap_or(Value::TRUE);
            if let Some(t) = loaded {
                t.get_mut().set_str(name, v);
            }
            l.push(v);
            return Ok(1);
        }
    }
    let msg = format!("module '{}' not found", name.to_str_lossy());
    Err(l.error_msg(&msg))
}

/// Installs the JIT driver and the `jit` library (and `jit.v`, `jit.dump`, `jit.opt` in
/// `package.loaded`).
pub fn open(l: &mut Lua) {
    driver::install(l);
    let jit = table_with(
        l,
        &[
            ("on", jit_on),
            ("off", jit_off),
            ("flush", jit_flush),
            ("status", jit_status),
        ],
    );
    let s = l.str_value(b"LuaJIT 2.1.0-beta3");
    set(l, jit, "version", s);
    set(l, jit, "version_num", Value::num(20100.0));
    let s = l.str_value(b"Linux");
    set(l, jit, "os", s);
    let s = l.str_value(b"x64");
    set(l, jit, "arch", s);
    let opt = table_with(l, &[("start", opt_start)]);
    set(l, jit, "opt", Value::tab(opt));
    let jv = table_with(l, &[("on", v_on), ("off", v_off), ("start", v_on)]);
    let jd = table_with(l, &[("on", dump_on), ("off", dump_off), ("start", dump_on)]);
    l.set_global("jit", Value::tab(jit));
    // package.loaded (created if missing).
    let pkg = match l.get_global("package").as_tab() {
        Some(t) => t,
        None => {
            let t = l.new_table(0, 4);
            l.set_global("package", Value::tab(t));
            t
        }
    };
    let kl = l.intern(b"loaded");
    let loaded = match pkg.get_mut().get_str(kl).as_tab() {
        Some(t) => t,
        None => {
            let t = l.new_table(0, 8);
            pkg.get_mut().set_str(kl, Value::tab(t));
            t
        }
    };
    set(l, loaded, "jit", Value::tab(jit));
    set(l, loaded, "jit.v", Value::tab(jv));
    set(l, loaded, "jit.dump", Value::tab(jd));
    set(l, loaded, "jit.opt", Value::tab(opt));
    let kp = l.intern(b"preload");
    if pkg.get_mut().get_str(kp).is_nil() {
        let t = l.new_table(0, 4);
        pkg.get_mut().set_str(kp, Value::tab(t));
    }
    if l.get_global("require").is_nil() {
        let r = l.native("require", minimal_require);
        l.set_global("require", r);
    }
}
