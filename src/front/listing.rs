//! Bytecode listings in the format of `luajit -bl`.
//!
//! A listing prints every child prototype before its parent (children in GC-constant
//! order, recursively), each as a `-- BYTECODE -- chunk:first-last` header, one line per
//! instruction and a blank line. An instruction line is the position (`%04d`), a `=>`
//! marker when some jump targets it, the opcode name padded to six, operand A (blank when
//! the opcode has no A operand), then B and C or D, and a comment with the constant an
//! operand refers to: strings quoted with control characters escaped and cut after 40
//! bytes (`"..."~`), numbers in Lua's `%.14g` format (TSETM's biased count is shown
//! unbiased), child functions as `chunk:line`, upvalues by name. Jumps print their target
//! as `=> 0005`.
//!
//! [`listing_bytes`] is exact; [`listing`] returns a `String`, so there bytes of string
//! constants that are not valid UTF-8 are replaced lossily (LuaJIT writes them raw). Rules for whoever changes this file: the
//! format is fixed by LuaJIT's `jit/bc.lua`; compare with the oracle after every change.

use crate::bc::{self, KGc, Mode, Op, Proto};

/// Formats a number as Lua's `tostring` does (`%.14g`, `inf`, `-inf`, `nan`).
pub fn fmt_num(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if n == 0.0 {
        return if n.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    const P: i32 = 14;
    let sci = format!("{:.*e}", (P - 1) as usize, n);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    if !(-4..P).contains(&x) {
        let mant = strip_zeros(mant);
        let sign = if x < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", x.abs())
    } else {
        let prec = (P - 1 - x).max(0) as usize;
        strip_zeros(&format!("{:.*}", prec, n)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

fn quote_str(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &c in s {
        match c {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=31 | 127 => out.extend_from_slice(format!("\\{c:03}").as_bytes()),
            _ => out.push(c),
        }
    }
    let long = s.len() > 40;
    out.truncate(40);
    out.insert(0, b'"');
    out.push(b'"');
    if long {
        out.push(b'~');
    }
    out
}

fn loc(p: &Proto) -> String {
    format!("{}:{}", p.short_source(), p.firstline)
}

/// The listing of `proto` and all nested prototypes, as `luajit -bl` prints it, byte
/// for byte (string constants are written raw, as LuaJIT writes them).
pub fn listing_bytes(proto: &Proto) -> Vec<u8> {
    let mut out = Vec::new();
    dump(proto, &mut out);
    out
}

/// [`listing_bytes`] as a `String` (bytes that are not UTF-8 replaced lossily).
pub fn listing(proto: &Proto) -> String {
    String::from_utf8_lossy(&listing_bytes(proto)).into_owned()
}

fn dump(p: &Proto, out: &mut Vec<u8>) {
    for k in &p.kgc {
        if let KGc::Proto(child) = k {
            dump(child, out);
        }
    }
    out.extend_from_slice(
        format!("-- BYTECODE -- {}-{}\n", loc(p), p.firstline + p.numline).as_bytes(),
    );
    let n = p.bc.len();
    let mut targets = vec![false; n + 1];
    for pc in 1..n {
        let ins = p.bc[pc];
        if bc::op(ins).mode_cd() == Mode::Jump {
            let t = pc as i64 + 1 + bc::j(ins) as i64;
            if t >= 0 && (t as usize) < targets.len() {
                targets[t as usize] = true;
            }
        }
    }
    for (pc, &target) in targets.iter().enumerate().take(n).skip(1) {
        out.extend_from_slice(&line(p, pc, target));
        out.push(b'\n');
    }
    out.push(b'\n');
}

fn uvname(p: &Proto, i: u32) -> Vec<u8> {
    p.uvnames
        .get(i as usize)
        .map(|s| s.to_vec())
        .unwrap_or_default()
}

/// What an instruction line needs of a prototype: the compiler's [`Proto`] for `-bl`,
/// the VM's live prototype (with its patched opcodes) for `jit.dump` mode `b`.
pub trait BcSource {
    /// The instruction at `pc`.
    fn ins(&self, pc: usize) -> Option<u32>;
    /// The string constant at GC index `d`.
    fn kstr(&self, d: u32) -> Option<Vec<u8>>;
    /// The number constant at index `d`.
    fn knum(&self, d: u32) -> Option<f64>;
    /// `chunk:line` of the child prototype at GC index `d`.
    fn kproto_loc(&self, d: u32) -> Option<String>;
    /// The name of upvalue `i`.
    fn uvname(&self, i: u32) -> Vec<u8>;
}

impl BcSource for Proto {
    fn ins(&self, pc: usize) -> Option<u32> {
        self.bc.get(pc).copied()
    }
    fn kstr(&self, d: u32) -> Option<Vec<u8>> {
        Proto::kstr(self, d).map(|s| s.to_vec())
    }
    fn knum(&self, d: u32) -> Option<f64> {
        self.knum.get(d as usize).copied()
    }
    fn kproto_loc(&self, d: u32) -> Option<String> {
        self.kproto(d).map(loc)
    }
    fn uvname(&self, i: u32) -> Vec<u8> {
        uvname(self, i)
    }
}

fn line(p: &Proto, pc: usize, target: bool) -> Vec<u8> {
    instruction_line(p, pc, if target { "=>" } else { "  " })
}

/// One instruction line as jit.bc prints it, with `marker` between the position and the
/// opcode (`=>` for jump targets in listings, ` .` per inlining level in jit.dump).
pub fn instruction_line(p: &dyn BcSource, pc: usize, marker: &str) -> Vec<u8> {
    let Some(ins) = p.ins(pc) else {
        return Vec::new();
    };
    let op = bc::op(ins);
    let a = bc::a(ins);
    let astr = if op.mode_a() == Mode::None {
        String::new()
    } else {
        a.to_string()
    };
    let s = format!("{:04} {} {:<6} {:>3} ", pc, marker, op.name(), astr);
    let mc = op.mode_cd();
    if mc == Mode::Jump {
        return format!("{}=> {:04}", s, pc as i64 + 1 + bc::j(ins) as i64).into_bytes();
    }
    let abc = !op.is_ad();
    let mut d = bc::d(ins);
    if abc {
        d &= 0xff;
    } else if mc == Mode::None {
        return s.into_bytes();
    }
    let mut kc: Option<Vec<u8>> = match mc {
        Mode::Str => p.kstr(d).map(|k| quote_str(&k)),
        Mode::Num => p.knum(d).map(|n| {
            let n = if op == Op::TSETM {
                n - 4503599627370496.0
            } else {
                n
            };
            fmt_num(n).into_bytes()
        }),
        Mode::Func => p.kproto_loc(d).map(|c| c.into_bytes()),
        Mode::Uv => Some(p.uvname(d)),
        _ => None,
    };
    if op.mode_a() == Mode::Uv {
        let mut ka = p.uvname(a);
        if let Some(k) = kc {
            ka.extend_from_slice(b" ; ");
            ka.extend_from_slice(&k);
        }
        kc = Some(ka);
    }
    let mut head = if abc {
        format!("{s}{:>3} {d:>3}", bc::b(ins))
    } else if kc.is_some() {
        format!("{s}{d:>3}    ")
    } else if mc == Mode::Lits && d > 32767 {
        format!("{s}{:>3}", d as i64 - 65536)
    } else {
        format!("{s}{d:>3}")
    }
    .into_bytes();
    if let Some(k) = kc {
        head.extend_from_slice(b"  ; ");
        head.extend_from_slice(&k);
    }
    head
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn numbers_format_like_lua() {
        assert_eq!(fmt_num(1.0), "1");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(9007199254740992.0), "9.007199254741e+15");
        assert_eq!(fmt_num(f64::INFINITY), "inf");
        assert_eq!(fmt_num(0.1), "0.1");
        assert_eq!(fmt_num(1e-5), "1e-05");
        assert_eq!(fmt_num(123456789012346.0), "1.2345678901235e+14");
        assert_eq!(fmt_num(-2.5), "-2.5");
    }
}
