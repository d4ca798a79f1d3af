//! The embedding API (`skein::Lua`): conversions, calls both ways, userdata, errors,
//! GC rooting of handles, limits, and the `examples/embed.rs` program itself.

use skein::embed::{AnyUserData, UserData, UserDataMethods, Variadic};
use skein::{Error, Function, Lua, Table, Value};
use std::collections::HashMap;

#[allow(dead_code)]
#[path = "../../examples/embed.rs"]
mod example;

#[test]
fn example_program_runs() {
    let lua = Lua::new();
    let lines = example::run(&lua).expect("example runs");
    assert_eq!(
        lines,
        vec![
            "Counter(clicks, 5) hypot=5",
            "count seen from Rust: 5",
            "apply_twice(add_ten, 1) = 21",
            "sequence from Lua: [10, 20, 30]",
            "error: example:1: boom",
        ]
    );
}

#[test]
fn values_convert_both_ways() {
    let lua = Lua::new();
    let g = lua.globals();
    g.set("n", 42).unwrap();
    g.set("s", "text").unwrap();
    g.set("b", true).unwrap();
    g.set("v", vec![1, 2, 3]).unwrap();
    let mut m = HashMap::new();
    m.insert("k".to_string(), 7.5);
    g.set("m", m).unwrap();
    let (n, s, b, v, k): (i64, String, bool, Vec<i32>, f64) = lua
        .load("return n + 1, s .. '!', not b, v, m.k")
        .eval()
        .unwrap();
    assert_eq!(
        (n, s.as_str(), b, v, k),
        (43, "text!", false, vec![1, 2, 3], 7.5)
    );
    let opt: Option<i64> = lua.load("return nil").eval().unwrap();
    assert_eq!(opt, None);
    let map: HashMap<String, i64> = lua.load("return {a = 1, b = 2}").eval().unwrap();
    assert_eq!(map.get("b"), Some(&2));
    assert!(matches!(
        lua.load("return {}").eval::<i64>(),
        Err(Error::FromLua { from: "table", .. })
    ));
    assert!(
        lua.load("return 1.5").eval::<i64>().is_err(),
        "inexact integer"
    );
    let all: Variadic<i64> = lua.load("return 1, 2, 3").eval().unwrap();
    assert_eq!(all.0, vec![1, 2, 3]);
    let v: Value = lua.load("return 'x'").eval().unwrap();
    assert_eq!(v.type_name(), "string");
}

#[test]
fn rust_functions_and_errors() {
    let lua = Lua::new();
    let sum = lua
        .create_function(|_, args: Variadic<f64>| Ok(args.0.iter().sum::<f64>()))
        .unwrap();
    lua.globals().set("sum", sum).unwrap();
    let fail = lua
        .create_function(|_, ()| -> skein::Result<()> { Err(Error::runtime("rust says no")) })
        .unwrap();
    lua.globals().set("fail", fail).unwrap();
    let r: f64 = lua.load("return sum(1, 2, 3.5)").eval().unwrap();
    assert_eq!(r, 6.5);
    // A Rust error is a catchable Lua error with the caller's position.
    let msg: String = lua
        .load("local ok, e = pcall(fail) return e")
        .set_name("=t")
        .eval()
        .unwrap();
    assert_eq!(msg, "rust says no");
    let msg: String = lua
        .load("local ok, e = pcall(function() fail() end) return e")
        .set_name("=t")
        .eval()
        .unwrap();
    assert_eq!(msg, "t:1: rust says no");
    // A Lua error reaching Rust carries the message and a traceback.
    let err = lua
        .load("local function f() error('deep') end f()")
        .set_name("@script.lua")
        .exec()
        .unwrap_err();
    assert_eq!(err.to_string(), "script.lua:1: deep");
    let tb = err.traceback().expect("traceback");
    assert!(tb.starts_with("stack traceback:"), "{tb}");
    assert!(tb.contains("script.lua:1"), "{tb}");
    // Syntax errors.
    assert!(matches!(lua.load("x = = 1").exec(), Err(Error::Syntax(_))));
    // Calling a Lua function from Rust.
    let f: Function = lua
        .load("return function(a, b) return a * b, a + b end")
        .eval()
        .unwrap();
    let (p, s): (i64, i64) = f.call((6, 7)).unwrap();
    assert_eq!((p, s), (42, 13));
}

struct Account {
    balance: i64,
}

impl UserData for Account {
    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_method("balance", |_, a, ()| Ok(a.balance));
        m.add_method_mut("deposit", |_, a, n: i64| {
            if n <= 0 {
                return Err(Error::runtime("deposit must be positive"));
            }
            a.balance += n;
            Ok(())
        });
        m.add_method("call", |_, _a, f: Function| f.call::<_, ()>(()));
        m.add_meta_method("__len", |_, a, ()| Ok(a.balance));
        m.add_function("new", |lua, n: i64| {
            lua.create_userdata(Account { balance: n })
        });
    }
}

