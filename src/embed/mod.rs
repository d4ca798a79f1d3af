//! The embedding API: run Lua from Rust the way mlua users expect.
//!
//! ```
//! use skein::{Lua, Table};
//!
//! let lua = Lua::new();
//! lua.globals().set("greeting", "hello")?;
//! let double = lua.create_function(|_, x: f64| Ok(x * 2.0))?;
//! lua.globals().set("double", double)?;
//! let (s, n): (String, f64) = lua.load("return greeting .. '!', double(21)").eval()?;
//! assert_eq!((s.as_str(), n), ("hello!", 42.0));
//! let t: Table = lua.load("return {1, 2, 3}").eval()?;
//! assert_eq!(t.sequence_values::<i64>()?, vec![1, 2, 3]);
//! # Ok::<(), skein::Error>(())
//! ```
//!
//! # Design
//! - [`Lua`] is a cheap, clonable handle (`Rc`) to one state (`crate::vm::Lua`, which
//!   stays the VM's own type). It is `!Send`: a state belongs to one thread.
//! - Handles to Lua objects ([`Table`], [`Function`], [`AnyUserData`], [`Thread`]) are
//!   GC roots: each owns an integer reference into a registry table (`skein.refs`), taken
//!   when the handle is made and released when it is dropped (freed ids are reused). A
//!   handle also keeps its state alive, so it can never dangle. Strings cross the
//!   boundary by value ([`LuaString`] owns its bytes).
//! - Conversions are the traits [`IntoLua`] / [`FromLua`] for single values and
//!   [`IntoLuaMulti`] / [`FromLuaMulti`] for argument and result lists (tuples, `()`,
//!   [`Variadic`], [`MultiValue`]). Numbers, booleans, strings, `Option`, `Vec` (sequence
//!   tables), `HashMap` (tables) and the handles are covered.
//! - Rust closures become Lua functions with [`Lua::create_function`]: a native
//!   trampoline whose upvalue is a userdata holding the boxed closure. A Rust error
//!   returned by the closure is raised in Lua as an error message with the caller's
//!   position; a Lua error raised inside a nested call passes through unchanged. A panic
//!   in the closure is caught at the trampoline and raised as a Lua error ("Rust function
//!   panicked: ..."), so it never unwinds through the interpreter.
//! - Rust values become userdata with [`Lua::create_userdata`] for types implementing
//!   [`UserData`]: the value lives in a `RefCell` inside the userdata; methods borrow it
//!   (a conflicting borrow is a Lua error, never a panic); the metatable is built once
//!   per Rust type and cached.
//! - Errors are [`Error`] (thiserror): Lua runtime errors carry the message and, when
//!   the error escaped every `pcall`, LuaJIT-style traceback text.
//! - [`Lua::set_instruction_limit`] / [`Lua::set_memory_limit`] bound untrusted code;
//!   see [`limits`].
//!
//! # Safety
//! The VM state is reached through an `UnsafeCell` in the shared `Rc`. Every API
//! function takes `&mut` access for the duration of one VM operation. While Lua calls a
//! Rust closure, the interpreter's own `&mut` borrow is suspended inside the native call
//! and the closure gets the same state through this handle: the VM is written for this
//! re-entrancy (natives routinely call back into Lua), and no reference into VM memory
//! is kept by this module across a call into Lua — only values and registry ids.
//!
//! Rules for whoever changes this module: never keep a raw `vm::Value` across anything
//! that may run Lua code or collect garbage (a call, a metamethod) unless it is on the
//! Lua stack or in the registry; convert results to handles immediately.
#![warn(missing_docs)]

pub mod limits;

use crate::vm::object::Builtin;
use crate::vm::{self, LuaError, LuaType};
use std::any::TypeId;
use std::cell::{Cell, Ref, RefCell, RefMut, UnsafeCell};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::rc::{Rc, Weak};
use std::sync::Arc;

/// An error from the embedding API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The source did not compile; the message is Lua's ("chunk:line: ... near ...").
    #[error("syntax error: {0}")]
    Syntax(String),
    /// A Lua runtime error: its message (error objects that are not strings are
    /// described) and the traceback when the error escaped every `pcall`.
    #[error("{message}")]
    Runtime {
        /// The error message.
        message: String,
        /// "stack traceback:\n\t..." text, when available.
        traceback: Option<String>,
    },
    /// The instruction budget ran out (see [`limits`]).
    #[error("instruction limit exceeded")]
    InstructionLimit,
    /// The heap grew past the memory cap (see [`limits`]).
    #[error("memory limit exceeded")]
    MemoryLimit,
    /// A Lua value could not be converted to the Rust type.
    #[error("cannot convert a Lua {from} to {to}")]
    FromLua {
        /// The Lua type name.
        from: &'static str,
        /// The Rust type wanted.
        to: &'static str,
    },
    /// A userdata is already borrowed in a conflicting way.
    #[error("userdata already borrowed")]
    UserDataBorrow,
    /// A userdata holds a different Rust type than the one asked for.
    #[error("userdata is not a {0}")]
    UserDataType(&'static str),
    /// A handle made by another `Lua` state was passed to this one.
    #[error("value belongs to a different Lua state")]
    ForeignValue,
    /// An error from Rust code (e.g. returned by a closure called from Lua).
    #[error("{0}")]
    External(Arc<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// A runtime error with a message (what a Rust callback returns to raise in Lua).
    pub fn runtime(message: impl Into<String>) -> Error {
        Error::Runtime {
            message: message.into(),
            traceback: None,
        }
    }

    /// Wraps any Rust error.
    pub fn external(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::External(Arc::from(e.into()))
    }

    /// The traceback of a runtime error, if one was captured.
    pub fn traceback(&self) -> Option<&str> {
        match self {
            Error::Runtime { traceback, .. } => traceback.as_deref(),
            _ => None,
        }
    }
}

/// The result type of the embedding API.
pub type Result<T> = std::result::Result<T, Error>;

/// The state shared by a [`Lua`] and every handle made from it.
struct Shared {
    vm: UnsafeCell<vm::Lua>,
    /// The registry table holding referenced values (`refs[id] = value`).
    refs: vm::TabRef,
    free_refs: RefCell<Vec<i64>>,
    next_ref: Cell<i64>,
    /// Cached userdata metatables per Rust type (registry ids).
    metatables: RefCell<HashMap<TypeId, i64>>,
}

/// A Lua state for embedding. Cloning gives another handle to the same state.
#[derive(Clone)]
pub struct Lua(Rc<Shared>);

impl fmt::Debug for Lua {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lua({:p})", Rc::as_ptr(&self.0))
    }
}

