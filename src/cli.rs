//! The `skein` command line: `skein [options] [script [args]]` in the style of `luajit`,
//! plus `skein analyze ...` for offline trace-log analysis.
//!
//! Options are parsed by hand, in order, like luajit's: `-e chunk` runs a chunk,
//! `-l name` requires a module (not available yet), `-i` enters interactive mode after
//! the script, `-v` prints the version, `-bl file` lists bytecode, `-j...` options are
//! reserved for the JIT (`-jon`/`-joff` accepted and ignored for now), `--` stops option
//! handling, `-` runs standard input. The global `arg` holds the script name at index 0,
//! the script arguments at 1.., and the interpreter and options at negative indexes.
//! Uncaught errors print `skein: message` and a traceback to stderr and exit with 1.

use crate::vm::{Lua, LuaError, Value};
use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};

const VERSION: &str = concat!(
    "skein ",
    env!("CARGO_PKG_VERSION"),
    " -- a Lua 5.1 runtime with a LuaJIT-2.1-style tracing JIT"
);

const USAGE: &str = "usage: skein [options]... [script [args]...].
Available options are:
  -e chunk  Execute string 'chunk'.
  -l name   Require library 'name'.
  -b ...    Save or list bytecode (-bl file: list).
  -j cmd    Perform JIT control command (-jon, -joff).
  -i        Enter interactive mode after executing 'script'.
  -v        Show version information.
  -h        Show this help.
  --        Stop handling options.
  -         Execute stdin and stop handling options.";

/// Runs the command line and returns the process exit status.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.get(1).map(String::as_str) == Some("analyze") {
        return crate::analyze::cli::run(&args[2..]);
    }
    run(&args)
}

fn report(l: &mut Lua, e: &LuaError) {
    l.flush_out();
    // As luajit: a nil error object is not reported; other non-strings use __tostring
    // or a placeholder.
    let msg = match *e {
        LuaError::Error(v) if v.is_nil() => return,
        LuaError::Error(v) if !v.is_str() && !v.is_num() => match l.tostring(v) {
            Ok(s) if !l.metamethod(v, skein_mm_tostring()).is_nil() => s.to_str_lossy(),
            _ => "(error object is not a string)".to_string(),
        },
        _ => l.error_text(e),
    };
    let mut err = std::io::stderr();
    let _ = writeln!(err, "skein: {msg}");
    if let Some(tb) = l.traceback.take() {
        let _ = writeln!(err, "{tb}");
    }
}

fn skein_mm_tostring() -> crate::vm::MM {
    crate::vm::MM::Tostring
}

fn run_chunk(l: &mut Lua, f: Value, args: &[Value]) -> bool {
    l.want_traceback = true;
    l.traceback = None;
    let r = l.call_value(f, args, 0);
    l.want_traceback = false;
    match r {
        Ok(_) => true,
        Err(e) => {
            report(l, &e);
            false
        }
    }
}

fn load_error(l: &mut Lua, msg: &str) {
    l.flush_out();
    eprintln!("skein: {msg}");
}