#[test]
fn userdata_methods_and_borrows() {
    let lua = Lua::new();
    let acct = lua.create_userdata(Account { balance: 10 }).unwrap();
    lua.globals().set("acct", acct.clone()).unwrap();
    let b: i64 = lua
        .load("acct:deposit(5) return acct:balance() + #acct")
        .eval()
        .unwrap();
    assert_eq!(b, 30);
    assert_eq!(acct.borrow::<Account>().unwrap().balance, 15);
    let e: String = lua
        .load("return select(2, pcall(acct.deposit, acct, -1))")
        .eval()
        .unwrap();
    assert!(e.ends_with("deposit must be positive"), "{e}");
    // A method that calls back into Lua which tries a mutable borrow: a Lua error.
    let e: String = lua
        .load("return select(2, pcall(acct.call, acct, function() acct:deposit(1) end))")
        .eval()
        .unwrap();
    assert!(e.contains("userdata already borrowed"), "{e}");
    let other: AnyUserData = lua.load("return acct.new(3)").eval().unwrap();
    assert_eq!(other.borrow::<Account>().unwrap().balance, 3);
    assert!(matches!(
        other.borrow::<String>(),
        Err(Error::UserDataType(_))
    ));
    let e: String = lua
        .load("return select(2, pcall(acct.balance, {}))")
        .eval()
        .unwrap();
    assert!(e.contains("userdata expected, got table"), "{e}");
}

#[test]
fn handles_survive_garbage_collection() {
    let lua = Lua::new();
    let t: Table = lua.load("return {answer = 42}").eval().unwrap();
    let f: Function = lua
        .load("local n = 0 return function() n = n + 1 return n end")
        .eval()
        .unwrap();
    lua.load("for i = 1, 20000 do local x = {i} end collectgarbage() collectgarbage()")
        .exec()
        .unwrap();
    lua.gc_collect();
    assert_eq!(t.get::<_, i64>("answer").unwrap(), 42);
    assert_eq!(f.call::<_, i64>(()).unwrap(), 1);
    assert_eq!(f.call::<_, i64>(()).unwrap(), 2);
    let t2 = t.clone();
    drop(t);
    lua.gc_collect();
    assert_eq!(t2.raw_get::<_, i64>("answer").unwrap(), 42);
    // Dropped handles release their registry slots for reuse.
    for _ in 0..1000 {
        let _tmp = lua.create_table();
    }
}

#[test]
fn instruction_limit_stops_runaway_code() {
    let lua = Lua::new();
    lua.set_instruction_limit(Some(10_000));
    let err = lua.load("while true do end").exec().unwrap_err();
    assert!(matches!(err, Error::InstructionLimit), "{err:?}");
    // pcall inside the script cannot keep it going.
    lua.set_instruction_limit(Some(10_000));
    let err = lua
        .load("for i = 1, 10 do pcall(function() while true do end end) end while true do end")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::InstructionLimit), "{err:?}");
    // After lifting the limit the state works again.
    lua.set_instruction_limit(None);
    let n: i64 = lua
        .load("local s = 0 for i = 1, 100000 do s = s + 1 end return s")
        .eval()
        .unwrap();
    assert_eq!(n, 100000);
}

#[test]
fn memory_limit_stops_allocation() {
    let lua = Lua::new();
    lua.set_memory_limit(Some(lua.used_memory() + (8 << 20)));
    let err = lua
        .load("local t = {} for i = 1, 1e7 do t[i] = {i} end")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::MemoryLimit), "{err:?}");
    // A single call cannot jump past the cap either.
    lua.set_memory_limit(Some(lua.used_memory() + (8 << 20)));
    let err = lua
        .load("local s = string.rep('x', 2^30)")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::MemoryLimit), "{err:?}");
    lua.set_memory_limit(None);
    lua.load("collectgarbage()").exec().unwrap();
    let ok: bool = lua.load("return #{1, 2, 3} == 3").eval().unwrap();
    assert!(ok);
}

#[test]
fn coroutines_resume_from_rust() {
    let lua = Lua::new();
    let f: Function = lua
        .load("return function(a) local b = coroutine.yield(a + 1) error('stop ' .. b) end")
        .eval()
        .unwrap();
    let co = lua.create_thread(&f).unwrap();
    assert_eq!(co.status(), "suspended");
    let y: i64 = co.resume(41).unwrap();
    assert_eq!(y, 42);
    let err = co.resume::<_, ()>("now").unwrap_err();
    assert!(err.to_string().ends_with("stop now"), "{err}");
    assert_eq!(co.status(), "dead");
    assert!(co.resume::<_, ()>(()).is_err());
    let t: skein::embed::Thread = lua
        .load("return coroutine.create(function() end)")
        .eval()
        .unwrap();
    assert_eq!(t.status(), "suspended");
}

#[test]
fn a_panicking_callback_becomes_a_lua_error() {
    let lua = Lua::new();
    let f = lua
        .create_function(|_, n: i64| -> skein::Result<i64> {
            if n > 1 {
                panic!("too big: {n}");
            }
            Ok(n)
        })
        .unwrap();
    lua.globals().set("f", f).unwrap();
    let msg: String = lua
        .load("local ok, e = pcall(f, 5) return e")
        .eval()
        .unwrap();
    assert!(msg.contains("Rust function panicked: too big: 5"), "{msg}");
    // The state is still consistent.
    let n: i64 = lua.load("return f(1) + 1").eval().unwrap();
    assert_eq!(n, 2);
}

