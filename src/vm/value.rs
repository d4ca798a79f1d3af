//! NaN-boxed 8-byte values in LuaJIT's GC64 layout.
//!
//! A [`Value`] is a `u64`. Numbers are stored as their IEEE-754 bits unchanged. Every other
//! type is a NaN whose upper 17 bits hold the *internal type* `itype = 0x1FFFF - k` (LuaJIT's
//! `~k` truncated to 17 bits) and whose lower 47 bits hold a payload: all ones for the
//! primitives (nil, false, true) and a heap pointer for collectable objects.
//!
//! ```text
//!  63        47 46                                        0
//! +------------+-------------------------------------------+
//! |  itype     |  payload (GC pointer, or all ones)        |
//! +------------+-------------------------------------------+
//! ```
//!
//! Rules for whoever changes this file:
//! - The native JIT backend reads and writes these bits directly; the tag numbers
//!   (`TAG_*`) are LuaJIT's and must not be reordered.
//! - A value is a number iff `bits >> 47 < ITYPE_NUMX`. Hardware arithmetic only ever
//!   produces the default NaN (`0xFFF8...`, itype 0x1FFF0) or propagates an input NaN, so
//!   arithmetic results never need checking; NaNs coming from outside (bit casts) go
//!   through [`Value::num`] which canonicalises payloads that would collide with tags.
//! - nil and false are the two largest bit patterns, so truthiness is one comparison.

use super::object::{FnRef, GcKind, ProtoRef, StrRef, TabRef, ThreadRef, UdRef};

/// Type numbers `k` (LuaJIT's `~itype`).
pub const TAG_NIL: u64 = 0;
/// `false`.
pub const TAG_FALSE: u64 = 1;
/// `true`.
pub const TAG_TRUE: u64 = 2;
/// Light userdata (unused by skein so far).
pub const TAG_LIGHTUD: u64 = 3;
/// String.
pub const TAG_STR: u64 = 4;
/// Upvalue (never stored in a Lua-visible slot).
pub const TAG_UPVAL: u64 = 5;
/// Coroutine.
pub const TAG_THREAD: u64 = 6;
/// Prototype (never Lua-visible).
pub const TAG_PROTO: u64 = 7;
/// Function.
pub const TAG_FUNC: u64 = 8;
/// Trace (reserved for the JIT).
pub const TAG_TRACE: u64 = 9;
/// FFI cdata (reserved).
pub const TAG_CDATA: u64 = 10;
/// Table.
pub const TAG_TAB: u64 = 11;
/// Full userdata.
pub const TAG_UDATA: u64 = 12;
/// Numbers are everything with an itype below this one.
pub const ITYPE_NUMX: u64 = 0x1FFFF - 13;

const PAYLOAD_MASK: u64 = (1 << 47) - 1;

#[inline(always)]
const fn itype_of(k: u64) -> u64 {
    0x1FFFF - k
}

/// A Lua value in 8 bytes.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(pub u64);

const _: () = assert!(std::mem::size_of::<Value>() == 8);

impl Value {
    /// `nil`.
    pub const NIL: Value = Value(!0);
    /// `false`.
    pub const FALSE: Value = Value(!(TAG_FALSE << 47));
    /// `true`.
    pub const TRUE: Value = Value(!(TAG_TRUE << 47));

    /// A number; NaN payloads that would look like tagged values are canonicalised.
    #[inline(always)]
    pub fn num(n: f64) -> Value {
        let bits = n.to_bits();
        if bits >> 47 >= ITYPE_NUMX {
            Value(0xFFF8_0000_0000_0000)
        } else {
            Value(bits)
        }
    }

    /// The result of hardware arithmetic on numbers: no NaN check is needed, because
    /// arithmetic only produces the default NaN or propagates an operand's (canonical) NaN.
    #[inline(always)]
    pub fn from_arith(n: f64) -> Value {
        Value(n.to_bits())
    }

    /// A boolean.
    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    #[inline(always)]
    fn gc(ptr: usize, k: u64) -> Value {
        Value((ptr as u64 & PAYLOAD_MASK) | (itype_of(k) << 47))
    }