fn run(args: &[String]) -> i32 {
    let mut l = Lua::new();
    crate::stdlib::jitlib::open(&mut l);
    // Scripts run where the standalone `luajit` runs them in its stack (hot counts of
    // recursive functions depend on it: see vm/ljstack.rs).
    l.th()
        .ljstack
        .set_offset(crate::vm::ljstack::STANDALONE_OFFSET);
    let mut i = 1;
    let mut interactive = false;
    let mut ran_something = false;
    let mut version_shown = false;
    // First pass: options up to the script name.
    let mut script: Option<usize> = None;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            script = Some(i);
            break;
        }
        match a {
            "--" => {
                if i + 1 < args.len() {
                    script = Some(i + 1);
                }
                break;
            }
            "-i" => {
                interactive = true;
                if !version_shown {
                    println!("{VERSION}");
                    version_shown = true;
                }
            }
            "-v" => {
                if !version_shown {
                    println!("{VERSION}");
                    version_shown = true;
                }
            }
            "-h" | "-?" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            "-e" => {
                i += 1;
                let Some(chunk) = args.get(i) else {
                    eprintln!("skein: '-e' needs argument\n{USAGE}");
                    return 1;
                };
                set_arg_table(&mut l, args, None);
                match l.load(chunk.as_bytes(), b"=(command line)") {
                    Ok(f) => {
                        if !run_chunk(&mut l, f, &[]) {
                            return 1;
                        }
                    }
                    Err(m) => {
                        load_error(&mut l, &m);
                        return 1;
                    }
                }
                ran_something = true;
            }
            "-l" => {
                i += 1;
                let Some(name) = args.get(i) else {
                    eprintln!("skein: '-l' needs argument\n{USAGE}");
                    return 1;
                };
                let f = l.get_global("require");
                if f.is_nil() {
                    eprintln!("skein: module '{name}' not found (no 'require' yet)");
                    return 1;
                }
                let v = l.str_value(name.as_bytes());
                if !run_chunk(&mut l, f, &[v]) {
                    return 1;
                }
            }
            _ if a.starts_with("-b") => return bytecode_option(args, i),
            // (jitrec) -O[level|flag|param=value,...] → jit.opt.start(...).
            _ if a.starts_with("-O") => {
                let items: Vec<String> = a[2..]
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(|x| format!("{x:?}"))
                    .collect();
                let code = format!("jit.opt.start({})", items.join(","));
                if let Err(e) = l.exec(code.as_bytes(), b"=(command line)") {
                    report(&mut l, &e);
                    return 1;
                }
            }
            _ if a.starts_with("-j") => {
                let cmd = if a.len() > 2 {
                    a[2..].to_string()
                } else {
                    i += 1;
                    args.get(i).cloned().unwrap_or_default()
                };
                // (jitrec) JIT control commands run as Lua against the `jit` library.
                if let Some(code) = jit_command(&cmd) {
                    if let Err(e) = l.exec(code.as_bytes(), b"=(command line)") {
                        report(&mut l, &e);
                        return 1;
                    }
                } else {
                    eprintln!("skein: unknown JIT option '-j{cmd}'");
                    return 1;
                }
            }
            _ => {
                eprintln!("skein: unrecognized option '{a}'\n{USAGE}");
                return 1;
            }
        }
        i += 1;
    }
    let mut status = 0;
    if let Some(si) = script {
        set_arg_table(&mut l, args, Some(si));
        let name = args[si].as_str();
        let loaded = if name == "-" {
            crate::stdlib::base::load_file(&mut l, None)
        } else {
            crate::stdlib::base::load_file(&mut l, Some(name.as_bytes()))
        };
        match loaded {
            Ok(f) => {
                let script_args: Vec<Value> = args[si + 1..]
                    .iter()
                    .map(|a| l.str_value(a.as_bytes()))
                    .collect();
                if !run_chunk(&mut l, f, &script_args) {
                    status = 1;
                }
            }
            Err(m) => {
                load_error(&mut l, &m);
                status = 1;
            }
        }
        ran_something = true;
    }
    if status == 0 && (interactive || (!ran_something && !version_shown)) {
        if interactive || std::io::stdin().is_terminal() {
            if !version_shown {
                println!("{VERSION}");
            }
            repl(&mut l);
        } else {
            set_arg_table(&mut l, args, None);
            match crate::stdlib::base::load_file(&mut l, None) {
                Ok(f) => {
                    if !run_chunk(&mut l, f, &[]) {
                        status = 1;
                    }
                }
                Err(m) => {
                    load_error(&mut l, &m);
                    status = 1;
                }
            }
        }
    }
    l.flush_out();
    if std::env::var_os("SKEIN_REPORT_HWM").is_some() {
        // Test hook: report the peak resident set size (see tests/all/vm.rs).
        if let Ok(s) = std::fs::read_to_string("/proc/self/status") {
            if let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:")) {
                eprintln!("{line}");
            }
        }
    }
    status
}

