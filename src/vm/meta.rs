//! Metamethods and the slow paths of the interpreter's operations: indexing chains,
//! arithmetic with string coercion, comparisons, length, concatenation, and the number
//! <-> string conversions Lua performs implicitly.
//!
//! Metamethod lookups go through [`Lua::metamethod`], which caches absent metamethods
//! in the metatable's `nomm` bit set (any store into the metatable clears it).
//! Error messages follow LuaJIT's texts; the operand named in them comes from the
//! bytecode slot (see `debug.rs`).

use super::object::*;
use super::value::{LuaType, Value};
use super::{Lua, LuaError, MM};

/// Arithmetic operators with their metamethods.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// unary `-`
    Unm,
}

impl Arith {
    fn mm(self) -> MM {
        match self {
            Arith::Add => MM::Add,
            Arith::Sub => MM::Sub,
            Arith::Mul => MM::Mul,
            Arith::Div => MM::Div,
            Arith::Mod => MM::Mod,
            Arith::Pow => MM::Pow,
            Arith::Unm => MM::Unm,
        }
    }

    /// Applies the operator to numbers.
    pub fn apply(self, x: f64, y: f64) -> f64 {
        match self {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            Arith::Div => x / y,
            Arith::Mod => super::interp::lua_mod(x, y),
            Arith::Pow => x.powf(y),
            Arith::Unm => -x,
        }
    }
}

/// The outcome of the first half of a slow operation: a finished value, or a metamethod
/// to call. The interpreter runs Lua metamethods as frames (so they can yield and do not
/// recurse in Rust); Rust callers finish with [`Lua::finish_step`].
#[derive(Copy, Clone, Debug)]
pub enum Step {
    /// The result (a boolean for comparisons).
    Value(Value),
    /// Call `mm` with `args[..nargs]`.
    Call {
        /// The metamethod.
        mm: Value,
        /// Its arguments.
        args: [Value; 3],
        /// How many arguments.
        nargs: usize,
        /// Comparisons: the truth of the result is inverted (`a <= b` as `not (b < a)`).
        negate: bool,
        /// The result is a comparison outcome.
        compare: bool,
    },
}

impl Step {
    fn call(mm: Value, a: &[Value], negate: bool) -> Step {
        let mut args = [Value::NIL; 3];
        args[..a.len()].copy_from_slice(a);
        Step::Call {
            mm,
            args,
            nargs: a.len(),
            negate,
            compare: false,
        }
    }

    fn compare(self) -> Step {
        match self {
            Step::Call {
                mm,
                args,
                nargs,
                negate,
                ..
            } => Step::Call {
                mm,
                args,
                nargs,
                negate,
                compare: true,
            },
            v => v,
        }
    }
}

impl Lua {
    /// The metatable of any value.
    #[inline]
    pub fn metatable_of(&self, v: Value) -> Option<TabRef> {
        if let Some(t) = v.as_tab() {
            t.meta
        } else if let Some(u) = v.as_udata() {
            u.meta
        } else {
            self.type_meta[v.type_of() as usize]
        }
    }

    /// Looks up metamethod `mm` of `v` (nil if absent).
    #[inline]
    pub fn metamethod(&self, v: Value, mm: MM) -> Value {
        let Some(mt) = self.metatable_of(v) else {
            return Value::NIL;
        };
        self.mt_lookup(mt, mm)
    }

    /// Looks up `mm` in metatable `mt`, caching absence.
    #[inline]
    pub fn mt_lookup(&self, mt: TabRef, mm: MM) -> Value {
        let bit = 1u32 << (mm as u32);
        if mt.nomm & bit != 0 {
            return Value::NIL;
        }
        let v = mt.get_str(self.mm[mm as usize]);
        if v.is_nil() {
            mt.get_mut().nomm |= bit;
        }
        v
    }

