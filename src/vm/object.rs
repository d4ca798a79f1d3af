//! Heap objects: strings, closures, upvalues, userdata, coroutines and loaded prototypes
//! (tables live in `table.rs`), and the typed references to them.
//!
//! Every heap object starts with a [`GcHeader`] (`#[repr(C)]`, header first) and is owned
//! by the collector's object list in `gc.rs`; Lua values hold raw addresses of them.
//! The typed references (`StrRef`, `TabRef`, ...) are `Copy` wrappers around a non-null
//! pointer.
//!
//! ## The one invariant behind every `unsafe` here
//!
//! A reference obtained from a live value stays valid until a garbage collection runs
//! while the object is unreachable from the roots (see `gc.rs`). Collections only happen at
//! the interpreter's safe points, so Rust code that holds a reference across a call into
//! Lua must keep the object reachable (on a Lua stack, in a table, in the registry).
//! The VM is single-threaded, and code never keeps two `&mut` borrows of the same object
//! alive at once: borrows are taken for the duration of one operation.

use super::table::Table;
use super::value::Value;
use crate::bc::{Proto, UvDesc};
use std::ptr::NonNull;

/// Which kind of object a header belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum GcKind {
    /// [`LStr`]
    Str,
    /// [`Table`]
    Tab,
    /// [`Closure`]
    Func,
    /// [`UpVal`]
    Upval,
    /// [`Udata`]
    Udata,
    /// [`Thread`]
    Thread,
    /// [`ProtoObj`]
    Proto,
}

/// The common header of heap objects.
#[derive(Debug)]
#[repr(C)]
pub struct GcHeader {
    /// Mark bit of the current collection.
    pub marked: bool,
    /// The object's kind.
    pub kind: GcKind,
    /// Userdata only: its finaliser has been queued or run.
    pub finalized: bool,
}

impl GcHeader {
    /// A fresh, unmarked header.
    pub fn new(kind: GcKind) -> GcHeader {
        GcHeader {
            marked: false,
            kind,
            finalized: false,
        }
    }
}

macro_rules! gc_refs {
    ($( $(#[$doc:meta])* $name:ident => $ty:ty; )*) => {$(
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        #[repr(transparent)]
        pub struct $name(NonNull<$ty>);

        impl $name {
            /// Wraps a pointer produced by the heap.
            #[inline(always)]
            pub fn from_ptr(p: *mut $ty) -> $name {
                $name(NonNull::new(p).expect("heap objects have non-null addresses"))
            }
            /// Rebuilds the reference from a value payload.
            #[inline(always)]
            pub fn from_addr(a: usize) -> $name {
                $name::from_ptr(a as *mut $ty)
            }
            /// The object's address (the value payload).
            #[inline(always)]
            pub fn addr(self) -> usize {
                self.0.as_ptr() as usize
            }
            /// The raw pointer.
            #[inline(always)]
            pub fn ptr(self) -> *mut $ty {
                self.0.as_ptr()
            }
            /// Mutable access for one operation (see the module invariant).
            #[inline(always)]
            #[allow(clippy::mut_from_ref, clippy::wrong_self_convention)]
            pub fn get_mut<'a>(self) -> &'a mut $ty {
                // SAFETY: the object is live (module invariant) and no other borrow of
                // it is active during the operation.
                unsafe { &mut *self.0.as_ptr() }
            }
        }

        impl std::ops::Deref for $name {
            type Target = $ty;
            #[inline(always)]
            fn deref(&self) -> &$ty {
                // SAFETY: the object is live (module invariant).
                unsafe { &*self.0.as_ptr() }
            }
        }
    )*};
}

gc_refs! {
    /// A reference to an interned string.
    StrRef => LStr;
    /// A reference to a table.
    TabRef => Table;
    /// A reference to a function (Lua or native closure).
    FnRef => Closure;
    /// A reference to an upvalue.
    UpRef => UpVal;
    /// A reference to a full userdata.
    UdRef => Udata;
    /// A reference to a coroutine.
    ThreadRef => Thread;
    /// A reference to a loaded prototype.
    ProtoRef => ProtoObj;
}

/// An interned, immutable byte string with its hash computed once.
#[repr(C)]
pub struct LStr {
    /// GC header.
    pub hdr: GcHeader,
    /// Hash of the bytes (used by tables and the intern table).
    pub hash: u64,
    /// The bytes.
    pub data: Box<[u8]>,
}

impl StrRef {
    /// The string's bytes.
    #[inline(always)]
    pub fn as_bytes<'a>(self) -> &'a [u8] {
        // SAFETY: the string is live (module invariant); strings are immutable.
        unsafe { &(*self.ptr()).data }
    }
    /// The string as (lossy) UTF-8 text.
    pub fn to_str_lossy(self) -> String {
        String::from_utf8_lossy(self.as_bytes()).into_owned()
    }
}

/// The signature of a Rust function callable from Lua. Arguments are the current frame's
/// slots (`Lua::arg`, `Lua::nargs`); results are pushed with `Lua::push` and their count
/// returned.
pub type NativeFn = fn(&mut super::Lua) -> Result<usize, super::LuaError>;

/// Natives the interpreter treats specially (frames instead of Rust recursion).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// An ordinary native.
    None,
    /// `pcall`
    Pcall,
    /// `xpcall`
    Xpcall,
    /// `next` (recognised by ISNEXT)
    Next,
    /// `coroutine.yield`
    Yield,
}

