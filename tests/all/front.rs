//! Front-end tests: `-bl` listings compared line for line with LuaJIT's (goldens made by
//! `tests/golden/bl/regen.sh`), error messages, and robustness against random input.

use skein::front::{compile, listing};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Snippets whose listing deliberately differs from LuaJIT's, with the reason.
const DEVIATIONS: &[(&str, &str)] = &[];

/// What compiling `src` (listed as `file`) must produce: a listing, or an error message.
fn actual(src: &[u8], file: &str) -> String {
    match compile(src, format!("@{file}").as_bytes()) {
        Ok(p) => listing(&p),
        Err(e) => format!("luajit: {}\n", e.message),
    }
}

/// Compares one source with its golden; returns a description of the first difference.
fn check(src_path: &Path, golden: &Path) -> Option<String> {
    let src = std::fs::read(src_path).ok()?;
    let file = src_path.file_name()?.to_string_lossy().into_owned();
    let expected = match std::fs::read(golden) {
        Ok(g) => String::from_utf8_lossy(&g).into_owned(),
        Err(_) => {
            // No golden yet (a new bench or script): ask the oracle if it is installed.
            let out = std::process::Command::new("luajit")
                .arg("-bl")
                .arg(&file)
                .current_dir(src_path.parent()?)
                .output()
                .ok()?;
            let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
            s.push_str(&String::from_utf8_lossy(&out.stderr));
            s
        }
    };
    let got = actual(&src, &file);
    if got == expected {
        return None;
    }
    let (mut el, mut gl) = (expected.lines(), got.lines());
    for n in 1.. {
        match (el.next(), gl.next()) {
            (None, None) => break,
            (e, g) if e == g => continue,
            (e, g) => {
                return Some(format!(
                    "{}: line {n}\n  luajit: {}\n  skein:  {}",
                    src_path.display(),
                    e.unwrap_or("<end>"),
                    g.unwrap_or("<end>")
                ))
            }
        }
    }
    Some(format!("{}: differs", src_path.display()))
}

fn lua_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "lua"));
    v.sort();
    v
}

fn run_all(pairs: Vec<(PathBuf, PathBuf)>) {
    let mut failures = Vec::new();
    let total = pairs.len();
    for (src, golden) in pairs {
        let name = src
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if DEVIATIONS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        if let Some(diff) = check(&src, &golden) {
            failures.push(diff);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} listings differ:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

#[test]
fn snippets_match_luajit() {
    let dir = root().join("tests/golden/bl/snippets");
    let pairs = lua_files(&dir)
        .into_iter()
        .map(|p| {
            let g = p.with_extension("bl");
            (p, g)
        })
        .collect::<Vec<_>>();
    assert!(pairs.len() > 10, "snippet corpus missing");
    run_all(pairs);
}

#[test]
fn seed_scenarios_match_luajit() {
    let seeds = Path::new("/work/shared/conformance/seed");
    let mut pairs = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(seeds)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    for d in dirs {
        let src = d.join("t1.lua");
        if src.exists() {
            let name = d
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            pairs.push((src, root().join(format!("tests/golden/bl/seed/{name}.bl"))));
        }
    }
    run_all(pairs);
}

#[test]
fn benches_and_scripts_match_luajit() {
    let mut pairs = Vec::new();
    for src in lua_files(&root().join("benches")) {
        let stem = src
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        pairs.push((
            src,
            root().join(format!("tests/golden/bl/benches/{stem}.bl")),
        ));
    }
    let scripts = root().join("tests/scripts");
    let mut stack = vec![scripts.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "lua") {
                let rel = p.strip_prefix(&scripts).unwrap_or(&p).to_string_lossy();
                let name = rel.trim_end_matches(".lua").replace('/', "__");
                pairs.push((
                    p.clone(),
                    root().join(format!("tests/golden/bl/scripts/{name}.bl")),
                ));
            }
        }
    }
    run_all(pairs);
}
