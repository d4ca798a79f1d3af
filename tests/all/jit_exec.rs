//! The portable executor's compiled form (`src/jit/exec/compile.rs`): what a trace
//! compiles to, that it is dropped with the trace, and that the run loop's results match
//! the interpreter on programs that exercise the compile-time rewrites.

use skein::jit::driver::JitDriver;
use skein::jit::exec::compile::{EndAction, ExecCode};
use skein::jit::exec::XOp;
use skein::jit::world::TraceCode;
use skein::Lua;

fn lua_with_jit() -> Lua {
    let lua = Lua::new();
    lua.with_vm(skein::stdlib::jitlib::open);
    lua
}

/// The compiled forms of every trace, cloned out of the world.
fn compiled(lua: &Lua) -> Vec<ExecCode> {
    lua.with_vm(|l| {
        let d = JitDriver::of(l).expect("driver");
        d.jit
            .world
            .code
            .values()
            .map(|TraceCode::Portable(c)| c.clone())
            .collect()
    })
}

#[test]
fn a_loop_compiles_to_specialised_ops_and_runs() {
    let lua = lua_with_jit();
    let src = "
        local t = {}
        for i = 1, 100 do t[i] = i end
        local s = 0.5
        for i = 1, 100000 do s = s + t[(i % 100) + 1] * 0.25 end
        return s";
    let s: f64 = lua.load(src).eval().unwrap();
    let off: f64 = Lua::new().load(src).eval().unwrap();
    assert_eq!(s, off);
    let codes = compiled(&lua);
    assert!(!codes.is_empty(), "no trace was compiled");
    let looping: Vec<&ExecCode> = codes
        .iter()
        .filter(|c| c.end == EndAction::LoopBack)
        .collect();
    assert!(!looping.is_empty(), "no looping trace");
    for c in &looping {
        assert!(c.runnable);
        assert!(c.loop_at.is_some() && c.loop_snap.is_some());
        // AREF copies are read through by ALOAD/ASTORE and dropped; the metatable
        // check is one fused guard.
        assert!(
            !c.code.iter().any(|i| matches!(i.op, XOp::Mov { .. })),
            "{:?}",
            c.code
        );
    }
    let all_ops: Vec<XOp> = looping
        .iter()
        .flat_map(|c| c.code.iter().map(|i| i.op))
        .collect();
    assert!(all_ops.iter().any(|o| matches!(o, XOp::NoMeta { .. })));
    assert!(all_ops.iter().any(|o| matches!(o, XOp::Aload { .. })));
    assert!(all_ops.iter().any(|o| matches!(o, XOp::AddN { .. })));
}

#[test]
fn compiled_forms_are_dropped_with_their_traces() {
    let lua = lua_with_jit();
    lua.load("local s = 0 for i = 1, 1000 do s = s + i end")
        .exec()
        .unwrap();
    assert!(!compiled(&lua).is_empty());
    lua.load("jit.flush()").exec().unwrap();
    assert!(compiled(&lua).is_empty());
    lua.load("local s = 0 for i = 1, 1000 do s = s + i end")
        .exec()
        .unwrap();
    assert!(!compiled(&lua).is_empty());
}

#[test]
fn table_and_metatable_checks_in_traces_match_the_interpreter() {
    // Array and hash keys of every kind the executor specialises (int, number, string),
    // a table that gains a metatable mid-loop (the fused NoMeta guard must fail), and
    // stores that grow the array part.
    let src = r#"
        local t, h = {}, {x = 1, y = 2}
        local acc = 0
        for i = 1, 3000 do
          t[i] = i * 0.5
          h.x = h.x + t[i]
          acc = acc + h.y + (t[i - 1] or 0)
          if i == 2000 then setmetatable(t, {__index = function() return 7 end}) end
          acc = acc + (t[i + 5000] or 0)
        end
        local k = 0
        for i = 1, 3000 do k = k + (t[i + 0.5] or 1) end
        return acc + h.x + k"#;
    let on: f64 = lua_with_jit().load(src).eval().unwrap();
    let off: f64 = Lua::new().load(src).eval().unwrap();
    assert_eq!(on, off);
}
