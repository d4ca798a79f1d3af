//! The virtual machine: values, heap and garbage collector, interpreter, coroutines.
//!
//! A [`Lua`] state owns a heap of objects (`gc.rs`), a main [`object::Thread`] with a
//! contiguous value stack and a frame list, the globals table and the registry. Source is
//! compiled by `crate::front`, loaded into the heap (`load.rs`: strings interned once,
//! template tables built once) and executed by the interpreter (`interp.rs`), one dispatch
//! loop over LuaJIT 2.1 bytecode.
//!
//! Module map:
//! - `value.rs`: the NaN-boxed [`Value`] (LuaJIT GC64 tagging).
//! - `object.rs`: heap object layouts and typed references.
//! - `table.rs`: tables (array part + open-addressing hash part).
//! - `gc.rs`: allocation, interning and the mark-and-sweep collector.
//! - `load.rs`: turning a [`crate::bc::Proto`] into heap prototypes and closures.
//! - `interp.rs`: the dispatch loop, calls/returns, pcall frames, coroutines.
//! - `meta.rs`: metamethod lookup and the slow paths of indexing, arithmetic, comparison.
//! - `debug.rs`: error positions, variable names for messages, tracebacks.
//! - `jit_hook.rs`: the hook through which hot-counted bytecodes reach the JIT.
//! - `ljstack.rs`: LuaJIT's stack size beside ours (it decides hot counts in recursion).
//!
//! Rules: Rust code that holds heap references across a call into Lua must keep them
//! reachable (see `gc.rs`); natives read arguments with [`Lua::arg`] and push results
//! with [`Lua::push`].

pub mod api;
pub mod debug;
pub mod gc;
pub mod interp;
pub mod jit_hook;
pub mod ljstack;
pub mod load;
pub mod meta;
pub mod object;
pub mod table;
pub mod value;

pub use jit_hook::{JitEvent, JitHook};
pub use object::{FnRef, NativeFn, StrRef, TabRef, ThreadRef};
pub use value::{LuaType, Value};

use object::*;

macro_rules! metamethods {
    ($( $name:ident $text:literal ; )*) => {
        /// Metamethod names, in LuaJIT's order.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum MM { $( #[doc = $text] $name, )* }
        /// The metamethod name strings.
        pub const MM_NAMES: &[&str] = &[ $( $text, )* ];
    };
}

metamethods! {
    Index "__index";
    Newindex "__newindex";
    Gc "__gc";
    Mode "__mode";
    Eq "__eq";
    Len "__len";
    Lt "__lt";
    Le "__le";
    Concat "__concat";
    Call "__call";
    Add "__add";
    Sub "__sub";
    Mul "__mul";
    Div "__div";
    Mod "__mod";
    Pow "__pow";
    Unm "__unm";
    Metatable "__metatable";
    Tostring "__tostring";
}

/// Number of metamethods.
pub const MM_COUNT: usize = MM_NAMES.len();

/// Most stack slots a coroutine may use before "stack overflow" (about the recursion
/// depth LuaJIT allows: ~32k levels of a small function).
pub const MAX_STACK: usize = 131_000;
/// Most nested Rust-level calls into Lua (metamethods, natives calling Lua, resumes).
pub const MAX_C_DEPTH: u32 = 190;
/// Most Rust stack the nested calls may use (safe on 2 MB threads).
pub const MAX_RUST_STACK: usize = 1 << 20;

/// A Lua error or a coroutine yield travelling up the Rust stack.
#[derive(Debug, Clone, Copy)]
pub enum LuaError {
    /// An error with its error object.
    Error(Value),
    /// A coroutine yield with this many values at the top of the running thread.
    Yield(usize),
}

impl std::fmt::Display for LuaError {
    /// Strings and numbers print as text; other error objects are described by type
    /// (use [`Lua::error_text`] for `__tostring`-free formatting with the state).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            LuaError::Error(v) => {
                if let Some(s) = v.as_str() {
                    write!(f, "{}", s.to_str_lossy())
                } else if let Some(n) = v.as_num() {
                    write!(f, "{}", meta::fmt_num(n))
                } else {
                    write!(f, "(error object is a {} value)", v.type_name())
                }
            }
            LuaError::Yield(_) => write!(f, "attempt to yield from outside a coroutine"),
        }
    }
}