impl Default for Lua {
    fn default() -> Self {
        Lua::new()
    }
}

/// A rooted reference to a Lua object (private part of every handle).
struct Handle {
    lua: Lua,
    id: i64,
}

impl Handle {
    fn value(&self) -> vm::Value {
        self.lua.0.refs.get_int(self.id)
    }
}

impl Clone for Handle {
    fn clone(&self) -> Self {
        let v = self.value();
        self.lua.make_handle(v)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.lua.0.refs.get_mut().set_int(self.id, vm::Value::NIL);
        self.lua.0.free_refs.borrow_mut().push(self.id);
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ref {}", self.id)
    }
}

macro_rules! handle_types {
    ($( $(#[$doc:meta])* $name:ident ; )*) => { $(
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(Handle);

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.value().raw_eq(other.0.value())
            }
        }

        impl $name {
            /// The state this handle belongs to.
            pub fn lua(&self) -> &Lua {
                &self.0.lua
            }
        }
    )* };
}

handle_types! {
    /// A handle to a Lua table.
    Table;
    /// A handle to a Lua function (Lua or Rust).
    Function;
    /// A handle to a full userdata.
    AnyUserData;
    /// A handle to a coroutine.
    Thread;
}

/// A Lua string, by value (Lua strings are byte strings).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct LuaString(pub Vec<u8>);

impl LuaString {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The string as UTF-8 text, if it is valid UTF-8.
    pub fn to_str(&self) -> Result<&str> {
        std::str::from_utf8(&self.0).map_err(|_| Error::FromLua {
            from: "string",
            to: "UTF-8 str",
        })
    }
}

/// A Lua value on the Rust side.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `nil`
    #[default]
    Nil,
    /// A boolean.
    Boolean(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(LuaString),
    /// A table.
    Table(Table),
    /// A function.
    Function(Function),
    /// A full userdata.
    UserData(AnyUserData),
    /// A coroutine.
    Thread(Thread),
}

impl Value {
    /// The Lua type name ("nil", "number", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::UserData(_) => "userdata",
            Value::Thread(_) => "thread",
        }
    }

    /// Whether the value is `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a == b,
            (Value::UserData(a), Value::UserData(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            _ => false,
        }
    }
}

/// A list of values: arguments or results.
pub type MultiValue = Vec<Value>;

/// Any number of values of one type, as trailing arguments or results.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Variadic<T>(pub Vec<T>);

impl Lua {
    /// A new state with every standard library loaded.
    pub fn new() -> Lua {
        Lua::from_vm(vm::Lua::new())
    }

    /// Wraps an existing VM state (e.g. one with a custom `out` writer).
    pub fn from_vm(mut state: vm::Lua) -> Lua {
        state.want_traceback = true;
        let refs = state.new_table(16, 0);
        let k = state.intern(b"skein.refs");
        state.registry.get_mut().set_str(k, vm::Value::tab(refs));
        Lua(Rc::new(Shared {
            vm: UnsafeCell::new(state),
            refs,
            free_refs: RefCell::new(Vec::new()),
            next_ref: Cell::new(1),
            metatables: RefCell::new(HashMap::new()),
        }))
    }

    /// The VM state.
    #[allow(clippy::mut_from_ref)]
    fn vm(&self) -> &mut vm::Lua {
        // SAFETY: single-threaded (`Rc` makes `Lua` !Send); see the module's Safety
        // section for re-entrant use from callbacks. The reference is used for one VM
        // operation and not stored.
        unsafe { &mut *self.0.vm.get() }
    }

    /// Direct access to the underlying VM state, for what this API does not cover.
    /// Values taken from it are not rooted unless stored in Lua.
    pub fn with_vm<R>(&self, f: impl FnOnce(&mut vm::Lua) -> R) -> R {
        f(self.vm())
    }