fn set_arg_table(l: &mut Lua, args: &[String], script: Option<usize>) {
    let t = l.new_table(0, 0);
    let zero = script.unwrap_or(args.len());
    for (i, a) in args.iter().enumerate() {
        let v = l.str_value(a.as_bytes());
        t.get_mut().set(Value::num(i as f64 - zero as f64), v);
    }
    l.set_global("arg", Value::tab(t));
}

fn bytecode_option(args: &[String], i: usize) -> i32 {
    let a = args[i].as_str();
    let (list, file) = if a == "-bl" {
        (true, args.get(i + 1))
    } else if a == "-b" && args.get(i + 1).map(String::as_str) == Some("-l") {
        (true, args.get(i + 2))
    } else {
        (false, None)
    };
    if !list {
        eprintln!("skein: only '-bl file' is supported");
        return 1;
    }
    let Some(file) = file else {
        eprintln!("skein: '-bl' needs a file");
        return 1;
    };
    let (src, name) = if file == "-" {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut s);
        (s, b"=stdin".to_vec())
    } else {
        match std::fs::read(file) {
            // luajit -bl names the chunk after the file's base name.
            Ok(s) => {
                let base = std::path::Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| file.clone());
                (s, format!("@{base}").into_bytes())
            }
            Err(_) => {
                eprintln!("skein: cannot open {file}");
                return 1;
            }
        }
    };
    match crate::front::compile(&src, &name) {
        Ok(p) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(&crate::front::listing_bytes(&p));
            let _ = out.flush();
            0
        }
        Err(e) => {
            eprintln!("skein: {}", e.message);
            1
        }
    }
}

fn repl(l: &mut Lua) {
    let stdin = std::io::stdin();
    let mut pending = String::new();
    loop {
        print!("{}", if pending.is_empty() { "> " } else { ">> " });
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                println!();
                return;
            }
            Ok(_) => {}
        }
        pending.push_str(&line);
        let src = if let Some(rest) = pending.strip_prefix('=') {
            format!("return {rest}")
        } else {
            pending.clone()
        };
        // Try as an expression first, then as a statement.
        let mut incomplete = false;
        let f = match l.load(format!("return {src}").as_bytes(), b"=stdin") {
            Ok(f) => Ok(f),
            Err(m) => {
                incomplete = m.contains("<eof>");
                l.load(src.as_bytes(), b"=stdin")
            }
        };
        match f {
            Ok(f) => {
                pending.clear();
                l.want_traceback = true;
                l.traceback = None;
                match l.call_value(f, &[], -1) {
                    Ok(vals) if !vals.is_empty() => {
                        let print = l.get_global("print");
                        let _ = l.call_value(print, &vals, 0);
                    }
                    Ok(_) => {}
                    Err(e) => report(l, &e),
                }
                l.want_traceback = false;
                l.flush_out();
            }
            Err(m) if incomplete || m.contains("<eof>") => continue,
            Err(m) => {
                pending.clear();
                eprintln!("skein: {m}");
            }
        }
    }
}

/// (jitrec) The Lua code for a `-j` command: `on`, `off`, `flush`, `v[=file]`,
/// `dump[=flags[,file]]`.
fn jit_command(cmd: &str) -> Option<String> {
    let (name, arg) = match cmd.split_once('=') {
        Some((n, a)) => (n, Some(a)),
        None => (cmd, None),
    };
    match name {
        "on" | "off" | "flush" => Some(format!("jit.{name}()")),
        "v" => Some(match arg {
            Some(f) => format!("require('jit.v').on({f:?})"),
            None => "require('jit.v').on()".into(),
        }),
        "dump" => Some(match arg {
            Some(a) => match a.split_once(',') {
                Some((fl, f)) => format!("require('jit.dump').on({fl:?}, {f:?})"),
                None => format!("require('jit.dump').on({a:?})"),
            },
            None => "require('jit.dump').on()".into(),
        }),
        _ => None,
    }
}
