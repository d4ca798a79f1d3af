//! The VM-independent standard-library engines checked against LuaJIT 2.1.
//!
//! Expected values live in `tests/golden/stdlib/*.txt`, produced by the generator
//! scripts beside them (`regen.sh` runs them under `luajit -joff`). Each test walks a
//! golden file line by line and reports every mismatching line at once.

use skein::stdlib::pattern::{self, Capture, Match, PatternError};

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/stdlib");

/// Reads a golden file; `SKEIN_STDLIB_GOLDEN_DIR` points the tests at another directory
/// (for example a large one-off corpus from the generators with other seeds).
fn golden(name: &str) -> String {
    let dir = std::env::var("SKEIN_STDLIB_GOLDEN_DIR").unwrap_or_else(|_| GOLDEN_DIR.to_string());
    std::fs::read_to_string(format!("{dir}/{name}"))
        .unwrap_or_else(|e| panic!("reading golden file {name}: {e}"))
}

/// Decode the generators' `x<hex>` string encoding.
fn unhex(s: &str) -> Vec<u8> {
    let h = s.strip_prefix('x').expect("hex field starts with x");
    (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    let mut s = String::from("x");
    for c in b {
        s.push_str(&format!("{c:02x}"));
    }
    s
}

/// Report all mismatches together; fail if there are any.
fn check_all(kind: &str, total: usize, failures: Vec<String>) {
    assert!(total > 0, "{kind}: golden file has no cases");
    if !failures.is_empty() {
        let shown: Vec<_> = failures.iter().take(25).cloned().collect();
        panic!(
            "{kind}: {} of {total} cases differ from LuaJIT:\n{}",
            failures.len(),
            shown.join("\n")
        );
    }
}

fn render_caps(src: &[u8], caps: &[Capture]) -> String {
    caps.iter()
        .map(|c| match c {
            Capture::Str(r) => format!("s:{}", hex(&src[r.clone()])),
            Capture::Position(p) => format!("p:{p}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn render_values(src: &[u8], m: Result<Option<Match>, PatternError>, find_span: bool) -> String {
    match m {
        Err(e) => format!("E:{e}"),
        Ok(None) => "nil".into(),
        Ok(Some(m)) => {
            let caps = if find_span { m.captures() } else { m.values() };
            match caps {
                Err(e) => format!("E:{e}"),
                Ok(caps) => {
                    let mut s = String::new();
                    if find_span {
                        let (a, b) = m.lua_span();
                        s = format!("p:{a},p:{b}");
                        if !caps.is_empty() {
                            s.push(',');
                        }
                    }
                    s + &render_caps(src, &caps)
                }
            }
        }
    }
}

fn run_pattern_line(f: &[&str]) -> (String, String) {
    match f[0] {
        "find" => {
            let s = unhex(f[1]);
            let p = unhex(f[2]);
            let init: i64 = f[3].parse().unwrap();
            let r = pattern::find(&s, &p, init, f[4] == "1");
            (render_values(&s, r, true), f[5].to_string())
        }
        "match" => {
            let s = unhex(f[1]);
            let p = unhex(f[2]);
            let init: i64 = f[3].parse().unwrap();
            (
                render_values(&s, pattern::match_at(&s, &p, init), false),
                f[4].to_string(),
            )
        }
        "gmatch" => {
            let s = unhex(f[1]);
            let p = unhex(f[2]);
            let mut it = pattern::Gmatch::new();
            let mut parts = Vec::new();
            while parts.len() < 40 {
                match it.next_match(&s, &p) {
                    Err(e) => {
                        parts.push(format!("E:{e}"));
                        break;
                    }
                    Ok(None) => break,
                    Ok(Some(m)) => match m.values() {
                        Ok(v) => parts.push(render_caps(&s, &v)),
                        Err(e) => {
                            parts.push(format!("E:{e}"));
                            break;
                        }
                    },
                }
            }
            (parts.join(";"), f.get(3).copied().unwrap_or("").to_string())
        }
        "gsub" => {
            let s = unhex(f[1]);
            let p = unhex(f[2]);
            let r = unhex(f[3]);
            let n: i64 = f[4].parse().unwrap();
            let max = if n < 0 { s.len() + 1 } else { n as usize };
            let got = match pattern::gsub_str(&s, &p, &r, max) {
                Ok((out, count)) => format!("{} {count}", hex(&out)),
                Err(e) => format!("E:{e}"),
            };
            (got, f[5].to_string())
        }
        other => panic!("unknown pattern case kind {other}"),
    }
}

#[test]
fn pattern_matches_luajit() {
    let text = golden("pattern.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let (got, want) = run_pattern_line(&f);
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("pattern", total, failures);
}

/// Parse a number as the generators print it (`%.17g`, `inf`, `-inf`, `nan`, `-nan`).
fn num(s: &str) -> f64 {
    match s {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "-nan" => f64::NAN,
        _ => s.parse().unwrap_or_else(|_| panic!("bad number {s}")),
    }
}

#[test]
fn bitop_matches_luajit() {
    use skein::stdlib::bitop;
    let text = golden("bit.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let want = *f.last().unwrap();
        let got = match f[0] {
            "tobit" => bitop::tobit(num(f[1])).to_string(),
            "bnot" => bitop::bnot(num(f[1])).to_string(),
            "bswap" => bitop::bswap(num(f[1])).to_string(),
            "tohex" => {
                let n = if f[2] == "none" {
                    None
                } else {
                    Some(num(f[2]))
                };
                bitop::tohex(num(f[1]), n)
            }
            "lshift" => bitop::lshift(num(f[1]), num(f[2])).to_string(),
            "rshift" => bitop::rshift(num(f[1]), num(f[2])).to_string(),
            "arshift" => bitop::arshift(num(f[1]), num(f[2])).to_string(),
            "rol" => bitop::rol(num(f[1]), num(f[2])).to_string(),
            "ror" => bitop::ror(num(f[1]), num(f[2])).to_string(),
            "band" | "band3" => {
                bitop::band(&f[1..f.len() - 1].iter().map(|s| num(s)).collect::<Vec<_>>())
                    .to_string()
            }
            "bor" | "bor3" => {
                bitop::bor(&f[1..f.len() - 1].iter().map(|s| num(s)).collect::<Vec<_>>())
                    .to_string()
            }
            "bxor" | "bxor3" => {
                bitop::bxor(&f[1..f.len() - 1].iter().map(|s| num(s)).collect::<Vec<_>>())
                    .to_string()
            }
            other => panic!("unknown bit case {other}"),
        };
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("bit", total, failures);
}

#[test]
fn random_matches_luajit() {
    use skein::stdlib::random::Random;
    let text = golden("random.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut current: Option<(String, Random)> = None;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let label = f[0].to_string();
        if current.as_ref().map(|c| &c.0) != Some(&label) {
            let rng = if label == "default" {
                Random::default()
            } else {
                Random::new(num(&label))
            };
            current = Some((label, rng));
        }
        let rng = &mut current.as_mut().unwrap().1;
        let got = match f[1] {
            "0" => rng.next_f64(),
            "1" => rng.next_upto(num(f[2])),
            _ => {
                let (a, b) = f[2].split_once(',').unwrap();
                rng.next_between(num(a), num(b))
            }
        };
        if got != num(f[3]) {
            failures.push(format!("{line}\n    got  {got:.17}"));
        }
    }
    check_all("random", total, failures);
}

/// A double from its 16-hex-digit bit pattern.
fn from_bits_hex(s: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(s, 16).expect("bit pattern"))
}

#[test]
fn numfmt_matches_luajit() {
    use skein::stdlib::numfmt;
    let text = golden("numfmt.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let (got, want) = match f[0] {
            "tostring" => {
                let x = from_bits_hex(f[1]);
                (
                    hex(numfmt::number_to_string(x).as_bytes()),
                    f[2].to_string(),
                )
            }
            "tonumber" => {
                let s = unhex(f[1]);
                let base: u32 = f[2].parse().unwrap();
                let got = match numfmt::str_to_number_base(&s, base) {
                    None => "nil".to_string(),
                    Some(x) => format!("{:016x}", x.to_bits()),
                };
                // Any NaN is fine: LuaJIT's NaN payload is the hardware default.
                let want = f[3].to_string();
                if got != "nil" && want != "nil" && from_bits_hex(&got).is_nan() {
                    (from_bits_hex(&want).is_nan().to_string(), "true".into())
                } else {
                    (got, want)
                }
            }
            other => panic!("unknown numfmt case {other}"),
        };
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("numfmt", total, failures);
}

#[test]
fn format_matches_luajit() {
    use skein::stdlib::format::{format, FormatArg, FormatError};
    let text = golden("format.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let fmt = unhex(f[0]);
        let owned: Vec<(Option<f64>, Vec<u8>, &'static str)> = if f[1] == "-" {
            Vec::new()
        } else {
            f[1].split(',')
                .map(|a| {
                    if let Some(b) = a.strip_prefix("n:") {
                        (Some(from_bits_hex(b)), Vec::new(), "")
                    } else if let Some(h) = a.strip_prefix("s:") {
                        (None, unhex(h), "string")
                    } else {
                        let t: &'static str = match a {
                            "nil" => "nil",
                            _ => "boolean",
                        };
                        (None, a.as_bytes().to_vec(), t)
                    }
                })
                .collect()
        };
        let args: Vec<FormatArg> = owned
            .iter()
            .map(|(n, s, t)| match (n, *t) {
                (Some(x), _) => FormatArg::Num(*x),
                (None, "string") => FormatArg::Str(s),
                (None, t) => FormatArg::Other(t),
            })
            .collect();
        let r: Result<Vec<u8>, FormatError<String>> =
            format(&fmt, &args, |i| Ok(owned[i].1.clone()));
        let got = match r {
            Ok(v) => hex(&v),
            Err(e) => format!("E:{e}"),
        };
        if got != f[2] {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("format", total, failures);
}

#[test]
fn date_matches_luajit() {
    use skein::stdlib::date::{self, DateFields, OsDate, Tm};
    let utc = skein::stdlib::tz::TimeZone::utc();
    let text = golden("date.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let (got, want) = match f[0] {
            "date" => {
                let t = date::time_from_number(num(f[1]));
                let got = match date::os_date(&unhex(f[2]), t, &utc) {
                    OsDate::Nil => "nil".to_string(),
                    OsDate::Table(_) => "table".to_string(),
                    OsDate::Text(v) => hex(&v),
                };
                (got, f[3].to_string())
            }
            "table" => {
                let t = date::time_from_number(num(f[1]));
                let got = match Tm::from_time(t) {
                    None => "nil".to_string(),
                    Some(tm) => format!(
                        "{},{},{},{},{},{},{},{},{}",
                        tm.year,
                        tm.month,
                        tm.day,
                        tm.hour,
                        tm.min,
                        tm.sec,
                        tm.wday + 1,
                        tm.yday + 1,
                        tm.isdst
                    ),
                };
                (got, f[2].to_string())
            }
            "time" => {
                let v: Vec<&str> = f[1].split(',').collect();
                let n = |i: usize| date::field_from_number(num(v[i]));
                let fields = DateFields {
                    year: n(0),
                    month: n(1),
                    day: n(2),
                    hour: n(3),
                    min: n(4),
                    sec: n(5),
                    isdst: match v[6] {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    },
                };
                let got = match date::os_time(&fields, &utc) {
                    None => "nil".to_string(),
                    Some(t) => t.to_string(),
                };
                let want = match f[2] {
                    "nil" => "nil".to_string(),
                    w => (num(w) as i64).to_string(),
                };
                (got, want)
            }
            other => panic!("unknown date case {other}"),
        };
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("date", total, failures);
}

mod never_panic {
    //! Property tests: the engines return results or errors, never panic, on any input.
    use proptest::prelude::*;
    use skein::stdlib::{date, format, numfmt, pattern};

    /// Bytes biased towards pattern syntax.
    fn pattern_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(b"%()[]^$*+-?.abfz019AaSdw\0".to_vec()),
                any::<u8>(),
            ],
            0..24,
        )
    }

    fn format_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(b"%-+ #0123456789.diouxXcCeEfFgGaAsqlz_^EO".to_vec()),
                any::<u8>(),
            ],
            0..24,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn patterns_never_panic(pat in pattern_bytes(), subject in prop::collection::vec(prop::sample::select(b"ab()1 \0".to_vec()), 0..16), init in -20i64..20) {
            let _ = pattern::find(&subject, &pat, init, false);
            let _ = pattern::match_at(&subject, &pat, init);
            let mut it = pattern::Gmatch::new();
            for _ in 0..20 {
                match it.next_match(&subject, &pat) {
                    Ok(Some(m)) => { let _ = m.values(); }
                    _ => break,
                }
            }
            let _ = pattern::gsub_str(&subject, &pat, b"<%0%1%%%>%", 100);
        }

        #[test]
        fn formats_never_panic(fmt in format_bytes(), x in any::<f64>(), s in prop::collection::vec(any::<u8>(), 0..8)) {
            let args = [format::FormatArg::Num(x), format::FormatArg::Str(&s), format::FormatArg::Other("nil")];
            let _ = format::format::<()>(&fmt, &args, |_| Ok(b"nil".to_vec()));
            let _ = date::os_date(&fmt, date::time_from_number(x), &skein::stdlib::tz::TimeZone::utc());
        }

        #[test]
        fn numbers_never_panic(s in prop::collection::vec(prop::sample::select(b"0123456789abcdefxXpPeE+-. \t\0".to_vec()), 0..30), base in 2u32..37, x in any::<f64>()) {
            let _ = numfmt::str_to_number(&s);
            let _ = numfmt::str_to_number_base(&s, base);
            let mut stream = skein::stdlib::readnum::SliceStream { bytes: &s, pos: 0 };
            let _ = skein::stdlib::readnum::read_number(&mut stream);
            prop_assert!(stream.pos <= s.len());
            let text = numfmt::number_to_string(x);
            // Round trip: every finite number printed with 14 digits parses back close to it.
            if x.is_finite() {
                let back = numfmt::str_to_number(text.as_bytes()).expect("printed number parses");
                prop_assert!((back - x).abs() <= x.abs() * 1e-13);
            }
        }

        #[test]
        fn sort_never_panics_and_keeps_elements(mut v in prop::collection::vec(0i32..20, 0..60), answers in prop::collection::vec(any::<bool>(), 1..64)) {
            // An arbitrary (inconsistent) comparator: either sorts or reports a bad order.
            let mut sorted = v.clone();
            sorted.sort();
            let mut k = 0usize;
            let r = skein::stdlib::sort::sort::<_, ()>(&mut v, |_, _| {
                k += 1;
                Ok(answers[k % answers.len()])
            });
            if r.is_ok() {
                let mut again = v.clone();
                again.sort();
                prop_assert_eq!(again, sorted);
            }
        }

        #[test]
        fn zone_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), text in "[A-Za-z<>+0-9:,./JM-]{0,40}", t in any::<i64>(), local in -10_000_000_000_000i64..10_000_000_000_000) {
            use skein::stdlib::tz::TimeZone;
            let mut tzif = b"TZif2".to_vec();
            tzif.extend_from_slice(&bytes);
            for zone in [TimeZone::from_tzif(&tzif), TimeZone::from_tzif(&bytes), TimeZone::from_posix(&text)].into_iter().flatten() {
                let _ = zone.local_type(t);
                let _ = zone.mktime(local, 0, Some(true));
                let _ = zone.local_type(i64::MAX);
                let _ = zone.local_type(i64::MIN);
            }
        }

        #[test]
        fn os_time_never_panics(y in any::<i32>(), mo in any::<i32>(), d in any::<i32>(), h in any::<i32>(), mi in any::<i32>(), s in any::<i32>()) {
            let f = date::DateFields { year: y, month: mo, day: d, hour: h, min: mi, sec: s, isdst: Some(true) };
            if let Some(t) = date::os_time(&f, &skein::stdlib::tz::TimeZone::utc()) {
                prop_assert!(date::Tm::from_time(t).is_some());
            }
        }
    }

    #[test]
    fn deep_patterns_stay_within_the_depth_limit() {
        // Long subjects and patterns: errors, not stack overflows.
        let s = vec![b'a'; 100_000];
        let p = b"a?".repeat(5_000);
        assert_eq!(
            pattern::find(&s, &p, 1, false),
            Err(pattern::PatternError::TooComplex)
        );
        let p = b"(a*)".repeat(6);
        assert!(pattern::find(&s, &p, 1, false).is_ok());
        assert_eq!(pattern::find(&s[..2000], b".-b", 1, false), Ok(None));
    }
}

