//! LuaJIT 2.1 bytecode: the instruction set, its numbering, operand modes and encoding.
//!
//! skein compiles Lua source to exactly the bytecode LuaJIT 2.1 would produce, because the
//! tracing JIT records bytecode and every trace decision (where a trace starts, which
//! bytecode aborts it with "NYI: bytecode 51") depends on it. This module is the single
//! declarative list of opcodes: `bcdef!` below generates the [`Op`] enum, the names used by
//! `-bl` listings and `jit.vmdef`-style tables, and the operand modes that listings and the
//! recorder use to interpret operands.
//!
//! ## Encoding
//!
//! An instruction is a `u32` laid out as LuaJIT lays it out:
//!
//! ```text
//!  31      24 23      16 15       8 7        0
//! +----------+----------+----------+----------+
//! |    B     |    C     |    A     |    OP    |   ABC form
//! +----------+----------+----------+----------+
//! |          D          |    A     |    OP    |   AD form
//! +---------------------+----------+----------+
//! ```
//!
//! Jump offsets live in D, biased by [`JUMP_BIAS`]; the target of a jump at `pc` is
//! `pc + 1 + (D - JUMP_BIAS)`.
//!
//! ## Rules for whoever changes the list
//!
//! The order is LuaJIT's and is load-bearing: opcode numbers appear in abort messages
//! ("NYI: bytecode 51" is FNEW), comparison ops are ordered so that `op ^ 1` negates a
//! comparison in pairs, the arithmetic ops are ordered VN, NV, VV with POW after the VV
//! block, and each hot-counted op (FORL, ITERL, LOOP, FUNCF, FUNCV) is followed by its
//! I- (never counted) and J- (entered a trace) variants. The `const` assertions at the end
//! of this file pin the numbers that other code relies on.

pub mod proto;

pub use proto::{KGc, KTable, KValue, Proto, ProtoFlags, UvDesc, VarInfo};

/// How an operand field of an instruction is interpreted.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Unused field.
    None,
    /// Destination slot.
    Dst,
    /// Base slot of a range (call base, KNIL start, ...).
    Base,
    /// Variable slot (read).
    Var,
    /// Read-only base slot.
    Rbase,
    /// Upvalue index.
    Uv,
    /// Unsigned literal.
    Lit,
    /// Signed 16-bit literal.
    Lits,
    /// Primitive: 0 nil, 1 false, 2 true.
    Pri,
    /// Index into the number constants.
    Num,
    /// Index into the GC constants, a string.
    Str,
    /// Index into the GC constants, a template table.
    Tab,
    /// Index into the GC constants, a child prototype.
    Func,
    /// Biased jump offset.
    Jump,
    /// Index into the GC constants, a cdata constant (FFI only).
    Cdata,
}

/// The metamethod an instruction may invoke, as LuaJIT classifies it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MetaMethod {
    /// The instruction never calls a metamethod.
    None,
    /// `__index`.
    Index,
    /// `__newindex`.
    Newindex,
    /// `__gc`.
    Gc,
    /// `__eq`.
    Eq,
    /// `__len`.
    Len,
    /// `__lt`.
    Lt,
    /// `__le`.
    Le,
    /// `__concat`.
    Concat,
    /// `__call`.
    Call,
    /// `__add`.
    Add,
    /// `__sub`.
    Sub,
    /// `__mul`.
    Mul,
    /// `__div`.
    Div,
    /// `__mod`.
    Mod,
    /// `__pow`.
    Pow,
    /// `__unm`.
    Unm,
}

macro_rules! bcdef {
    ($( $name:ident $a:ident $b:ident $cd:ident $mm:ident ; )*) => {
        /// A LuaJIT 2.1 bytecode opcode. The discriminant is LuaJIT's opcode number.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Op { $( $name, )* }

        /// Every opcode in numbering order.
        pub const ALL_OPS: &[Op] = &[ $( Op::$name, )* ];

        /// Opcode names in numbering order, as `luajit -bl` prints them.
        pub const OP_NAMES: &[&str] = &[ $( stringify!($name), )* ];

        const OP_MODES: &[(Mode, Mode, Mode, MetaMethod)] = &[
            $( (Mode::$a, Mode::$b, Mode::$cd, MetaMethod::$mm), )*
        ];
    };
}