#[test]
fn handles_from_another_state_are_refused() {
    let a = Lua::new();
    let b = Lua::new();
    let t = a.create_table();
    assert!(matches!(
        b.globals().set("t", t.clone()),
        Err(Error::ForeignValue)
    ));
    let f: Function = b.load("return function(x) return x end").eval().unwrap();
    assert!(matches!(f.call::<_, Value>(t), Err(Error::ForeignValue)));
}

/// A state with the JIT installed (the embedding API's `Lua::new` leaves it off).
fn lua_with_jit() -> Lua {
    let lua = Lua::new();
    lua.with_vm(skein::stdlib::jitlib::open);
    lua
}

/// The number of traces the JIT has, to show a loop really ran as a trace.
fn trace_count(lua: &Lua) -> usize {
    lua.with_vm(|l| skein::jit::driver::JitDriver::of(l).map_or(0, |d| d.jit.world.traces.len()))
}

#[test]
fn instruction_limit_stops_looping_traces_with_the_jit_on() {
    for src in [
        "while true do end",
        "local s = 0 while true do s = s + 1 end",
        "for i = 1, 1e15 do end",
        "local s = 0 for i = 1, 1e15 do s = s + i * 0.5 end",
        "local t = {1} for i = 1, 1e15 do t[1] = t[1] + 1 end",
        "repeat local x = 1 until false",
    ] {
        let lua = lua_with_jit();
        lua.set_instruction_limit(Some(200_000));
        let err = lua.load(src).exec().unwrap_err();
        assert!(matches!(err, Error::InstructionLimit), "{src}: {err:?}");
        assert!(trace_count(&lua) > 0, "{src}: no trace was compiled");
        // The error comes from the loop's line, as with the JIT off.
        let msg = err.to_string();
        assert!(msg.contains("instruction limit exceeded"), "{src}: {msg}");
        // After lifting the limit the same state runs traces to completion.
        lua.set_instruction_limit(None);
        let n: i64 = lua
            .load("local s = 0 for i = 1, 300000 do s = s + 1 end return s")
            .eval()
            .unwrap();
        assert_eq!(n, 300_000, "{src}");
    }
}

#[test]
fn instruction_limit_counts_trace_iterations_like_the_interpreter() {
    // The budget is charged once per loop iteration with the JIT on or off, so a loop
    // stopped by it has done about as much work either way (the JIT does not charge
    // the final iteration of a loop that it leaves through a guard: at most one unit
    // per loop exit).
    for src in [
        "T = {0} local t = T for i = 1, 1e15 do t[1] = i end",
        "T = {0} local t = T local i = 0 while true do i = i + 1 t[1] = i end",
        "T = {0} local t = T for j = 1, 1e9 do for i = 1, 100 do t[1] = t[1] + 1 end end",
    ] {
        let work = |jit: bool| {
            let lua = if jit { lua_with_jit() } else { Lua::new() };
            lua.set_instruction_limit(Some(200_000));
            let err = lua.load(src).exec().unwrap_err();
            assert!(matches!(err, Error::InstructionLimit), "{src}: {err:?}");
            if jit {
                assert!(trace_count(&lua) > 0, "{src}: no trace");
            }
            lua.set_instruction_limit(None);
            lua.load("return T[1]").eval::<f64>().unwrap()
        };
        let (off, on) = (work(false), work(true));
        assert!(off > 190_000.0, "{src}: {off}");
        assert!(
            (on - off).abs() <= off * 0.03,
            "{src}: JIT {on} vs interpreter {off}"
        );
    }
}

#[test]
fn pcall_cannot_escape_the_limit_inside_traces() {
    let lua = lua_with_jit();
    lua.set_instruction_limit(Some(100_000));
    let err = lua
        .load("for i = 1, 10 do pcall(function() while true do end end) end while true do end")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::InstructionLimit), "{err:?}");
}

#[test]
fn memory_limit_stops_a_growing_table_with_the_jit_on() {
    let lua = lua_with_jit();
    lua.set_memory_limit(Some(lua.used_memory() + (8 << 20)));
    // The store loop runs as a trace; the table grows inside it.
    let err = lua
        .load("local t = {} for i = 1, 1e8 do t[i] = i end")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::MemoryLimit), "{err:?}");
    assert!(trace_count(&lua) > 0);
    // Allocation in a trace that returns to the interpreter is noticed at the next entry.
    lua.set_memory_limit(Some(lua.used_memory() + (8 << 20)));
    let err = lua
        .load("local t = {} for i = 1, 1e7 do t[i] = {i} end")
        .exec()
        .unwrap_err();
    assert!(matches!(err, Error::MemoryLimit), "{err:?}");
    lua.set_memory_limit(None);
    lua.load("collectgarbage()").exec().unwrap();
}