    /// Resolves `t[k]` through `__index` chains up to a value or a metamethod call.
    pub fn index_step(
        &mut self,
        mut t: Value,
        k: Value,
        slot: Option<u32>,
    ) -> Result<Step, LuaError> {
        for level in 0..100 {
            let mm = if let Some(tab) = t.as_tab() {
                let v = tab.get(k);
                if !v.is_nil() {
                    return Ok(Step::Value(v));
                }
                let Some(mt) = tab.meta else {
                    return Ok(Step::Value(Value::NIL));
                };
                let mm = self.mt_lookup(mt, MM::Index);
                if mm.is_nil() {
                    return Ok(Step::Value(Value::NIL));
                }
                mm
            } else {
                let mm = self.metamethod(t, MM::Index);
                if mm.is_nil() {
                    let slot = if level == 0 { slot } else { None };
                    return Err(self.operand_error("index", t, slot));
                }
                mm
            };
            if mm.is_func() {
                return Ok(Step::call(mm, &[t, k], false));
            }
            t = mm;
        }
        Err(self.error_msg_pos("loop in gettable"))
    }

    /// `t[k]` with `__index` (the `slot` holding `t` names it in errors).
    pub fn index_slow(&mut self, t: Value, k: Value, slot: Option<u32>) -> Result<Value, LuaError> {
        let step = self.index_step(t, k, slot)?;
        self.finish_step(step)
    }

    /// Resolves `t[k] = v` through `__newindex` chains up to a raw store (done, the
    /// step's value is nil) or a metamethod call.
    pub fn newindex_step(
        &mut self,
        mut t: Value,
        k: Value,
        v: Value,
        slot: Option<u32>,
    ) -> Result<Step, LuaError> {
        for level in 0..100 {
            let mm = if let Some(tab) = t.as_tab() {
                let raw = tab.get(k);
                let mm = if raw.is_nil() {
                    match tab.meta {
                        Some(mt) => self.mt_lookup(mt, MM::Newindex),
                        None => Value::NIL,
                    }
                } else {
                    Value::NIL
                };
                if mm.is_nil() {
                    if k.is_nil() || (k.is_num() && k.as_num_unchecked().is_nan()) {
                        return Err(self.key_error(k));
                    }
                    tab.get_mut().set(k, v);
                    return Ok(Step::Value(Value::NIL));
                }
                mm
            } else {
                let mm = self.metamethod(t, MM::Newindex);
                if mm.is_nil() {
                    let slot = if level == 0 { slot } else { None };
                    return Err(self.operand_error("index", t, slot));
                }
                mm
            };
            if mm.is_func() {
                return Ok(Step::call(mm, &[t, k, v], false));
            }
            t = mm;
        }
        Err(self.error_msg_pos("loop in settable"))
    }

    /// `t[k] = v` with `__newindex`.
    pub fn newindex_slow(
        &mut self,
        t: Value,
        k: Value,
        v: Value,
        slot: Option<u32>,
    ) -> Result<(), LuaError> {
        let step = self.newindex_step(t, k, v, slot)?;
        self.finish_step(step).map(|_| ())
    }

    /// Completes a step from Rust: calls the metamethod (bounded Rust recursion) and
    /// returns its first result (as a boolean for comparisons).
    pub fn finish_step(&mut self, step: Step) -> Result<Value, LuaError> {
        match step {
            Step::Value(v) => Ok(v),
            Step::Call {
                mm,
                args,
                nargs,
                negate,
                compare,
            } => {
                let r = if nargs == 3 {
                    self.call_meta3(mm, args[0], args[1], args[2])?;
                    Value::NIL
                } else {
                    self.call_meta(mm, args[0], args[1])?
                };
                Ok(if compare {
                    Value::bool(r.truthy() != negate)
                } else {
                    r
                })
            }
        }
    }

    /// Full `t[k]` from Rust (natives).
    pub fn index(&mut self, t: Value, k: Value) -> Result<Value, LuaError> {
        self.index_slow(t, k, None)
    }

    /// "table index is nil" / "table index is NaN".
    pub fn key_error(&mut self, k: Value) -> LuaError {
        if k.is_nil() {
            self.error_msg_pos("table index is nil")
        } else {
            self.error_msg_pos("table index is NaN")
        }
    }