impl std::error::Error for LuaError {}

/// A Lua state: heap, globals, threads.
pub struct Lua {
    pub(crate) heap: gc::Heap,
    /// The globals table (`_G`).
    pub globals: TabRef,
    /// The registry (for Rust-side references).
    pub registry: TabRef,
    /// Metatables of the basic types (index by [`LuaType`] as usize): string etc.
    pub type_meta: [Option<TabRef>; 9],
    /// Interned metamethod names.
    pub(crate) mm: [StrRef; MM_COUNT],
    /// The main thread.
    pub(crate) main: ThreadRef,
    /// The running thread.
    pub(crate) cur: ThreadRef,
    /// Nested Rust-level calls into Lua.
    pub(crate) c_depth: u32,
    /// Rust-level calls on the running coroutine (yield is impossible while > 0).
    pub(crate) nny: u32,
    /// Values kept alive on behalf of Rust code.
    pub pinned: Vec<Value>,
    /// Hook for hot-counted bytecodes.
    pub jit_hook: Option<Box<dyn JitHook>>,
    /// (jitrec) Set while a trace is being recorded: the interpreter calls
    /// `JitHook::record` before each instruction.
    pub jit_recording: bool,
    /// (jitrec) Set by `JitHook::record` when it moved the top frame's pc (it ran a
    /// trace): the interpreter reloads the frame instead of executing the instruction.
    pub jit_reload: bool,
    /// While `jit.attach` handlers run, the JIT hook is detached (it is the caller); this
    /// points at it so that read-only queries (`jit.util`) still work. Set and cleared
    /// only by the hook around handler calls, never dereferenced otherwise.
    pub jit_view: Option<*const dyn std::any::Any>,
    /// Capture a traceback when an error escapes every pcall of the main thread.
    pub want_traceback: bool,
    /// The traceback captured for the last uncaught error.
    pub traceback: Option<String>,
    /// The builtin `next` (recognised by ISNEXT).
    pub(crate) next_fn: Option<FnRef>,
    /// Where `print` and `io.write` write (buffered standard output by default).
    pub out: Box<dyn std::io::Write>,
    /// Limits for untrusted code, charged at hot-counted ops (see `crate::embed::limits`).
    pub limits: Option<Box<crate::embed::limits::ExecLimits>>,
    /// A collection (and its finalizers) is running.
    pub(crate) in_gc: bool,
    /// Rust stack address at the outermost call into Lua.
    pub(crate) stack_origin: usize,
}

impl Drop for Lua {
    fn drop(&mut self) {
        self.flush_out();
    }
}

impl Default for Lua {
    fn default() -> Self {
        Lua::new()
    }
}

impl Lua {
    /// A state with the base library, coroutine library and the bootstrap library subset.
    pub fn new() -> Lua {
        let mut l = Lua::bare();
        crate::stdlib::open_libs(&mut l);
        l
    }

    /// A state with no libraries loaded.
    pub fn bare() -> Lua {
        let mut heap = gc::Heap::default();
        // Bootstrap: build the first objects by hand, then move them into the state.
        let globals = TabRef::from_ptr(Box::into_raw(Box::new(table::Table::new(0, 64))));
        let registry = TabRef::from_ptr(Box::into_raw(Box::new(table::Table::new(0, 4))));
        heap.objects.push((GcKind::Tab, globals.addr()));
        heap.objects.push((GcKind::Tab, registry.addr()));
        let dummy = StrRef::from_ptr(std::ptr::NonNull::<LStr>::dangling().as_ptr());
        let mut l = Lua {
            heap,
            globals,
            registry,
            type_meta: [None; 9],
            mm: [dummy; MM_COUNT],
            main: ThreadRef::from_ptr(std::ptr::NonNull::<Thread>::dangling().as_ptr()),
            cur: ThreadRef::from_ptr(std::ptr::NonNull::<Thread>::dangling().as_ptr()),
            c_depth: 0,
            nny: 0,
            pinned: Vec::new(),
            jit_hook: None,
            jit_recording: false,
            jit_reload: false,
            jit_view: None,
            want_traceback: false,
            traceback: None,
            next_fn: None,
            out: Box::new(std::io::BufWriter::new(std::io::stdout())),
            limits: None,
            in_gc: false,
            stack_origin: 0,
        };
        for (i, name) in MM_NAMES.iter().enumerate() {
            l.mm[i] = l.intern(name.as_bytes());
        }
        let main = l.new_thread();
        main.get_mut().status = CoStatus::Running;
        main.get_mut().fresh = false;
        l.main = main;
        l.cur = main;
        l
    }

