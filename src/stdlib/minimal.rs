//! The bootstrap subset of the string, table, math, os and io libraries.
//!
//! Only what tests and benchmarks need until the full libraries land (a later issue;
//! pattern matching, the complete `string.format`, LuaJIT's PRNG, `bit` and `os.date` are
//! being written as separate engines): `string.len/sub/rep/byte/char/format/upper/lower`
//! plus the string metatable (`("x"):rep(3)`), `table.insert/remove/concat/sort`,
//! `math.floor/ceil/sqrt/abs/huge/pi/max/min/fmod/exp/log/sin/cos/tan/random/randomseed`,
//! `os.clock/time`, `io.write`. Replace this module wholesale when the real ones arrive.

use crate::vm::meta::{fmt_g, fmt_num};
use crate::vm::value::{LuaType, Value};
use crate::vm::{Lua, LuaError, NativeFn, TabRef};

fn lib(l: &mut Lua, name: &str, fns: &[(&'static str, NativeFn)]) -> TabRef {
    let t = l.new_table(0, fns.len());
    for &(n, f) in fns {
        let v = l.native(n, f);
        let k = l.intern(n.as_bytes());
        t.get_mut().set_str(k, v);
    }
    let k = l.intern(name.as_bytes());
    l.globals.get_mut().set_str(k, Value::tab(t));
    t
}

/// Installs the bootstrap libraries.
pub fn open(l: &mut Lua) {
    let string = lib(
        l,
        "string",
        &[
            ("len", str_len),
            ("sub", str_sub),
            ("rep", str_rep),
            ("byte", str_byte),
            ("char", str_char),
            ("format", str_format),
            ("upper", str_upper),
            ("lower", str_lower),
            ("reverse", str_reverse),
        ],
    );
    let mt = l.new_table(0, 1);
    let k = l.intern(b"__index");
    mt.get_mut().set_str(k, Value::tab(string));
    l.type_meta[LuaType::String as usize] = Some(mt);
    lib(
        l,
        "table",
        &[
            ("insert", tab_insert),
            ("remove", tab_remove),
            ("concat", tab_concat),
            ("sort", tab_sort),
            ("getn", tab_getn),
        ],
    );
    let math = lib(
        l,
        "math",
        &[
            ("floor", |l| math1(l, f64::floor)),
            ("ceil", |l| math1(l, f64::ceil)),
            ("sqrt", |l| math1(l, f64::sqrt)),
            ("abs", |l| math1(l, f64::abs)),
            ("exp", |l| math1(l, f64::exp)),
            ("sin", |l| math1(l, f64::sin)),
            ("cos", |l| math1(l, f64::cos)),
            ("tan", |l| math1(l, f64::tan)),
            ("log", math_log),
            ("fmod", math_fmod),
            ("max", math_max),
            ("min", math_min),
            ("random", math_random),
            ("randomseed", math_randomseed),
        ],
    );
    for (k, v) in [("huge", f64::INFINITY), ("pi", std::f64::consts::PI)] {
        let k = l.intern(k.as_bytes());
        math.get_mut().set_str(k, Value::num(v));
    }
    lib(l, "os", &[("clock", os_clock), ("time", os_time)]);
    lib(l, "io", &[("write", io_write)]);
}

fn str_len(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    l.push_num(s.as_bytes().len() as f64);
    Ok(1)
}

/// Lua's relative string position to a 0-based start / exclusive end.
fn str_range(len: usize, i: i64, j: i64) -> (usize, usize) {
    let len = len as i64;
    let mut i = if i < 0 { (len + i + 1).max(0) } else { i };
    let j = if j < 0 { len + j + 1 } else { j.min(len) };
    if i < 1 {
        i = 1;
    }
    if i > j {
        (0, 0)
    } else {
        ((i - 1) as usize, j as usize)
    }
}

fn str_sub(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let i = l.opt_int(2, 1)?;
    let j = l.opt_int(3, -1)?;
    let b = s.as_bytes();
    let (a, e) = str_range(b.len(), i, j);
    l.push_str(&b[a..e]);
    Ok(1)
}

fn str_rep(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let n = l.check_int(2)?;
    let sep = if l.arg(3).is_nil() {
        None
    } else {
        Some(l.check_str(3)?)
    };
    if n <= 0 {
        l.push_str(b"");
        return Ok(1);
    }
    let b = s.as_bytes();
    let total = (b.len() + sep.map_or(0, |s| s.as_bytes().len())) as u64 * n as u64;
    if total > (1 << 31) {
        return Err(l.error_msg_level(1, "not enough memory"));
    }
    let mut out = Vec::with_capacity(total as usize);
    for k in 0..n {
        if k > 0 {
            if let Some(sep) = sep {
                out.extend_from_slice(sep.as_bytes());
            }
        }
        out.extend_from_slice(b);
    }
    l.push_str(&out);
    Ok(1)
}

fn str_byte(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let i = l.opt_int(2, 1)?;
    let j = l.opt_int(3, i)?;
    let b = s.as_bytes();
    let (a, e) = str_range(b.len(), i, j);
    for &c in &b[a..e] {
        l.push_num(c as f64);
    }
    Ok(e - a)
}

fn str_char(l: &mut Lua) -> Result<usize, LuaError> {
    let mut out = Vec::new();
    for i in 1..=l.nargs() {
        let c = l.check_int(i)?;
        if !(0..=255).contains(&c) {
            return Err(l.arg_error(i, "invalid value"));
        }
        out.push(c as u8);
    }
    l.push_str(&out);
    Ok(1)
}

fn str_upper(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let out = s.as_bytes().to_ascii_uppercase();
    l.push_str(&out);
    Ok(1)
}

fn str_lower(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let out = s.as_bytes().to_ascii_lowercase();
    l.push_str(&out);
    Ok(1)
}

fn str_reverse(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let mut out = s.as_bytes().to_vec();
    out.reverse();
    l.push_str(&out);
    Ok(1)
}

fn pad(out: &mut Vec<u8>, body: &[u8], width: usize, left: bool, zero: bool) {
    if body.len() >= width {
        out.extend_from_slice(body);
    } else if left {
        out.extend_from_slice(body);
        out.resize(out.len() + width - body.len(), b' ');
    } else if zero {
        let (sign, digits) = match body.first() {
            Some(b'-') | Some(b'+') => (&body[..1], &body[1..]),
            _ => (&body[..0], body),
        };
        out.extend_from_slice(sign);
        out.resize(out.len() + width - body.len(), b'0');
        out.extend_from_slice(digits);
    } else {
        out.resize(out.len() + width - body.len(), b' ');
        out.extend_from_slice(body);
    }
}

fn str_format(l: &mut Lua) -> Result<usize, LuaError> {
    let fmt = l.check_str(1)?.as_bytes();
    let mut out = Vec::new();
    let mut arg = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        let (mut left, mut zero, mut plus, mut space) = (false, false, false, false);
        while let Some(&f) = fmt.get(i) {
            match f {
                b'-' => left = true,
                b'0' => zero = true,
                b'+' => plus = true,
                b' ' => space = true,
                b'#' => {}
                _ => break,
            }
            i += 1;
        }
        let mut width = 0;
        while let Some(d) = fmt.get(i).filter(|c| c.is_ascii_digit()) {
            width = width * 10 + (d - b'0') as usize;
            i += 1;
        }
        let mut prec = None;
        if fmt.get(i) == Some(&b'.') {
            i += 1;
            let mut p = 0;
            while let Some(d) = fmt.get(i).filter(|c| c.is_ascii_digit()) {
                p = p * 10 + (d - b'0') as usize;
                i += 1;
            }
            prec = Some(p);
        }
        let Some(&conv) = fmt.get(i) else {
            return Err(l.error_msg_level(1, "invalid option '%' to 'format'"));
        };
        i += 1;
        arg += 1;
        let sign = |n: f64, s: String| -> String {
            if n >= 0.0 && plus {
                format!("+{s}")
            } else if n >= 0.0 && space {
                format!(" {s}")
            } else {
                s
            }
        };
        let body: Vec<u8> = match conv {
            b'd' | b'i' => {
                let n = l.check_num(arg)?;
                sign(n, format!("{}", n.trunc() as i64)).into_bytes()
            }
            b'u' => format!("{}", l.check_num(arg)? as i64 as u64).into_bytes(),
            b'x' => format!("{:x}", l.check_num(arg)? as i64).into_bytes(),
            b'X' => format!("{:X}", l.check_num(arg)? as i64).into_bytes(),
            b'o' => format!("{:o}", l.check_num(arg)? as i64).into_bytes(),
            b'c' => vec![l.check_int(arg)? as u8],
            b'f' | b'F' => {
                let n = l.check_num(arg)?;
                let s = if n.is_finite() {
                    format!("{:.*}", prec.unwrap_or(6), n)
                } else {
                    fmt_num(n)
                };
                sign(n, s).into_bytes()
            }
            b'e' | b'E' => {
                let n = l.check_num(arg)?;
                let s = format!("{:.*e}", prec.unwrap_or(6), n);
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let x: i32 = e.parse().unwrap_or(0);
                let s = format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs());
                let s = if conv == b'E' { s.to_uppercase() } else { s };
                sign(n, s).into_bytes()
            }
            b'g' | b'G' => {
                let n = l.check_num(arg)?;
                let s = if n.is_finite() {
                    fmt_g(n, prec.unwrap_or(6))
                } else {
                    fmt_num(n)
                };
                sign(n, s).into_bytes()
            }
            b's' => {
                let v = l.arg(arg);
                if arg > l.nargs() {
                    return Err(l.type_error(arg, "string"));
                }
                let s = l.tostring(v)?;
                let b = s.as_bytes();
                match prec {
                    Some(p) => b[..p.min(b.len())].to_vec(),
                    None => b.to_vec(),
                }
            }
            b'q' => {
                let s = l.check_str(arg)?;
                let mut q = vec![b'"'];
                for &ch in s.as_bytes() {
                    match ch {
                        b'"' | b'\\' | b'\n' => {
                            q.push(b'\\');
                            q.push(ch);
                        }
                        b'\r' => q.extend_from_slice(b"\\r"),
                        0 => q.extend_from_slice(b"\\0"),
                        _ => q.push(ch),
                    }
                }
                q.push(b'"');
                q
            }
            _ => {
                let msg = format!("invalid option '%{}' to 'format'", conv as char);
                return Err(l.error_msg_level(1, &msg));
            }
        };
        pad(&mut out, &body, width, left, zero && !left);
    }
    l.push_str(&out);
    Ok(1)
}

