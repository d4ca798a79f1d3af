//! `package`, `require` and `module` as in Lua 5.1 / LuaJIT 2.1.
//!
//! `require(name)` returns `package.loaded[name]` when it is set; otherwise it asks each
//! function of `package.loaders` in turn: the preload searcher (`package.preload[name]`),
//! the Lua searcher (`package.path` templates, `?` replaced by the name with dots turned
//! into `/`), the C searcher and the all-in-one C searcher (`package.cpath`). skein cannot
//! load C modules: the C searchers list the files they tried like LuaJIT does, and a C
//! module that exists fails with "C modules are not supported by skein". When no loader
//! is found the error is LuaJIT's "module 'x' not found:" followed by every searcher's
//! message. A module being loaded is marked with a sentinel so that circular requires
//! fail with "loop or previous error loading module 'x'".
//!
//! `package.path` comes from `LUA_PATH` (`;;` is replaced by the default path) and
//! `package.cpath` from `LUA_CPATH`, as in LuaJIT; the defaults, the path search and the
//! "no file" messages are the [`super::searchpath`] engine's (Debian's LuaJIT 2.1 values,
//! so `require` errors read exactly like LuaJIT's).
//!
//! The `loaded` and `preload` tables are also kept in the registry (`_LOADED`,
//! `_PRELOAD`) so Rust code can register modules with [`set_loaded`] / [`set_preload`]
//! even if a script replaces the `package` global. [`super::open_libs`] opens this module
//! right after the base library so both tables exist before any other library.
#![warn(missing_docs)]

use super::{get_field, set_field};
use crate::vm::object::Builtin;
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, NativeFn, TabRef};

use super::searchpath::{self, CONFIG, DEFAULT_CPATH, DEFAULT_PATH};

/// Installs `package`, `require` and `module`.
pub fn open(l: &mut Lua) {
    let pkg = l.new_table(0, 8);
    let loaded = registry_table(l, "_LOADED");
    let preload = registry_table(l, "_PRELOAD");
    set_field(l, pkg, "loaded", Value::tab(loaded));
    set_field(l, pkg, "preload", Value::tab(preload));
    let path = env_path("LUA_PATH", DEFAULT_PATH);
    let v = l.str_value(&path);
    set_field(l, pkg, "path", v);
    let cpath = env_path("LUA_CPATH", DEFAULT_CPATH);
    let v = l.str_value(&cpath);
    set_field(l, pkg, "cpath", v);
    let v = l.str_value(CONFIG.as_bytes());
    set_field(l, pkg, "config", v);
    let up = vec![Value::tab(pkg)];
    let loaders = l.new_table(4, 0);
    let searchers: [(&'static str, NativeFn); 4] = [
        ("preload_loader", search_preload),
        ("lua_loader", search_lua),
        ("c_loader", search_c),
        ("croot_loader", search_croot),
    ];
    for (i, (name, f)) in searchers.into_iter().enumerate() {
        let v = l.native_with(name, f, Builtin::None, up.clone());
        loaders.get_mut().set_int(i as i64 + 1, v);
    }
    set_field(l, pkg, "loaders", Value::tab(loaders));
    super::set_fns(
        l,
        pkg,
        &[
            ("loadlib", loadlib),
            ("seeall", seeall),
            ("searchpath", searchpath),
        ],
    );
    l.set_global("package", Value::tab(pkg));
    set_loaded(l, "package", Value::tab(pkg));
    let req = l.native_with("require", require, Builtin::None, up.clone());
    l.set_global("require", req);
    let module = l.native_with("module", module, Builtin::None, up);
    l.set_global("module", module);
}

/// The registry table `name`, created on first use.
fn registry_table(l: &mut Lua, name: &str) -> TabRef {
    let reg = l.registry;
    if let Some(t) = get_field(l, reg, name).as_tab() {
        return t;
    }
    let t = l.new_table(0, 16);
    set_field(l, reg, name, Value::tab(t));
    t
}

/// `package.loaded[name] = v` (through the registry, so it works before `package` opens).
pub fn set_loaded(l: &mut Lua, name: &str, v: Value) {
    let t = registry_table(l, "_LOADED");
    set_field(l, t, name, v);
}

/// `package.preload[name] = loader`: `require(name)` will call the native `loader`.
pub fn set_preload(l: &mut Lua, name: &'static str, loader: NativeFn) {
    let t = registry_table(l, "_PRELOAD");
    let f = l.native(name, loader);
    set_field(l, t, name, f);
}

/// A search path from the environment variable `var` (`;;` stands for the default).
fn env_path(var: &str, default: &str) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let v = std::env::var_os(var);
    searchpath::path_from_env(v.as_ref().map(|v| v.as_bytes()), default.as_bytes())
}