/// What a closure runs.
pub enum FuncKind {
    /// A Lua function.
    Lua {
        /// Its prototype.
        proto: ProtoRef,
        /// Its upvalues.
        upvals: Box<[UpRef]>,
    },
    /// A Rust function.
    Native {
        /// The function.
        f: NativeFn,
        /// Values it closes over.
        upvals: Box<[Value]>,
        /// Special handling by the interpreter.
        builtin: Builtin,
        /// Name used in error messages ("bad argument #1 to 'name'").
        name: &'static str,
    },
}

/// A function value.
#[repr(C)]
pub struct Closure {
    /// GC header.
    pub hdr: GcHeader,
    /// The function environment (Lua 5.1 `getfenv`/`setfenv`), a table.
    pub env: TabRef,
    /// Lua or native.
    pub kind: FuncKind,
}

/// An upvalue: open (aliasing a stack slot of `thread`) or closed (holding its value).
#[repr(C)]
pub struct UpVal {
    /// GC header.
    pub hdr: GcHeader,
    /// Points at the stack slot while open, at `closed` once closed.
    pub v: *mut Value,
    /// The value after closing.
    pub closed: Value,
    /// Stack index of the slot while open.
    pub slot: usize,
    /// Whether the upvalue is still open.
    pub open: bool,
}

impl UpVal {
    /// The current value.
    #[inline(always)]
    pub fn get(&self) -> Value {
        // SAFETY: `v` points at the live stack slot (open; rebased whenever the stack is
        // reallocated) or at `self.closed` (closed; fixed up when closing).
        unsafe { *self.v }
    }
    /// Assigns the value.
    #[inline(always)]
    pub fn set(&mut self, x: Value) {
        // SAFETY: as in `get`.
        unsafe { *self.v = x }
    }
}

/// A full userdata.
#[repr(C)]
pub struct Udata {
    /// GC header.
    pub hdr: GcHeader,
    /// Its metatable.
    pub meta: Option<TabRef>,
    /// Its environment table.
    pub env: Option<TabRef>,
    /// Rust payload, if any.
    pub payload: Option<Box<dyn std::any::Any>>,
}

/// Coroutine status.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CoStatus {
    /// Created or yielded.
    Suspended,
    /// Currently running.
    Running,
    /// Resumed another coroutine.
    Normal,
    /// Finished or died with an error.
    Dead,
}