fn tab_insert(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let n = t.len() as i64;
    match l.nargs() {
        2 => {
            let v = l.arg(2);
            t.get_mut().set_int(n + 1, v);
        }
        3 => {
            let pos = l.check_int(2)?;
            let v = l.arg(3);
            let tm = t.get_mut();
            let mut i = n + 1;
            while i > pos {
                let prev = tm.get_int(i - 1);
                tm.set_int(i, prev);
                i -= 1;
            }
            if pos == 0 || pos.abs() > (1 << 52) {
                tm.set(Value::num(pos as f64), v);
            } else {
                tm.set_int(pos, v);
            }
        }
        _ => return Err(l.error_msg_level(1, "wrong number of arguments to 'insert'")),
    }
    Ok(0)
}

fn tab_remove(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let n = t.len() as i64;
    let pos = l.opt_int(2, n)?;
    if n == 0 {
        return Ok(0);
    }
    let tm = t.get_mut();
    let v = tm.get_int(pos);
    let mut i = pos;
    while i < n {
        let next = tm.get_int(i + 1);
        tm.set_int(i, next);
        i += 1;
    }
    tm.set_int(n, Value::NIL);
    l.push(v);
    Ok(1)
}

fn tab_concat(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let sep = if l.arg(2).is_nil() {
        Vec::new()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let i = l.opt_int(3, 1)?;
    let j = if l.arg(4).is_nil() {
        t.len() as i64
    } else {
        l.check_int(4)?
    };
    let mut out = Vec::new();
    let mut k = i;
    while k <= j {
        let v = t.get_int(k);
        if !(v.is_str() || v.is_num()) {
            let msg = format!("invalid value (at index {k}) in table for 'concat'");
            return Err(l.error_msg_level(1, &msg));
        }
        out.extend_from_slice(&l.tostring_raw(v));
        if k < j {
            out.extend_from_slice(&sep);
        }
        k += 1;
    }
    l.push_str(&out);
    Ok(1)
}

fn tab_getn(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    l.push_num(t.len() as f64);
    Ok(1)
}

fn sort_less(l: &mut Lua, cmp: Value, a: Value, b: Value) -> Result<bool, LuaError> {
    if cmp.is_nil() {
        if a.is_num() && b.is_num() {
            return Ok(a.as_num_unchecked() < b.as_num_unchecked());
        }
        l.less_than(a, b)
    } else {
        let r = l.call_value(cmp, &[a, b], 1)?;
        Ok(r.first().is_some_and(|v| v.truthy()))
    }
}

fn merge_sort(
    l: &mut Lua,
    cmp: Value,
    v: &mut [Value],
    tmp: &mut Vec<Value>,
) -> Result<(), LuaError> {
    let n = v.len();
    if n <= 12 {
        for i in 1..n {
            let mut j = i;
            while j > 0 && sort_less(l, cmp, v[j], v[j - 1])? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return Ok(());
    }
    let mid = n / 2;
    merge_sort(l, cmp, &mut v[..mid], tmp)?;
    merge_sort(l, cmp, &mut v[mid..], tmp)?;
    tmp.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if sort_less(l, cmp, v[j], v[i])? {
            tmp.push(v[j]);
            j += 1;
        } else {
            tmp.push(v[i]);
            i += 1;
        }
    }
    tmp.extend_from_slice(&v[i..mid]);
    tmp.extend_from_slice(&v[j..n]);
    v.copy_from_slice(tmp);
    Ok(())
}

fn tab_sort(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let cmp = l.arg(2);
    if !cmp.is_nil() && !cmp.is_func() {
        return Err(l.type_error(2, "function"));
    }
    let n = t.len();
    let mut vals: Vec<Value> = (1..=n).map(|i| t.get_int(i as i64)).collect();
    // Keep the values alive while comparators run Lua code.
    let pin = l.pinned.len();
    l.pinned.extend_from_slice(&vals);
    let mut tmp = Vec::with_capacity(n);
    let r = merge_sort(l, cmp, &mut vals, &mut tmp);
    l.pinned.truncate(pin);
    r?;
    let tm = t.get_mut();
    for (i, v) in vals.into_iter().enumerate() {
        tm.set_int(i as i64 + 1, v);
    }
    Ok(0)
}

fn math1(l: &mut Lua, f: fn(f64) -> f64) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    l.push_num(f(x));
    Ok(1)
}

