//! The `skein` command line: `skein [options] [script [args]]` in the style of `luajit`,
//! plus `skein analyze ...` for offline trace-log analysis.

use std::ffi::OsString;

/// Runs the command line and returns the process exit status.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.get(1).map(String::as_str) == Some("analyze") {
        return crate::analyze::cli::run(&args[2..]);
    }
    eprintln!("skein: the Lua runtime is not built yet");
    1
}
