//! Where the trace logs go and how they name locations, as LuaJIT's `jit.v` and
//! `jit.dump` do: jit.v writes to standard error unless given a file (or
//! `LUAJIT_VERBOSEFILE`), jit.dump to standard output (or `LUAJIT_DUMPFILE`); file
//! chunks are shown by their base name, `=name` chunks by name, short source strings
//! quoted. When `luajit` is installed the same runs are compared with it.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_skein");

fn run(exe: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<Output> {
    let mut c = Command::new(exe);
    c.current_dir(dir).args(args);
    c.env_remove("LUAJIT_VERBOSEFILE")
        .env_remove("LUAJIT_DUMPFILE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().ok()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/loop.lua"), "for i = 1, 100 do end\n").unwrap();
    d
}

#[test]
fn jit_v_goes_to_stderr_with_base_names() {
    let d = scratch();
    let o = run(BIN, d.path(), &["-jv", "sub/loop.lua"], &[]).unwrap();
    assert!(o.status.success());
    assert_eq!(text(&o.stdout), "");
    assert_eq!(text(&o.stderr), "[TRACE   1 loop.lua:1 loop]\n");

    let o = run(BIN, d.path(), &["-jdump=s", "sub/loop.lua"], &[]).unwrap();
    assert!(text(&o.stdout).starts_with("---- TRACE 1 start loop.lua:1\n"));
    assert_eq!(text(&o.stderr), "");

    let o = run(
        BIN,
        d.path(),
        &["-jv", "sub/loop.lua"],
        &[("LUAJIT_VERBOSEFILE", "v.log")],
    )
    .unwrap();
    assert_eq!(text(&o.stderr), "");
    let log = std::fs::read_to_string(d.path().join("v.log")).unwrap();
    assert_eq!(log, "[TRACE   1 loop.lua:1 loop]\n");
}

#[test]
fn trace_locations_follow_luajit_naming() {
    let d = scratch();
    let prog = "loadstring('for i=1,100 do end', '@a/b/c.lua')() \
                loadstring('for i=1,100 do end', '=a/b/c.lua')() \
                loadstring('for i=1,100 do end')() \
                print(require('jit.util').funcinfo(loadstring('', '@x/y.lua')).loc)";
    let want_stderr = "[TRACE   1 c.lua:1 loop]\n\
                       [TRACE   2 a/b/c.lua:1 loop]\n\
                       [TRACE   3 \"for i=1,100 do end\":1 loop]\n";
    let o = run(BIN, d.path(), &["-jv", "-e", prog], &[]).unwrap();
    assert_eq!(text(&o.stderr), want_stderr);
    assert_eq!(text(&o.stdout), "y.lua:0\n");
    if let Some(lj) = run("luajit", d.path(), &["-jv", "-e", prog], &[]) {
        assert_eq!(text(&lj.stderr), want_stderr, "luajit disagrees");
        assert_eq!(text(&lj.stdout), "y.lua:0\n");
    }
}

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/jit_logs");

/// Runs `skein` (and `luajit`, when installed) in `dir` with `args`, which write a log
/// to `log`, and checks both logs against `golden` (LuaJIT's log, kept in the tree).
/// A golden file named `*.head.v` holds only the first lines of the log (where LuaJIT's
/// later lines vary from run to run); only that many lines are compared.
fn check_log(dir: &Path, args: &[&str], log: &str, golden: &str) {
    let want = std::fs::read_to_string(Path::new(GOLDEN).join(golden)).unwrap();
    let logpath = dir.join(log);
    let _ = std::fs::remove_file(&logpath);
    let o = run(BIN, dir, args, &[]).unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let head = |t: String| {
        if golden.ends_with(".head.v") {
            t.lines()
                .take(want.lines().count())
                .map(|l| format!("{l}\n"))
                .collect()
        } else {
            t
        }
    };
    let got = head(std::fs::read_to_string(&logpath).unwrap_or_default());
    assert_eq!(got, want, "skein's log differs from LuaJIT's ({golden})");
    let _ = std::fs::remove_file(&logpath);
    // LuaJIT's own logs can vary between runs (hash-table layouts follow addresses):
    // the golden file must be one of the logs it writes.
    let mut seen = Vec::new();
    for _ in 0..5 {
        let _ = std::fs::remove_file(&logpath);
        match run("luajit", dir, args, &[]) {
            Some(lj) if lj.status.success() => {
                let got = head(std::fs::read_to_string(&logpath).unwrap_or_default());
                if got == want {
                    return;
                }
                seen.push(got);
            }
            _ => return,
        }
    }
    panic!("the golden file {golden} is none of LuaJIT's logs: {seen:?}");
}