fn math_log(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let r = if l.arg(2).is_nil() {
        x.ln()
    } else {
        let b = l.check_num(2)?;
        if b == 10.0 {
            x.log10()
        } else if b == 2.0 {
            x.log2()
        } else {
            x.ln() / b.ln()
        }
    };
    l.push_num(r);
    Ok(1)
}

fn math_fmod(l: &mut Lua) -> Result<usize, LuaError> {
    let a = l.check_num(1)?;
    let b = l.check_num(2)?;
    l.push_num(a % b);
    Ok(1)
}

fn math_max(l: &mut Lua) -> Result<usize, LuaError> {
    let mut m = l.check_num(1)?;
    for i in 2..=l.nargs() {
        let x = l.check_num(i)?;
        if x > m {
            m = x;
        }
    }
    l.push_num(m);
    Ok(1)
}

fn math_min(l: &mut Lua) -> Result<usize, LuaError> {
    let mut m = l.check_num(1)?;
    for i in 2..=l.nargs() {
        let x = l.check_num(i)?;
        if x < m {
            m = x;
        }
    }
    l.push_num(m);
    Ok(1)
}

thread_local! {
    static SEED: std::cell::Cell<u64> = const { std::cell::Cell::new(0x2545_f491_4f6c_dd1d) };
}