    fn make_handle(&self, v: vm::Value) -> Handle {
        let id = match self.0.free_refs.borrow_mut().pop() {
            Some(id) => id,
            None => {
                let id = self.0.next_ref.get();
                self.0.next_ref.set(id + 1);
                id
            }
        };
        self.0.refs.get_mut().set_int(id, v);
        Handle {
            lua: self.clone(),
            id,
        }
    }

    /// Converts a VM value to a Rust-side value (rooting objects).
    fn value_from_vm(&self, v: vm::Value) -> Value {
        match v.type_of() {
            LuaType::Nil => Value::Nil,
            LuaType::Boolean => Value::Boolean(v.truthy()),
            LuaType::Number => Value::Number(v.as_num().unwrap_or(0.0)),
            LuaType::String => Value::String(LuaString(
                v.as_str()
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
            )),
            LuaType::Table => Value::Table(Table(self.make_handle(v))),
            LuaType::Function => Value::Function(Function(self.make_handle(v))),
            LuaType::Thread => Value::Thread(Thread(self.make_handle(v))),
            _ => Value::UserData(AnyUserData(self.make_handle(v))),
        }
    }

    /// Converts a Rust-side value to a VM value. Fresh strings are unrooted until they
    /// reach the stack or a table (no collection can happen before that).
    /// A handle from another state is refused (its object lives in another heap).
    fn value_to_vm(&self, v: &Value) -> Result<vm::Value> {
        Ok(match v {
            Value::Nil => vm::Value::NIL,
            Value::Boolean(b) => vm::Value::bool(*b),
            Value::Number(n) => vm::Value::num(*n),
            Value::String(s) => self.vm().str_value(&s.0),
            Value::Table(Table(h))
            | Value::Function(Function(h))
            | Value::UserData(AnyUserData(h))
            | Value::Thread(Thread(h)) => {
                if !Rc::ptr_eq(&h.lua.0, &self.0) {
                    return Err(Error::ForeignValue);
                }
                h.value()
            }
        })
    }

    /// Turns a VM error into an [`Error`] (taking the captured traceback).
    fn convert_error(&self, e: LuaError) -> Error {
        let vm = self.vm();
        let traceback = vm.traceback.take();
        if let Some(kind) = vm.limits.as_ref().and_then(|l| l.exceeded) {
            return match kind {
                limits::LimitKind::Instructions => Error::InstructionLimit,
                limits::LimitKind::Memory => Error::MemoryLimit,
            };
        }
        match e {
            LuaError::Yield(_) => Error::runtime("attempt to yield across a C-call boundary"),
            e => Error::Runtime {
                message: vm.error_text(&e),
                traceback,
            },
        }
    }

    /// Calls a VM value with arguments; results converted immediately.
    fn call_vm(&self, f: vm::Value, args: &[Value]) -> Result<MultiValue> {
        let vm_args = args
            .iter()
            .map(|a| self.value_to_vm(a))
            .collect::<Result<Vec<vm::Value>>>()?;
        self.vm().traceback = None;
        let r = self.vm().call_value(f, &vm_args, -1);
        match r {
            Ok(vals) => Ok(vals.into_iter().map(|v| self.value_from_vm(v)).collect()),
            Err(e) => Err(self.convert_error(e)),
        }
    }

    /// The globals table.
    pub fn globals(&self) -> Table {
        let g = vm::Value::tab(self.vm().globals);
        Table(self.make_handle(g))
    }

    /// Prepares a chunk of Lua source for running (see [`Chunk`]).
    pub fn load(&self, source: impl AsRef<[u8]>) -> Chunk {
        Chunk {
            lua: self.clone(),
            source: source.as_ref().to_vec(),
            name: "=chunk".into(),
        }
    }

    /// Compiles a file into a function (chunk name `@path`, like `loadfile`).
    pub fn load_file(&self, path: impl AsRef<std::path::Path>) -> Result<Function> {
        let path = path.as_ref();
        let name = path.to_string_lossy().into_owned();
        let r = crate::stdlib::base::load_file(self.vm(), Some(name.as_bytes()));
        match r {
            Ok(f) => Ok(Function(self.make_handle(f))),
            Err(msg) => Err(Error::Syntax(msg)),
        }
    }

    /// A new empty table.
    pub fn create_table(&self) -> Table {
        let t = self.vm().new_table(0, 0);
        Table(self.make_handle(vm::Value::tab(t)))
    }

    /// A sequence table from an iterator of values.
    pub fn create_sequence_from<T: IntoLua>(
        &self,
        items: impl IntoIterator<Item = T>,
    ) -> Result<Table> {
        let t = self.create_table();
        for (i, item) in items.into_iter().enumerate() {
            t.raw_set(i as i64 + 1, item)?;
        }
        Ok(t)
    }

    /// A string value.
    pub fn create_string(&self, s: impl AsRef<[u8]>) -> LuaString {
        LuaString(s.as_ref().to_vec())
    }

    /// A coroutine that will run `f` (resume it with [`Thread::resume`]).
    pub fn create_thread(&self, f: &Function) -> Result<Thread> {
        if !Rc::ptr_eq(&f.0.lua.0, &self.0) {
            return Err(Error::ForeignValue);
        }
        let fv = f.0.value();
        if fv.as_func().and_then(|c| c.lua_proto()).is_none() {
            return Err(Error::runtime("a coroutine needs a Lua function"));
        }
        let vm = self.vm();
        let co = vm.new_thread();
        co.get_mut().stack[0] = fv;
        co.get_mut().top = 2;
        Ok(Thread(self.make_handle(vm::Value::thread(co))))
    }

