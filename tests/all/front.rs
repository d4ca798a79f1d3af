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
    let Ok(src) = std::fs::read(src_path) else {
        return Some(format!("{}: cannot read", src_path.display()));
    };
    let file = src_path.file_name()?.to_string_lossy().into_owned();
    let expected = match std::fs::read(golden) {
        Ok(g) => String::from_utf8_lossy(&g).into_owned(),
        Err(_) => {
            // No golden yet (a new bench or script): ask the oracle if it is installed.
            let out = match std::process::Command::new("luajit")
                .arg("-bl")
                .arg(&file)
                .current_dir(src_path.parent()?)
                .output()
            {
                Ok(out) => out,
                Err(_) => {
                    eprintln!("skipped {} (no golden, no luajit)", src_path.display());
                    return None;
                }
            };
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

/// Developer tool: `FRONT_COMPARE="a.lua b.lua" cargo test --test all compare_files -- --ignored`
/// compares the listings of arbitrary files with `luajit -bl` run on the fly.
#[test]
#[ignore]
fn compare_files() {
    let list = std::env::var("FRONT_COMPARE").unwrap_or_default();
    let pairs = list
        .split_whitespace()
        .map(|f| (PathBuf::from(f), PathBuf::from("/nonexistent")))
        .collect();
    run_all(pairs);
}

/// A tiny deterministic PRNG (xorshift64*), so the robustness corpus is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Asserts that compiling `src` does not panic and that an error has the
/// `chunk:line: message` form.
fn assert_robust(src: &[u8]) {
    let result = std::panic::catch_unwind(|| {
        compile(src, b"@fuzz.lua").map(|p| {
            assert!(listing(&p).starts_with("-- BYTECODE --"));
        })
    });
    let Ok(result) = result else {
        panic!(
            "compile panicked on input {:?}",
            String::from_utf8_lossy(src)
        );
    };
    if let Err(e) = result {
        let rest = e.message.strip_prefix("fuzz.lua:").unwrap_or_else(|| {
            panic!(
                "bad error prefix: {:?} for {:?}",
                e.message,
                String::from_utf8_lossy(src)
            )
        });
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        assert!(
            digits > 0 && rest[digits..].starts_with(": ") && rest.len() > digits + 2,
            "bad error message {:?}",
            e.message
        );
    }
}

const PIECES: &[&str] = &[
    "(",
    ")",
    "=",
    " end ",
    " local ",
    ",",
    "\"",
    "'",
    "[[",
    "]]",
    "--",
    "--[[",
    "\\",
    "..",
    "...",
    "::",
    " goto ",
    "0x",
    "1e",
    ".",
    "\n",
    "{",
    "}",
    "[",
    "]",
    " function ",
    " return ",
    " break ",
    "\\x",
    "\\u{",
    "#",
    "\u{ff}",
    "\0",
    ";",
    ":",
    "5",
    "\\z",
    " not ",
    "-",
    "~",
    " if ",
    " then ",
    " else ",
    " for ",
    " in ",
    " do ",
    " while ",
    " repeat ",
    " until ",
    "\r",
    "[=[",
    "]=]",
    "0x1p",
    "\\300",
    " and ",
    " or ",
    " nil ",
    "<=",
    "^",
];

#[test]
fn random_and_mutated_sources_never_panic() {
    let dir = root().join("tests/golden/bl/snippets");
    let corpus: Vec<Vec<u8>> = lua_files(&dir)
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    assert!(!corpus.is_empty());
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for _ in 0..3000 {
        let mut src = corpus[rng.below(corpus.len())].clone();
        for _ in 0..1 + rng.below(4) {
            let p = rng.below(src.len() + 1);
            match rng.below(4) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())].as_bytes();
                    src.splice(p..p, piece.iter().copied());
                }
                1 => {
                    let end = (p + 1 + rng.below(8)).min(src.len());
                    src.drain(p..end);
                }
                2 => {
                    let q = rng.below(src.len() + 1);
                    let end = (q + 1 + rng.below(20)).min(src.len());
                    let copy = src[q..end].to_vec();
                    src.splice(p..p, copy);
                }
                _ => {
                    if p < src.len() {
                        src[p] = rng.next() as u8;
                    }
                }
            }
        }
        assert_robust(&src);
    }
    // Pure noise: random bytes and random token soup.
    for _ in 0..1000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_robust(&bytes);
        let soup: String = (0..rng.below(60))
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect();
        assert_robust(soup.as_bytes());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = |open: &str, mid: &str, close: &str, n: usize| {
        format!("x = {}{}{}", open.repeat(n), mid, close.repeat(n))
    };
    for src in [
        deep("(", "1", ")", 100_000),
        deep("{", "1", "}", 100_000),
        deep("-", "1", "", 100_000),
        deep("not ", "1", "", 100_000),
        deep("function() return ", "1", " end", 10_000),
        format!("{}x = 1{}", "do ".repeat(100_000), " end".repeat(100_000)),
        format!("x = 1{}", " .. x".repeat(100_000)),
        format!("x = {}", "a.".repeat(100_000) + "b"),
        format!("{}= 1", "a, ".repeat(100_000)),
        "::a:: ".repeat(10_000),
    ] {
        // Run on a small stack to leave room for the caller's own frames.
        let src2 = src.clone();
        let r = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || compile(src2.as_bytes(), b"@deep.lua").map(|_| ()))
            .expect("spawn")
            .join()
            .expect("compile must not overflow the stack");
        if let Err(e) = r {
            assert!(e.message.starts_with("deep.lua:"), "{}", e.message);
        }
    }
    let e = compile(deep("(", "1", ")", 300).as_bytes(), b"@deep.lua").unwrap_err();
    assert_eq!(e.message, "deep.lua:1: chunk has too many syntax levels");
}

#[test]
fn error_messages_are_worded_like_luajit() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "@t.lua",
            b"local x 1",
            "t.lua:1: unexpected symbol near '1'",
        ),
        (
            "@t.lua",
            b"x = 1 +",
            "t.lua:1: unexpected symbol near '<eof>'",
        ),
        (
            "x = ",
            b"x = ",
            "[string \"x = \"]:1: unexpected symbol near '<eof>'",
        ),
        (
            "=stdin",
            b"\n\nx = = 1",
            "stdin:3: unexpected symbol near '='",
        ),
        ("@t.lua", b"f(", "t.lua:1: unexpected symbol near '<eof>'"),
        (
            "@t.lua",
            b"if x then\n\n",
            "t.lua:3: 'end' expected (to close 'if' at line 1) near '<eof>'",
        ),
        (
            "@t.lua",
            b"#!/bin/lua\nx = 1 1",
            "t.lua:2: unexpected symbol near '1'",
        ),
        (
            "@t.lua",
            b"return 1 1",
            "t.lua:1: '<eof>' expected near '1'",
        ),
    ];
    for (chunk, src, msg) in cases {
        let e = compile(src, chunk.as_bytes()).unwrap_err();
        assert_eq!(&e.message, msg);
        assert_eq!(e.to_string(), *msg);
    }
}