fn next_random() -> f64 {
    SEED.with(|s| {
        // xorshift64*: a simple placeholder until LuaJIT's PRNG engine lands.
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    })
}

fn math_random(l: &mut Lua) -> Result<usize, LuaError> {
    let r = next_random();
    match l.nargs() {
        0 => l.push_num(r),
        1 => {
            let m = l.check_int(1)?;
            if m < 1 {
                return Err(l.arg_error(1, "interval is empty"));
            }
            l.push_num((r * m as f64).floor() + 1.0);
        }
        _ => {
            let lo = l.check_int(1)?;
            let hi = l.check_int(2)?;
            if lo > hi {
                return Err(l.arg_error(2, "interval is empty"));
            }
            l.push_num((r * (hi - lo + 1) as f64).floor() + lo as f64);
        }
    }
    Ok(1)
}

fn math_randomseed(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_num(1)?;
    SEED.with(|c| c.set(s.to_bits() | 1));
    Ok(0)
}

fn os_clock(l: &mut Lua) -> Result<usize, LuaError> {
    // Seconds since the state's process started (wall clock; precise enough for timing
    // loops until the full os library lands).
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    l.push_num(start.elapsed().as_secs_f64());
    Ok(1)
}

fn os_time(l: &mut Lua) -> Result<usize, LuaError> {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    l.push_num(t as f64);
    Ok(1)
}

fn io_write(l: &mut Lua) -> Result<usize, LuaError> {
    for i in 1..=l.nargs() {
        let v = l.arg(i);
        if !(v.is_str() || v.is_num()) {
            return Err(l.type_error(i, "string"));
        }
        let b = l.tostring_raw(v);
        l.write_out(&b);
    }
    Ok(0)
}
