//! Front-end tests: `-bl` listings compared line for line with LuaJIT's (goldens made by
//! `tests/golden/bl/regen.sh`), error messages, and robustness against random input.

use skein::front::{compile, listing, listing_bytes};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Snippets whose listing deliberately differs from LuaJIT's, with the reason.
const DEVIATIONS: &[(&str, &str)] = &[(
    "ffi_cdata",
    "skein has no FFI: `1LL`, `2ULL` and `3i` are cdata constants (KCDATA) in LuaJIT, \
     a 'malformed number' error in skein",
)];

/// What compiling `src` (listed as `file`) must produce: a listing, or an error message.
fn actual(src: &[u8], file: &str) -> Vec<u8> {
    match compile(src, format!("@{file}").as_bytes()) {
        Ok(p) => listing_bytes(&p),
        Err(e) => format!("luajit: {}\n", e.message).into_bytes(),
    }
}

/// Compares one source with its golden; returns a description of the first difference.
fn check(src_path: &Path, golden: &Path) -> Option<String> {
    let Ok(src) = std::fs::read(src_path) else {
        return Some(format!("{}: cannot read", src_path.display()));
    };
    let file = src_path.file_name()?.to_string_lossy().into_owned();
    let expected = match std::fs::read(golden) {
        Ok(g) => g,
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
            let mut s = out.stdout;
            s.extend_from_slice(&out.stderr);
            s
        }
    };
    let got = actual(&src, &file);
    if got == expected {
        return None;
    }
    let expected = String::from_utf8_lossy(&expected).into_owned();
    let got = String::from_utf8_lossy(&got).into_owned();
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

/// The conformance cases in `../shared` beside the checkout (as CI lays it out).
fn shared_seeds() -> PathBuf {
    root().join("../shared/conformance/seed")
}

#[test]
fn seed_scenarios_match_luajit() {
    let seeds = shared_seeds();
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
        // A leading ESC byte announces a bytecode dump; LuaJIT's message has no line.
        if e.message == "fuzz.lua: cannot load incompatible bytecode"
            || e.message == "cannot load malformed bytecode"
        {
            return;
        }
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

/// Applies one to four random edits to a source: insert a token, delete a run, copy a
/// run elsewhere, or overwrite a byte.
fn mutate(rng: &mut Rng, src: &mut Vec<u8>) {
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
}

#[test]
fn random_and_mutated_sources_never_panic() {
    let dir = root().join("tests/golden/bl/snippets");
    let corpus: Vec<Vec<u8>> = lua_files(&dir)
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    assert!(!corpus.is_empty());
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    // FRONT_FUZZ_ITERS scales the campaign for a long local run (default: a quick one).
    let iters: usize = std::env::var("FRONT_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    if let Ok(seed) = std::env::var("FRONT_FUZZ_SEED") {
        rng.0 ^= seed
            .parse::<u64>()
            .unwrap_or(0)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            | 1;
    }
    for _ in 0..iters {
        let mut src = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut src);
        assert_robust(&src);
    }
    // Pure noise: random bytes and random token soup.
    for _ in 0..iters / 3 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_robust(&bytes);
        let soup: String = (0..rng.below(60))
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect();
        assert_robust(soup.as_bytes());
    }
}