/// The package table (upvalue 1 of require, module and the searchers).
fn package_table(l: &Lua) -> Option<TabRef> {
    l.native_upvals().first().and_then(|v| v.as_tab())
}

/// A string field of the package table (`path`, `cpath`).
fn package_string(l: &mut Lua, field: &str) -> Result<Vec<u8>, LuaError> {
    let pkg = package_table(l);
    let v = match pkg {
        Some(p) => get_field(l, p, field),
        None => Value::NIL,
    };
    match v.as_str() {
        Some(s) => Ok(s.as_bytes().to_vec()),
        None => Err(l.error_msg_level(1, &format!("'package.{field}' must be a string"))),
    }
}

/// Searches `path` for `name` (`sep` in the name replaced by `rep`): the first readable
/// file, or the "\n\tno file '...'" lines for every template tried.
pub fn search_path(name: &[u8], path: &[u8], sep: &[u8], rep: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    searchpath::search_path(name, path, sep, rep, |file| {
        let fname = String::from_utf8_lossy(file).into_owned();
        std::fs::File::open(&fname).is_ok_and(|f| f.metadata().is_ok_and(|m| !m.is_dir()))
    })
}

fn search_preload(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let preload = match package_table(l) {
        Some(p) => get_field(l, p, "preload"),
        None => Value::NIL,
    };
    let Some(preload) = preload.as_tab() else {
        return Err(l.error_msg_level(1, "'package.preload' must be a table"));
    };
    let f = preload.get_str(name);
    if f.is_nil() {
        let msg = format!("\n\tno field package.preload['{}']", name.to_str_lossy());
        l.push_str(msg.as_bytes());
    } else {
        l.push(f);
    }
    Ok(1)
}

fn search_lua(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let path = package_string(l, "path")?;
    match search_path(name.as_bytes(), &path, b".", b"/") {
        Ok(file) => match super::base::load_file(l, Some(&file)) {
            Ok(f) => {
                l.push(f);
                Ok(1)
            }
            Err(msg) => {
                let msg = format!(
                    "error loading module '{}' from file '{}':\n\t{}",
                    name.to_str_lossy(),
                    String::from_utf8_lossy(&file),
                    msg
                );
                Err(l.error_msg_level(1, &msg))
            }
        },
        Err(tried) => {
            l.push_str(&tried);
            Ok(1)
        }
    }
}

fn c_module_error(l: &mut Lua, name: &[u8], file: &[u8]) -> LuaError {
    let msg = format!(
        "error loading module '{}' from file '{}':\n\tC modules are not supported by skein",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(file)
    );
    l.error_msg_level(1, &msg)
}

fn search_c(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let cpath = package_string(l, "cpath")?;
    match search_path(name.as_bytes(), &cpath, b".", b"/") {
        Ok(file) => Err(c_module_error(l, name.as_bytes(), &file)),
        Err(tried) => {
            l.push_str(&tried);
            Ok(1)
        }
    }
}

fn search_croot(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let Some(dot) = name.as_bytes().iter().position(|&c| c == b'.') else {
        return Ok(0);
    };
    let root = name.as_bytes()[..dot].to_vec();
    let cpath = package_string(l, "cpath")?;
    match search_path(&root, &cpath, b".", b"/") {
        Ok(file) => Err(c_module_error(l, name.as_bytes(), &file)),
        Err(tried) => {
            l.push_str(&tried);
            Ok(1)
        }
    }
}

/// The sentinel marking a module whose loading is in progress.
fn sentinel(l: &mut Lua) -> Value {
    let reg = l.registry;
    let v = get_field(l, reg, "_REQUIRE_SENTINEL");
    if !v.is_nil() {
        return v;
    }
    let u = l.new_udata(None);
    set_field(l, reg, "_REQUIRE_SENTINEL", Value::udata(u));
    Value::udata(u)
}

