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
    // flushes trace 1 (number kept: the next trace is 2), and so on.
    check("fib", &["20"], 11);
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