/// Mutated programs that still compile are run, each in a fresh sandboxed state with an
/// instruction budget and a memory cap: whatever they do (loop forever, recurse, build
/// huge strings, call library functions with odd arguments) ends in a result or a Lua
/// error, never a panic.
#[test]
fn mutated_programs_run_within_limits_without_panicking() {
    let mut files = lua_files(&root().join("tests/golden/bl/snippets"));
    files.extend(lua_files(&root().join("tests/scripts/lang")));
    let corpus: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    assert!(corpus.len() > 10, "corpus missing");
    let mut rng = Rng(0x0dd_ba11_c0ff_ee42);
    let (mut ran, mut errors) = (0, 0);
    for _ in 0..6000 {
        let mut src = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut src);
        if skein::front::compile(&src, b"@mutant.lua").is_err() {
            continue;
        }
        let outcome = std::panic::catch_unwind(|| {
            let lua = skein::Lua::new();
            // Sandbox: no process exit, no files written, no output.
            lua.load(
                "os.exit, os.remove, os.rename, os.execute = nil, nil, nil, nil \
                 io.open, io.popen, io.output, io.write = nil, nil, nil, nil \
                 print = function() end",
            )
            .exec()
            .expect("sandbox prelude runs");
            lua.set_instruction_limit(Some(200_000));
            lua.set_memory_limit(Some(64 << 20));
            lua.load(src.clone()).set_name("@mutant.lua").exec().is_ok()
        });
        match outcome {
            Ok(ok) => {
                ran += 1;
                if !ok {
                    errors += 1;
                }
            }
            Err(_) => panic!(
                "running a mutated program panicked:\n{}",
                String::from_utf8_lossy(&src)
            ),
        }
    }
    eprintln!("mutants run: {ran}, ended in a Lua error: {errors}");
    // Most mutants still compile and run; a fair share ends in a Lua error.
    assert!(ran > 200, "only {ran} mutants compiled");
    assert!(
        errors > 0 && errors < ran,
        "{errors} errors out of {ran} runs"
    );
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
fn ffi_number_suffixes_are_rejected() {
    // The deliberate deviation listed in DEVIATIONS.
    let e = compile(b"local a = 1LL", b"@t.lua").unwrap_err();
    assert_eq!(e.message, "t.lua:1: malformed number near '1LL'");
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
        (
            "@t.lua",
            b"\xef\xbb\xbf#!x\nx = 1 +",
            "t.lua:2: unexpected symbol near '<eof>'",
        ),
        (
            "@t.lua",
            b"\x1bLJ",
            "t.lua: cannot load incompatible bytecode",
        ),
        ("@t.lua", b"#!x\n\x1bLJ", "cannot load malformed bytecode"),
    ];
    for (chunk, src, msg) in cases {
        let e = compile(src, chunk.as_bytes()).unwrap_err();
        assert_eq!(&e.message, msg);
        assert_eq!(e.to_string(), *msg);
    }
}

/// Checks everything the `-bl` listing does not show (frame size, flags, parameters,
/// upvalue descriptors and names, line numbers, variable ranges, number constants and
/// template tables) against LuaJIT's own bytecode dump (`luajit -b -g -t raw`).
mod dump {
    use skein::bc::{KGc, KValue, Proto};
    use std::collections::BTreeMap;
    use std::path::Path;

    /// One prototype as LuaJIT dumps it.
    #[derive(Debug, Default)]
    pub struct DProto {
        pub flags: u8,
        pub numparams: u8,
        pub framesize: u8,
        pub bc: Vec<u32>,
        pub uv: Vec<u16>,
        pub kgc: Vec<DK>,
        pub knum: Vec<u64>,
        pub firstline: u32,
        pub numline: u32,
        pub lines: Vec<u32>,
        pub uvnames: Vec<Vec<u8>>,
        pub vars: Vec<(Vec<u8>, u32, u32)>,
    }

    /// A GC constant: child, string or table (as a sorted map without nil values).
    #[derive(Debug, PartialEq)]
    pub enum DK {
        Child,
        Str(Vec<u8>),
        Tab(BTreeMap<String, String>),
    }

