//! `skein analyze`: the command-line front of the analyser.

/// Runs `skein analyze ARGS` and returns the exit status.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("skein analyze: not built yet");
    2
}