fn require(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let loaded = registry_table(l, "_LOADED");
    let mark = sentinel(l);
    let v = loaded.get_str(name);
    if v.truthy() {
        if v.raw_eq(mark) {
            let msg = format!(
                "loop or previous error loading module '{}'",
                name.to_str_lossy()
            );
            return Err(l.error_msg_level(1, &msg));
        }
        l.push(v);
        return Ok(1);
    }
    let loaders = match package_table(l) {
        Some(p) => get_field(l, p, "loaders"),
        None => Value::NIL,
    };
    let Some(loaders) = loaders.as_tab() else {
        return Err(l.error_msg_level(1, "'package.loaders' must be a table"));
    };
    let mut messages = Vec::new();
    let mut i = 1;
    let loader = loop {
        let searcher = loaders.get_int(i);
        if searcher.is_nil() {
            let msg = format!(
                "module '{}' not found:{}",
                name.to_str_lossy(),
                String::from_utf8_lossy(&messages)
            );
            return Err(l.error_msg_level(1, &msg));
        }
        let r = l.call_value(searcher, &[Value::str(name)], 1)?;
        let r = r.first().copied().unwrap_or(Value::NIL);
        if r.is_func() {
            break r;
        }
        if let Some(s) = r.as_str() {
            messages.extend_from_slice(s.as_bytes());
        }
        i += 1;
    };
    loaded.get_mut().set_str(name, mark);
    let r = l.call_value(loader, &[Value::str(name)], 1);
    let r = match r {
        Ok(r) => r,
        Err(e) => {
            // Leave the sentinel: a later require reports the previous error.
            return Err(e);
        }
    };
    let res = r.first().copied().unwrap_or(Value::NIL);
    if !res.is_nil() {
        loaded.get_mut().set_str(name, res);
    }
    let cur = loaded.get_str(name);
    if cur.raw_eq(mark) {
        loaded.get_mut().set_str(name, Value::bool(true));
    }
    let v = loaded.get_str(name);
    l.push(v);
    Ok(1)
}

fn loadlib(l: &mut Lua) -> Result<usize, LuaError> {
    l.check_str(1)?;
    l.check_str(2)?;
    l.push(Value::NIL);
    l.push_str(b"dynamic libraries not enabled; check your Lua installation");
    l.push_str(b"absent");
    Ok(3)
}

fn searchpath(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let path = l.check_str(2)?;
    let sep = if l.arg(3).is_nil() {
        b".".to_vec()
    } else {
        l.check_str(3)?.as_bytes().to_vec()
    };
    let rep = if l.arg(4).is_nil() {
        b"/".to_vec()
    } else {
        l.check_str(4)?.as_bytes().to_vec()
    };
    match search_path(name.as_bytes(), path.as_bytes(), &sep, &rep) {
        Ok(file) => {
            l.push_str(&file);
            Ok(1)
        }
        Err(tried) => {
            l.push(Value::NIL);
            l.push_str(&tried);
            Ok(2)
        }
    }
}

/// `setmetatable(module, {__index = _G})`.
fn seeall(l: &mut Lua) -> Result<usize, LuaError> {
    let m = l.check_table(1)?;
    let mt = match m.get_mut().meta {
        Some(mt) => mt,
        None => {
            let mt = l.new_table(0, 1);
            m.get_mut().meta = Some(mt);
            mt
        }
    };
    let g = Value::tab(l.globals);
    set_field(l, mt, "__index", g);
    Ok(0)
}

/// Finds or creates the table at dotted path `name` starting from `root`.
fn find_table(l: &mut Lua, root: TabRef, name: &[u8]) -> Option<TabRef> {
    let mut t = root;
    for part in name.split(|&c| c == b'.') {
        let k = l.intern(part);
        let v = t.get_str(k);
        t = if v.is_nil() {
            let n = l.new_table(0, 4);
            t.get_mut().set_str(k, Value::tab(n));
            n
        } else {
            v.as_tab()?
        };
    }
    Some(t)
}

/// Lua 5.1's `module(name, ...)`.
fn module(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let loaded = registry_table(l, "_LOADED");
    let existing = loaded.get_str(name);
    let m = match existing.as_tab() {
        Some(t) => t,
        None => {
            let g = l.globals;
            let Some(t) = find_table(l, g, name.as_bytes()) else {
                let msg = format!("name conflict for module '{}'", name.to_str_lossy());
                return Err(l.error_msg_level(1, &msg));
            };
            loaded.get_mut().set_str(name, Value::tab(t));
            t
        }
    };
    if get_field(l, m, "_NAME").is_nil() {
        set_field(l, m, "_M", Value::tab(m));
        set_field(l, m, "_NAME", Value::str(name));
        let b = name.as_bytes();
        let pkg = match b.iter().rposition(|&c| c == b'.') {
            Some(i) => &b[..=i],
            None => &b[..0],
        };
        let v = l.str_value(pkg);
        set_field(l, m, "_PACKAGE", v);
    }
    // The caller's environment becomes the module.
    if let Some(f) = l.function_at_level(1).and_then(|f| f.as_func()) {
        if f.lua_proto().is_some() {
            f.get_mut().env = m;
        } else {
            return Err(l.error_msg_level(1, "'module' not called from a Lua function"));
        }
    }
    for i in 2..=l.nargs() {
        let opt = l.arg(i);
        l.call_value(opt, &[Value::tab(m)], 0)?;
    }
    let _ = package_table(l);
    Ok(0)
}