    /// Wraps a Rust closure as a Lua function. Arguments and results convert through
    /// [`FromLuaMulti`] / [`IntoLuaMulti`]; an `Err` is raised as a Lua error.
    pub fn create_function<A, R, F>(&self, f: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + 'static,
    {
        let cb: Callback = Box::new(move |lua, args| {
            let a = A::from_lua_multi(args, lua)?;
            f(lua, a)?.into_lua_multi(lua)
        });
        Ok(self.function_from_callback(cb))
    }

    fn function_from_callback(&self, cb: Callback) -> Function {
        let holder = RustCallback {
            f: cb,
            state: Rc::downgrade(&self.0),
        };
        let vm = self.vm();
        let ud = vm.new_udata(Some(Box::new(holder)));
        let f = vm.native_with(
            "rust function",
            trampoline,
            Builtin::None,
            vec![vm::Value::udata(ud)],
        );
        Function(self.make_handle(f))
    }

    /// Wraps a Rust value as a userdata with the methods of its [`UserData`] impl.
    pub fn create_userdata<T: UserData>(&self, data: T) -> Result<AnyUserData> {
        let mt = self.userdata_metatable::<T>()?;
        let vm = self.vm();
        let ud = vm.new_udata(Some(Box::new(RefCell::new(data))));
        ud.get_mut().meta = mt.0.value().as_tab();
        Ok(AnyUserData(self.make_handle(vm::Value::udata(ud))))
    }

    fn userdata_metatable<T: UserData>(&self) -> Result<Table> {
        let tid = TypeId::of::<T>();
        if let Some(&id) = self.0.metatables.borrow().get(&tid) {
            let v = self.vm().registry.get_int(id);
            return Ok(Table(self.make_handle(v)));
        }
        let mut reg = MethodRegistry::<T> {
            lua: self.clone(),
            methods: Vec::new(),
            meta: Vec::new(),
            _t: std::marker::PhantomData,
        };
        T::add_methods(&mut reg);
        let mt = self.create_table();
        let index = self.create_table();
        for (name, f) in reg.methods {
            index.raw_set(name, f)?;
        }
        let has_index = reg.meta.iter().any(|(n, _)| n == "__index");
        for (name, f) in reg.meta {
            mt.raw_set(name, f)?;
        }
        if !has_index {
            mt.raw_set("__index", index)?;
        }
        // Keep the metatable alive in the registry's array part under a fresh key.
        let vm = self.vm();
        let reg_t = vm.registry;
        let id = reg_t.len() as i64 + 1;
        reg_t.get_mut().set_int(id, mt.0.value());
        self.0.metatables.borrow_mut().insert(tid, id);
        Ok(mt)
    }

    /// Limits untrusted code to `n` loop iterations plus calls (None: unlimited) and
    /// clears a previous "limit exceeded" state. See [`limits`].
    ///
    /// ```
    /// let lua = skein::Lua::new();
    /// lua.set_instruction_limit(Some(100_000));
    /// let err = lua.load("while true do end").exec().unwrap_err();
    /// assert!(matches!(err, skein::Error::InstructionLimit));
    /// ```
    pub fn set_instruction_limit(&self, n: Option<u64>) {
        let l = self.vm().limits.get_or_insert_with(Default::default);
        l.budget = n;
        l.exceeded = None;
        self.prune_limits();
    }

    /// Caps the heap at `bytes` (None: unlimited) and clears a previous "limit exceeded"
    /// state. See [`limits`].
    pub fn set_memory_limit(&self, bytes: Option<usize>) {
        let l = self.vm().limits.get_or_insert_with(Default::default);
        l.memory = bytes;
        l.exceeded = None;
        self.prune_limits();
    }

    fn prune_limits(&self) {
        let vm = self.vm();
        if vm
            .limits
            .as_ref()
            .is_some_and(|l| l.budget.is_none() && l.memory.is_none())
        {
            vm.limits = None;
        }
    }

    /// The GC's estimate of the heap size in bytes.
    pub fn used_memory(&self) -> usize {
        self.vm().gc_bytes()
    }

    /// Runs a full garbage collection.
    pub fn gc_collect(&self) {
        self.vm().full_gc();
    }
}

/// A boxed Rust callback as stored in a userdata.
type Callback = Box<dyn Fn(&Lua, MultiValue) -> Result<MultiValue>>;

struct RustCallback {
    f: Callback,
    state: Weak<Shared>,
}

/// The native behind every Rust closure: converts arguments, calls, pushes results.
fn trampoline(l: &mut vm::Lua) -> std::result::Result<usize, LuaError> {
    let ud = l.native_upvals().first().and_then(|v| v.as_udata());
    let Some(cb) = ud.and_then(|u| {
        u.get_mut()
            .payload
            .as_ref()
            .and_then(|p| p.downcast_ref::<RustCallback>())
    }) else {
        return Err(l.error_msg_level(1, "invalid Rust function"));
    };
    let Some(shared) = cb.state.upgrade() else {
        return Err(l.error_msg_level(1, "Lua state is gone"));
    };
    let lua = Lua(shared);
    let args: MultiValue = (1..=l.nargs())
        .map(|i| lua.value_from_vm(l.arg(i)))
        .collect();
    // A panic in the closure must not unwind through the interpreter (its frames and
    // counters would be left inconsistent): it becomes a Lua error instead.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (cb.f)(&lua, args)));
    let outcome = match outcome {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(l.error_msg_level(1, &format!("Rust function panicked: {what}")));
        }
    };
    match outcome {
        Ok(results) => {
            let n = results.len();
            for r in &results {
                match lua.value_to_vm(r) {
                    Ok(v) => l.push(v),
                    Err(e) => return Err(l.error_msg_level(1, &e.to_string())),
                }
            }
            Ok(n)
        }
        Err(Error::Runtime { message, .. }) if has_position(&message) => {
            // Already positioned by Lua (an error from a nested call): pass it on.
            Err(l.error_msg(&message))
        }
        Err(Error::InstructionLimit) => Err(l.error_msg_pos("instruction limit exceeded")),
        Err(Error::MemoryLimit) => Err(l.error_msg_pos("memory limit exceeded")),
        Err(e) => Err(l.error_msg_level(1, &e.to_string())),
    }
}

