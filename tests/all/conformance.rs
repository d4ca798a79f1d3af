//! Conformance with LuaJIT 2.1 (the seed scenarios, copied under `tests/conformance/`),
//! run exactly as `../shared/conformance/check.sh` runs them: each case's `t1.lua` with
//! its first line replaced by `require("jit.v").on("t1.log")` (tier v: the log must equal
//! `expected/t1.log` or a variant) and by `require("jit.dump").on("six", "t1.dlog")`
//! (tier d: the `---- TRACE n start|stop|abort|exit` lines must equal those of
//! `expected/t1.dlog` or a variant). Also the differential test: every script under
//! `tests/scripts/` and `tests/jitdiff/` (JIT-specific programs: nested loops, calls,
//! recursion, stitching) and every benchmark at its `-- Quick:` size prints the same with
//! the JIT off and on.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_skein");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn events(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.starts_with("---- TRACE ")
                && l.split_whitespace()
                    .nth(3)
                    .is_some_and(|w| matches!(w, "start" | "stop" | "abort" | "exit"))
                && l.split_whitespace()
                    .nth(2)
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .map(crate::mask::addrs)
        .collect()
}

fn variants(case: &Path, name: &str) -> Vec<String> {
    let mut v = vec![std::fs::read_to_string(case.join("expected").join(name)).unwrap_or_default()];
    if let Ok(rd) = std::fs::read_dir(case.join("expected").join(format!("{name}.variants"))) {
        for e in rd.flatten() {
            v.push(std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    v
}

fn run_case(case: &Path, first: &str, out: &str) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let src = std::fs::read_to_string(case.join("t1.lua")).ok()?;
    let body: String = src.split_inclusive('\n').skip(1).collect();
    std::fs::write(dir.path().join("t1.lua"), format!("{first}\n{body}")).ok()?;
    Command::new(BIN)
        .arg("t1.lua")
        .current_dir(dir.path())
        .output()
        .ok()?;
    std::fs::read_to_string(dir.path().join(out)).ok()
}

#[test]
fn seed_cases_match_luajit() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/conformance"))
        .expect("tests/conformance")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("t1.lua").exists())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 19);
    let mut failed = Vec::new();
    let mut passed = 0;
    for c in &cases {
        let name = c.file_name().unwrap().to_string_lossy().into_owned();
        let v = run_case(c, r#"require("jit.v").on("t1.log")"#, "t1.log");
        if v.is_some_and(|got| variants(c, "t1.log").contains(&got)) {
            passed += 1;
        } else {
            failed.push(format!("v {name}"));
        }
        let d = run_case(c, r#"require("jit.dump").on("six", "t1.dlog")"#, "t1.dlog");
        let ok = d.is_some_and(|got| {
            let g = events(&got);
            variants(c, "t1.dlog").iter().any(|e| events(e) == g)
        });
        if ok {
            passed += 1;
        } else {
            failed.push(format!("d {name}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{passed}/38 passed; failures: {failed:?}"
    );
    assert_eq!(passed, 38);
}

fn quick_arg(src: &str) -> Option<String> {
    src.lines()
        .find_map(|l| l.trim().strip_prefix("-- Quick:"))
        .and_then(|r| r.split_whitespace().next())
        .map(str::to_string)
}

fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                lua_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "lua") {
                out.push(p);
            }
        }
    }
}

#[test]
fn jit_on_and_off_print_the_same() {
    let mut files = Vec::new();
    lua_files(&root().join("tests/scripts"), &mut files);
    lua_files(&root().join("tests/jitdiff"), &mut files);
    lua_files(&root().join("benches"), &mut files);
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap_or_default();
        if f.starts_with(root().join("benches")) && quick_arg(&src).is_none() {
            continue;
        }
        let run = |jit: &str| {
            let mut c = Command::new(BIN);
            c.arg(jit).arg(&f).current_dir(f.parent().unwrap());
            if let Some(q) = quick_arg(&src) {
                c.arg(q);
            }
            let o = c.output().expect("run skein");
            (o.status.code(), o.stdout, o.stderr)
        };
        let off = run("-joff");
        let on = run("-jon");
        assert_eq!(off, on, "JIT on/off differ for {}", f.display());
    }
}

#[test]
fn cli_jit_options_write_logs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = "local i, s = 0, 0\nwhile i < 1000 do i = i + 1; if i % 3 == 0 then s = s + i end end\nprint(s)\n";
    std::fs::write(dir.path().join("w.lua"), src).unwrap();
    let out = Command::new(BIN)
        .args(["-jv=v.log", "-jdump=tx,d.log", "w.lua"])
        .current_dir(dir.path())
        .output()
        .expect("run skein");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "166833\n");
    // Same as LuaJIT 2.1: the while loop, and a side trace for the `if` linking back.
    let v = std::fs::read_to_string(dir.path().join("v.log")).unwrap();
    assert_eq!(
        v,
        "[TRACE   1 w.lua:2 loop]\n[TRACE   2 (1/4) w.lua:2 -> 1]\n"
    );
    let d = std::fs::read_to_string(dir.path().join("d.log")).unwrap();
    assert!(d.starts_with("---- TRACE 1 start w.lua:2\n---- TRACE 1 stop -> loop\n"));
    assert_eq!(d.matches("---- TRACE 1 exit 4").count(), 10);
    // jit.util sees the trace; -joff records nothing.
    let out = Command::new(BIN)
        .args([
            "-e",
            "for i=1,100 do end local t = require('jit.util').traceinfo(1) print(t.linktype, t.nexit)",
        ])
        .output()
        .expect("run skein");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "loop\t4\n");
    let out = Command::new(BIN)
        .args([
            "-joff",
            "-e",
            "for i=1,100 do end print(require('jit.util').traceinfo(1))",
        ])
        .output()
        .expect("run skein");
    // No trace: traceinfo returns nothing, as LuaJIT's does.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\n");
}