#[test]
fn recorded_bytecode_and_inner_loop_unrolling_match_luajit() {
    // An inner loop that keeps being left: two "leaving loop" aborts put it in the
    // penalty cache, then the outer loop's root trace unrolls it (`-jdump=b` shows
    // every recorded bytecode, with the closing FORL as it was before patching).
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(GOLDEN).join("innerloop_left.lua"),
        d.path().join("innerloop_left.lua"),
    )
    .unwrap();
    check_log(
        d.path(),
        &["-jdump=b,out.txt", "innerloop_left.lua"],
        "out.txt",
        "innerloop_left.dump_b",
    );
}

#[test]
fn loop_decisions_match_luajit_on_benchmarks() {
    // mandelbrot: the x loop's root trace reaches the FORI of the iteration loop,
    // compiled as trace 1, and links to it (`-> 1`) instead of aborting.
    // nbody: the inner j loop's root trace leaves the loop at its own FORL; the abort
    // is reported at the instruction after the loop (`at nbody.lua:92`).
    // fannkuch: "inner loop in root trace" is reported where the inner loop's body
    // starts (`at fannkuch.lua:62` for the `for` at line 61, `:38` for a `while`).
    let benches = concat!(env!("CARGO_MANIFEST_DIR"), "/benches");
    for (prog, arg, golden) in [
        ("mandelbrot", "64", "mandelbrot_64.v"),
        ("nbody", "1000", "nbody_1000.head.v"),
        ("fannkuch", "7", "fannkuch_7.head.v"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let log = d.path().join("v.log");
        let log = log.to_str().unwrap();
        check_log(
            Path::new(benches),
            &[&format!("-jv={log}"), &format!("{prog}.lua"), arg],
            log,
            golden,
        );
    }
}

#[test]
fn attached_handlers_get_luajits_events_and_arguments() {
    // `jit.attach` for trace, record and texit events: starts (with parent trace and
    // exit for side traces), stops, recorded positions and exits to the interpreter,
    // queried with jit.util from inside the handlers; detaching stops them.
    let dir = Path::new(GOLDEN);
    let want = std::fs::read_to_string(dir.join("attach.out")).unwrap();
    let o = run(BIN, dir, &["attach.lua"], &[]).unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), want);
    assert_eq!(text(&o.stderr), "");
    if let Some(lj) = run("luajit", dir, &["attach.lua"], &[]) {
        assert_eq!(text(&lj.stdout), want, "the golden file is stale");
    }
}

#[test]
fn a_failing_handler_is_reported_and_aborts_the_trace_it_started() {
    let d = tempfile::tempdir().unwrap();
    let prog = "jit.attach(function(what) error('no ' .. what, 0) end, 'trace') \
                local t = 0 for i = 1, 100 do t = t + i end print(t)";
    let o = run(BIN, d.path(), &["-e", prog], &[]).unwrap();
    assert!(o.status.success());
    assert_eq!(text(&o.stdout), "5050\n");
    // As in LuaJIT, failing on a start aborts that trace (and the abort handler fails).
    let want = "VM handler failed: no start\nVM handler failed: no abort\n".repeat(2);
    assert_eq!(text(&o.stderr), want);
    if let Some(lj) = run("luajit", d.path(), &["-e", prog], &[]) {
        assert_eq!(text(&lj.stderr), want, "luajit disagrees");
    }
    let o = run(BIN, d.path(), &["-e", "jit.attach(1)"], &[]).unwrap();
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("bad argument #1 to 'attach' (function expected, got number)"));
}

#[test]
fn string_fast_functions_record_luajits_ir() {
    // string.byte, string.len and type() inline: the function guards, `FLOAD str.len`,
    // the index checks, `STRREF` + `XLOAD u8`, and type() folded into a constant. The
    // hash slot of "type" in the globals (`@N`) follows each VM's table layout.
    let mask = |t: &str| -> String {
        t.lines()
            .map(|l| match l.rfind(" @") {
                Some(i) if l.contains("HREFK") => format!("{}\n", &l[..i]),
                _ => format!("{l}\n"),
            })
            .collect()
    };
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(GOLDEN).join("ff_string.lua"),
        d.path().join("ff_string.lua"),
    )
    .unwrap();
    let want = std::fs::read_to_string(Path::new(GOLDEN).join("ff_string.dump_i")).unwrap();
    for exe in [BIN, "luajit"] {
        let _ = std::fs::remove_file(d.path().join("out.txt"));
        match run(exe, d.path(), &["-jdump=i,out.txt", "ff_string.lua"], &[]) {
            Some(o) if o.status.success() => {}
            _ if exe == "luajit" => return,
            Some(o) => panic!("{}", text(&o.stderr)),
            None => panic!("cannot run {exe}"),
        }
        let got = std::fs::read_to_string(d.path().join("out.txt")).unwrap_or_default();
        assert_eq!(
            mask(&got),
            mask(&want),
            "{exe}'s IR differs from the golden file"
        );
    }
}
