//! The `os` library as LuaJIT 2.1 has it: `clock date time difftime getenv exit remove
//! rename tmpname execute setlocale`.
//!
//! `os.date` / `os.time(t)` use the [`super::date`] engine with the local zone from
//! [`super::tz`] (`TZ`, else `/etc/localtime`), read once when the library opens.
//! `os.clock` is the wall-clock time since the first call into the clock in this
//! process, not CPU time (skein reads no libc `clock()`); it is monotonic and precise,
//! which is what timing loops need. `os.execute` runs `sh -c` and returns the raw wait
//! status as C's `system` does (exit code 3 gives 768). `os.setlocale` only knows the
//! "C" locale (and "POSIX" / "" as its aliases).
//!
//! Failures of `remove`, `rename` return `nil, "name: strerror", errno` like Lua.
#![warn(missing_docs)]

use super::date::{self, DateFields, OsDate};
use super::get_field;
use super::tz::TimeZone;
use crate::vm::object::Builtin;
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, NativeFn};

/// Installs the `os` table.
pub fn open(l: &mut Lua) {
    let t = super::new_lib(
        l,
        "os",
        &[
            ("clock", clock),
            ("difftime", difftime),
            ("getenv", getenv),
            ("exit", exit),
            ("remove", remove),
            ("rename", rename),
            ("tmpname", tmpname),
            ("execute", execute),
            ("setlocale", setlocale),
        ],
    );
    // The local time zone, read once per state (TZ / /etc/localtime, as glibc does).
    let zone = l.new_udata(Some(Box::new(TimeZone::from_env())));
    for (name, f) in [("date", os_date as NativeFn), ("time", os_time)] {
        let v = l.native_with(name, f, Builtin::None, vec![Value::udata(zone)]);
        super::set_field(l, t, name, v);
    }
}

/// The time zone shared by `os.date` and `os.time` (their first upvalue).
fn zone(l: &Lua) -> Option<&'static TimeZone> {
    let u = l.native_upvals().first()?.as_udata()?;
    u.get_mut().payload.as_ref()?.downcast_ref::<TimeZone>()
}

/// The C library's text for an I/O error (Rust's message without " (os error N)").
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Pushes Lua's failure triple `nil, "name: message", errno`; returns 3.
pub fn push_io_error(l: &mut Lua, name: Option<&[u8]>, e: &std::io::Error) -> usize {
    let mut msg = Vec::new();
    if let Some(n) = name {
        msg.extend_from_slice(n);
        msg.extend_from_slice(b": ");
    }
    msg.extend_from_slice(strerror(e).as_bytes());
    l.push(Value::NIL);
    l.push_str(&msg);
    l.push_num(e.raw_os_error().unwrap_or(0) as f64);
    3
}