/// Whether a message starts with a Lua position ("chunk:line: ").
fn has_position(msg: &str) -> bool {
    let mut rest = msg;
    while let Some(i) = rest.find(':') {
        if rest[..i].contains('\n') {
            return false;
        }
        let after = &rest[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(": ") {
            return true;
        }
        rest = after;
    }
    false
}

/// A chunk of source ready to run: [`Chunk::exec`], [`Chunk::eval`], [`Chunk::call`].
pub struct Chunk {
    lua: Lua,
    source: Vec<u8>,
    name: String,
}

impl Chunk {
    /// Sets the chunk name used in messages ("=name" is shown as is, "@file" as a file).
    pub fn set_name(mut self, name: impl Into<String>) -> Chunk {
        self.name = name.into();
        self
    }

    /// Compiles the chunk into a function.
    pub fn into_function(self) -> Result<Function> {
        match self.lua.vm().load(&self.source, self.name.as_bytes()) {
            Ok(f) => Ok(Function(self.lua.make_handle(f))),
            Err(msg) => Err(Error::Syntax(msg)),
        }
    }

    /// Runs the chunk, discarding results.
    pub fn exec(self) -> Result<()> {
        self.call::<_, ()>(())
    }

    /// Runs the chunk with arguments (`...` inside it) and converts its results.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(self, args: A) -> Result<R> {
        self.into_function()?.call(args)
    }

    /// Evaluates the chunk as an expression (`return <source>`) if that compiles,
    /// otherwise runs it as statements; converts the results.
    pub fn eval<R: FromLuaMulti>(self) -> Result<R> {
        let mut expr = b"return ".to_vec();
        expr.extend_from_slice(&self.source);
        let f = match self.lua.vm().load(&expr, self.name.as_bytes()) {
            Ok(f) => Function(self.lua.make_handle(f)),
            Err(_) => self
                .lua
                .clone()
                .load(self.source)
                .set_name(self.name)
                .into_function()?,
        };
        f.call(())
    }
}

impl Function {
    /// Calls the function; arguments and results convert through the multi traits.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = &self.0.lua;
        let args = args.into_lua_multi(lua)?;
        let results = lua.call_vm(self.0.value(), &args)?;
        R::from_lua_multi(results, lua)
    }
}