    /// A string value.
    #[inline(always)]
    pub fn str(s: StrRef) -> Value {
        Value::gc(s.addr(), TAG_STR)
    }
    /// A table value.
    #[inline(always)]
    pub fn tab(t: TabRef) -> Value {
        Value::gc(t.addr(), TAG_TAB)
    }
    /// A function value.
    #[inline(always)]
    pub fn func(f: FnRef) -> Value {
        Value::gc(f.addr(), TAG_FUNC)
    }
    /// A userdata value.
    #[inline(always)]
    pub fn udata(u: UdRef) -> Value {
        Value::gc(u.addr(), TAG_UDATA)
    }
    /// A coroutine value.
    #[inline(always)]
    pub fn thread(t: ThreadRef) -> Value {
        Value::gc(t.addr(), TAG_THREAD)
    }
    /// A prototype (internal; stored only in constant tables).
    #[inline(always)]
    pub fn proto(p: ProtoRef) -> Value {
        Value::gc(p.addr(), TAG_PROTO)
    }

    /// The internal type field (upper 17 bits).
    #[inline(always)]
    pub fn itype(self) -> u64 {
        self.0 >> 47
    }
    /// Whether the value is a number.
    #[inline(always)]
    pub fn is_num(self) -> bool {
        self.itype() < ITYPE_NUMX
    }
    /// The number, assuming [`Value::is_num`].
    #[inline(always)]
    pub fn as_num_unchecked(self) -> f64 {
        f64::from_bits(self.0)
    }
    /// The number, if it is one.
    #[inline(always)]
    pub fn as_num(self) -> Option<f64> {
        if self.is_num() {
            Some(f64::from_bits(self.0))
        } else {
            None
        }
    }
    /// Whether the value is `nil`.
    #[inline(always)]
    pub fn is_nil(self) -> bool {
        self.0 == !0
    }
    /// Lua truthiness: everything but nil and false.
    #[inline(always)]
    pub fn truthy(self) -> bool {
        self.0 < Value::FALSE.0
    }
    /// Whether the value is a boolean.
    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self == Value::TRUE || self == Value::FALSE
    }
    #[inline(always)]
    fn has_tag(self, k: u64) -> bool {
        self.itype() == itype_of(k)
    }
    #[inline(always)]
    fn ptr(self) -> usize {
        (self.0 & PAYLOAD_MASK) as usize
    }
    /// Whether the value is a string.
    #[inline(always)]
    pub fn is_str(self) -> bool {
        self.has_tag(TAG_STR)
    }
    /// Whether the value is a table.
    #[inline(always)]
    pub fn is_tab(self) -> bool {
        self.has_tag(TAG_TAB)
    }
    /// Whether the value is a function.
    #[inline(always)]
    pub fn is_func(self) -> bool {
        self.has_tag(TAG_FUNC)
    }
    /// The string, if it is one.
    #[inline(always)]
    pub fn as_str(self) -> Option<StrRef> {
        if self.is_str() {
            Some(StrRef::from_addr(self.ptr()))
        } else {
            None
        }
    }
    /// The table, if it is one.
    #[inline(always)]
    pub fn as_tab(self) -> Option<TabRef> {
        if self.is_tab() {
            Some(TabRef::from_addr(self.ptr()))
        } else {
            None
        }
    }
    /// The function, if it is one.
    #[inline(always)]
    pub fn as_func(self) -> Option<FnRef> {
        if self.is_func() {
            Some(FnRef::from_addr(self.ptr()))
        } else {
            None
        }
    }
    /// The userdata, if it is one.
    #[inline(always)]
    pub fn as_udata(self) -> Option<UdRef> {
        if self.has_tag(TAG_UDATA) {
            Some(UdRef::from_addr(self.ptr()))
        } else {
            None
        }
    }
    /// The coroutine, if it is one.
    #[inline(always)]
    pub fn as_thread(self) -> Option<ThreadRef> {
        if self.has_tag(TAG_THREAD) {
            Some(ThreadRef::from_addr(self.ptr()))
        } else {
            None
        }
    }
    /// The prototype, if it is one.
    #[inline(always)]
    pub fn as_proto(self) -> Option<ProtoRef> {
        if self.has_tag(TAG_PROTO) {
            Some(ProtoRef::from_addr(self.ptr()))
        } else {
            None
        }
    }

    /// The heap object kind and address, for collectable values.
    #[inline]
    pub fn gc_object(self) -> Option<(GcKind, usize)> {
        let it = self.itype();
        if it < ITYPE_NUMX {
            return None;
        }
        let k = 0x1FFFF - it;
        let kind = match k {
            TAG_STR => GcKind::Str,
            TAG_TAB => GcKind::Tab,
            TAG_FUNC => GcKind::Func,
            TAG_UDATA => GcKind::Udata,
            TAG_THREAD => GcKind::Thread,
            TAG_PROTO => GcKind::Proto,
            _ => return None,
        };
        Some((kind, self.ptr()))
    }

    /// The Lua type of the value.
    pub fn type_of(self) -> LuaType {
        if self.is_num() {
            return LuaType::Number;
        }
        match 0x1FFFF - self.itype() {
            TAG_NIL => LuaType::Nil,
            TAG_FALSE | TAG_TRUE => LuaType::Boolean,
            TAG_STR => LuaType::String,
            TAG_TAB => LuaType::Table,
            TAG_FUNC => LuaType::Function,
            TAG_THREAD => LuaType::Thread,
            TAG_LIGHTUD | TAG_UDATA => LuaType::Userdata,
            _ => LuaType::Proto,
        }
    }

    /// The Lua type name (`"nil"`, `"number"`, ...).
    pub fn type_name(self) -> &'static str {
        self.type_of().name()
    }

    /// Raw equality (no metamethods): numbers by value, everything else by identity.
    #[inline(always)]
    pub fn raw_eq(self, other: Value) -> bool {
        if self.is_num() && other.is_num() {
            self.as_num_unchecked() == other.as_num_unchecked()
        } else {
            self.0 == other.0
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(n) = self.as_num() {
            return write!(f, "{n}");
        }
        if let Some(s) = self.as_str() {
            return write!(f, "{:?}", String::from_utf8_lossy(s.as_bytes()));
        }
        match self.type_of() {
            LuaType::Nil => write!(f, "nil"),
            LuaType::Boolean => write!(f, "{}", self.truthy()),
            t => write!(f, "{}: {:#x}", t.name(), self.ptr()),
        }
    }
}