fn clock(l: &mut Lua) -> Result<usize, LuaError> {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    l.push_num(start.elapsed().as_secs_f64());
    Ok(1)
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

fn os_date(l: &mut Lua) -> Result<usize, LuaError> {
    let fmt = if l.arg(1).is_nil() {
        b"%c".to_vec()
    } else {
        l.check_str(1)?.as_bytes().to_vec()
    };
    let t = if l.arg(2).is_nil() {
        now()
    } else {
        date::time_from_number(l.check_num(2)?)
    };
    let utc = TimeZone::utc();
    let zone = zone(l).unwrap_or(&utc);
    match date::os_date(&fmt, t, zone) {
        OsDate::Nil => l.push(Value::NIL),
        OsDate::Text(s) => l.push_str(&s),
        OsDate::Table(tm) => {
            let t = l.new_table(0, 9);
            let fields = [
                ("year", tm.year as f64),
                ("month", tm.month as f64),
                ("day", tm.day as f64),
                ("hour", tm.hour as f64),
                ("min", tm.min as f64),
                ("sec", tm.sec as f64),
                ("wday", tm.wday as f64 + 1.0),
                ("yday", tm.yday as f64 + 1.0),
            ];
            for (k, v) in fields {
                super::set_field(l, t, k, Value::num(v));
            }
            super::set_field(l, t, "isdst", Value::bool(tm.isdst));
            l.push(Value::tab(t));
        }
    }
    Ok(1)
}

/// A numeric field of an `os.time` table, `default` when absent (None: required).
fn date_field(
    l: &mut Lua,
    t: crate::vm::TabRef,
    key: &str,
    default: Option<i32>,
) -> Result<i32, LuaError> {
    let v = get_field(l, t, key);
    if let Some(n) = l.to_number(v) {
        return Ok(date::field_from_number(n));
    }
    match default {
        Some(d) => Ok(d),
        None => Err(l.error_msg_level(1, &format!("field '{key}' missing in date table"))),
    }
}

fn os_time(l: &mut Lua) -> Result<usize, LuaError> {
    if l.arg(1).is_nil() {
        l.push_num(now() as f64);
        return Ok(1);
    }
    let t = l.check_table(1)?;
    let sec = date_field(l, t, "sec", Some(0))?;
    let min = date_field(l, t, "min", Some(0))?;
    let hour = date_field(l, t, "hour", Some(12))?;
    let day = date_field(l, t, "day", None)?;
    let month = date_field(l, t, "month", None)?;
    let year = date_field(l, t, "year", None)?;
    let dst = get_field(l, t, "isdst");
    let fields = DateFields {
        year,
        month,
        day,
        hour,
        min,
        sec,
        isdst: if dst.is_nil() {
            None
        } else {
            Some(dst.truthy())
        },
    };
    let utc = TimeZone::utc();
    let zone = zone(l).unwrap_or(&utc);
    match date::os_time(&fields, zone) {
        Some(t) => l.push_num(t as f64),
        None => l.push(Value::NIL),
    }
    Ok(1)
}

fn difftime(l: &mut Lua) -> Result<usize, LuaError> {
    let a = l.check_num(1)?;
    let b = if l.arg(2).is_nil() {
        0.0
    } else {
        l.check_num(2)?
    };
    l.push_num(date::time_from_number(a) as f64 - date::time_from_number(b) as f64);
    Ok(1)
}

fn getenv(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?.to_str_lossy();
    match std::env::var_os(&name) {
        Some(v) => {
            let s = v.to_string_lossy().into_owned();
            l.push_str(s.as_bytes());
        }
        None => l.push(Value::NIL),
    }
    Ok(1)
}

fn exit(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let code = if v.is_nil() {
        0
    } else if v.is_bool() {
        if v.truthy() {
            0
        } else {
            1
        }
    } else {
        l.check_int(1)? as i32
    };
    super::io::flush_all(l);
    std::process::exit(code)
}

fn remove(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let path = name.to_str_lossy();
    let r = match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir(&path),
        _ => std::fs::remove_file(&path),
    };
    match r {
        Ok(()) => {
            l.push(Value::bool(true));
            Ok(1)
        }
        Err(e) => Ok(push_io_error(l, Some(name.as_bytes()), &e)),
    }
}

fn rename(l: &mut Lua) -> Result<usize, LuaError> {
    let from = l.check_str(1)?;
    let to = l.check_str(2)?;
    match std::fs::rename(from.to_str_lossy(), to.to_str_lossy()) {
        Ok(()) => {
            l.push(Value::bool(true));
            Ok(1)
        }
        Err(e) => Ok(push_io_error(l, Some(from.as_bytes()), &e)),
    }
}

/// Creates a fresh empty file in the temporary directory and returns its name.
pub fn make_temp_file() -> std::io::Result<(String, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut last = None;
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tag = (nanos ^ (n.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ std::process::id() as u64)
            & 0xff_ffff;
        let name = format!("/tmp/lua_{tag:06x}");
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&name)
        {
            Ok(f) => return Ok((name, f)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("cannot create temporary file")))
}

fn tmpname(l: &mut Lua) -> Result<usize, LuaError> {
    match make_temp_file() {
        Ok((name, _)) => {
            l.push_str(name.as_bytes());
            Ok(1)
        }
        Err(_) => Err(l.error_msg_level(1, "unable to generate a unique filename")),
    }
}

fn execute(l: &mut Lua) -> Result<usize, LuaError> {
    if l.arg(1).is_nil() {
        l.push_num(1.0);
        return Ok(1);
    }
    let cmd = l.check_str(1)?.to_str_lossy();
    l.flush_out();
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&cmd)
        .status();
    let code = match status {
        Ok(s) => {
            use std::os::unix::process::ExitStatusExt;
            s.into_raw()
        }
        Err(_) => -1,
    };
    l.push_num(code as f64);
    Ok(1)
}

fn setlocale(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    if !v.is_nil() {
        let s = l.check_str(1)?;
        if !matches!(s.as_bytes(), b"C" | b"POSIX" | b"") {
            l.push(Value::NIL);
            return Ok(1);
        }
    }
    l.push_str(b"C");
    Ok(1)
}
