//! Trace decisions on recursive functions against LuaJIT 2.1's `-jv` logs
//! (tests/golden/jit/downrec/: each `NAME.lua` with LuaJIT's log `NAME.v`).
//!
//! What is compared: the leading lines of each log that skein reproduces today —
//! recording across a compiled function that only returns (call-unroll limit, flush of
//! that trace, trace numbers kept), the restart at a return after "down-recursion,
//! restarting", and side traces linking to a return-started trace. LuaJIT's later lines
//! depend on its PRNG (random hot counts after a flush) and on running down-recursion
//! traces, which skein's executor leaves to the interpreter; the counts below say how
//! many lines match. Raise them when more matches, never lower them to make a test pass.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_skein");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/jit/downrec");

/// skein's `-jv` log and standard output for `script args` run in the golden directory.
fn jv(script: &str, args: &[&str], jit: &str) -> (String, String) {
    let o = Command::new(BIN)
        .current_dir(DIR)
        .arg(jit)
        .arg(script)
        .args(args)
        .output()
        .expect("run skein");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8_lossy(&o.stderr).into_owned(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// The first `lines` lines of skein's log equal LuaJIT's (`NAME.v`), and the program
/// prints the same with the JIT off.
fn check(name: &str, args: &[&str], lines: usize) {
    let want = std::fs::read_to_string(Path::new(DIR).join(format!("{name}.v"))).unwrap();
    let (log, out) = jv(&format!("{name}.lua"), args, "-jv");
    let got: Vec<&str> = log.lines().take(lines).collect();
    let exp: Vec<&str> = want.lines().take(lines).collect();
    assert_eq!(exp.len(), lines, "golden {name}.v is too short");
    assert_eq!(got, exp, "skein's -jv log of {name} differs from LuaJIT's");
    let (_, off) = jv(&format!("{name}.lua"), args, "-joff");
    assert_eq!(out, off, "{name}: JIT on and off print differently");
}

#[test]
fn fib_records_across_returning_function_traces_and_restarts_at_returns() {
    // Trace 1 returns; its side trace records on through fib's JFUNCF, aborts with
    // down-recursion, the restarted root at the return hits the call-unroll limit and
    // flushes trace 1 (number kept: the next trace is 2). Only these three lines are
    // LuaJIT's in every run: over 20 runs of `luajit -jv fib.lua 20` the fourth line
    // was `return` or `up-recursion` and the first 11 lines took 6 different forms in
    // 8 runs (random hot counts after the flush, address-hashed counters).
    check("fib", &["20"], 3);
}

#[test]
fn depth_restarts_at_the_return_and_links_down_recursion() {
    check("cnt", &[], 3);
}

#[test]
fn sum_closes_a_return_started_root_with_down_recursion() {
    check("sum", &[], 1);
    // Line 3: the restarted root at the return links down-recursion to itself.
    let want = std::fs::read_to_string(Path::new(DIR).join("sum.v")).unwrap();
    let (log, _) = jv("sum.lua", &[], "-jv");
    assert_eq!(log.lines().nth(2), want.lines().nth(2));
    assert_eq!(
        log.lines().nth(2),
        Some("[TRACE   2 sum.lua:3 down-recursion]")
    );
}

/// The link type of trace 2 when `f1(n)` (a plain recursion) runs after a 58-iteration
/// loop, under `header` (a first line loading a log module, or nothing).
fn recursion_link(header: &str, n: u32) -> String {
    let dir = tempfile_dir();
    let src = format!(
        "{header}\nlocal function f1(v)\n    if v == 0 then\n        return\n    end\n\n    \
         f1(v - 1)\nend\n\nfor i = 1, 58 do end\nf1({n})\n\
         local ti = require(\"jit.util\").traceinfo(2)\nio.write(tostring(ti and ti.linktype))\n"
    );
    std::fs::write(dir.join("t.lua"), src).unwrap();
    let o = Command::new(BIN)
        .current_dir(&dir)
        .arg("t.lua")
        .output()
        .expect("run skein");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "skein-ljstack-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn recursion_gets_hot_where_luajits_stack_growth_makes_it() {
    // Measured with LuaJIT 2.1: every stack growth on the way down counts a call twice,
    // so f1 is hot on call 109 with nothing loaded (3 growths), 110 after loading jit.v
    // (its Lua code already grew the stack once) and 111 after jit.dump (twice). The
    // trace starts at v = n + 1 - hot call: from v = 3 on it links up-recursion.
    let cases: [(&str, u32, &str); 9] = [
        ("", 107, "nil"),
        ("", 108, "return"),
        ("", 111, "up-recursion"),
        ("require(\"jit.v\").on(\"t1.log\")", 108, "nil"),
        ("require(\"jit.v\").on(\"t1.log\")", 111, "return"),
        ("require(\"jit.v\").on(\"t1.log\")", 112, "up-recursion"),
        ("require(\"jit.dump\").on(\"six\", \"t1.dlog\")", 109, "nil"),
        (
            "require(\"jit.dump\").on(\"six\", \"t1.dlog\")",
            112,
            "return",
        ),
        (
            "require(\"jit.dump\").on(\"six\", \"t1.dlog\")",
            113,
            "up-recursion",
        ),
    ];
    for (header, n, want) in cases {
        assert_eq!(recursion_link(header, n), want, "{header:?} f1({n})");
    }
}