/// The Lua-visible types (plus the internal prototype type).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LuaType {
    /// nil
    Nil,
    /// true/false
    Boolean,
    /// numbers (doubles)
    Number,
    /// strings
    String,
    /// tables
    Table,
    /// functions
    Function,
    /// coroutines
    Thread,
    /// userdata
    Userdata,
    /// internal prototypes
    Proto,
}

impl LuaType {
    /// The name `type()` returns.
    pub fn name(self) -> &'static str {
        match self {
            LuaType::Nil => "nil",
            LuaType::Boolean => "boolean",
            LuaType::Number => "number",
            LuaType::String => "string",
            LuaType::Table => "table",
            LuaType::Function => "function",
            LuaType::Thread => "thread",
            LuaType::Userdata => "userdata",
            LuaType::Proto => "proto",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_and_numbers() {
        assert!(!Value::NIL.truthy() && !Value::FALSE.truthy() && Value::TRUE.truthy());
        assert!(Value::num(0.0).truthy() && Value::num(0.0).is_num());
        assert!(Value::num(f64::NAN).is_num() && Value::num(-f64::NAN).is_num());
        assert!(!Value::NIL.is_num() && !Value::TRUE.is_num());
        assert_eq!(
            Value::num(f64::from_bits(0xFFFF_0000_0000_0001)).0,
            0xFFF8_0000_0000_0000
        );
        assert_eq!(Value::NIL.type_name(), "nil");
        assert!(Value::num(0.0).raw_eq(Value::num(-0.0)));
        assert!(!Value::num(f64::NAN).raw_eq(Value::num(f64::NAN)));
        // LuaJIT GC64: false = 0xFFFF7FFFFFFFFFFF.
        assert_eq!(Value::FALSE.0, 0xFFFF_7FFF_FFFF_FFFF);
    }
}
