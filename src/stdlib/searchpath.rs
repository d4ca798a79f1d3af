//! `package.searchpath` and the module search paths, as LuaJIT 2.1 (Debian) has them.
//!
//! - [`search_path`]: `name` has every `sep` (default ".") replaced by `rep` (default
//!   "/"; an empty `sep` replaces nothing); the path is split at `;` (empty templates are
//!   skipped); in each template every `?` becomes the name; the first readable file wins.
//!   Otherwise the error text is one "\n\tno file 'x'" per template tried, which
//!   `require` also uses for its "module 'm' not found:" message.
//! - [`path_from_env`]: `LUA_PATH` / `LUA_CPATH` with each ";;" replaced by
//!   `;default;`.
//! - Defaults are Debian's LuaJIT 2.1 values so that `require` error messages match.
//!
//! File access is a callback so that the engine stays free of I/O and testable.

/// `package.path` when `LUA_PATH` is unset (Debian's luajit 2.1.0-beta3).
pub const DEFAULT_PATH: &str = "./?.lua;/usr/share/luajit-2.1.0-beta3/?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua";

/// `package.cpath` when `LUA_CPATH` is unset.
pub const DEFAULT_CPATH: &str = "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so";

/// `package.config`: directory separator, path separator, substitution mark,
/// executable-directory mark, ignore mark, one per line.
pub const CONFIG: &str = "/\n;\n?\n!\n-\n";

/// Replace every occurrence of `from` (non-empty) in `s` by `to`.
fn replace_all(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// `package.searchpath(name, path, sep, rep)`: `Ok(file)` or `Err(message)` where the
/// message lists every file tried. `readable(file)` says whether the file can be opened.
pub fn search_path(
    name: &[u8],
    path: &[u8],
    sep: &[u8],
    rep: &[u8],
    mut readable: impl FnMut(&[u8]) -> bool,
) -> Result<Vec<u8>, Vec<u8>> {
    let name = replace_all(name, sep, rep);
    let mut message = Vec::new();
    for template in path.split(|&b| b == b';').filter(|t| !t.is_empty()) {
        let file = replace_all(template, b"?", &name);
        if readable(&file) {
            return Ok(file);
        }
        message.extend_from_slice(b"\n\tno file '");
        message.extend_from_slice(&file);
        message.push(b'\'');
    }
    Err(message)
}

/// The search path from an environment variable's value: unset gives `default`;
/// each ";;" becomes ";" + `default` + ";".
pub fn path_from_env(env_value: Option<&[u8]>, default: &[u8]) -> Vec<u8> {
    match env_value {
        None => default.to_vec(),
        Some(v) => {
            let mut with_default = b";".to_vec();
            with_default.extend_from_slice(default);
            with_default.push(b';');
            replace_all(v, b";;", &with_default)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_in_order() {
        let found = search_path(b"a.b", b"/x/?.lua;/y/?/init.lua", b".", b"/", |f| {
            f == b"/y/a/b/init.lua"
        });
        assert_eq!(found, Ok(b"/y/a/b/init.lua".to_vec()));
        let missing = search_path(b"a.c", b"/x/?.lua;;/y/?.lua", b".", b"/", |_| false);
        assert_eq!(
            missing,
            Err(b"\n\tno file '/x/a/c.lua'\n\tno file '/y/a/c.lua'".to_vec())
        );
        assert_eq!(
            search_path(b"a.b", b"??", b"", b"/", |_| false),
            Err(b"\n\tno file 'a.ba.b'".to_vec())
        );
    }

    #[test]
    fn env_default_expansion() {
        let p = path_from_env(Some(b"/x/?.lua;;"), DEFAULT_PATH.as_bytes());
        let mut want = b"/x/?.lua;".to_vec();
        want.extend_from_slice(DEFAULT_PATH.as_bytes());
        want.push(b';');
        assert_eq!(p, want);
    }
}