    /// Arithmetic on non-numbers: string coercion, then metamethods.
    pub fn arith_slow(
        &mut self,
        op: Arith,
        a: Value,
        b: Value,
        aslot: Option<u32>,
        bslot: Option<u32>,
    ) -> Result<Value, LuaError> {
        let step = self.arith_step(op, a, b, aslot, bslot)?;
        self.finish_step(step)
    }

    /// Arithmetic on non-numbers up to a value or a metamethod call.
    pub fn arith_step(
        &mut self,
        op: Arith,
        a: Value,
        b: Value,
        aslot: Option<u32>,
        bslot: Option<u32>,
    ) -> Result<Step, LuaError> {
        let x = self.to_number(a);
        let y = self.to_number(b);
        if let (Some(x), Some(y)) = (x, y) {
            return Ok(Step::Value(Value::num(op.apply(x, y))));
        }
        let mut mm = self.metamethod(a, op.mm());
        if mm.is_nil() {
            mm = self.metamethod(b, op.mm());
        }
        if !mm.is_nil() {
            return Ok(Step::call(mm, &[a, b], false));
        }
        let (bad, slot) = if x.is_none() { (a, aslot) } else { (b, bslot) };
        Err(self.operand_error("perform arithmetic on", bad, slot))
    }

    /// Number coercion of numbers and numeric strings.
    #[inline]
    pub fn to_number(&self, v: Value) -> Option<f64> {
        if v.is_num() {
            return Some(v.as_num_unchecked());
        }
        v.as_str().and_then(|s| str_to_number(s.as_bytes()))
    }

    fn order_error(&mut self, a: Value, b: Value) -> LuaError {
        let (ta, tb) = (a.type_name(), b.type_name());
        if ta == tb {
            self.error_msg_pos(&format!("attempt to compare two {ta} values"))
        } else {
            self.error_msg_pos(&format!("attempt to compare {ta} with {tb}"))
        }
    }

    fn order_mm(&mut self, a: Value, b: Value, mm: MM) -> Option<Value> {
        if a.type_of() != b.type_of() {
            return None;
        }
        let m1 = self.metamethod(a, mm);
        if m1.is_nil() {
            return None;
        }
        let m2 = self.metamethod(b, mm);
        if !m1.raw_eq(m2) {
            return None;
        }
        Some(m1)
    }