impl Table {
    /// `t[key]` with metamethods (`__index`).
    pub fn get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let lua = &self.0.lua;
        let k = key.into_lua(lua)?;
        let kv = lua.value_to_vm(&k)?;
        let r = lua.vm().index(self.0.value(), kv);
        match r {
            Ok(v) => V::from_lua(lua.value_from_vm(v), lua),
            Err(e) => Err(lua.convert_error(e)),
        }
    }

    /// `t[key] = value` with metamethods (`__newindex`). A nil or NaN key is an error.
    pub fn set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let lua = &self.0.lua;
        let k = key.into_lua(lua)?;
        let v = value.into_lua(lua)?;
        let (kv, vv) = (lua.value_to_vm(&k)?, lua.value_to_vm(&v)?);
        let r = lua.vm().newindex_slow(self.0.value(), kv, vv, None);
        r.map_err(|e| lua.convert_error(e))
    }

    /// `rawget(t, key)`.
    pub fn raw_get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let lua = &self.0.lua;
        let k = key.into_lua(lua)?;
        let kv = lua.value_to_vm(&k)?;
        let t = self
            .0
            .value()
            .as_tab()
            .ok_or(Error::UserDataType("table"))?;
        V::from_lua(lua.value_from_vm(t.get(kv)), lua)
    }

    /// `rawset(t, key, value)`. A nil or NaN key is an error.
    pub fn raw_set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let lua = &self.0.lua;
        let k = key.into_lua(lua)?;
        let v = value.into_lua(lua)?;
        let (kv, vv) = (lua.value_to_vm(&k)?, lua.value_to_vm(&v)?);
        if kv.is_nil() || kv.as_num().is_some_and(f64::is_nan) {
            return Err(Error::runtime("table index is nil or NaN"));
        }
        let t = self
            .0
            .value()
            .as_tab()
            .ok_or(Error::UserDataType("table"))?;
        t.get_mut().set(kv, vv);
        Ok(())
    }

    /// The raw length (`#t` without `__len`).
    pub fn raw_len(&self) -> usize {
        self.0.value().as_tab().map_or(0, |t| t.len())
    }

    /// Whether `t[key]` (raw) is not nil.
    pub fn contains_key<K: IntoLua>(&self, key: K) -> Result<bool> {
        Ok(!self.raw_get::<K, Value>(key)?.is_nil())
    }

    /// All key/value pairs (raw traversal order), converted.
    pub fn pairs<K: FromLua, V: FromLua>(&self) -> Result<Vec<(K, V)>> {
        let lua = &self.0.lua;
        let Some(t) = self.0.value().as_tab() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut pos = 0;
        // Rooted by the handle; collect raw values first (no GC while converting).
        let mut raw = Vec::new();
        while let Some((next, k, v)) = t.entry_from(pos) {
            raw.push((k, v));
            pos = next;
        }
        let converted: Vec<(Value, Value)> = raw
            .into_iter()
            .map(|(k, v)| (lua.value_from_vm(k), lua.value_from_vm(v)))
            .collect();
        for (k, v) in converted {
            out.push((K::from_lua(k, lua)?, V::from_lua(v, lua)?));
        }
        Ok(out)
    }

    /// Elements `1..=#t` (raw), converted.
    pub fn sequence_values<V: FromLua>(&self) -> Result<Vec<V>> {
        let n = self.raw_len();
        let mut out = Vec::with_capacity(n);
        for i in 1..=n {
            out.push(self.raw_get::<i64, V>(i as i64)?);
        }
        Ok(out)
    }

    /// Sets (or with `None` removes) the metatable.
    pub fn set_metatable(&self, mt: Option<Table>) -> Result<()> {
        if let Some(m) = &mt {
            if !Rc::ptr_eq(&m.0.lua.0, &self.0.lua.0) {
                return Err(Error::ForeignValue);
            }
        }
        if let Some(t) = self.0.value().as_tab() {
            t.get_mut().meta = mt.and_then(|m| m.0.value().as_tab());
        }
        Ok(())
    }

    /// The metatable, if any.
    pub fn metatable(&self) -> Option<Table> {
        let t = self.0.value().as_tab()?;
        let mt = t.meta?;
        Some(Table(self.0.lua.make_handle(vm::Value::tab(mt))))
    }
}

impl AnyUserData {
    fn cell<T: 'static>(&self) -> Result<&RefCell<T>> {
        let u = self
            .0
            .value()
            .as_udata()
            .ok_or(Error::UserDataType(std::any::type_name::<T>()))?;
        // The userdata is rooted by this handle, so its payload outlives `&self`.
        u.get_mut()
            .payload
            .as_ref()
            .and_then(|p| p.downcast_ref::<RefCell<T>>())
            .ok_or(Error::UserDataType(std::any::type_name::<T>()))
    }

    /// Whether the userdata holds a `T`.
    pub fn is<T: 'static>(&self) -> bool {
        self.cell::<T>().is_ok()
    }

    /// Borrows the Rust value.
    pub fn borrow<T: 'static>(&self) -> Result<Ref<'_, T>> {
        self.cell::<T>()?
            .try_borrow()
            .map_err(|_| Error::UserDataBorrow)
    }

    /// Borrows the Rust value mutably.
    pub fn borrow_mut<T: 'static>(&self) -> Result<RefMut<'_, T>> {
        self.cell::<T>()?
            .try_borrow_mut()
            .map_err(|_| Error::UserDataBorrow)
    }
}

impl Thread {
    /// Resumes the coroutine with `args`: the values it yields or returns, or its error.
    pub fn resume<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = &self.0.lua;
        let args = args.into_lua_multi(lua)?;
        let Some(co) = self.0.value().as_thread() else {
            return Err(Error::UserDataType("thread"));
        };
        let vm_args = args
            .iter()
            .map(|a| lua.value_to_vm(a))
            .collect::<Result<Vec<vm::Value>>>()?;
        lua.vm().traceback = None;
        let r = lua.vm().resume(co, &vm_args);
        match r {
            Ok(Ok(vals)) => {
                let vals: MultiValue = vals.into_iter().map(|v| lua.value_from_vm(v)).collect();
                R::from_lua_multi(vals, lua)
            }
            Ok(Err(ev)) => Err(Error::Runtime {
                message: lua.vm().error_text(&LuaError::Error(ev)),
                traceback: None,
            }),
            Err(e) => Err(lua.convert_error(e)),
        }
    }

    /// The coroutine's status: "suspended", "running", "normal" or "dead".
    pub fn status(&self) -> &'static str {
        use crate::vm::object::CoStatus;
        match self.0.value().as_thread().map(|t| t.status) {
            Some(CoStatus::Suspended) => "suspended",
            Some(CoStatus::Running) => "running",
            Some(CoStatus::Normal) => "normal",
            _ => "dead",
        }
    }
}

