//! TEMPORARY STUB on branch `vm` until the real front end is merged: compiles by running
//! `luajit -b -g` and reading the dump. Replaced wholesale by the `front` branch.

/// A compile error.
#[derive(Debug)]
pub struct CompileError {
    /// Lua-style message.
    pub message: String,
}

/// Compiles Lua source (stub: via luajit).
pub fn compile(source: &[u8], chunkname: &[u8]) -> Result<crate::bc::Proto, CompileError> {
    use std::io::Write;
    let dir = std::env::temp_dir();
    let id = std::process::id() as u64 * 1000003 + source.len() as u64;
    let n = std::sync::atomic::AtomicU64::new(0);
    let _ = &n;
    let src = dir.join(format!("skein-stub-{id}-{:p}.lua", source));
    let out = dir.join(format!("skein-stub-{id}-{:p}.out", source));
    std::fs::File::create(&src).and_then(|mut f| f.write_all(source)).map_err(|e| CompileError { message: e.to_string() })?;

    let r = std::process::Command::new("luajit")
        .args(["-b", "-g"])
        .arg(&src)
        .arg(&out)
        .output()
        .map_err(|e| CompileError { message: e.to_string() })?;
    let _ = std::fs::remove_file(&src);
    if !r.status.success() {
        let msg = String::from_utf8_lossy(&r.stderr).into_owned();
        let msg = msg.trim().trim_start_matches("luajit: ").to_string();
        let msg = msg.split('\n').next().unwrap_or("").to_string();
        return Err(CompileError { message: msg });
    }
    let bytes = std::fs::read(&out).map_err(|e| CompileError { message: e.to_string() })?;
    let _ = std::fs::remove_file(&out);
    crate::vm::load::read_luajit_dump(&bytes, chunkname).map_err(|m| CompileError { message: m })
}

/// Listing (stub).
pub fn listing(_p: &crate::bc::Proto) -> String {
    String::new()
}
