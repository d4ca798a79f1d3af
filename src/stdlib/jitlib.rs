//! The `jit` library: `jit.on/off/flush/status`, `jit.version*`, `jit.os/arch`,
//! `jit.opt.start`, and the `jit.v` / `jit.dump` modules.
//!
//! Everything here is a thin view of the [`JitDriver`] installed in the state (found
//! through `Lua::jit_hook`). `jit.v` and `jit.dump` add a log sink to the driver: a reader
//! of the trace event stream formatting with `jit::log_v` / `jit::log_dump` and writing to
//! a file (or standard output). `.on()` attaches (replacing a previous sink of the same
//! module), `.off()` detaches. The modules are registered in `package.loaded` (the
//! package library opens before this one), so `require("jit.v")` finds them.

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

/// The trace world, for read-only queries: through the installed JIT hook, or, while
/// `jit.attach` handlers run (the hook is then detached and running them), through the
/// view the driver leaves in `Lua::jit_view`.
fn world_of(l: &mut Lua) -> Result<&crate::jit::world::World, LuaError> {
    if JitDriver::of(l).is_some() {
        return Ok(&JitDriver::of(l).expect("checked").jit.world);
    }
    if let Some(view) = l.jit_view {
        // SAFETY: the driver sets `jit_view` to itself just before calling handlers and
        // clears it right after, without touching itself in between; handlers run on
        // this thread, so the driver is alive and not being mutated while we read it.
        let any = unsafe { &*view };
        if let Some(d) = any.downcast_ref::<JitDriver>() {
            return Ok(&d.jit.world);
        }
    }
    Err(l.error_msg("JIT not available"))
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

/// `jit.attach(handler[, event])`: calls `handler` on JIT events (`"trace"`, `"record"`,
/// `"texit"`, `"bc"`); without an event, detaches it from every event. See
/// [`crate::jit::attach`] for the arguments each event passes.
fn jit_attach(l: &mut Lua) -> Result<usize, LuaError> {
    let f = l.arg(1);
    if f.as_func().is_none() {
        return Err(l.type_error(1, "function"));
    }
    let event = match l.arg(2) {
        v if v.is_nil() => None,
        v => match v.as_str() {
            Some(s) => Some(s),
            None => return Err(l.type_error(2, "string")),
        },
    };
    // Handlers are rooted in a registry table, `[handler] = true`.
    let key = l.intern(crate::jit::attach::REGISTRY_KEY.as_bytes());
    let reg = match l.registry.get_mut().get_str(key).as_tab() {
        Some(t) => t,
        None => {
            let t = l.new_table(0, 4);
            l.registry.get_mut().set_str(key, Value::tab(t));
            t
        }
    };
    let kind = event.and_then(|s| crate::jit::attach::VmEvent::from_name(s.as_bytes()));
    let d = driver(l)?;
    match (event, kind) {
        (None, _) => {
            d.attached.handlers.retain(|&(_, h)| h != f);
            if !d.attached.handlers.iter().any(|&(_, h)| h == f) {
                reg.get_mut().set(f, Value::NIL);
            }
        }
        (Some(_), Some(kind)) => {
            if !d.attached.handlers.contains(&(kind, f)) {
                d.attached.handlers.push((kind, f));
            }
            reg.get_mut().set(f, Value::TRUE);
        }
        // An event no one sends: accepted, never called (as LuaJIT).
        (Some(_), None) => {}
    }
    Ok(0)
}

fn opt_start(l: &mut Lua) -> Result<usize, LuaError> {
    let n = l.nargs();
    for i in 1..=n {
        let s = l.check_str(i)?.to_str_lossy();
        let r = driver(l)?.jit.set_opt(&s);
        if let Err(e) = r {
            return Err(l.error_msg_level(1, &e.to_string()));
        }
    }
    Ok(0)
}

/// Where a log goes, as LuaJIT's tools decide: the file named by argument `i`, else the
/// file named by environment variable `env` (`LUAJIT_VERBOSEFILE` for jit.v,
/// `LUAJIT_DUMPFILE` for jit.dump); `-` is standard output; with neither, jit.v writes
/// to standard error and jit.dump to standard output (`to_stderr`).
fn open_out(l: &mut Lua, i: usize, env: &str, to_stderr: bool) -> Result<Box<dyn Write>, LuaError> {
    let name = match l.arg(i).as_str() {
        Some(s) => Some(s.to_str_lossy()),
        None => std::env::var(env).ok(),
    };
    match name {
        Some(name) if name != "-" => match std::fs::File::create(&name) {
            Ok(f) => Ok(Box::new(std::io::BufWriter::new(f))),
            Err(e) => Err(l.error_msg(&format!("{name}: {e}"))),
        },
        Some(_) => Ok(Box::new(std::io::stdout())),
        None if to_stderr => Ok(Box::new(std::io::stderr())),
        None => Ok(Box::new(std::io::stdout())),
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
    let out = open_out(l, 1, "LUAJIT_VERBOSEFILE", true)?;
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
    let out = open_out(l, 2, "LUAJIT_DUMPFILE", false)?;
    attach(l, SinkKind::Dump(DumpLog::new(mode.as_deref())), out, true)?;
    Ok(0)
}

fn dump_off(l: &mut Lua) -> Result<usize, LuaError> {
    driver(l)?
        .sinks
        .retain(|s| !matches!(s.kind, SinkKind::Dump(_)));
    Ok(0)
}

fn trace_no(l: &mut Lua) -> Result<crate::jit::events::TraceNo, LuaError> {
    let n = l.check_num(1)?;
    Ok(crate::jit::events::TraceNo(n as u16))
}

fn set_num(l: &mut Lua, t: TabRef, k: &str, v: f64) {
    set(l, t, k, Value::num(v));
}

/// `jit.util.traceinfo(tr)`: a table with nins, nk, link, nexit, linktype (or nothing).
fn util_traceinfo(l: &mut Lua) -> Result<usize, LuaError> {
    let no = trace_no(l)?;
    let info = crate::jit::query::traceinfo(world_of(l)?, no);
    let Some(i) = info else { return Ok(0) };
    let t = l.new_table(0, 5);
    set_num(l, t, "nins", i.nins as f64);
    set_num(l, t, "nk", i.nk as f64);
    set_num(l, t, "link", i.link as f64);
    set_num(l, t, "nexit", i.nexit as f64);
    let s = l.str_value(i.linktype.as_bytes());
    set(l, t, "linktype", s);
    l.push(Value::tab(t));
    Ok(1)
}

/// `jit.util.traceir(tr, ref)`: m, ot, op1, op2, ridsp.
fn util_traceir(l: &mut Lua) -> Result<usize, LuaError> {
    let no = trace_no(l)?;
    let n = l.check_num(2)? as u32;
    let r = crate::jit::query::traceir(world_of(l)?, no, n);
    let Some((m, ot, a, b, rid)) = r else {
        return Ok(0);
    };
    for v in [m as f64, ot as f64, a as f64, b as f64, rid as f64] {
        l.push(Value::num(v));
    }
    Ok(5)
}

/// `jit.util.tracek(tr, idx)`: value (numbers, strings, booleans, nil), IR type, slot.
fn util_tracek(l: &mut Lua) -> Result<usize, LuaError> {
    use crate::jit::query::KAnswer;
    let no = trace_no(l)?;
    let idx = l.check_num(2)? as i32;
    let r = crate::jit::query::tracek(world_of(l)?, no, idx);
    let Some((k, t, slot)) = r else { return Ok(0) };
    let v = match k {
        KAnswer::Pri(None) => Value::NIL,
        KAnswer::Pri(Some(b)) => Value::bool(b),
        KAnswer::Num(x) => Value::num(x),
        KAnswer::Int64(x) | KAnswer::Ptr(x) => Value::num(x as f64),
        KAnswer::Gc(crate::jit::ir::GcConst::Str(s)) => l.str_value(&s),
        KAnswer::Gc(_) => Value::NIL,
    };
    l.push(v);
    l.push(Value::num(t as f64));
    let mut n = 2;
    if let Some(s) = slot {
        l.push(Value::num(s as f64));
        n += 1;
    }
    Ok(n)
}

/// `jit.util.tracesnap(tr, sn)`: { [0] = ref, [1] = nslots, entries... }.
fn util_tracesnap(l: &mut Lua) -> Result<usize, LuaError> {
    let no = trace_no(l)?;
    let sn = l.check_num(2)? as u16;
    let r = crate::jit::query::tracesnap(world_of(l)?, no, sn);
    let Some((r0, nslots, ents)) = r else {
        return Ok(0);
    };
    let t = l.new_table(ents.len() + 2, 1);
    t.get_mut().set(Value::num(0.0), Value::num(r0 as f64));
    t.get_mut().set(Value::num(1.0), Value::num(nslots as f64));
    for (i, e) in ents.iter().enumerate() {
        t.get_mut()
            .set(Value::num(i as f64 + 2.0), Value::num(*e as f64));
    }
    l.push(Value::tab(t));
    Ok(1)
}

/// `jit.util.funcinfo(func[, pc])`: source, line info and sizes of a Lua function.
fn util_funcinfo(l: &mut Lua) -> Result<usize, LuaError> {
    let f = l.check_any(1)?;
    let pc = l.arg(2).as_num();
    let t = l.new_table(0, 12);
    if let Some(p) = f.as_func().and_then(|c| c.lua_proto()) {
        let d = &p.get_mut().debug;
        set_num(l, t, "linedefined", d.firstline as f64);
        set_num(l, t, "lastlinedefined", (d.firstline + d.numline) as f64);
        set_num(l, t, "params", d.numparams as f64);
        set_num(l, t, "stackslots", d.framesize as f64);
        set_num(l, t, "upvalues", d.uv.len() as f64);
        set_num(l, t, "bytecodes", d.lineinfo.len() as f64);
        set_num(l, t, "nconsts", d.knum.len() as f64);
        set_num(l, t, "gcconsts", d.kgc.len() as f64);
        set(l, t, "isvararg", Value::bool(p.get_mut().is_vararg));
        let src = l.str_value(&d.chunkname);
        set(l, t, "source", src);
        let line = pc.map_or(d.firstline, |pc| d.line_of(pc as usize));
        if pc.is_some() {
            set_num(l, t, "currentline", line as f64);
        }
        let chunk = crate::bc::proto::trace_location_source(&d.chunkname, p.addr());
        let loc = format!("{chunk}:{line}");
        let s = l.str_value(loc.as_bytes());
        set(l, t, "loc", s);
    } else {
        set_num(l, t, "ffid", 0.0);
    }
    l.push(Value::tab(t));
    Ok(1)
}

/// Installs the JIT driver and the `jit` library (`jit.opt` and `jit.util` in
/// `package.loaded`, `jit.v` and `jit.dump` in `package.preload`).
pub fn open(l: &mut Lua) {
    crate::stdlib::fastfn::init();
    driver::install(l);
    let jit = table_with(
        l,
        &[
            ("on", jit_on),
            ("off", jit_off),
            ("flush", jit_flush),
            ("status", jit_status),
            ("attach", jit_attach),
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
    let util = table_with(
        l,
        &[
            ("traceinfo", util_traceinfo),
            ("traceir", util_traceir),
            ("tracek", util_tracek),
            ("tracesnap", util_tracesnap),
            ("funcinfo", util_funcinfo),
        ],
    );
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
    set(l, loaded, "jit.opt", Value::tab(opt));
    set(l, loaded, "jit.util", Value::tab(util));
    let kp = l.intern(b"preload");
    if pkg.get_mut().get_str(kp).is_nil() {
        let t = l.new_table(0, 4);
        pkg.get_mut().set_str(kp, Value::tab(t));
    }
    crate::stdlib::package::set_preload(l, "jit.v", load_jit_v);
    crate::stdlib::package::set_preload(l, "jit.dump", load_jit_dump);
}

/// `require("jit.v")`. LuaJIT loads a Lua file here; its stack reach is modelled.
fn load_jit_v(l: &mut Lua) -> Result<usize, LuaError> {
    l.touch_ljstack_from_lua(crate::vm::ljstack::VERBOSE_LOAD_PEAK);
    let jv = table_with(l, &[("on", v_on), ("off", v_off), ("start", v_on)]);
    l.push(Value::tab(jv));
    Ok(1)
}

/// `require("jit.dump")`, as [`load_jit_v`].
fn load_jit_dump(l: &mut Lua) -> Result<usize, LuaError> {
    l.touch_ljstack_from_lua(crate::vm::ljstack::DUMP_LOAD_PEAK);
    let jd = table_with(l, &[("on", dump_on), ("off", dump_off), ("start", dump_on)]);
    l.push(Value::tab(jd));
    Ok(1)
}
