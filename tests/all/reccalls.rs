//! Recorder fidelity for comparisons, vararg calls and recursion, checked against
//! LuaJIT 2.1's own logs: the complete jit.dump text (IR, snapshots, exits) of seed case
//! 03 (int comparisons of a narrowed loop counter), and the jit.v log of an inlined
//! vararg program (`tests/golden/jit/reccalls/`, expected logs written by `luajit -jv`).

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_skein");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn seed_03_dump_equals_luajit_int_comparisons() {
    let case = root().join("tests/conformance/03-snapshot-exits");
    let src = std::fs::read_to_string(case.join("t1.lua")).expect("case");
    let body: String = src.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let prog = format!("require(\"jit.dump\").on(\"six\", \"t1.dlog\")\n{body}");
    std::fs::write(dir.path().join("t1.lua"), prog).unwrap();
    let out = Command::new(BIN)
        .arg("t1.lua")
        .current_dir(dir.path())
        .output()
        .expect("run skein");
    assert!(out.status.success());
    let got = std::fs::read_to_string(dir.path().join("t1.dlog")).expect("dump");
    let want = std::fs::read_to_string(case.join("expected/t1.dlog")).expect("expected");
    assert_eq!(crate::mask::addrs(&got), crate::mask::addrs(&want));
    assert!(got.contains(">  int NE     0001  +80"), "{got}");
}

/// Runs `name.lua` of the golden folder with `-jv` and compares the log with LuaJIT's
/// `name.log`; returns the program's output.
fn jit_v_matches(name: &str) -> String {
    let dir = root().join("tests/golden/jit/reccalls");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .arg(format!("-jv={}", tmp.path().join("v.log").display()))
        .arg(format!("{name}.lua"))
        .current_dir(&dir)
        .output()
        .expect("run skein");
    let got = std::fs::read_to_string(tmp.path().join("v.log")).expect("log");
    let want = std::fs::read_to_string(dir.join(format!("{name}.log"))).expect("golden");
    assert_eq!(got, want, "{name}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn inlined_vararg_calls_jit_v_equals_luajit() {
    assert_eq!(jit_v_matches("varg_pass"), "40800\n");
    // A tail call into a vararg function whose `select('#', ...)` is a tail call too.
    assert_eq!(jit_v_matches("varg_tailcall"), "600\n");
}

#[test]
fn vararg_dump_shows_vararg_frame_and_constant_select_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = "local function v2(a, ...)\n  local x, y = ...\n  if x > 100 then return a end\n  return a + x + select(2, ...) + select('#', ...)\nend\nlocal s = 0\nfor i = 1, 200 do s = s + v2(1, i, 3, 4) end\nprint(s)\n";
    std::fs::write(tmp.path().join("vb.lua"), src).unwrap();
    let out = Command::new(BIN)
        .args(["-jdump=is,d.log", "vb.lua"])
        .current_dir(tmp.path())
        .output()
        .expect("run skein");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "5850\n");
    let d = std::fs::read_to_string(tmp.path().join("d.log")).expect("dump");
    // LuaJIT's snapshot of the same trace: the call frame, the passed arguments (the moved
    // fixed parameter's slot is nil), then the vararg frame with `a` above it.
    assert!(
        d.contains("[ ---- ---- ---- ---- 0001 ---- ---- 0001 vb.lua:1 ftsz|nil  0001 +3   +4   vb.lua:1 ftsz|+1   ---- ---- ]"),
        "{d}"
    );
    assert!(d.contains("---- TRACE 1 stop -> loop"), "{d}");
}

/// Runs `name.lua` of the golden folder under `jit.dump` (`is`) and compares the text with
/// LuaJIT's `name.dlog`; returns the program's output.
fn dump_matches(name: &str) -> String {
    let dir = root().join("tests/golden/jit/reccalls");
    let tmp = tempfile::tempdir().expect("tempdir");
    let log = tmp.path().join("d.log");
    let script = format!(
        "require('jit.dump').on('is', {:?}) dofile('{name}.lua')",
        log.display().to_string()
    );
    let out = Command::new(BIN)
        .args(["-e", &script])
        .current_dir(&dir)
        .output()
        .expect("run skein");
    let got = std::fs::read_to_string(&log).expect("dump");
    let want = std::fs::read_to_string(dir.join(format!("{name}.dlog"))).expect("golden");
    assert_eq!(got, want, "{name}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn arithmetic_narrowing_dump_equals_luajit() {
    // int BAND / MOD, NE + SUBOV for -i, SUBOV with constants, the number modulo
    // expansion and operand order: LuaJIT's `jit.dump` (is) text of the same run.
    assert_eq!(dump_matches("narrow_arith"), "5547\n");
    // x ^ 2 → MUL, x ^ 1 → x, x ^ 0 → 1, other exponents a number POW.
    assert_eq!(dump_matches("narrow_pow"), "340116.80565958\n");
    // Immutable number upvalues become int constants when integral (int NE / ADDOV).
    assert_eq!(dump_matches("upvalue_consts"), "25676\n");
}
