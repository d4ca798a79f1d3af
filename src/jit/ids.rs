//! Ids the JIT shares with the VM without depending on VM types.
//!
//! The JIT never holds VM pointers. It knows prototypes by a [`ProtoKey`] (a generational
//! key of the JIT's own prototype table, registered by the VM when a function first gets
//! hot or is first recorded), bytecode positions by [`BcPos`], and functions in logs and
//! constants by [`FuncRef`]. Whatever needs a name for one of them (the log formatters, the
//! IR printer) asks a [`FuncNames`] implementation, which the VM provides; tests provide a
//! small fake. Rules: nothing in `src/jit` may name a `vm::` type; add an id here instead.

slotmap::new_key_type! {
    /// A prototype known to the JIT (key into `World::protos`).
    pub struct ProtoKey;
    /// A trace's generational id (key into `World::traces`); its log number is separate.
    pub struct TraceId;
    /// A trace exit (key into `World::exits`).
    pub struct ExitId;
    /// A penalty cache entry (key into `World::penalties`).
    pub struct PenaltyId;
    /// A machine-code area (key into `World::mcode`).
    pub struct McodeId;
}

/// A bytecode position: prototype and instruction index (0 is the function header).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct BcPos {
    /// The prototype.
    pub proto: ProtoKey,
    /// Index into the prototype's bytecode.
    pub pc: u32,
}

/// A function as the logs name it (`funcinfo` in LuaJIT's jit.util).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum FuncRef {
    /// A Lua function, by prototype.
    Lua(ProtoKey),
    /// A fast function, by LuaJIT's fast-function id (named by `vmdef.ffnames`).
    Fast(u8),
    /// A C function, by address.
    C(u64),
}

/// The name service the printers use: chunk and line of a position, names of fast functions.
pub trait FuncNames {
    /// `chunk:line` of `pc` in `proto`; with `pc == None`, of the line the function is
    /// defined on (LuaJIT's `funcinfo(func)` without a pc).
    fn lua_loc(&self, proto: ProtoKey, pc: Option<u32>) -> String;
    /// The name of fast function `ffid` (`unpack`, `pairs`, ...).
    fn fast_name(&self, ffid: u8) -> String;

    /// The text jit.v and jit.dump print for `func` at `pc` (`fmtfunc`).
    fn func_loc(&self, func: FuncRef, pc: Option<u32>) -> String {
        match func {
            FuncRef::Lua(p) => self.lua_loc(p, pc),
            FuncRef::Fast(id) => self.fast_name(id),
            FuncRef::C(addr) => format!("C:{addr:x}"),
        }
    }
}