    /// `a < b` for non-number operands, up to a value or a `__lt` call.
    pub fn lt_step(&mut self, a: Value, b: Value) -> Result<Step, LuaError> {
        if let (Some(x), Some(y)) = (a.as_num(), b.as_num()) {
            return Ok(Step::Value(Value::bool(x < y)));
        }
        if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
            return Ok(Step::Value(Value::bool(x.as_bytes() < y.as_bytes())));
        }
        match self.order_mm(a, b, MM::Lt) {
            Some(mm) => Ok(Step::call(mm, &[a, b], false).compare()),
            None => Err(self.order_error(a, b)),
        }
    }

    /// `a <= b` for non-number operands, up to a value or a `__le` (or negated,
    /// swapped `__lt`) call.
    pub fn le_step(&mut self, a: Value, b: Value) -> Result<Step, LuaError> {
        if let (Some(x), Some(y)) = (a.as_num(), b.as_num()) {
            return Ok(Step::Value(Value::bool(x <= y)));
        }
        if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
            return Ok(Step::Value(Value::bool(x.as_bytes() <= y.as_bytes())));
        }
        if let Some(mm) = self.order_mm(a, b, MM::Le) {
            return Ok(Step::call(mm, &[a, b], false).compare());
        }
        match self.order_mm(b, a, MM::Lt) {
            Some(mm) => Ok(Step::call(mm, &[b, a], true).compare()),
            None => Err(self.order_error(a, b)),
        }
    }

    /// `a < b` for non-number operands.
    pub fn less_than(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        let step = self.lt_step(a, b)?;
        Ok(self.finish_step(step)?.truthy())
    }

    /// `a <= b` for non-number operands.
    pub fn less_equal(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        let step = self.le_step(a, b)?;
        Ok(self.finish_step(step)?.truthy())
    }

    /// `a == b` for two distinct tables or userdata, up to a value or an `__eq` call.
    pub fn eq_step(&mut self, a: Value, b: Value) -> Result<Step, LuaError> {
        let both_tables = a.is_tab() && b.is_tab();
        let both_udata = a.as_udata().is_some() && b.as_udata().is_some();
        if !(both_tables || both_udata) {
            return Ok(Step::Value(Value::FALSE));
        }
        let (Some(ma), Some(mb)) = (self.metatable_of(a), self.metatable_of(b)) else {
            return Ok(Step::Value(Value::FALSE));
        };
        let m1 = self.mt_lookup(ma, MM::Eq);
        if m1.is_nil() {
            return Ok(Step::Value(Value::FALSE));
        }
        if ma != mb {
            let m2 = self.mt_lookup(mb, MM::Eq);
            if !m1.raw_eq(m2) {
                return Ok(Step::Value(Value::FALSE));
            }
        }
        Ok(Step::call(m1, &[a, b], false).compare())
    }

    /// `a == b` for two tables or two userdata that are not identical (`__eq`).
    pub fn equal_slow(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        let step = self.eq_step(a, b)?;
        Ok(self.finish_step(step)?.truthy())
    }

    /// Full equality (with `__eq`) from Rust.
    pub fn equals(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        if a.raw_eq(b) {
            return Ok(true);
        }
        if a.itype() != b.itype() || a.is_num() {
            return Ok(false);
        }
        self.equal_slow(a, b)
    }

    /// `#v` for values other than strings and plain tables.
    pub fn len_slow(&mut self, v: Value, slot: u32) -> Result<Value, LuaError> {
        let step = self.len_step(v, slot)?;
        self.finish_step(step)
    }

    /// `#v` up to a value or a `__len` call.
    pub fn len_step(&mut self, v: Value, slot: u32) -> Result<Step, LuaError> {
        if let Some(t) = v.as_tab() {
            return Ok(Step::Value(Value::num(t.len() as f64)));
        }
        if let Some(s) = v.as_str() {
            return Ok(Step::Value(Value::num(s.data.len() as f64)));
        }
        let mm = self.metamethod(v, MM::Len);
        if !mm.is_nil() {
            return Ok(Step::call(mm, &[v, Value::NIL], false));
        }
        Err(self.operand_error("get length of", v, Some(slot)))
    }

    /// Concatenates slots `b..=c` of the frame at `base` (CAT), calling every
    /// `__concat` metamethod from Rust.
    pub fn concat(&mut self, base: usize, b: usize, c: usize) -> Result<Value, LuaError> {
        match self.concat_run(base, b, c, false)? {
            Step::Value(v) => Ok(v),
            Step::Call { .. } => unreachable!("concat_run(.., false) finishes every call"),
        }
    }

    /// One CAT over slots `b..=end` (in place, right to left, as Lua 5.1): runs of
    /// strings and numbers are joined into the run's first slot; a pair needing a Lua
    /// `__concat` is returned as `Step::Call` with the destination slot (relative to
    /// `base`) as a number in `args[2]`; native metamethods are called directly.
    pub fn concat_step(&mut self, base: usize, b: usize, end: usize) -> Result<Step, LuaError> {
        self.concat_run(base, b, end, true)
    }

    fn concat_run(
        &mut self,
        base: usize,
        b: usize,
        end: usize,
        frames_ok: bool,
    ) -> Result<Step, LuaError> {
        let strable = |v: Value| v.is_str() || v.is_num();
        let mut top = end;
        loop {
            let th = self.th();
            if top <= b {
                return Ok(Step::Value(th.stack[base + b]));
            }
            let x = th.stack[base + top - 1];
            let y = th.stack[base + top];
            if strable(x) && strable(y) {
                let mut start = top - 1;
                while start > b && strable(th.stack[base + start - 1]) {
                    start -= 1;
                }
                let mut buf = Vec::new();
                for v in &th.stack[base + start..=base + top] {
                    append_strable(&mut buf, *v);
                }
                let s = self.str_value(&buf);
                self.th().stack[base + start] = s;
                top = start;
                continue;
            }
            let mut mm = self.metamethod(x, MM::Concat);
            if mm.is_nil() {
                mm = self.metamethod(y, MM::Concat);
            }
            if mm.is_nil() {
                let (bad, slot) = if strable(x) { (y, top) } else { (x, top - 1) };
                return Err(self.operand_error("concatenate", bad, Some(slot as u32)));
            }
            let is_lua = matches!(mm.as_func().map(|f| f.kind()), Some(FuncKind::Lua { .. }));
            if frames_ok && is_lua {
                let mut step = Step::call(mm, &[x, y], false);
                if let Step::Call { args, .. } = &mut step {
                    args[2] = Value::num((top - 1) as f64);
                }
                return Ok(step);
            }
            let r = self.call_meta(mm, x, y)?;
            self.th().stack[base + top - 1] = r;
            top -= 1;
        }
    }

    /// The string form of a number or string (for concatenation and `tostring`).
    pub fn tostring_bytes(&self, v: Value) -> Vec<u8> {
        let mut buf = Vec::new();
        append_strable(&mut buf, v);
        buf
    }

    /// Converts numbers to strings (Lua's implicit coercion); other values unchanged.
    pub fn coerce_to_str(&mut self, v: Value) -> Option<StrRef> {
        if let Some(s) = v.as_str() {
            Some(s)
        } else {
            v.as_num().map(|n| self.intern(fmt_num(n).as_bytes()))
        }
    }

    /// The metatable `getmetatable` exposes for type `t` (strings etc.).
    pub fn type_metatable(&self, t: LuaType) -> Option<TabRef> {
        self.type_meta[t as usize]
    }
}