    struct Rd<'a>(&'a [u8], usize);

    impl Rd<'_> {
        fn u8(&mut self) -> u8 {
            let b = self.0[self.1];
            self.1 += 1;
            b
        }
        fn uleb(&mut self) -> u32 {
            let mut v = 0u32;
            let mut sh = 0;
            loop {
                let b = self.u8();
                v |= ((b & 0x7f) as u32) << sh;
                sh += 7;
                if b < 0x80 {
                    return v;
                }
            }
        }
        fn uleb33(&mut self) -> (bool, u32) {
            let first = self.0[self.1];
            let isnum = first & 1 != 0;
            self.1 += 1;
            let mut v = (first >> 1) as u32;
            if v >= 0x40 {
                v &= 0x3f;
                let mut sh = -1i32;
                loop {
                    let b = self.u8();
                    sh += 7;
                    v |= ((b & 0x7f) as u32) << sh;
                    if b < 0x80 {
                        break;
                    }
                }
            }
            (isnum, v)
        }
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            let v = self.0[self.1..self.1 + n].to_vec();
            self.1 += n;
            v
        }
        fn cstr(&mut self) -> Vec<u8> {
            let mut v = Vec::new();
            loop {
                let b = self.u8();
                if b == 0 {
                    return v;
                }
                v.push(b);
            }
        }
        fn ktabk(&mut self) -> String {
            let tp = self.uleb();
            match tp {
                0 => "nil".into(),
                1 => "false".into(),
                2 => "true".into(),
                3 => num_key(self.uleb() as i32 as f64),
                4 => {
                    let lo = self.uleb() as u64;
                    let hi = self.uleb() as u64;
                    num_key(f64::from_bits(hi << 32 | lo))
                }
                n => format!("s:{}", String::from_utf8_lossy(&self.bytes(n as usize - 5))),
            }
        }
    }

    fn num_key(n: f64) -> String {
        format!("n:{}", skein::front::fmt_num(n))
    }

    /// Parses a raw LuaJIT bytecode dump into its prototypes, children first.
    pub fn parse(data: &[u8]) -> Vec<DProto> {
        let mut r = Rd(data, 0);
        assert_eq!(r.bytes(4), b"\x1bLJ\x02");
        let flags = r.uleb();
        assert_eq!(flags & 2, 0, "dump must keep debug info");
        let n = r.uleb() as usize;
        r.bytes(n);
        let mut protos = Vec::new();
        loop {
            let len = r.uleb() as usize;
            if len == 0 {
                break;
            }
            let end = r.1 + len;
            let mut p = DProto {
                flags: r.u8(),
                numparams: r.u8(),
                framesize: r.u8(),
                ..DProto::default()
            };
            let sizeuv = r.u8() as usize;
            let sizekgc = r.uleb() as usize;
            let sizekn = r.uleb() as usize;
            let sizebc = r.uleb() as usize;
            let sizedbg = r.uleb();
            if sizedbg > 0 {
                p.firstline = r.uleb();
                p.numline = r.uleb();
            }
            for _ in 0..sizebc {
                let b = r.bytes(4);
                p.bc.push(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            }
            for _ in 0..sizeuv {
                let b = r.bytes(2);
                p.uv.push(u16::from_le_bytes([b[0], b[1]]));
            }
            for _ in 0..sizekgc {
                let tp = r.uleb();
                p.kgc.push(match tp {
                    0 => DK::Child,
                    1 => {
                        let narray = r.uleb();
                        let nhash = r.uleb();
                        let mut m = BTreeMap::new();
                        for i in 0..narray {
                            let v = r.ktabk();
                            if v != "nil" {
                                m.insert(num_key(i as f64), v);
                            }
                        }
                        for _ in 0..nhash {
                            let k = r.ktabk();
                            let v = r.ktabk();
                            m.insert(k, v);
                        }
                        DK::Tab(m)
                    }
                    n if n >= 5 => DK::Str(r.bytes(n as usize - 5)),
                    n => panic!("unexpected kgc type {n}"),
                });
            }
            p.kgc.reverse();
            for _ in 0..sizekn {
                let (isnum, lo) = r.uleb33();
                let v = if isnum {
                    let hi = r.uleb();
                    (hi as u64) << 32 | lo as u64
                } else {
                    (lo as i32 as f64).to_bits()
                };
                p.knum.push(v);
            }
            if sizedbg > 0 {
                for _ in 0..sizebc {
                    let d = if p.numline < 256 {
                        r.u8() as u32
                    } else if p.numline < 65536 {
                        let b = r.bytes(2);
                        u16::from_le_bytes([b[0], b[1]]) as u32
                    } else {
                        let b = r.bytes(4);
                        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
                    };
                    p.lines.push(p.firstline + d);
                }
                for _ in 0..sizeuv {
                    p.uvnames.push(r.cstr());
                }
                let mut lastpc = 0;
                loop {
                    let first = r.0[r.1];
                    if first == 0 {
                        r.1 += 1;
                        break;
                    }
                    let name = if first < 7 {
                        r.1 += 1;
                        let names = [
                            "",
                            "(for index)",
                            "(for limit)",
                            "(for step)",
                            "(for generator)",
                            "(for state)",
                            "(for control)",
                        ];
                        names[first as usize].as_bytes().to_vec()
                    } else {
                        r.cstr()
                    };
                    let start = lastpc + r.uleb();
                    let endpc = start + r.uleb();
                    lastpc = start;
                    p.vars.push((name, start, endpc));
                }
            }
            assert_eq!(r.1, end, "prototype size mismatch");
            protos.push(p);
        }
        protos
    }

    fn flatten<'p>(p: &'p Proto, out: &mut Vec<&'p Proto>) {
        for k in &p.kgc {
            if let KGc::Proto(c) = k {
                flatten(c, out);
            }
        }
        out.push(p);
    }

    fn kv(v: &KValue) -> String {
        match v {
            KValue::Nil => "nil".into(),
            KValue::Bool(b) => b.to_string(),
            KValue::Num(n) => num_key(*n),
            KValue::Str(s) => format!("s:{}", String::from_utf8_lossy(s)),
        }
    }

    /// Compares a compiled prototype tree with LuaJIT's dump; returns the differences.
    pub fn compare(ours: &Proto, theirs: &[DProto]) -> Vec<String> {
        let mut flat = Vec::new();
        flatten(ours, &mut flat);
        let mut diffs = Vec::new();
        if flat.len() != theirs.len() {
            return vec![format!("{} protos vs {}", flat.len(), theirs.len())];
        }
        for (i, (o, t)) in flat.iter().zip(theirs).enumerate() {
            let mut d = |what: &str, a: String, b: String| {
                if a != b {
                    diffs.push(format!("proto {i} {what}: skein {a} luajit {b}"));
                }
            };
            d(
                "flags",
                format!("{}", o.flags.0 & 7),
                format!("{}", t.flags),
            );
            d(
                "numparams",
                o.numparams.to_string(),
                t.numparams.to_string(),
            );
            d(
                "framesize",
                o.framesize.to_string(),
                t.framesize.to_string(),
            );
            d("bc", format!("{:x?}", &o.bc[1..]), format!("{:x?}", t.bc));
            let uv: Vec<u16> = o.uv.iter().map(|u| u.0).collect();
            d("uv", format!("{uv:x?}"), format!("{:x?}", t.uv));
            d(
                "firstline",
                o.firstline.to_string(),
                t.firstline.to_string(),
            );
            d("numline", o.numline.to_string(), t.numline.to_string());
            d(
                "lines",
                format!("{:?}", &o.lineinfo[1..]),
                format!("{:?}", t.lines),
            );
            d(
                "uvnames",
                format!("{:?}", o.uvnames),
                format!(
                    "{:?}",
                    t.uvnames
                        .iter()
                        .map(|v| v.clone().into_boxed_slice())
                        .collect::<Vec<_>>()
                ),
            );
            let vars: Vec<(Vec<u8>, u32, u32)> = o
                .varinfo
                .iter()
                .map(|v| (v.name.to_vec(), v.startpc, v.endpc))
                .collect();
            d("varinfo", format!("{vars:?}"), format!("{:?}", t.vars));
            let knum: Vec<u64> = o.knum.iter().map(|n| n.to_bits()).collect();
            d("knum", format!("{knum:x?}"), format!("{:x?}", t.knum));
            let kgc: Vec<DK> = o
                .kgc
                .iter()
                .map(|k| match k {
                    KGc::Proto(_) => DK::Child,
                    KGc::Str(s) => DK::Str(s.to_vec()),
                    KGc::Table(tab) => {
                        let mut m = BTreeMap::new();
                        for (i, v) in tab.array.iter().enumerate() {
                            if *v != KValue::Nil {
                                m.insert(num_key(i as f64), kv(v));
                            }
                        }
                        for (k, v) in &tab.hash {
                            if *v != KValue::Nil {
                                m.insert(kv(k), kv(v));
                            }
                        }
                        DK::Tab(m)
                    }
                })
                .collect();
            d("kgc", format!("{kgc:?}"), format!("{:?}", t.kgc));
        }
        diffs
    }

    /// Dumps `src` with LuaJIT (run from its directory) and compares; `None` when luajit
    /// is not installed or rejects the file.
    pub fn check_file(src: &Path) -> Option<Vec<String>> {
        let dir = src.parent()?;
        let file = src.file_name()?.to_string_lossy().into_owned();
        let out =
            std::env::temp_dir().join(format!("skein-front-{}-{}.raw", std::process::id(), file));
        let status = std::process::Command::new("luajit")
            .args(["-b", "-g", "-t", "raw", &file])
            .arg(&out)
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        let data = std::fs::read(&out).ok()?;
        let _ = std::fs::remove_file(&out);
        let code = std::fs::read(src).ok()?;
        let ours = skein::front::compile(&code, format!("@{file}").as_bytes()).ok()?;
        Some(compare(&ours, &parse(&data)))
    }
}