/// A Rust type usable as a Lua userdata: declare its methods and metamethods.
///
/// ```
/// use skein::embed::{UserData, UserDataMethods};
/// use skein::Lua;
///
/// struct Point { x: f64, y: f64 }
///
/// impl UserData for Point {
///     fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
///         m.add_method("len", |_, p, ()| Ok((p.x * p.x + p.y * p.y).sqrt()));
///         m.add_method_mut("scale", |_, p, k: f64| { p.x *= k; p.y *= k; Ok(()) });
///         m.add_meta_method("__tostring", |_, p, ()| Ok(format!("({}, {})", p.x, p.y)));
///     }
/// }
///
/// let lua = Lua::new();
/// lua.globals().set("p", lua.create_userdata(Point { x: 3.0, y: 4.0 })?)?;
/// let (len, text): (f64, String) = lua.load("p:scale(2) return p:len(), tostring(p)").eval()?;
/// assert_eq!((len, text.as_str()), (10.0, "(6, 8)"));
/// # Ok::<(), skein::Error>(())
/// ```
pub trait UserData: Sized + 'static {
    /// Registers methods (`obj:name(...)`) and metamethods (`__add`, `__tostring`, ...).
    fn add_methods<M: UserDataMethods<Self>>(_methods: &mut M) {}
}

/// The registration interface handed to [`UserData::add_methods`].
pub trait UserDataMethods<T> {
    /// A method borrowing the value immutably: `obj:name(args)`.
    fn add_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &T, A) -> Result<R> + 'static;
    /// A method borrowing the value mutably.
    fn add_method_mut<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &mut T, A) -> Result<R> + 'static;
    /// A function stored under `name` in the method table (no `self` argument).
    fn add_function<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + 'static;
    /// A metamethod (`"__tostring"`, `"__add"`, `"__len"`, ...) borrowing the value.
    fn add_meta_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &T, A) -> Result<R> + 'static;
}

struct MethodRegistry<T> {
    lua: Lua,
    methods: Vec<(String, Function)>,
    meta: Vec<(String, Function)>,
    _t: std::marker::PhantomData<T>,
}

/// The `self` userdata of a method call and the remaining arguments.
fn split_self<T: 'static>(args: MultiValue) -> Result<(AnyUserData, MultiValue)> {
    let mut it = args.into_iter();
    match it.next() {
        Some(Value::UserData(u)) if u.is::<T>() => Ok((u, it.collect())),
        Some(v) => Err(Error::runtime(format!(
            "bad argument #1 (userdata expected, got {})",
            v.type_name()
        ))),
        None => Err(Error::runtime(
            "bad argument #1 (userdata expected, got no value)",
        )),
    }
}

impl<T: 'static> UserDataMethods<T> for MethodRegistry<T> {
    fn add_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &T, A) -> Result<R> + 'static,
    {
        let cb: Callback = Box::new(move |lua, args| {
            let (ud, rest) = split_self::<T>(args)?;
            let a = A::from_lua_multi(rest, lua)?;
            let this = ud.borrow::<T>()?;
            f(lua, &this, a)?.into_lua_multi(lua)
        });
        let func = self.lua.function_from_callback(cb);
        self.methods.push((name.to_string(), func));
    }

    fn add_method_mut<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &mut T, A) -> Result<R> + 'static,
    {
        let cb: Callback = Box::new(move |lua, args| {
            let (ud, rest) = split_self::<T>(args)?;
            let a = A::from_lua_multi(rest, lua)?;
            let mut this = ud.borrow_mut::<T>()?;
            f(lua, &mut this, a)?.into_lua_multi(lua)
        });
        let func = self.lua.function_from_callback(cb);
        self.methods.push((name.to_string(), func));
    }

    fn add_function<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + 'static,
    {
        let cb: Callback = Box::new(move |lua, args| {
            let a = A::from_lua_multi(args, lua)?;
            f(lua, a)?.into_lua_multi(lua)
        });
        let func = self.lua.function_from_callback(cb);
        self.methods.push((name.to_string(), func));
    }

    fn add_meta_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, &T, A) -> Result<R> + 'static,
    {
        let cb: Callback = Box::new(move |lua, args| {
            let (ud, rest) = split_self::<T>(args)?;
            let a = A::from_lua_multi(rest, lua)?;
            let this = ud.borrow::<T>()?;
            f(lua, &this, a)?.into_lua_multi(lua)
        });
        let func = self.lua.function_from_callback(cb);
        self.meta.push((name.to_string(), func));
    }
}

// ---- conversions ----

/// Conversion of a Rust value into a Lua value.
pub trait IntoLua {
    /// Converts `self` for state `lua`.
    fn into_lua(self, lua: &Lua) -> Result<Value>;
}

/// Conversion of a Lua value into a Rust value.
pub trait FromLua: Sized {
    /// Converts `value` (from state `lua`).
    fn from_lua(value: Value, lua: &Lua) -> Result<Self>;
}

/// Conversion of a Rust value into a list of Lua values (arguments, results).
pub trait IntoLuaMulti {
    /// Converts `self` into values.
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue>;
}

/// Conversion of a list of Lua values into a Rust value; missing values are nil and
/// extra values are ignored.
pub trait FromLuaMulti: Sized {
    /// Converts `values`.
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self>;
}

impl IntoLua for Value {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self)
    }
}

impl FromLua for Value {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        Ok(value)
    }
}

fn conversion_error<T>(v: &Value, to: &'static str) -> Result<T> {
    Err(Error::FromLua {
        from: v.type_name(),
        to,
    })
}

impl IntoLua for bool {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Boolean(self))
    }
}

impl FromLua for bool {
    /// Lua truthiness: only nil and false are false.
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        Ok(!matches!(value, Value::Nil | Value::Boolean(false)))
    }
}