    /// The running thread.
    #[inline(always)]
    pub(crate) fn th(&self) -> &'static mut Thread {
        self.cur.get_mut()
    }

    /// Compiles and loads a chunk, returning the main function.
    pub fn load(&mut self, source: &[u8], chunkname: &[u8]) -> Result<Value, String> {
        let proto = if source.first() == Some(&0x1b) {
            load::read_luajit_dump(source, chunkname)?
        } else {
            crate::front::compile(source, chunkname).map_err(|e| e.message)?
        };
        load::verify(&proto, None)
            .map_err(|e| format!("{}: {e}", debug::short_chunkname(chunkname)))?;
        let g = self.globals;
        Ok(self.load_proto(&proto, g))
    }

    /// Compiles and runs a chunk; returns its results.
    pub fn exec(&mut self, source: &[u8], chunkname: &[u8]) -> Result<Vec<Value>, LuaError> {
        let f = match self.load(source, chunkname) {
            Ok(f) => f,
            Err(msg) => {
                let v = self.str_value(msg.as_bytes());
                return Err(LuaError::Error(v));
            }
        };
        self.call_value(f, &[], -1)
    }

    /// Calls the global function `name` with `args`, returning all its results.
    pub fn call_global(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, LuaError> {
        let f = self.get_global(name);
        self.call_value(f, args, -1)
    }

    /// Registers a global Rust function.
    pub fn register(&mut self, name: &'static str, f: NativeFn) {
        let v = self.native(name, f);
        let k = self.intern(name.as_bytes());
        self.globals.get_mut().set_str(k, v);
    }

    /// Creates a native function value.
    pub fn native(&mut self, name: &'static str, f: NativeFn) -> Value {
        self.native_with(name, f, object::Builtin::None, Vec::new())
    }

    /// Creates a native function value with upvalues and builtin marker.
    pub fn native_with(
        &mut self,
        name: &'static str,
        f: NativeFn,
        builtin: object::Builtin,
        upvals: Vec<Value>,
    ) -> Value {
        let env = self.globals;
        let c = self.new_closure(
            env,
            FuncKind::Native {
                f,
                upvals: upvals.into_boxed_slice(),
                builtin,
                name,
            },
        );
        Value::func(c)
    }

    /// Reads a global.
    pub fn get_global(&mut self, name: &str) -> Value {
        let k = self.intern(name.as_bytes());
        self.globals.get_str(k)
    }

    /// Sets a global.
    pub fn set_global(&mut self, name: &str, v: Value) {
        let k = self.intern(name.as_bytes());
        self.globals.get_mut().set_str(k, v);
    }

    /// Converts an error to the message Lua would print (`tostring`-like, without
    /// metamethods): strings and numbers as text, other values described.
    pub fn error_text(&mut self, e: &LuaError) -> String {
        match *e {
            LuaError::Error(v) => {
                if let Some(s) = v.as_str() {
                    s.to_str_lossy()
                } else if v.is_num() {
                    String::from_utf8_lossy(&self.tostring_bytes(v)).into_owned()
                } else if v.is_nil() {
                    "nil".into()
                } else {
                    format!("(error object is a {} value)", v.type_name())
                }
            }
            LuaError::Yield(_) => "attempt to yield from outside a coroutine".into(),
        }
    }

    /// Creates an error value from a message (no position added).
    pub fn error_msg(&mut self, msg: &str) -> LuaError {
        LuaError::Error(self.str_value(msg.as_bytes()))
    }

    // ---- the native-function interface ----

    /// The active native frame.
    #[inline(always)]
    fn nframe(&self) -> &Frame {
        // Natives always run with their own frame on top.
        match self.th().frames.last() {
            Some(f) => f,
            None => &EMPTY_FRAME,
        }
    }

    /// Number of arguments passed to the running native.
    #[inline]
    pub fn nargs(&self) -> usize {
        let f = self.nframe();
        f.top.saturating_sub(f.base) as usize
    }

    /// Argument `i` (1-based) of the running native, nil if absent.
    #[inline]
    pub fn arg(&self, i: usize) -> Value {
        let f = *self.nframe();
        if i >= 1 && i <= f.top.saturating_sub(f.base) as usize {
            self.th().stack[f.base as usize + i - 1]
        } else {
            Value::NIL
        }
    }

    /// Overwrites argument `i` (1-based, must exist).
    pub fn set_arg(&mut self, i: usize, v: Value) {
        let f = *self.nframe();
        if i >= 1 && i <= f.top.saturating_sub(f.base) as usize {
            self.th().stack[f.base as usize + i - 1] = v;
        }
    }

    /// The upvalues of the running native.
    pub fn native_upvals(&self) -> &'static [Value] {
        let f = *self.nframe();
        let func = self.th().stack[f.base as usize - 2];
        match func.as_func() {
            Some(c) => match &c.get_mut().kind {
                FuncKind::Native { upvals, .. } => upvals,
                _ => &[],
            },
            None => &[],
        }
    }

    /// Pushes a result of the running native.
    #[inline]
    pub fn push(&mut self, v: Value) {
        let th = self.th();
        let Some(f) = th.frames.last_mut() else {
            return;
        };
        let top = f.top as usize;
        if top >= th.stack.len() {
            let _ = self.grow_stack(top + 1);
        }
        let th = self.th();
        th.stack[top] = v;
        if let Some(f) = th.frames.last_mut() {
            f.top += 1;
        }
    }

    /// Pushes a string result.
    pub fn push_str(&mut self, s: &[u8]) {
        let v = self.str_value(s);
        self.push(v);
    }

    /// Pushes a number result.
    pub fn push_num(&mut self, n: f64) {
        self.push(Value::num(n));
    }

    /// Ensures the stack has at least `needed` slots (fails with "stack overflow").
    pub(crate) fn grow_stack(&mut self, needed: usize) -> Result<(), LuaError> {
        let th = self.th();
        if needed <= th.stack.len() {
            return Ok(());
        }
        if needed > MAX_STACK {
            // Leave headroom so the error can be handled.
            if th.stack.len() < MAX_STACK + 200 {
                th.stack.resize(MAX_STACK + 200, Value::NIL);
                self.rebase_upvals();
            }
            return Err(self.error_msg_pos("stack overflow"));
        }
        let new_len = needed.max(th.stack.len() * 2).min(MAX_STACK + 200);
        th.stack.resize(new_len, Value::NIL);
        self.rebase_upvals();
        Ok(())
    }

    fn rebase_upvals(&mut self) {
        let th = self.th();
        let p = th.stack.as_mut_ptr();
        for u in th.open_upvals.iter() {
            let u = u.get_mut();
            u.v = p.wrapping_add(u.slot);
        }
    }

    /// Closes every open upvalue of the running thread at or above `level`.
    #[inline]
    pub(crate) fn close_upvals(&mut self, level: usize) {
        let th = self.th();
        while let Some(&u) = th.open_upvals.last() {
            if u.slot < level {
                break;
            }
            th.open_upvals.pop();
            let uv = u.get_mut();
            uv.closed = th.stack[uv.slot];
            uv.v = &mut uv.closed;
            uv.open = false;
        }
    }

    /// Finds or creates the open upvalue for `slot` of the running thread.
    pub(crate) fn find_upval(&mut self, slot: usize) -> UpRef {
        let th = self.th();
        // The list is sorted by slot; search from the end (most recent locals).
        let mut i = th.open_upvals.len();
        while i > 0 {
            let u = th.open_upvals[i - 1];
            if u.slot == slot {
                return u;
            }
            if u.slot < slot {
                break;
            }
            i -= 1;
        }
        let u = self.new_upval(slot);
        self.th().open_upvals.insert(i, u);
        u
    }
}

static EMPTY_FRAME: Frame = Frame {
    base: 0,
    func: 0,
    fslot: 0,
    pc: 0,
    nres: 0,
    kind: FrameKind::Native,
    top: 0,
    cont: 0,
};