#[test]
fn sort_matches_luajit() {
    use skein::stdlib::sort::{sort, SortError};
    let text = golden("sort.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let keys: Vec<i64> = f[1]
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        // Elements are (key, id); id 0 stands for nil.
        let mut items: Vec<(i64, usize)> =
            keys.iter().enumerate().map(|(i, &k)| (k, i + 1)).collect();
        let mut calls = Vec::new();
        let kind = f[0];
        let r = sort(&mut items, |a, b| {
            calls.push(format!("{}<{}", a.1, b.1));
            if a.1 == 0 || b.1 == 0 {
                return Err("nil compared".to_string());
            }
            Ok(match kind {
                "lt" => a.0 < b.0,
                "le" => a.0 <= b.0,
                "gt" => a.0 > b.0,
                "always" => true,
                "hash3" => (a.1 * 7 + b.1 * 13) % 3 == 0,
                "hash2" => (a.1 * 5 + b.1 * 3) % 4 != 0,
                _ => false,
            })
        });
        let result = match r {
            Ok(()) => items
                .iter()
                .map(|x| x.1.to_string())
                .collect::<Vec<_>>()
                .join(","),
            Err(SortError::InvalidOrder) => "E:invalid order function for sorting".into(),
            Err(SortError::Compare(e)) => format!("E:{e}"),
        };
        let got = format!("{}\t{}", calls.join(";"), result);
        let want = format!("{}\t{}", f[2], f[3]);
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("sort", total, failures);
}

#[test]
fn misc_string_and_math_match_luajit() {
    use skein::stdlib::{mathlib, strlib};
    let text = golden("misc.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    let bits = |x: f64| format!("{:016x}", x.to_bits());
    // NaN payloads may differ: compare NaN as NaN.
    let same = |got: &str, want: &str| {
        got == want
            || (got.len() == 16
                && want.len() == 16
                && from_bits_hex(got).is_nan()
                && from_bits_hex(want).is_nan())
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let want = *f.last().unwrap();
        let ok = match f[0] {
            "sub" | "byte" => {
                let s = unhex(f[1]);
                let i = strlib::lua_int_arg(from_bits_hex(f[2]));
                let j = strlib::lua_int_arg(from_bits_hex(f[3]));
                let r = strlib::sub_range(s.len(), i, j);
                let got = if f[0] == "sub" {
                    hex(&s[r])
                } else if r.is_empty() {
                    "-".to_string()
                } else {
                    s[r].iter()
                        .map(|b| b.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                got == want
            }
            "rep" => {
                let n = strlib::lua_int_arg(from_bits_hex(f[1]));
                let got = match strlib::rep(b"ab", n, &unhex(f[2])) {
                    Ok(v) => hex(&v),
                    Err(_) => "E:not enough memory".into(),
                };
                got == want
            }
            "repbig" => {
                let r = strlib::rep(b"x", i32::MAX, b"");
                (r.is_ok()).to_string() == want
            }
            "char" => {
                let c = strlib::lua_int_arg(from_bits_hex(f[1]));
                let got = match strlib::char_bytes(&[72, c]) {
                    Ok(v) => hex(&v),
                    Err(_) => "E".into(),
                };
                got == want
            }
            "modf" => {
                let (i, fr) = mathlib::modf(from_bits_hex(f[1]));
                let (wi, wf) = want.split_once(',').unwrap();
                same(&bits(i), wi) && same(&bits(fr), wf)
            }
            "frexp" => {
                let (m, e) = mathlib::frexp(from_bits_hex(f[1]));
                let (wm, we) = want.split_once(',').unwrap();
                same(&bits(m), wm) && e.to_string() == we
            }
            "log1" => same(&bits(mathlib::log(from_bits_hex(f[1]), None)), want),
            "chunkname" => hex(&skein::stdlib::chunkname::short_src(&unhex(f[1]))) == want,
            op => {
                let x = from_bits_hex(f[1]);
                let y = from_bits_hex(f[2]);
                let got = match op {
                    "max" => mathlib::max(&[x, y]),
                    "min" => mathlib::min(&[x, y]),
                    "fmod" => mathlib::fmod(x, y),
                    "log" => mathlib::log(x, Some(y)),
                    "ldexp" => mathlib::ldexp(x, y),
                    other => panic!("unknown misc case {other}"),
                };
                same(&bits(got), want)
            }
        };
        if !ok {
            failures.push(line.to_string());
        }
    }
    check_all("misc", total, failures);
}

#[test]
fn readnum_matches_luajit() {
    use skein::stdlib::readnum::{read_number, SliceStream};
    let text = golden("readnum.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let input = unhex(f[0]);
        let mut st = SliceStream {
            bytes: &input,
            pos: 0,
        };
        let v = read_number(&mut st);
        let value_ok = match (v, f[1]) {
            (None, "nil") => true,
            (Some(x), w) if w != "nil" => {
                let want = from_bits_hex(w);
                x.to_bits() == want.to_bits() || (x.is_nan() && want.is_nan())
            }
            _ => false,
        };
        let rest = hex(&input[st.pos..]);
        if !value_ok || rest != f[2] {
            failures.push(format!("{line}\n    got  {v:?} {rest}"));
        }
    }
    check_all("readnum", total, failures);
}

/// The zone for a `date_tz.txt` label: zone files come from the copies in
/// `tests/golden/stdlib/zoneinfo/` (so the test does not depend on tzdata being installed),
/// other labels are POSIX strings or empty.
fn test_zone(label: &str) -> skein::stdlib::tz::TimeZone {
    use skein::stdlib::tz::TimeZone;
    let file = format!("{GOLDEN_DIR}/zoneinfo/{}", label.replace('/', "_"));
    match std::fs::read(&file) {
        Ok(bytes) if !label.is_empty() => TimeZone::from_tzif(&bytes).expect("valid TZif copy"),
        _ => TimeZone::from_tz_value(Some(label)),
    }
}

#[test]
fn date_in_time_zones_matches_luajit() {
    use skein::stdlib::date::{self, DateFields, OsDate};
    let text = golden("date_tz.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut zones = std::collections::HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        total += 1;
        let zone = zones
            .entry(f[1].to_string())
            .or_insert_with(|| test_zone(f[1]));
        let (got, want) = match f[0] {
            "date" => {
                let t = date::time_from_number(num(f[2]));
                let got = match date::os_date(&unhex(f[3]), t, zone) {
                    OsDate::Nil => "nil".to_string(),
                    OsDate::Table(tm) => hex(format!(
                        "{},{},{},{},{},{},{},{},{}",
                        tm.year,
                        tm.month,
                        tm.day,
                        tm.hour,
                        tm.min,
                        tm.sec,
                        tm.wday + 1,
                        tm.yday + 1,
                        tm.isdst
                    )
                    .as_bytes()),
                    OsDate::Text(v) => hex(&v),
                };
                (got, f[4].to_string())
            }
            _ => {
                let v: Vec<&str> = f[2].split(',').collect();
                let n = |i: usize| date::field_from_number(num(v[i]));
                let fields = DateFields {
                    year: n(0),
                    month: n(1),
                    day: n(2),
                    hour: n(3),
                    min: n(4),
                    sec: n(5),
                    isdst: match v[6] {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    },
                };
                let got = match date::os_time(&fields, zone) {
                    None => "nil".to_string(),
                    Some(t) => t.to_string(),
                };
                let want = match f[3] {
                    "nil" => "nil".to_string(),
                    w => (num(w) as i64).to_string(),
                };
                (got, want)
            }
        };
        if got != want {
            failures.push(format!("{line}\n    got  {got}"));
        }
    }
    check_all("date_tz", total, failures);
}