macro_rules! number_conversions {
    ($($t:ty)*) => { $(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::Number(self as f64))
            }
        }
        impl FromLua for $t {
            /// Numbers and numeric strings; integers must be exact and in range.
            fn from_lua(value: Value, _: &Lua) -> Result<Self> {
                let n = match &value {
                    Value::Number(n) => Some(*n),
                    Value::String(s) => crate::stdlib::numfmt::str_to_number(&s.0),
                    _ => None,
                };
                match n {
                    Some(n) => {
                        let r = n as $t;
                        if (r as f64 == n) || (n.is_nan() && (r as f64).is_nan()) {
                            Ok(r)
                        } else if stringify!($t).starts_with('f') {
                            Ok(r)
                        } else {
                            Err(Error::FromLua { from: "number", to: stringify!($t) })
                        }
                    }
                    None => conversion_error(&value, stringify!($t)),
                }
            }
        }
    )* };
}

number_conversions!(f64 f32 i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl IntoLua for &str {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(LuaString(self.as_bytes().to_vec())))
    }
}

impl IntoLua for String {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(LuaString(self.into_bytes())))
    }
}

impl IntoLua for &String {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(LuaString(self.as_bytes().to_vec())))
    }
}

impl IntoLua for LuaString {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(self))
    }
}

impl FromLua for String {
    /// Strings (lossy UTF-8) and numbers (formatted as Lua does).
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::String(s) => Ok(String::from_utf8_lossy(&s.0).into_owned()),
            Value::Number(n) => Ok(crate::stdlib::numfmt::number_to_string(n)),
            v => conversion_error(&v, "String"),
        }
    }
}

impl FromLua for LuaString {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(LuaString(
                crate::stdlib::numfmt::number_to_string(n).into_bytes(),
            )),
            v => conversion_error(&v, "LuaString"),
        }
    }
}

macro_rules! handle_conversions {
    ($($t:ident)*) => { $(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$t(self))
            }
        }
        impl IntoLua for &$t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$t(self.clone()))
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &Lua) -> Result<Self> {
                match value {
                    Value::$t(h) => Ok(h),
                    v => conversion_error(&v, stringify!($t)),
                }
            }
        }
    )* };
}

// `Value::Table(Table)`, `Value::Function(Function)`, `Value::Thread(Thread)`.
handle_conversions!(Table Function Thread);

impl IntoLua for AnyUserData {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::UserData(self))
    }
}

impl FromLua for AnyUserData {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::UserData(u) => Ok(u),
            v => conversion_error(&v, "userdata"),
        }
    }
}

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(lua),
            None => Ok(Value::Nil),
        }
    }
}

impl<T: FromLua> FromLua for Option<T> {
    fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
        match value {
            Value::Nil => Ok(None),
            v => T::from_lua(v, lua).map(Some),
        }
    }
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_sequence_from(self)?))
    }
}

impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::Table(t) => t.sequence_values(),
            v => conversion_error(&v, "Vec"),
        }
    }
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        let t = lua.create_table();
        for (k, v) in self {
            t.raw_set(k, v)?;
        }
        Ok(Value::Table(t))
    }
}

impl<K: FromLua + Eq + Hash, V: FromLua> FromLua for HashMap<K, V> {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::Table(t) => Ok(t.pairs::<K, V>()?.into_iter().collect()),
            v => conversion_error(&v, "HashMap"),
        }
    }
}

impl<T: IntoLua> IntoLuaMulti for T {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        Ok(vec![self.into_lua(lua)?])
    }
}

impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
        T::from_lua(values.into_iter().next().unwrap_or(Value::Nil), lua)
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(Vec::new())
    }
}

impl FromLuaMulti for () {
    fn from_lua_multi(_: MultiValue, _: &Lua) -> Result<Self> {
        Ok(())
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self.0.into_iter().map(|v| v.into_lua(lua)).collect()
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
        values
            .into_iter()
            .map(|v| T::from_lua(v, lua))
            .collect::<Result<Vec<T>>>()
            .map(Variadic)
    }
}

macro_rules! tuple_conversions {
    ($( ($($name:ident)+) )*) => { $(
        impl<$($name: IntoLua),+> IntoLuaMulti for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
                let ($($name,)+) = self;
                Ok(vec![$($name.into_lua(lua)?),+])
            }
        }
        impl<$($name: FromLua),+> FromLuaMulti for ($($name,)+) {
            #[allow(non_snake_case)]
            fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
                let mut it = values.into_iter();
                $( let $name = $name::from_lua(it.next().unwrap_or(Value::Nil), lua)?; )+
                Ok(($($name,)+))
            }
        }
    )* };
}

tuple_conversions! {
    (A)
    (A B)
    (A B C)
    (A B C D)
    (A B C D E)
    (A B C D E F)
    (A B C D E F G)
    (A B C D E F G H)
}

#[cfg(test)]
mod tests {
    use super::has_position;

    #[test]
    fn positions_are_recognised() {
        assert!(has_position("t:1: boom"));
        assert!(has_position("[string \"x = 1\"]:12: oops"));
        assert!(!has_position("rust says no"));
        assert!(!has_position("error: 12 things"));
        assert!(!has_position("a\nb:1: c"));
    }
}