fn dump_check_all(files: &[PathBuf]) -> usize {
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in files {
        if let Some(diffs) = dump::check_file(f) {
            checked += 1;
            if !diffs.is_empty() {
                failures.push(format!("{}:\n  {}", f.display(), diffs.join("\n  ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    checked
}

#[test]
fn prototypes_match_luajit_dumps() {
    if std::process::Command::new("luajit")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("luajit not installed: prototype dumps not compared");
        return;
    }
    let mut files = lua_files(&root().join("tests/golden/bl/snippets"));
    let seeds = shared_seeds();
    if let Ok(rd) = std::fs::read_dir(seeds) {
        files.extend(
            rd.flatten()
                .map(|e| e.path().join("t1.lua"))
                .filter(|p| p.exists()),
        );
    }
    files.extend(lua_files(&root().join("benches")));
    let checked = dump_check_all(&files);
    // Snippets that are error cases have no dump; the rest must all have been checked.
    assert!(
        checked > 30,
        "only {checked} dumps compared (is luajit installed?)"
    );
}

/// Developer tool: like `compare_files`, for the full prototype contents.
#[test]
#[ignore]
fn compare_dumps() {
    let list = std::env::var("FRONT_COMPARE").unwrap_or_default();
    let files: Vec<PathBuf> = list.split_whitespace().map(PathBuf::from).collect();
    eprintln!("{} dumps compared", dump_check_all(&files));
}

#[test]
fn loadstring_chunk_names_in_messages() {
    // Expected texts are luajit's `select(2, loadstring(src))`.
    let cases: &[(&[u8], &str)] = &[
        (
            b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx = = 1",
            "[string \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ...\"]:1: unexpected symbol near '='",
        ),
        (b"x\t= = 1", "[string \"x...\"]:1: unexpected symbol near '='"),
        (
            b"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy+",
            "[string \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy+\"]:1: '=' expected near '+'",
        ),
        (
            b"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy+",
            "[string \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...\"]:1: '=' expected near '+'",
        ),
        (b"x = \n= 1", "[string \"x = ...\"]:2: unexpected symbol near '='"),
    ];
    for (src, msg) in cases {
        assert_eq!(compile(src, src).unwrap_err().message, *msg);
    }
}

#[test]
fn control_structure_too_long() {
    // luajit: "elif.lua:12002: control structure too long near 'then'" (the escape jumps of
    // an if/elseif chain are linked across a 24000-instruction block).
    let body = "y = y + 1\n".repeat(12000);
    let src = format!("if a then\n{body}elseif b then\n{body}elseif c then x = 1 end\n");
    let e = compile(src.as_bytes(), b"@elif.lua").unwrap_err();
    assert_eq!(
        e.message,
        "elif.lua:12002: control structure too long near 'then'"
    );
    let src = format!("while x do\n{}end\n", "y = y + 1\n".repeat(17000));
    let e = compile(src.as_bytes(), b"@w.lua").unwrap_err();
    assert_eq!(
        e.message,
        "w.lua:17002: control structure too long near 'end'"
    );
}