fn append_strable(buf: &mut Vec<u8>, v: Value) {
    if let Some(s) = v.as_str() {
        buf.extend_from_slice(s.as_bytes());
    } else if let Some(n) = v.as_num() {
        buf.extend_from_slice(fmt_num(n).as_bytes());
    }
}

/// Formats a number as LuaJIT does (`%.14g`, "inf", "-inf", "nan").
pub fn fmt_num(n: f64) -> String {
    if n.is_nan() {
        return "nan".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if n == n.trunc() && n.abs() < 1e14 {
        if n == 0.0 && n.is_sign_negative() {
            return "-0".into();
        }
        return format!("{}", n as i64);
    }
    fmt_g(n, 14)
}

/// The first `sig` significant decimal digits of finite, non-zero `|n|`, rounded half
/// away from zero as LuaJIT's formatter does (Rust's own formatting rounds exact ties to
/// even), and the decimal exponent of the first digit.
pub fn sig_digits(n: f64, sig: usize) -> (Vec<u8>, i32) {
    let sig = sig.max(1);
    let parse = |s: &str| -> (Vec<u8>, i32) {
        let (m, e) = s.split_once('e').unwrap_or((s, "0"));
        let digits: Vec<u8> = m.bytes().filter(u8::is_ascii_digit).collect();
        (digits, e.parse().unwrap_or(0))
    };
    // Three guard digits decide every case except near-ties ("500"/"499" after
    // rounding), which are settled with the exact expansion. Few digits keep Rust on
    // its fast (Grisu) path.
    let (mut digits, mut exp) = parse(&format!("{:.*e}", sig - 1 + 3, n.abs()));
    let tail = &digits[sig..];
    let near_tie = (tail[0] == b'5' && tail[1..].iter().all(|&d| d == b'0'))
        || (tail[0] == b'4' && tail[1..].iter().all(|&d| d == b'9'));
    if near_tie {
        // Decide with the exact expansion (a double has at most 767 significant digits).
        let (exact, e2) = parse(&format!("{:.*e}", 800, n.abs()));
        digits = exact;
        exp = e2;
    }
    let round_up = digits[sig] >= b'5';
    digits.truncate(sig);
    if round_up {
        let mut i = sig;
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                digits.truncate(sig);
                exp += 1;
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    (digits, exp)
}

/// C's `%.<prec>e` body for finite numbers (sign included), LuaJIT rounding.
pub fn fmt_e(n: f64, prec: usize) -> String {
    let sign = if n.is_sign_negative() { "-" } else { "" };
    let (digits, exp) = if n == 0.0 {
        (vec![b'0'; prec + 1], 0)
    } else {
        sig_digits(n, prec + 1)
    };
    let mut out = String::from(sign);
    out.push(digits[0] as char);
    if prec > 0 {
        out.push('.');
        out.extend(digits[1..].iter().map(|&d| d as char));
    }
    out.push_str(&format!(
        "e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    ));
    out
}

/// C's `%.<prec>f` for finite numbers (sign included), LuaJIT rounding.
pub fn fmt_f(n: f64, prec: usize) -> String {
    let sign = if n.is_sign_negative() { "-" } else { "" };
    let mut int_digits: Vec<u8> = vec![b'0'];
    let mut frac: Vec<u8> = vec![b'0'; prec];
    if n != 0.0 {
        // The true decimal exponent (the shortest round-trip form is never rounded up
        // across a power of ten).
        let shortest = format!("{:e}", n.abs());
        let exp: i32 = shortest
            .split_once('e')
            .and_then(|(_, e)| e.parse().ok())
            .unwrap_or(0);
        let sig = exp + 1 + prec as i32;
        if sig >= 1 {
            let (digits, exp) = sig_digits(n, sig as usize);
            // Rounding may have carried into a new leading digit: exp grew by one.
            let int_len = exp + 1;
            let mut all = digits;
            if int_len <= 0 {
                let mut z = vec![b'0'; (-int_len) as usize];
                z.extend_from_slice(&all);
                all = z;
                int_digits = vec![b'0'];
                frac = all;
            } else {
                let k = int_len as usize;
                while all.len() < k + prec {
                    all.push(b'0');
                }
                int_digits = all[..k].to_vec();
                frac = all[k..k + prec].to_vec();
            }
            frac.resize(prec, b'0');
        } else if sig == 0 {
            // Only the rounding digit is left: half rounds away from zero.
            if shortest.as_bytes()[0] >= b'5' {
                if prec == 0 {
                    int_digits = vec![b'1'];
                } else {
                    frac[prec - 1] = b'1';
                }
            }
        }
    }
    let mut out = String::from(sign);
    out.extend(int_digits.iter().map(|&d| d as char));
    if prec > 0 {
        out.push('.');
        out.extend(frac.iter().map(|&d| d as char));
    }
    out
}

/// C's `%.<prec>g` for finite numbers, LuaJIT rounding.
pub fn fmt_g(n: f64, prec: usize) -> String {
    let prec = prec.max(1);
    if n == 0.0 {
        return if n.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (digits, x) = sig_digits(n, prec);
    let sign = if n < 0.0 { "-" } else { "" };
    if x < -4 || x >= prec as i32 {
        let mut mant = String::new();
        mant.push(digits[0] as char);
        mant.push('.');
        mant.extend(digits[1..].iter().map(|&d| d as char));
        let mant = strip_zeros(&mant).to_string();
        let esign = if x < 0 { '-' } else { '+' };
        format!("{sign}{mant}e{esign}{:02}", x.abs())
    } else {
        let mut s = String::from(sign);
        if x < 0 {
            s.push_str("0.");
            for _ in 0..(-x - 1) {
                s.push('0');
            }
            s.extend(digits.iter().map(|&d| d as char));
        } else {
            let k = x as usize + 1;
            s.extend(digits[..k].iter().map(|&d| d as char));
            if k < digits.len() {
                s.push('.');
                s.extend(digits[k..].iter().map(|&d| d as char));
            }
        }
        strip_zeros(&s).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Parses a Lua numeric string (decimal or hex, surrounding whitespace allowed).
pub fn str_to_number(s: &[u8]) -> Option<f64> {
    let is_space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|c| !is_space(c))?;
    let end = s.iter().rposition(|c| !is_space(c))? + 1;
    let t = &s[start..end];
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body.len() > 2 && body[0] == b'0' && (body[1] == b'x' || body[1] == b'X') {
        return parse_hex(&body[2..]).map(|v| if neg { -v } else { v });
    }
    // Decimal: digits, optional fraction, optional exponent; also inf/nan as strtod does.
    let text = std::str::from_utf8(t).ok()?;
    let lower = text.to_ascii_lowercase();
    let core = lower.trim_start_matches(['+', '-']);
    if core == "inf" || core == "infinity" || core == "nan" {
        let v: f64 = if core == "nan" {
            f64::NAN
        } else {
            f64::INFINITY
        };
        return Some(if lower.starts_with('-') { -v } else { v });
    }
    let ok = body
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.iter().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    text.parse::<f64>().ok()
}

/// Hex digits with an optional fraction and binary exponent (`1F`, `1.8p3`).
fn parse_hex(s: &[u8]) -> Option<f64> {
    let mut v: f64 = 0.0;
    let mut exp: i32 = 0;
    let mut any = false;
    let mut i = 0;
    let mut frac = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !frac {
            frac = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            v = v * 16.0 + d as f64;
            any = true;
            if frac {
                exp -= 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if i < s.len() {
        if s[i] != b'p' && s[i] != b'P' {
            return None;
        }
        let rest = std::str::from_utf8(&s[i + 1..]).ok()?;
        let e: i32 = rest.parse().ok()?;
        exp = exp.saturating_add(e);
    }
    Some(v * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_num(1e15), "1e+15");
        assert_eq!(fmt_num(1e14), "1e+14");
        assert_eq!(fmt_num(123456789012345678.0), "1.2345678901235e+17");
        assert_eq!(fmt_num(0.1), "0.1");
        assert_eq!(fmt_num(-0.0), "-0");
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(1e-5), "1e-05");
        assert_eq!(fmt_num(f64::NAN), "nan");
        assert_eq!(fmt_num(-1.0 / 0.0), "-inf");
        assert_eq!(fmt_num(100.25), "100.25");
        // Exact ties round away from zero, as LuaJIT prints them.
        assert_eq!(fmt_num(123456789012345.0), "1.2345678901235e+14");
        assert_eq!(fmt_f(2.5, 0), "3");
        assert_eq!(fmt_f(0.125, 2), "0.13");
        assert_eq!(fmt_f(-0.125, 2), "-0.13");
        assert_eq!(fmt_f(0.001, 1), "0.0");
        assert_eq!(fmt_f(0.05, 1), "0.1");
        assert_eq!(fmt_f(0.0951, 1), "0.1");
        assert_eq!(fmt_f(0.5, 0), "1");
        assert_eq!(fmt_f(0.25, 0), "0");
        assert_eq!(fmt_f(9.999, 2), "10.00");
        assert_eq!(fmt_f(1234.5678, 2), "1234.57");
        assert_eq!(fmt_e(12345.678, 6), "1.234568e+04");
        assert_eq!(fmt_g(0.0001, 6), "0.0001");
        assert_eq!(fmt_g(123456789.0, 6), "1.23457e+08");
        assert_eq!(fmt_g(9.9999999, 3), "10");
    }

    #[test]
    fn number_parsing() {
        assert_eq!(str_to_number(b" 10 "), Some(10.0));
        assert_eq!(str_to_number(b"0x1F"), Some(31.0));
        assert_eq!(str_to_number(b"-0x10"), Some(-16.0));
        assert_eq!(str_to_number(b"0x1p4"), Some(16.0));
        assert_eq!(str_to_number(b"0x.8"), Some(0.5));
        assert_eq!(str_to_number(b"0x"), None);
        assert_eq!(str_to_number(b"1e3"), Some(1000.0));
        assert_eq!(str_to_number(b".5"), Some(0.5));
        assert_eq!(str_to_number(b"abc"), None);
        assert_eq!(str_to_number(b""), None);
        assert_eq!(str_to_number(b"1 2"), None);
    }
}