bcdef! {
    // Comparison ops. Pairs differ in the lowest bit.
    ISLT   Var   None  Var   Lt;
    ISGE   Var   None  Var   Lt;
    ISLE   Var   None  Var   Le;
    ISGT   Var   None  Var   Le;
    ISEQV  Var   None  Var   Eq;
    ISNEV  Var   None  Var   Eq;
    ISEQS  Var   None  Str   Eq;
    ISNES  Var   None  Str   Eq;
    ISEQN  Var   None  Num   Eq;
    ISNEN  Var   None  Num   Eq;
    ISEQP  Var   None  Pri   Eq;
    ISNEP  Var   None  Pri   Eq;
    // Unary test and copy ops.
    ISTC   Dst   None  Var   None;
    ISFC   Dst   None  Var   None;
    IST    None  None  Var   None;
    ISF    None  None  Var   None;
    ISTYPE Var   None  Lit   None;
    ISNUM  Var   None  Lit   None;
    // Unary ops.
    MOV    Dst   None  Var   None;
    NOT    Dst   None  Var   None;
    UNM    Dst   None  Var   Unm;
    LEN    Dst   None  Var   Len;
    // Binary ops: VN, NV, VV, then POW and CAT.
    ADDVN  Dst   Var   Num   Add;
    SUBVN  Dst   Var   Num   Sub;
    MULVN  Dst   Var   Num   Mul;
    DIVVN  Dst   Var   Num   Div;
    MODVN  Dst   Var   Num   Mod;
    ADDNV  Dst   Var   Num   Add;
    SUBNV  Dst   Var   Num   Sub;
    MULNV  Dst   Var   Num   Mul;
    DIVNV  Dst   Var   Num   Div;
    MODNV  Dst   Var   Num   Mod;
    ADDVV  Dst   Var   Var   Add;
    SUBVV  Dst   Var   Var   Sub;
    MULVV  Dst   Var   Var   Mul;
    DIVVV  Dst   Var   Var   Div;
    MODVV  Dst   Var   Var   Mod;
    POW    Dst   Var   Var   Pow;
    CAT    Dst   Rbase Rbase Concat;
    // Constant ops.
    KSTR   Dst   None  Str   None;
    KCDATA Dst   None  Cdata None;
    KSHORT Dst   None  Lits  None;
    KNUM   Dst   None  Num   None;
    KPRI   Dst   None  Pri   None;
    KNIL   Base  None  Base  None;
    // Upvalue and function ops.
    UGET   Dst   None  Uv    None;
    USETV  Uv    None  Var   None;
    USETS  Uv    None  Str   None;
    USETN  Uv    None  Num   None;
    USETP  Uv    None  Pri   None;
    UCLO   Rbase None  Jump  None;
    FNEW   Dst   None  Func  Gc;
    // Table ops.
    TNEW   Dst   None  Lit   Gc;
    TDUP   Dst   None  Tab   Gc;
    GGET   Dst   None  Str   Index;
    GSET   Var   None  Str   Newindex;
    TGETV  Dst   Var   Var   Index;
    TGETS  Dst   Var   Str   Index;
    TGETB  Dst   Var   Lit   Index;
    TGETR  Dst   Var   Var   Index;
    TSETV  Var   Var   Var   Newindex;
    TSETS  Var   Var   Str   Newindex;
    TSETB  Var   Var   Lit   Newindex;
    TSETM  Base  None  Num   Newindex;
    TSETR  Var   Var   Var   Newindex;
    // Calls and vararg handling. T = tail call.
    CALLM  Base  Lit   Lit   Call;
    CALL   Base  Lit   Lit   Call;
    CALLMT Base  None  Lit   Call;
    CALLT  Base  None  Lit   Call;
    ITERC  Base  Lit   Lit   Call;
    ITERN  Base  Lit   Lit   Call;
    VARG   Base  Lit   Lit   None;
    ISNEXT Base  None  Jump  None;
    // Returns.
    RETM   Base  None  Lit   None;
    RET    Rbase None  Lit   None;
    RET0   Rbase None  Lit   None;
    RET1   Rbase None  Lit   None;
    // Loops and branches. I = interpreter only (never hot-counted), J = enters a trace.
    FORI   Base  None  Jump  None;
    JFORI  Base  None  Jump  None;
    FORL   Base  None  Jump  None;
    IFORL  Base  None  Jump  None;
    JFORL  Base  None  Lit   None;
    ITERL  Base  None  Jump  None;
    IITERL Base  None  Jump  None;
    JITERL Base  None  Lit   None;
    LOOP   Rbase None  Jump  None;
    ILOOP  Rbase None  Jump  None;
    JLOOP  Rbase None  Lit   None;
    JMP    Rbase None  Jump  None;
    // Function headers. F = fixed args, V = vararg, C = C function.
    FUNCF  Rbase None  None  None;
    IFUNCF Rbase None  None  None;
    JFUNCF Rbase None  Lit   None;
    FUNCV  Rbase None  None  None;
    IFUNCV Rbase None  None  None;
    JFUNCV Rbase None  Lit   None;
    FUNCC  Rbase None  None  None;
    FUNCCW Rbase None  None  None;
}

