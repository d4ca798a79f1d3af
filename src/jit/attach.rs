//! `jit.attach`: Lua functions called on JIT events, as LuaJIT's VM events.
//!
//! A handler attached for `"trace"` is called for every trace start, stop, abort and
//! flush with LuaJIT's arguments: `("start", tr, func, pc, parent, exit)`,
//! `("stop", tr, func)`, `("abort", tr, func, pc, code, info)` (the error code is
//! LuaJIT's number for the message, `info` its argument, e.g. the bytecode number of
//! "NYI: bytecode %d") and `("flush")`. A `"record"` handler gets `(tr, func, pc,
//! depth)` for every bytecode recorded, a `"texit"` handler `(tr, exit, 0, 0)` for every
//! exit taken to the interpreter (no register values: traces run on the portable
//! executor). `"bc"` handlers are accepted and never called. `func` is the Lua function
//! whose prototype the position belongs to (the last closure of it the JIT saw), `nil`
//! for builtins; `pc` is the bytecode position (0 = the function header), as
//! `jit.util.funcinfo(func, pc)` takes it.
//!
//! Delivery: handlers read the event stream like the log sinks, through their own cursor,
//! at the end of each JIT entry point (hot count, recorded instruction, trace entry), when
//! the interpreter is at an instruction boundary. The JIT is detached from the VM while
//! a handler runs (LuaJIT disables it inside VM events too), so a handler's own code is
//! neither counted nor recorded, and handlers are not re-entered. A handler's error is
//! reported on standard error as `VM handler failed: message` and otherwise ignored.
//!
//! Rules for whoever changes this: handler values are rooted in the registry table
//! [`REGISTRY_KEY`]; keep delivery at instruction boundaries only.

use crate::jit::events::{ParentExit, TraceEvent};
use crate::jit::ids::{FuncRef, ProtoKey};
use crate::vm::{Lua, Value};
use hashbrown::HashMap;

/// Registry key of the table rooting attached handlers (`[handler] = event name`).
pub const REGISTRY_KEY: &str = "_VMEVENTS";

/// The VM events a handler can be attached to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VmEvent {
    /// Trace start, stop, abort, flush.
    Trace,
    /// A bytecode recorded.
    Record,
    /// An exit taken to the interpreter.
    Texit,
    /// A prototype created (never sent).
    Bc,
}

impl VmEvent {
    /// The event of a `jit.attach` name.
    pub fn from_name(name: &[u8]) -> Option<VmEvent> {
        match name {
            b"trace" => Some(VmEvent::Trace),
            b"record" => Some(VmEvent::Record),
            b"texit" => Some(VmEvent::Texit),
            b"bc" => Some(VmEvent::Bc),
            _ => None,
        }
    }
}

/// The attached handlers and what they need.
#[derive(Default)]
pub struct Attached {
    /// Handlers in attach order.
    pub handlers: Vec<(VmEvent, Value)>,
    /// The last closure seen for each prototype (the `func` argument).
    pub closures: HashMap<ProtoKey, Value>,
    /// Set while handlers run.
    pub running: bool,
}

impl Attached {
    /// Whether any handler listens to `ev`.
    pub fn wants(&self, ev: VmEvent) -> bool {
        self.handlers.iter().any(|&(e, _)| e == ev)
    }

    /// The calls `event` makes: (event kind, arguments).
    pub fn calls_for(&self, lua: &mut Lua, event: &TraceEvent) -> Option<(VmEvent, Vec<Value>)> {
        let func = |f: &FuncRef| match f {
            FuncRef::Lua(k) => self.closures.get(k).copied().unwrap_or(Value::NIL),
            _ => Value::NIL,
        };
        let int = |n: u32| Value::num(n as f64);
        Some(match event {
            TraceEvent::Start {
                no,
                func: f,
                pc,
                parent,
            } => {
                let mut args = vec![lua.str_value(b"start"), int(no.0 as u32), func(f), int(*pc)];
                if let Some((p, ex)) = parent {
                    args.push(int(p.0 as u32));
                    args.push(match ex {
                        ParentExit::Exit(n) => int(*n as u32),
                        ParentExit::Stitch => Value::num(-1.0),
                    });
                }
                (VmEvent::Trace, args)
            }
            TraceEvent::Stop { no, func: f, .. } => (
                VmEvent::Trace,
                vec![lua.str_value(b"stop"), int(no.0 as u32), func(f)],
            ),
            TraceEvent::Abort {
                no,
                func: f,
                pc,
                err,
                arg,
            } => {
                let info = match arg {
                    Some(a) => match a.parse::<f64>() {
                        Ok(n) => Value::num(n),
                        Err(_) => lua.str_value(a.as_bytes()),
                    },
                    None => Value::NIL,
                };
                (
                    VmEvent::Trace,
                    vec![
                        lua.str_value(b"abort"),
                        int(no.0 as u32),
                        func(f),
                        int(*pc),
                        int(*err as u8 as u32),
                        info,
                    ],
                )
            }
            TraceEvent::Flush => (VmEvent::Trace, vec![lua.str_value(b"flush")]),
            TraceEvent::Record {
                no,
                func: f,
                pc,
                depth,
            } => (
                VmEvent::Record,
                vec![int(no.0 as u32), func(f), int(*pc), int(*depth as u32)],
            ),
            TraceEvent::Exit { no, exit } => (
                VmEvent::Texit,
                vec![int(no.0 as u32), int(*exit as u32), int(0), int(0)],
            ),
        })
    }
}
