//! The `skein` command: a thin layer over [`skein::cli`].

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    std::process::exit(skein::cli::main(args));
}