/// Number of opcodes.
pub const NUM_OPS: usize = ALL_OPS.len();

/// Bias added to jump offsets stored in the D field.
pub const JUMP_BIAS: u32 = 0x8000;

/// "No register" marker used by the parser for unset slots (LuaJIT's NO_REG).
pub const NO_REG: u32 = 0xff;

/// An instruction word.
pub type Ins = u32;

impl Op {
    /// LuaJIT's name of the opcode (`"FNEW"`).
    #[inline]
    pub fn name(self) -> &'static str {
        OP_NAMES[self as usize]
    }

    /// The opcode with number `n`, if there is one.
    #[inline]
    pub fn from_u8(n: u8) -> Option<Op> {
        ALL_OPS.get(n as usize).copied()
    }

    /// The opcode called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Op> {
        OP_NAMES.iter().position(|n| *n == name).map(|i| ALL_OPS[i])
    }

    /// Mode of the A operand.
    #[inline]
    pub fn mode_a(self) -> Mode {
        OP_MODES[self as usize].0
    }

    /// Mode of the B operand (`Mode::None` for AD-form instructions).
    #[inline]
    pub fn mode_b(self) -> Mode {
        OP_MODES[self as usize].1
    }

    /// Mode of the C or D operand.
    #[inline]
    pub fn mode_cd(self) -> Mode {
        OP_MODES[self as usize].2
    }

    /// Whether the instruction has the AD form (a 16-bit D operand) rather than ABC.
    #[inline]
    pub fn is_ad(self) -> bool {
        self.mode_b() == Mode::None
    }

    /// The metamethod the instruction may invoke.
    #[inline]
    pub fn metamethod(self) -> MetaMethod {
        OP_MODES[self as usize].3
    }

    /// The opcode whose number is one higher (the I-variant of a hot-counted op,
    /// the negated form of a comparison ...).
    #[inline]
    pub fn offset(self, by: u8) -> Op {
        ALL_OPS[self as usize + by as usize]
    }
}

/// Builds an ABC-form instruction.
#[inline]
pub const fn ins_abc(op: Op, a: u32, b: u32, c: u32) -> Ins {
    (op as u32) | (a << 8) | (b << 24) | (c << 16)
}

/// Builds an AD-form instruction.
#[inline]
pub const fn ins_ad(op: Op, a: u32, d: u32) -> Ins {
    (op as u32) | (a << 8) | (d << 16)
}

/// Builds a jump-form instruction from a signed offset (target = pc + 1 + offset).
#[inline]
pub const fn ins_aj(op: Op, a: u32, offset: i32) -> Ins {
    ins_ad(op, a, (offset + JUMP_BIAS as i32) as u32)
}

/// The opcode number of an instruction.
#[inline]
pub const fn op_num(i: Ins) -> u8 {
    (i & 0xff) as u8
}

/// The opcode of an instruction. Instructions are only built from [`Op`]s, so every
/// opcode byte is valid; an invalid byte maps to `FUNCCW` rather than panicking.
#[inline]
pub fn op(i: Ins) -> Op {
    Op::from_u8(op_num(i)).unwrap_or(Op::FUNCCW)
}

/// The A field.
#[inline]
pub const fn a(i: Ins) -> u32 {
    (i >> 8) & 0xff
}

/// The B field.
#[inline]
pub const fn b(i: Ins) -> u32 {
    i >> 24
}

/// The C field.
#[inline]
pub const fn c(i: Ins) -> u32 {
    (i >> 16) & 0xff
}

/// The D field.
#[inline]
pub const fn d(i: Ins) -> u32 {
    i >> 16
}