/// Frame kinds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A Lua function called from Lua.
    Lua,
    /// A native function.
    Native,
    /// A Lua function called by `pcall`: results get `true` prepended.
    Pcall,
    /// A Lua function called by `xpcall`; the handler sits in slot `func`.
    Xpcall,
    /// A Lua comparison metamethod: on return, the caller takes the JMP after its
    /// comparison if the result is truthy.
    CmpTrue,
    /// As `CmpTrue`, taking the JMP if the result is falsy.
    CmpFalse,
    /// A Lua `__concat` metamethod: its result lands in `func` and the caller re-runs
    /// its CAT over the slots below.
    Cat,
}

/// One activation record. The function is always in slot `base - 2` (LuaJIT's GC64
/// frame layout; slot `base - 1` is the frame-link slot).
#[derive(Copy, Clone, Debug)]
pub struct Frame {
    /// First slot of the frame.
    pub base: u32,
    /// Where results go (the caller's call slot, or the slot after `true` for pcall).
    pub func: u32,
    /// Where the function was placed by the caller (tail calls move the callee here).
    pub fslot: u32,
    /// Saved program counter (next instruction) while another frame runs.
    pub pc: u32,
    /// Results wanted by the caller, -1 for all.
    pub nres: i32,
    /// Kind.
    pub kind: FrameKind,
    /// Native frames: first free slot (arguments end / pushed results).
    pub top: u32,
    /// Lua frames: when non-zero, the CAT about to be re-executed ends at slot
    /// `cont - 1` instead of its C operand (a `__concat` metamethod frame returned).
    pub cont: u32,
}

/// A coroutine (the main program runs on one too): its own stack and frames.
#[repr(C)]
pub struct Thread {
    /// GC header.
    pub hdr: GcHeader,
    /// The value stack.
    pub stack: Vec<Value>,
    /// Active frames, innermost last.
    pub frames: Vec<Frame>,
    /// First free slot above the active frame.
    pub top: usize,
    /// Open upvalues sorted by slot.
    pub open_upvals: Vec<UpRef>,
    /// Status.
    pub status: CoStatus,
    /// Number of multiple results left by the last call/VARG (for CALLM/RETM/TSETM).
    pub multres: usize,
    /// Whether the coroutine was just created and not yet started.
    pub fresh: bool,
    /// LuaJIT's stack size for this coroutine (see `ljstack.rs`).
    pub ljstack: super::ljstack::LjStack,
}

/// A prototype loaded into the heap: bytecode plus constants as values.
#[repr(C)]
pub struct ProtoObj {
    /// GC header.
    pub hdr: GcHeader,
    /// Bytecode (mutable: ISNEXT despecialises ITERN, the JIT patches hot ops).
    pub bc: Vec<u32>,
    /// GC constants indexed by D: strings, child prototypes, template tables.
    pub kgc: Vec<Value>,
    /// Number constants.
    pub knum: Vec<Value>,
    /// Upvalue descriptors.
    pub uv: Vec<UvDesc>,
    /// Fixed parameter count.
    pub numparams: u8,
    /// Slots needed.
    pub framesize: u8,
    /// Vararg function.
    pub is_vararg: bool,
    /// The address of `bc[0]` in a deterministic address space laid out as LuaJIT lays
    /// out its prototypes (a header, then bytecode and constants, one block per
    /// function, inner functions first). Hot counters hash instruction addresses, so
    /// using the real heap address would make trace decisions depend on unrelated
    /// allocations (the length of a path on the command line, say).
    pub hot_addr: u64,
    /// Debug information: line info, variable names, chunk name (its `kgc` and `bc` are
    /// emptied; the fields above are the executable copy).
    pub debug: Box<Proto>,
}

impl FnRef {
    /// What the function runs.
    #[inline(always)]
    pub fn kind<'a>(self) -> &'a FuncKind {
        &self.get_mut().kind
    }
    /// The prototype of a Lua function.
    #[inline(always)]
    pub fn lua_proto(self) -> Option<ProtoRef> {
        match self.kind() {
            FuncKind::Lua { proto, .. } => Some(*proto),
            FuncKind::Native { .. } => None,
        }
    }
}