/// The signed jump offset stored in D.
#[inline]
pub const fn j(i: Ins) -> i32 {
    d(i) as i32 - JUMP_BIAS as i32
}

/// Replaces the opcode of an instruction, keeping its operands.
#[inline]
pub const fn set_op(i: Ins, op: Op) -> Ins {
    (i & !0xff) | op as u32
}

/// Replaces the A field.
#[inline]
pub const fn set_a(i: Ins, a: u32) -> Ins {
    (i & !0xff00) | (a << 8)
}

/// Replaces the D field.
#[inline]
pub const fn set_d(i: Ins, d: u32) -> Ins {
    (i & 0xffff) | (d << 16)
}

// Numbers other code and log formats depend on (the brief and `jit.vmdef` list them).
const _: () = {
    assert!(Op::ISLT as u8 == 0);
    assert!(Op::FNEW as u8 == 51);
    assert!(Op::VARG as u8 == 71);
    assert!(Op::FORL as u8 == 79);
    assert!(Op::FUNCF as u8 == 89);
    assert!(Op::FUNCCW as u8 == 96);
    // Hot-counted ops are followed by their I- and J-variants.
    assert!(Op::IFORL as u8 == Op::FORL as u8 + 1 && Op::JFORL as u8 == Op::FORL as u8 + 2);
    assert!(Op::IITERL as u8 == Op::ITERL as u8 + 1 && Op::JITERL as u8 == Op::ITERL as u8 + 2);
    assert!(Op::ILOOP as u8 == Op::LOOP as u8 + 1 && Op::JLOOP as u8 == Op::LOOP as u8 + 2);
    assert!(Op::IFUNCF as u8 == Op::FUNCF as u8 + 1 && Op::JFUNCF as u8 == Op::FUNCF as u8 + 2);
    assert!(Op::IFUNCV as u8 == Op::FUNCV as u8 + 1 && Op::JFUNCV as u8 == Op::FUNCV as u8 + 2);
    // Arithmetic blocks are laid out VN, NV, VV in the same order.
    assert!(Op::ADDNV as u8 - Op::ADDVN as u8 == 5 && Op::ADDVV as u8 - Op::ADDVN as u8 == 10);
    assert!(Op::POW as u8 == Op::MODVV as u8 + 1);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_luajit_vmdef() {
        // `luajit -e 'print(require("jit.vmdef").bcnames)'`, six characters per name.
        let vmdef = "ISLT  ISGE  ISLE  ISGT  ISEQV ISNEV ISEQS ISNES ISEQN ISNEN ISEQP ISNEP ISTC  ISFC  IST   ISF   ISTYPEISNUM MOV   NOT   UNM   LEN   ADDVN SUBVN MULVN DIVVN MODVN ADDNV SUBNV MULNV DIVNV MODNV ADDVV SUBVV MULVV DIVVV MODVV POW   CAT   KSTR  KCDATAKSHORTKNUM  KPRI  KNIL  UGET  USETV USETS USETN USETP UCLO  FNEW  TNEW  TDUP  GGET  GSET  TGETV TGETS TGETB TGETR TSETV TSETS TSETB TSETM TSETR CALLM CALL  CALLMTCALLT ITERC ITERN VARG  ISNEXTRETM  RET   RET0  RET1  FORI  JFORI FORL  IFORL JFORL ITERL IITERLJITERLLOOP  ILOOP JLOOP JMP   FUNCF IFUNCFJFUNCFFUNCV IFUNCVJFUNCVFUNCC FUNCCW";
        let names: Vec<&str> = (0..vmdef.len() / 6)
            .map(|i| vmdef[i * 6..i * 6 + 6].trim_end())
            .collect();
        assert_eq!(names, OP_NAMES);
    }

    #[test]
    fn encoding_round_trips() {
        let i = ins_abc(Op::ADDVV, 3, 200, 17);
        assert_eq!((op(i), a(i), b(i), c(i)), (Op::ADDVV, 3, 200, 17));
        let i = ins_aj(Op::JMP, 5, -3);
        assert_eq!((op(i), a(i), j(i)), (Op::JMP, 5, -3));
        assert_eq!(Op::from_name("FNEW"), Some(Op::FNEW));
        assert!(Op::TGETS.metamethod() == MetaMethod::Index && !Op::TGETS.is_ad());
    }
}
