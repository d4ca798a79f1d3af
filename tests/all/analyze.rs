//! `skein analyze`: the trace-log analyser against real LuaJIT logs.
//!
//! The fixtures under tests/fixtures/analyze/ were written by LuaJIT 2.1 itself
//! (`regen.sh`). Every figure the analyser reports is checked against a count made here
//! independently, with plain line matching over the fixture text.

use skein::analyze::{self, Filter, LogFormat, Report, TraceId, TraceKind};
use skein::jit::LinkType;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analyze")
}

fn fixtures(ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn read(p: &Path) -> String {
    let raw = std::fs::read_to_string(p).unwrap();
    strip_ansi(&raw)
}

/// Independent ANSI stripping: drop `ESC [ digits/; m`.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `-jdump=x` / `-jdump=X` logs: exit lines only, no trace starts.
fn is_exits_only(p: &Path) -> bool {
    let name = p.file_name().unwrap().to_string_lossy();
    name == "side.x.dlog" || name == "side.X.dlog"
}

fn parse_file(p: &Path) -> Report {
    analyze::parse_named(
        p.to_path_buf(),
        std::fs::File::open(p).unwrap(),
        &analyze::Options::default(),
    )
}

/// Counts made from the text of a dump log.
#[derive(Debug, Default)]
struct DumpCounts {
    stops: usize,
    aborts: usize,
    flushes: u32,
    /// (epoch, number, incarnation, exit) → taken
    exits: HashMap<(u32, u32, usize, u32), u64>,
    /// stop lines in order: (number, text after `->`)
    links: Vec<(u32, String)>,
    /// raw abort message → count
    messages: HashMap<String, usize>,
    ir_lines: usize,
    snap_lines: usize,
    side_starts: usize,
}

fn count_dump(text: &str) -> DumpCounts {
    let mut c = DumpCounts::default();
    let mut stops_of: HashMap<(u32, u32), usize> = HashMap::new();
    let mut section = "";
    // IR and snapshot lines of the open trace; only a `stop` keeps them.
    let (mut open_ir, mut open_snaps) = (0, 0);
    for line in text.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        if line.starts_with("---- TRACE flush") {
            c.flushes += 1;
            continue;
        }
        if line.starts_with("---- TRACE ") && words.len() >= 4 {
            let n: u32 = words[2].parse().unwrap();
            section = words[3];
            if section == "start" {
                (open_ir, open_snaps) = (0, 0);
            }
            match words[3] {
                "stop" => {
                    c.ir_lines += open_ir;
                    c.snap_lines += open_snaps;
                    c.stops += 1;
                    *stops_of.entry((c.flushes, n)).or_default() += 1;
                    c.links
                        .push((n, line.split("-> ").nth(1).unwrap().to_string()));
                }
                "abort" => {
                    c.aborts += 1;
                    let msg = line.split(" -- ").nth(1).unwrap().to_string();
                    *c.messages.entry(msg).or_default() += 1;
                }
                "exit" => {
                    let m: u32 = words[4].parse().unwrap();
                    // Exits of a trace never started (`-jdump=x` logs) have no incarnation.
                    let inc = stops_of.get(&(c.flushes, n)).map_or(usize::MAX, |k| k - 1);
                    *c.exits.entry((c.flushes, n, inc, m)).or_default() += 1;
                }
                "start" if words[4].contains('/') => c.side_starts += 1,
                _ => {}
            }
            continue;
        }
        let digits4 = line.len() > 4 && line[..4].bytes().all(|b| b.is_ascii_digit());
        if section == "IR" && digits4 && !line.contains("LOOP") {
            open_ir += 1;
        }
        if (section == "IR" && line.starts_with("....") && line.contains("SNAP"))
            || (section == "snapshots" && line.starts_with('#'))
        {
            open_snaps += 1;
        }
    }
    c
}

/// The analyser's exits in the same key space as [`DumpCounts::exits`].
fn report_exits(r: &Report) -> HashMap<(u32, u32, usize, u32), u64> {
    let t = &r.tables;
    let mut incarnation: HashMap<TraceId, usize> = HashMap::new();
    let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
    for (i, tr) in t.traces.iter().enumerate() {
        if tr.kind != TraceKind::Unknown {
            let k = seen.entry((tr.epoch, tr.number)).or_default();
            incarnation.insert(TraceId(i as u32), *k);
            *k += 1;
        }
    }
    t.exits
        .iter()
        .filter(|e| e.taken > 0)
        .map(|e| {
            let tr = t.trace(e.trace);
            (
                (
                    tr.epoch,
                    tr.number,
                    incarnation.get(&e.trace).copied().unwrap_or(usize::MAX),
                    e.exit,
                ),
                e.taken,
            )
        })
        .collect()
}

fn link_text(r: &Report, id: TraceId) -> String {
    let t = &r.tables;
    let tr = t.trace(id);
    match (tr.link, tr.link_to) {
        (LinkType::Root, Some(to)) => t.trace(to).number.to_string(),
        (l, Some(to)) if to != id => format!("{} {}", t.trace(to).number, l.name()),
        (l, _) => l.name().to_string(),
    }
}

#[test]
fn every_dump_fixture_matches_independent_counts() {
    let files = fixtures("dlog");
    assert!(files.len() >= 20, "fixtures missing: {files:?}");
    for p in &files {
        let text = read(p);
        let c = count_dump(&text);
        let r = parse_file(p);
        let t = &r.tables;
        let name = p.display();
        assert!(!r.skipped_anything(), "{name}: {:?}", t.problems);
        assert_eq!(t.files[0].format, LogFormat::Dump, "{name}");
        let traces: Vec<TraceId> = (0..t.traces.len())
            .map(|i| TraceId(i as u32))
            .filter(|&i| t.trace(i).kind != TraceKind::Unknown)
            .collect();
        assert_eq!(traces.len(), c.stops, "{name}: traces");
        assert_eq!(t.aborts.len(), c.aborts, "{name}: aborts");
        assert_eq!(t.files[0].flushes, c.flushes, "{name}: flushes");
        assert_eq!(report_exits(&r), c.exits, "{name}: exits per exit");
        let links: Vec<(u32, String)> = traces
            .iter()
            .map(|&id| (t.trace(id).number, link_text(&r, id)))
            .collect();
        assert_eq!(links, c.links, "{name}: links");
        let mut messages: HashMap<String, usize> = HashMap::new();
        for a in &t.aborts {
            assert!(a.reason.is_some(), "{name}: unrecognised abort {a:?}");
            *messages
                .entry(analyze::report::abort_message(t, a))
                .or_default() += 1;
        }
        assert_eq!(messages, c.messages, "{name}: aborts by reason");
        let ir: u32 = t.traces.iter().map(|x| x.ir).sum();
        assert_eq!(ir as usize, c.ir_lines, "{name}: IR instructions");
        assert_eq!(t.snapshots.len(), c.snap_lines, "{name}: snapshots");
        let sides = t
            .traces
            .iter()
            .filter(|x| matches!(x.kind, TraceKind::Side | TraceKind::Stitch))
            .count();
        assert_eq!(sides, c.side_starts - aborted_side_starts(&text), "{name}");
        assert_eq!(t.side_edges.len(), sides, "{name}: side edges");
    }
}

/// Side-trace starts that ended in an abort.
fn aborted_side_starts(text: &str) -> usize {
    let mut side = false;
    let mut n = 0;
    for line in text.lines() {
        if line.starts_with("---- TRACE ") && line.contains(" start ") {
            side = line.split(' ').nth(4).is_some_and(|w| w.contains('/'));
        } else if line.starts_with("---- TRACE ") && line.contains(" abort ") && side {
            n += 1;
        }
    }
    n
}

#[test]
fn every_flag_combination_of_one_program_agrees() {
    let base = parse_file(&fixture_dir().join("side.tbisrmxa.dlog"));
    let base_stats = base.stats(&Filter::default());
    assert_eq!(base_stats.traces, 5);
    for p in fixtures("dlog").iter().filter(|p| {
        p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("side.")
    }) {
        let r = parse_file(p);
        let s = r.stats(&Filter::default());
        let name = p.display();
        let flags = p.file_name().unwrap().to_string_lossy().into_owned();
        if is_exits_only(p) {
            // Exit lines only: every trace is known by number alone.
            assert_eq!(s.traces, 0, "{name}");
            assert!(r.tables.traces.iter().all(|t| t.kind == TraceKind::Unknown));
            assert_eq!(
                r.tables.traces.len(),
                3,
                "{name}: traces 1, 2, 3 have exits"
            );
        } else {
            assert_eq!(s.traces, 5, "{name}");
            assert_eq!(s.link_types, base_stats.link_types, "{name}");
            assert_eq!(s.max_tree_depth, 2, "{name}");
        }
        let has_exits = flags.contains('x')
            || flags.contains('X')
            || flags.contains("color")
            || flags.contains("html");
        assert_eq!(
            s.exits_taken,
            if has_exits { base_stats.exits_taken } else { 0 },
            "{name}"
        );
        let with_regs: u64 = r.tables.exits.iter().map(|e| e.with_registers).sum();
        if flags.contains('X') {
            assert_eq!(with_regs, s.exits_taken, "{name}: register dumps");
        } else {
            assert_eq!(with_regs, 0, "{name}");
        }
    }
    // The ANSI-coloured and HTML dumps give exactly the plain dump's tables.
    let ir = |r: &Report| {
        r.tables
            .traces
            .iter()
            .map(|t| (t.ir, t.snapshots, t.bytecodes))
            .collect::<Vec<_>>()
    };
    let slots = |r: &Report| {
        r.tables
            .snapshots
            .iter()
            .map(|s| s.slots)
            .collect::<Vec<_>>()
    };
    for f in ["side.color.dlog", "side.html.dlog"] {
        let other = parse_file(&fixture_dir().join(f));
        assert!(
            !other.skipped_anything(),
            "{f}: {:?}",
            other.tables.problems
        );
        assert_eq!(report_exits(&other), report_exits(&base), "{f}");
        assert_eq!(ir(&other), ir(&base), "{f}");
        assert_eq!(slots(&other), slots(&base), "{f}");
    }
    assert!(ir(&base).iter().all(|&(i, s, b)| i > 0 && s > 0 && b > 0));
}

#[test]
fn side_trace_edges_carry_parent_exit_counts() {
    let r = parse_file(&fixture_dir().join("side.tx.dlog"));
    let t = &r.tables;
    let text = read(&fixture_dir().join("side.tx.dlog"));
    for e in &t.side_edges {
        let parent = t.trace(e.parent).number;
        let child = t.trace(e.child);
        let exit = e.exit.unwrap();
        assert!(text.contains(&format!(
            "---- TRACE {} start {parent}/{exit} ",
            child.number
        )));
        let taken = text
            .lines()
            .filter(|l| *l == format!("---- TRACE {parent} exit {exit}"))
            .count() as u64;
        assert_eq!(t.exits[e.exit_id.unwrap().index()].taken, taken);
    }
    let s = r.stats(&Filter::default());
    // Exit 3 of trace 1 was taken once and never got a side trace.
    let cold: Vec<(u32, u32, u64)> = s
        .exits_without_side_trace
        .iter()
        .map(|&x| {
            let e = &t.exits[x.index()];
            (t.trace(e.trace).number, e.exit, e.taken)
        })
        .collect();
    assert_eq!(cold, vec![(1, 3, 1)]);
}

#[test]
fn verbose_logs_match_independent_counts() {
    for p in fixtures("vlog") {
        let text = read(&p);
        let r = parse_file(&p);
        let t = &r.tables;
        let name = p.display();
        assert!(!r.skipped_anything(), "{name}: {:?}", t.problems);
        assert_eq!(t.files[0].format, LogFormat::Verbose);
        let lines: Vec<&str> = text.lines().collect();
        let completed = lines
            .iter()
            .filter(|l| {
                l.starts_with("[TRACE ") && !l.starts_with("[TRACE ---") && *l != &"[TRACE flush]"
            })
            .count();
        let sides = lines
            .iter()
            .filter(|l| {
                l.starts_with("[TRACE ") && !l.starts_with("[TRACE ---") && l.contains(" (")
            })
            .count();
        let aborts = lines.iter().filter(|l| l.starts_with("[TRACE ---")).count();
        let flushes = lines.iter().filter(|l| **l == "[TRACE flush]").count();
        let fallbacks = lines
            .iter()
            .filter(|l| l.ends_with("-- fallback to interpreter]"))
            .count();
        let s = r.stats(&Filter::default());
        assert_eq!(s.traces, completed, "{name}");
        assert_eq!(t.side_edges.len(), sides, "{name}");
        assert_eq!(s.aborts, aborts, "{name}");
        assert_eq!(t.files[0].flushes as usize, flushes, "{name}");
        let interp = s
            .link_types
            .iter()
            .find(|(l, _)| *l == LinkType::Interpreter)
            .map_or(0, |x| x.1);
        assert_eq!(interp, fallbacks, "{name}");
        // Every abort names its reason; every side edge names its parent exit.
        assert!(t.aborts.iter().all(|a| a.reason.is_some()));
        for e in &t.side_edges {
            let child = t.trace(e.child);
            let origin = match e.exit {
                Some(x) => format!("({}/{x})", t.trace(e.parent).number),
                None => format!("({}/stitch)", t.trace(e.parent).number),
            };
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with(&format!("[TRACE {:>3} {origin} ", child.number))),
                "{name}: {origin}"
            );
        }
    }
}

#[test]
fn stitching_is_recognised_in_both_formats() {
    for f in ["stitch.full.dlog", "stitch.vlog"] {
        let r = parse_file(&fixture_dir().join(f));
        let t = &r.tables;
        let first = t.trace(TraceId(0));
        assert_eq!((first.number, first.link), (1, LinkType::Stitch), "{f}");
        let stitched = t
            .traces
            .iter()
            .find(|x| x.kind == TraceKind::Stitch)
            .unwrap();
        assert_eq!(stitched.number, 2, "{f}");
        assert_eq!(t.trace(stitched.parent.unwrap()).number, 1, "{f}");
        assert_eq!(stitched.parent_exit, None, "{f}");
        if f.ends_with("vlog") {
            assert_eq!(t.str(first.stitch_at.unwrap()), "os.clock");
        }
    }
}

#[test]
fn nyi_aborts_and_blacklisting() {
    for f in ["nyi.full.dlog", "nyi.tbx.dlog", "nyi.vlog"] {
        let r = parse_file(&fixture_dir().join(f));
        let t = &r.tables;
        let s = r.stats(&Filter::default());
        let text = read(&fixture_dir().join(f));
        let nyi = text.matches("NYI: bytecode 51").count();
        assert_eq!(
            nyi, 11,
            "{f}: the fixture shows LuaJIT's 11 aborts before blacklisting"
        );
        assert_eq!(s.nyi_bytecodes, vec![("FNEW".to_string(), nyi)], "{f}");
        assert_eq!(s.aborts_by_start[0].1, nyi, "{f}");
        assert_eq!(t.str(s.aborts_by_start[0].0), "nyi.lua:3", "{f}");
        assert_eq!(t.str(s.aborts_by_location[0].0), "nyi.lua:4", "{f}");
        assert_eq!(t.blacklist.len(), 1, "{f}");
        let b = &t.blacklist[0];
        assert_eq!(t.str(b.location), "nyi.lua:3");
        assert_eq!(b.kind, analyze::BlacklistKind::Inferred);
        assert_eq!(
            b.abort.index(),
            t.aborts.len() - 1,
            "{f}: the last abort blacklists"
        );
    }
}

#[test]
fn flushes_make_distinct_traces_with_reused_numbers() {
    let r = parse_file(&fixture_dir().join("flush.full.dlog"));
    let t = &r.tables;
    let text = read(&fixture_dir().join("flush.full.dlog"));
    let flushes = text.lines().filter(|l| *l == "---- TRACE flush").count() as u32;
    assert!(flushes >= 3);
    assert_eq!(t.files[0].flushes, flushes);
    let ones: Vec<u32> = t
        .traces
        .iter()
        .filter(|x| x.number == 1)
        .map(|x| x.epoch)
        .collect();
    assert_eq!(ones.len() as u32, flushes + 1, "one trace 1 per epoch");
    assert!(ones.windows(2).all(|w| w[0] < w[1]));
    // The same in the jit.v log.
    let v = parse_file(&fixture_dir().join("flush.vlog"));
    assert_eq!(v.tables.files[0].flushes, flushes);
    assert_eq!(v.tables.traces.len(), t.traces.len());
}

#[test]
fn recursion_link_types() {
    let r = parse_file(&fixture_dir().join("recur.full.dlog"));
    let s = r.stats(&Filter::default());
    let text = read(&fixture_dir().join("recur.full.dlog"));
    for l in [
        "tail-recursion",
        "up-recursion",
        "down-recursion",
        "return",
        "loop",
    ] {
        let n = text
            .lines()
            .filter(|x| x.starts_with("---- TRACE") && x.ends_with(&format!("-> {l}")))
            .count();
        let got = s
            .link_types
            .iter()
            .find(|(k, _)| k.name() == l)
            .map_or(0, |x| x.1);
        assert_eq!(got, n, "{l}");
    }
    assert!(s.max_tree_depth >= 2);
}

#[test]
fn split_parsing_equals_streaming() {
    // All dump fixtures concatenated (flushes and reused numbers included), split into
    // small pieces and parsed in parallel, must give exactly the streamed tables.
    let mut all = Vec::new();
    for p in fixtures("dlog").iter().filter(|p| !is_exits_only(p)) {
        all.extend(std::fs::read(p).unwrap());
        all.extend(b"---- TRACE flush\n\n");
    }
    let stream = analyze::parse_named("all".into(), &all[..], &analyze::Options::default());
    for piece in [4096, 10_000, 100_000] {
        let split = analyze::parse_bytes_parallel("all".into(), &all, piece);
        let (a, b) = (&stream.tables, &split.tables);
        assert_eq!(a.traces.len(), b.traces.len(), "piece {piece}");
        assert_eq!(report_exits(&stream), report_exits(&split), "piece {piece}");
        assert_eq!(a.aborts.len(), b.aborts.len());
        assert_eq!(a.snapshots.len(), b.snapshots.len());
        assert_eq!(a.files[0].lines, b.files[0].lines);
        assert_eq!(a.files[0].flushes, b.files[0].flushes);
        assert_eq!(a.blacklist.len(), b.blacklist.len());
        let edges = |t: &analyze::Tables| {
            t.side_edges
                .iter()
                .map(|e| (e.parent, e.exit, e.child))
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(a), edges(b));
        assert!(!split.skipped_anything(), "{:?}", b.problems);
    }
    // The file path: every piece opens the file and seeks to its own range.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("all.dlog");
    std::fs::write(&path, &all).unwrap();
    let opts = analyze::Options {
        split_bytes: 1,
        piece_bytes: 8192,
        ..analyze::Options::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let files = pool.install(|| analyze::analyze_paths(&[path], &opts));
    assert_eq!(report_exits(&files), report_exits(&stream));
    assert_eq!(files.tables.traces.len(), stream.tables.traces.len());
    assert_eq!(files.tables.files[0].lines, stream.tables.files[0].lines);
    assert_eq!(files.tables.files[0].bytes, all.len() as u64);
}

#[test]
fn very_long_lines_are_cut_not_buffered() {
    // 3 MB without a newline, then a real log: the log is still analysed, the junk is one
    // problem, and pieces agree with the stream.
    let mut input = vec![b'x'; 3 << 20];
    input.push(b'\n');
    input.extend(std::fs::read(fixture_dir().join("side.tx.dlog")).unwrap());
    let stream = analyze::parse_dump(&input[..]);
    assert_eq!(stream.stats(&Filter::default()).traces, 5);
    assert_eq!(stream.tables.files[0].problems, 1);
    assert_eq!(stream.tables.problems[0].line, 1);
    let split = analyze::parse_bytes_parallel("x".into(), &input, 1 << 20);
    assert_eq!(report_exits(&split), report_exits(&stream));
    assert_eq!(split.tables.files[0].lines, stream.tables.files[0].lines);
}

#[test]
fn directories_are_aggregated() {
    let r = analyze::analyze_paths(&[fixture_dir()], &analyze::Options::default());
    let n = fixtures("dlog").len() + fixtures("vlog").len();
    assert_eq!(r.tables.files.len(), n);
    let sum: usize = fixtures("dlog")
        .iter()
        .chain(fixtures("vlog").iter())
        .map(|p| parse_file(p).stats(&Filter::default()).traces)
        .sum();
    assert_eq!(r.stats(&Filter::default()).traces, sum);
    // Filters.
    let only = r.stats(&Filter {
        file: Some("nyi.vlog".into()),
        ..Filter::default()
    });
    assert_eq!(only.aborts, 11);
    let loc = r.stats(&Filter {
        location: Some("side.lua:4".into()),
        ..Filter::default()
    });
    assert!(loc.traces > 0 && loc.aborts == 0);
}

#[test]
fn truncated_and_garbage_input_is_reported_not_fatal() {
    let text = std::fs::read_to_string(fixture_dir().join("side.tbisrmxa.dlog")).unwrap();
    let cut = text.find("---- TRACE 3 IR").unwrap();
    let truncated = &text[..cut];
    let r = analyze::parse_dump(truncated.as_bytes());
    assert!(r.skipped_anything());
    assert_eq!(r.stats(&Filter::default()).traces, 2);
    let p = &r.tables.problems[0];
    assert!(
        p.message.contains("trace 3") && p.message.contains("truncated"),
        "{p:?}"
    );
    assert_eq!(p.line, truncated.lines().count() as u64);

    let garbage =
        "hello\n---- TRACE x start\n---- TRACE 1 stop -> loop\n[TRACE 1 nowhere]\n\0\u{1}\n";
    let r = analyze::parse_dump(garbage.as_bytes());
    assert!(r.skipped_anything());
    assert_eq!(r.tables.problems[0].line, 1);
    assert!(r.tables.problems[0]
        .message
        .contains("expected a trace event"));
    let binary: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let r = analyze::parse_dump(&binary[..]);
    assert!(r.skipped_anything());
}

#[test]
fn cli_outputs_and_exit_status() {
    let dir = fixture_dir();
    let arg = |s: &str| s.to_string();
    let d = dir.display().to_string();
    assert_eq!(
        skein::analyze::cli::run(&[arg("-q"), arg("--csv=reasons"), d.clone()]),
        0
    );
    assert_eq!(
        skein::analyze::cli::run(&[arg("--json"), arg("--top=1"), arg("-q"), d.clone()]),
        0
    );
    assert_eq!(skein::analyze::cli::run(&[arg("--bogus")]), 2);
    assert_eq!(skein::analyze::cli::run(&[]), 2);
    assert_eq!(skein::analyze::cli::run(&[arg("--csv=nope"), d.clone()]), 2);
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.log");
    std::fs::write(&bad, "---- TRACE 1 start a.lua:1\n0001 x\n").unwrap();
    assert_eq!(
        skein::analyze::cli::run(&[arg("-q"), bad.display().to_string()]),
        1
    );
    let missing = tmp.path().join("missing.log").display().to_string();
    assert_eq!(skein::analyze::cli::run(&[arg("-q"), missing]), 1);

    // The renderers, on the library side.
    let r = analyze::analyze_paths(&[dir.join("side.tx.dlog")], &analyze::Options::default());
    let s = r.stats(&Filter::default());
    let j = analyze::report::json(&r.tables, &s, 5, true);
    assert_eq!(j["summary"]["traces"], 5);
    assert_eq!(j["summary"]["exits_taken"], s.exits_taken);
    assert_eq!(j["tables"]["traces"].as_array().unwrap().len(), 5);
    let csv = analyze::report::csv(&r.tables, &s, "edges", &Filter::default()).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "file,epoch,parent,exit,child,taken"
    );
    assert_eq!(csv.lines().count(), 1 + r.tables.side_edges.len());
    let dot = analyze::report::dot(&r.tables, &s, &Filter::default(), 10);
    assert!(dot.starts_with("digraph"));
    assert_eq!(
        dot.matches("label=\"exit ").count(),
        4 + s.exits_without_side_trace.len()
    );
    let text = analyze::report::text(&r.tables, &s, 10);
    assert!(text.contains("traces: 5"));
}

mod mutation {
    //! Real logs mutated at random never panic the analyser and give sane output.
    use super::*;
    use proptest::prelude::*;

    fn corpus() -> Vec<Vec<u8>> {
        [
            "side.tbisrmXa.dlog",
            "recur.tbx.dlog",
            "stitch.full.dlog",
            "flush.vlog",
            "nyi.full.dlog",
            "side.color.dlog",
        ]
        .iter()
        .map(|f| std::fs::read(fixture_dir().join(f)).unwrap())
        .collect()
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Truncate(usize),
        Flip(usize, u8),
        Shuffle(usize, usize),
        Duplicate(usize, usize),
        Delete(usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Shuffle(a, b)),
            (any::<usize>(), 1usize..20).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
            any::<usize>().prop_map(Mutation::Delete),
        ]
    }

    fn apply(bytes: &[u8], muts: &[Mutation]) -> Vec<u8> {
        let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        for m in muts {
            let n = lines.len().max(1);
            match *m {
                Mutation::Truncate(at) => {
                    let mut flat = lines.join(&b'\n');
                    flat.truncate(at % (flat.len() + 1));
                    lines = flat.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                }
                Mutation::Flip(at, byte) => {
                    let l = &mut lines[at % n];
                    if !l.is_empty() {
                        let i = (at / n) % l.len();
                        l[i] ^= byte | 1;
                    }
                }
                Mutation::Shuffle(a, b) => lines.swap(a % n, b % n),
                Mutation::Duplicate(at, count) => {
                    let l = lines[at % n].clone();
                    for _ in 0..count {
                        lines.insert(at % n, l.clone());
                    }
                }
                Mutation::Delete(at) => {
                    if !lines.is_empty() {
                        lines.remove(at % n);
                    }
                }
            }
            if lines.is_empty() {
                lines.push(Vec::new());
            }
        }
        lines.join(&b'\n')
    }

    /// Found by the property below: a shuffled line makes exits of a never-started trace.
    #[test]
    fn regression_shuffle_makes_unknown_traces() {
        let input = apply(
            &corpus()[1],
            &[Mutation::Shuffle(4616954253790078697, 698689720789095433)],
        );
        let r = analyze::parse_dump(&input[..]);
        let p = analyze::parse_bytes_parallel("x".into(), &input, 2048);
        assert_eq!(report_exits(&p), report_exits(&r));
    }

    proptest! {
        // No regression files: they would be written outside this module's directories.
        #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn mutated_logs_never_panic(which in 0usize..6, muts in proptest::collection::vec(mutation(), 1..6)) {
            let corpus = corpus();
            let original = &corpus[which % corpus.len()];
            let input = apply(original, &muts);
            let r = analyze::parse_dump(&input[..]);
            let s = r.stats(&Filter::default());
            let t = &r.tables;
            // Sane: ids in range, counts bounded by the input.
            let lines = input.split(|&b| b == b'\n').count() as u64;
            prop_assert!(t.files[0].lines <= lines);
            prop_assert!((s.traces + s.aborts) as u64 <= lines);
            prop_assert!(s.exits_taken <= lines);
            for e in &t.exits { prop_assert!(e.trace.index() < t.traces.len()); }
            for e in &t.side_edges { prop_assert!(e.parent.index() < t.traces.len() && e.child.index() < t.traces.len()); }
            prop_assert!(t.problems.len() as u64 <= t.files[0].problems);
            // The same input split in pieces in parallel gives the same figures.
            let p = analyze::parse_bytes_parallel("x".into(), &input, 2048);
            prop_assert_eq!(p.tables.traces.len(), t.traces.len());
            prop_assert_eq!(report_exits(&p), report_exits(&r));
            prop_assert_eq!(p.tables.aborts.len(), t.aborts.len());
            prop_assert_eq!(p.tables.files[0].lines, t.files[0].lines);
            let _ = analyze::report::text(t, &s, 5);
            let _ = analyze::report::json(t, &s, 5, true);
            let _ = analyze::report::dot(t, &s, &Filter::default(), 5);
        }
    }
}

#[test]
fn flushes_clear_penalties_before_blacklisting() {
    // LuaJIT clears its penalty cache on a flush: the aborts before the flush do not count
    // towards the 11 that blacklist the loop after it.
    for f in ["penalty.tbx.dlog", "penalty.vlog"] {
        let r = parse_file(&fixture_dir().join(f));
        let t = &r.tables;
        let text = read(&fixture_dir().join(f));
        let flush_at = text
            .lines()
            .position(|l| l.contains("TRACE flush"))
            .unwrap();
        let after = text
            .lines()
            .skip(flush_at)
            .filter(|l| l.contains("NYI: bytecode 51"))
            .count();
        let before = text
            .lines()
            .take(flush_at)
            .filter(|l| l.contains("NYI: bytecode 51"))
            .count();
        assert!(before < 11 && after == 11, "{f}: {before} {after}");
        assert_eq!(t.blacklist.len(), 1, "{f}");
        assert_eq!(t.blacklist[0].epoch, 1, "{f}");
        assert_eq!(t.str(t.blacklist[0].location), "penalty.lua:5");
    }
}

#[test]
fn aborted_side_trace_attempts_are_counted_per_exit() {
    let p = fixture_dir().join("recur.vlog");
    let text = read(&p);
    let r = parse_file(&p);
    let t = &r.tables;
    // Count `[TRACE --- (p/e) ...` per origin, independently.
    let mut expected: HashMap<String, u32> = HashMap::new();
    for l in text.lines().filter(|l| l.starts_with("[TRACE --- (")) {
        let origin = &l["[TRACE --- (".len()..l.find(')').unwrap()];
        if !origin.ends_with("stitch") {
            *expected.entry(origin.to_string()).or_default() += 1;
        }
    }
    assert!(!expected.is_empty());
    let got: HashMap<String, u32> = t
        .exits
        .iter()
        .filter(|e| e.side_aborts > 0)
        .map(|e| {
            (
                format!("{}/{}", t.trace(e.trace).number, e.exit),
                e.side_aborts,
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn interleaved_logs_are_reported_not_fatal() {
    let a = std::fs::read_to_string(fixture_dir().join("side.tbisrmXa.dlog")).unwrap();
    let b = std::fs::read_to_string(fixture_dir().join("recur.tbx.dlog")).unwrap();
    let mut mixed = String::new();
    let (mut la, mut lb) = (a.lines(), b.lines());
    loop {
        match (la.next(), lb.next()) {
            (None, None) => break,
            (x, y) => {
                for l in [x, y].into_iter().flatten() {
                    mixed.push_str(l);
                    mixed.push('\n');
                }
            }
        }
    }
    let r = analyze::parse_dump(mixed.as_bytes());
    assert!(r.skipped_anything());
    assert!(r
        .tables
        .problems
        .iter()
        .any(|p| p.message.contains("truncated") && p.line > 0));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mixed.log");
    std::fs::write(&path, &mixed).unwrap();
    assert_eq!(
        analyze::cli::run(&[
            "-q".into(),
            "--csv=files".into(),
            path.display().to_string()
        ]),
        1
    );
}

#[test]
fn locations_with_spaces() {
    // As LuaJIT prints them for `luajit -jv -e '...'` and `-jdump`.
    let v = "[TRACE   1 (command line):1 stitch os.clock]\n\
             [TRACE   2 (1/stitch) (command line):1 -> 1]\n\
             [TRACE --- (2/1) (command line):1 -- NYI: bytecode 51 at (command line):2]\n";
    let r = analyze::parse_dump(v.as_bytes());
    let t = &r.tables;
    assert!(!r.skipped_anything(), "{:?}", t.problems);
    assert_eq!(t.str(t.traces[0].start), "(command line):1");
    assert_eq!(t.str(t.traces[0].stitch_at.unwrap()), "os.clock");
    assert_eq!(t.traces[1].kind, TraceKind::Stitch);
    assert_eq!(t.str(t.aborts[0].at), "(command line):2");
    assert_eq!(t.aborts[0].parent_exit, Some(1));
    let d = "---- TRACE 1 start (command line):1\n---- TRACE 1 stop -> loop\n\n\
             ---- TRACE 2 start 1/4 (command line):1\n---- TRACE 2 abort (command line):3 -- leaving loop in root trace\n";
    let r = analyze::parse_dump(d.as_bytes());
    let t = &r.tables;
    assert!(!r.skipped_anything(), "{:?}", t.problems);
    assert_eq!(t.str(t.traces[0].start), "(command line):1");
    assert_eq!(t.str(t.aborts[0].start), "(command line):1");
    assert_eq!(t.str(t.aborts[0].at), "(command line):3");
    assert_eq!(t.exits[0].side_aborts, 1);
}

mod mixed {
    //! Files holding both jit.v and jit.dump output of one run count every trace and abort
    //! once. Fixtures: tests/fixtures/analyze/mixed/ (`regen.sh`): `<p>.vd.log` and
    //! `<p>.dv.log` are skein runs with both `-jv` and `-jdump`, `<p>.dlog` / `<p>.vlog`
    //! the dump and jit.v lines of `<p>.vd.log`.
    use super::*;
    use skein::analyze::split::{parse_range, FileBuilder, Range};
    use skein::analyze::Tables;

    fn dir() -> PathBuf {
        fixture_dir().join("mixed")
    }

    /// Every row of every table as text, strings resolved, without what depends on where
    /// a line is in the file (line numbers, file sizes) or on the format.
    pub fn normalized(t: &Tables) -> Vec<String> {
        let mut out = Vec::new();
        for r in &t.traces {
            out.push(format!(
                "trace e{} #{} {:?} parent {:?}/{:?} start {} link {:?}->{:?} bc {} ir {} snap {} mc {}",
                r.epoch,
                r.number,
                r.kind,
                r.parent,
                r.parent_exit,
                t.str(r.start),
                r.link,
                r.link_to,
                r.bytecodes,
                r.ir,
                r.snapshots,
                r.mcode_bytes
            ));
        }
        for s in &t.snapshots {
            out.push(format!("snap {:?}", (s.trace, s.number, s.ir_ref, s.slots)));
        }
        for e in &t.exits {
            out.push(format!("exit {e:?}"));
        }
        for e in &t.side_edges {
            out.push(format!("edge {e:?}"));
        }
        for a in &t.aborts {
            out.push(format!(
                "abort e{} {:?} {:?}/{:?} {} at {} {:?} {:?} {:?}",
                a.epoch,
                a.number,
                a.parent,
                a.parent_exit,
                t.str(a.start),
                t.str(a.at),
                a.reason,
                a.arg.map(|s| t.str(s)),
                a.message.map(|s| t.str(s))
            ));
        }
        for b in &t.blacklist {
            out.push(format!(
                "blacklist e{} {} {:?} {:?}",
                b.epoch,
                t.str(b.location),
                b.kind,
                b.abort
            ));
        }
        for f in &t.files {
            out.push(format!(
                "file flushes {} problems {}",
                f.flushes, f.problems
            ));
        }
        out
    }

    fn started(t: &Tables) -> usize {
        t.traces
            .iter()
            .filter(|r| r.kind != TraceKind::Unknown)
            .count()
    }

    /// The dump lines of a mixed log (what the run wrote to stdout).
    fn dump_lines(text: &str) -> String {
        text.lines()
            .filter(|l| !l.starts_with("[TRACE "))
            .flat_map(|l| [l, "\n"])
            .collect()
    }

    /// A JSON report without what depends on where lines are: sizes, line numbers, file
    /// names, and the line part of trace labels (`file:LINE#N`); and without `stitch_at`,
    /// the function a stitching trace stops at, which only jit.v prints (checked apart).
    fn without_places(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| {
                        ![
                            "bytes",
                            "lines",
                            "line",
                            "abort_line",
                            "path",
                            "file",
                            "format",
                            "stitch_at",
                        ]
                        .contains(&k.as_str())
                    })
                    .map(|(k, v)| (k, without_places(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(without_places).collect()),
            Value::String(s) => match s.split_once('#') {
                Some((_, n)) if s.contains(':') => Value::String(format!("#{n}")),
                _ => Value::String(s),
            },
            v => v,
        }
    }

    fn assert_same_run(mixed: &Report, dump: &Report, what: &str) {
        let (m, d) = (&mixed.tables, &dump.tables);
        assert_eq!(m.files[0].format, LogFormat::Mixed, "{what}");
        assert_eq!(normalized(m), normalized(d), "{what}");
        let (sm, sd) = (
            mixed.stats(&Filter::default()),
            dump.stats(&Filter::default()),
        );
        assert_eq!(
            without_places(analyze::report::json(m, &sm, 50, true)),
            without_places(analyze::report::json(d, &sd, 50, true)),
            "{what}: json"
        );
        let text = |t, s| -> Vec<String> {
            let r = analyze::report::text(t, s, 50);
            r.lines()
                .skip(1)
                .map(|l| {
                    l.split_whitespace()
                        .map(|w| match w.split_once('#') {
                            Some((_, n)) if w.contains(':') => format!("#{n}"),
                            // `file:LINE:` of an abort
                            _ if w.ends_with(':') && w[..w.len() - 1].contains(':') => {
                                "FILE:LINE:".to_string()
                            }
                            _ => w.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        };
        assert_eq!(text(m, &sm), text(d, &sd), "{what}: text report");
        // The CSV tables differ only in file names, line columns and trace labels
        // (`file:LINE#N`).
        let strip = |csv: String| -> Vec<Vec<String>> {
            let mut rows = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
            let header = rows.next().unwrap_or_default();
            let keep: Vec<bool> = header
                .iter()
                .map(|h| !h.contains("line") && *h != "file" && *h != "path")
                .collect();
            rows.map(|r| {
                r.iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(c, _)| match c.split_once('#') {
                        Some((_, n)) if c.contains(':') => format!("#{n}"),
                        _ => c.to_string(),
                    })
                    .collect()
            })
            .collect()
        };
        for table in [
            "traces",
            "exits",
            "edges",
            "aborts",
            "reasons",
            "blacklist",
            "snapshots",
        ] {
            let a = analyze::report::csv(m, &sm, table, &Filter::default()).unwrap();
            let b = analyze::report::csv(d, &sd, table, &Filter::default()).unwrap();
            assert_eq!(strip(a), strip(b), "{what}: csv {table}");
        }
        let a = analyze::report::json(m, &sm, 10, false)["aborts"].to_string();
        let b = analyze::report::json(d, &sd, 10, false)["aborts"].to_string();
        assert_eq!(a, b, "{what}: json aborts");
    }

    #[test]
    fn mixed_equals_dump_only_and_v_only_counts_agree() {
        for p in ["side", "nyi", "stitch", "flush", "recur", "penalty"] {
            let mixed = parse_file(&dir().join(format!("{p}.vd.mixed")));
            let dump = parse_file(&dir().join(format!("{p}.dump-only")));
            let v = parse_file(&dir().join(format!("{p}.v-only")));
            assert_eq!(dump.tables.files[0].format, LogFormat::Dump);
            assert_eq!(v.tables.files[0].format, LogFormat::Verbose);
            assert_same_run(&mixed, &dump, p);
            let (m, d, vt) = (&mixed.tables, &dump.tables, &v.tables);
            assert!(started(d) > 0, "{p}");
            assert_eq!(started(m), started(d), "{p}: traces");
            assert_eq!(started(vt), started(d), "{p}: traces (jit.v)");
            assert_eq!(m.aborts.len(), d.aborts.len(), "{p}: aborts");
            assert_eq!(vt.aborts.len(), d.aborts.len(), "{p}: aborts (jit.v)");
            assert_eq!(vt.files[0].flushes, d.files[0].flushes, "{p}: flushes");
            // The independent count: one trace per dump `stop`, one abort per `abort`.
            let c = count_dump(&read(&dir().join(format!("{p}.dump-only"))));
            assert_eq!((started(m), m.aborts.len()), (c.stops, c.aborts), "{p}");
            // The jit.v line's stitch function is kept on the dump's row.
            for (tm, tv) in m.traces.iter().zip(vt.traces.iter()) {
                if tm.link == LinkType::Stitch {
                    assert_eq!(
                        tm.stitch_at.map(|s| m.str(s)),
                        tv.stitch_at.map(|s| vt.str(s)),
                        "{p}"
                    );
                }
            }
        }
    }

    #[test]
    fn both_flag_orders_pair_every_trace() {
        // `-jdump -jv`: the jit.v line comes after the dump's stop; `-jv -jdump`: before
        // the dump's IR. Different runs, each checked against its own dump lines.
        for p in [
            "nyi.dv",
            "flush.dv",
            "recur.dv",
            "side.vd",
            "flush.vd",
            "penalty.vd",
        ] {
            let text = std::fs::read_to_string(dir().join(format!("{p}.mixed"))).unwrap();
            let mixed = analyze::parse_dump(text.as_bytes());
            let dump = analyze::parse_dump(dump_lines(&text).as_bytes());
            assert_same_run(&mixed, &dump, p);
        }
    }

    #[test]
    fn split_mixed_logs_equal_streaming() {
        for p in ["flush.vd", "recur.vd", "penalty.vd", "recur.dv"] {
            let bytes = std::fs::read(dir().join(format!("{p}.mixed"))).unwrap();
            let stream = analyze::parse_dump(&bytes[..]);
            for piece in [4096, 5000] {
                let split = analyze::parse_bytes_parallel("<input>".into(), &bytes, piece);
                assert_eq!(normalized(&split.tables), normalized(&stream.tables), "{p}");
            }
            // Two pieces cut at every line.
            let text = std::str::from_utf8(&bytes).unwrap();
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                at += line.len() as u64;
                let t = parse_cut(&bytes, &[at]);
                assert_eq!(
                    normalized(&t),
                    normalized(&stream.tables),
                    "{p} cut at {at}"
                );
            }
        }
    }

    /// Parses `bytes` as pieces cut at the nominal offsets `cuts` (each piece starts at
    /// the first boundary line at or after its cut), resolved in order.
    pub fn parse_cut(bytes: &[u8], cuts: &[u64]) -> Tables {
        let mut bounds = vec![0u64];
        bounds.extend(cuts.iter().copied().filter(|&c| c > 0));
        let mut builder = FileBuilder::new("<input>".into());
        for (k, &start) in bounds.iter().enumerate() {
            let end = bounds.get(k + 1).copied().unwrap_or(u64::MAX);
            let base = start.saturating_sub(1);
            let range = Range { base, start, end };
            let mut errors = Vec::new();
            let from = (base as usize).min(bytes.len());
            let (chunk, n) = parse_range(
                &bytes[from..],
                range,
                &analyze::Options::default(),
                &mut errors,
            );
            builder.add(chunk, n);
        }
        builder.finish()
    }

    #[test]
    fn luajit_handler_replacement_logs() {
        // LuaJIT keeps one handler per event: `-jdump=tbsx -jv` gives jit.v's trace lines
        // with the dump's bytecode and exit lines, stdout blocks cutting lines where the
        // unbuffered jit.v lines land. Traces and aborts are jit.v's, counted once.
        let path = dir().join("recur.luajit.mixed");
        let text = read(&path);
        assert!(
            text.lines()
                .any(|l| !l.starts_with("[TRACE") && l.contains("[TRACE ")),
            "the fixture should have a jit.v line inside a stdout line"
        );
        let r = parse_file(&path);
        let t = &r.tables;
        let v_lines = text.matches("[TRACE ").count();
        let flushes = text.matches("[TRACE flush]").count();
        assert_eq!(started(t) + t.aborts.len() + flushes, v_lines);
        assert_eq!(t.files[0].format, LogFormat::Mixed);
        let exits = text
            .lines()
            .filter(|l| l.contains("---- TRACE ") && l.contains(" exit "))
            .count() as u64;
        let taken: u64 = t.exits.iter().map(|e| e.taken).sum();
        assert_eq!(taken, exits);
        // Exits of traces jit.v announced attach to them, not to placeholders.
        assert!(t
            .exits
            .iter()
            .all(|e| t.trace(e.trace).kind != TraceKind::Unknown));
        // The dump's bytecode lines without trace headers are expected here; the only
        // problem is the program's own output on the last line.
        assert_eq!(t.files[0].problems, 1, "{:?}", t.problems);
        // Without jit.v lines, the same bytecode lines are problems, one message.
        let dump_part: String = text
            .lines()
            .filter(|l| !l.contains("[TRACE "))
            .flat_map(|l| [l, "\n"])
            .collect();
        let headless = dump_part
            .lines()
            .filter(|l| {
                l.len() > 6 && l[..4].bytes().all(|b| b.is_ascii_digit()) && &l[4..6] == "  "
            })
            .count() as u64;
        assert!(headless > 100);
        let r = analyze::parse_dump(dump_part.as_bytes());
        assert_eq!(r.tables.files[0].problems, headless + 1);
        assert!(r
            .tables
            .problems
            .iter()
            .any(|p| p.message.contains("outside any trace")));
    }

    #[test]
    fn a_jit_v_line_inside_a_stdout_line_is_cut_out() {
        let log = "---- TRACE 1 start t.lua:3\n0001  KS[TRACE   1 t.lua:3 loop]\nHORT 1 2\n\
                   ---- TRACE 1 stop -> loop\n\n---- TRACE 1 ex[TRACE --- t.lua:9 -- NYI: bytecode 51 at t.lua:10]\n\
                   it 2\n---- TRACE 2 start t.lua:9\n---- TRACE 2 abort t.lua:10 -- NYI: bytecode 51\n";
        let r = analyze::parse_dump(log.as_bytes());
        let t = &r.tables;
        assert!(!r.skipped_anything(), "{:?}", t.problems);
        assert_eq!(started(t), 1);
        assert_eq!(t.traces[0].bytecodes, 1);
        assert_eq!(t.aborts.len(), 1);
        assert_eq!((t.exits[0].exit, t.exits[0].taken), (2, 1));
    }

    #[test]
    fn disagreeing_pairs_are_reported_and_kept_apart() {
        let log = "---- TRACE 1 start t.lua:3\n---- TRACE 1 stop -> loop\n\n\
                   [TRACE   1 t.lua:4 loop]\n";
        let r = analyze::parse_dump(log.as_bytes());
        assert_eq!(started(&r.tables), 2);
        assert!(r.skipped_anything());
        assert!(r.tables.problems[0].message.contains("counted twice"));
    }
}

mod interleavings {
    //! Synthetic runs written as both jit.dump and jit.v lines, merged in random order
    //! (each output keeps its own order, as two streams into one file do), parse to the
    //! tables of the dump lines alone: streamed, and cut into two pieces at every line.
    use super::mixed::{normalized, parse_cut};
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Event {
        /// A root trace at `t.lua:LINE`, or a side trace of the newest trace, exit `e`.
        Trace {
            line: u8,
            side: Option<u8>,
        },
        /// An abort of a trace started at `t.lua:LINE` (a side trace of the newest
        /// trace, exit `e`, if `side`).
        Abort {
            line: u8,
            nyi: bool,
            side: Option<u8>,
        },
        /// A root trace that stitches at `os.clock`, then its continuation.
        Stitch {
            line: u8,
        },
        /// Exits of the newest trace.
        Exit(u8),
        Flush,
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            4 => (1u8..6, proptest::option::of(0u8..4)).prop_map(|(line, side)| Event::Trace { line, side }),
            3 => (1u8..6, any::<bool>(), proptest::option::of(0u8..4)).prop_map(|(line, nyi, side)| Event::Abort { line, nyi, side }),
            1 => (1u8..6).prop_map(|line| Event::Stitch { line }),
            2 => (0u8..4).prop_map(Event::Exit),
            1 => Just(Event::Flush),
        ]
    }

    /// The dump lines and the jit.v lines of a run.
    fn render(events: &[Event]) -> (Vec<String>, Vec<String>) {
        let (mut d, mut v) = (Vec::new(), Vec::new());
        let mut next = 1u32;
        let mut newest: Option<u32> = None;
        for e in events {
            match *e {
                Event::Trace { line, side } => {
                    let n = next;
                    next += 1;
                    let origin = match (side, newest) {
                        (Some(x), Some(p)) => Some((p, x)),
                        _ => None,
                    };
                    let (dorig, vorig) = match origin {
                        Some((p, x)) => (format!("{p}/{x} "), format!("({p}/{x}) ")),
                        None => (String::new(), String::new()),
                    };
                    d.push(format!("---- TRACE {n} start {dorig}t.lua:{line}"));
                    d.push("0001  KSHORT   1   2".into());
                    d.push(format!("---- TRACE {n} IR"));
                    d.push("0001    int SLOAD  #1    T".into());
                    d.push("....        SNAP   #0   [ ---- ]".into());
                    let link = match origin {
                        Some((p, _)) => (format!("{p}"), format!("-> {p}")),
                        None => ("loop".into(), "loop".into()),
                    };
                    d.push(format!("---- TRACE {n} stop -> {}", link.0));
                    d.push(String::new());
                    v.push(format!("[TRACE {n:>3} {vorig}t.lua:{line} {}]", link.1));
                    newest = Some(n);
                }
                Event::Abort { line, nyi, side } => {
                    let msg = if nyi {
                        "NYI: bytecode 51"
                    } else {
                        "leaving loop in root trace"
                    };
                    let (dorig, vorig) = match (side, newest) {
                        (Some(x), Some(p)) => (format!("{p}/{x} "), format!("({p}/{x}) ")),
                        _ => (String::new(), String::new()),
                    };
                    d.push(format!("---- TRACE {next} start {dorig}t.lua:{line}"));
                    d.push("0001  FNEW     1   0".into());
                    d.push(format!(
                        "---- TRACE {next} abort t.lua:{} -- {msg}",
                        line + 1
                    ));
                    d.push(String::new());
                    v.push(format!(
                        "[TRACE --- {vorig}t.lua:{line} -- {msg} at t.lua:{}]",
                        line + 1
                    ));
                }
                Event::Stitch { line } => {
                    let (p, n) = (next, next + 1);
                    next += 2;
                    d.push(format!("---- TRACE {p} start t.lua:{line}"));
                    d.push("0001  GGET     0   0".into());
                    d.push(format!("---- TRACE {p} stop -> stitch"));
                    d.push(String::new());
                    v.push(format!("[TRACE {p:>3} t.lua:{line} stitch os.clock]"));
                    d.push(format!("---- TRACE {n} start {p}/stitch t.lua:{line}"));
                    d.push("0002  CALL     0   1   1".into());
                    d.push(format!("---- TRACE {n} stop -> {p}"));
                    d.push(String::new());
                    v.push(format!("[TRACE {n:>3} ({p}/stitch) t.lua:{line} -> {p}]"));
                    newest = Some(n);
                }
                Event::Exit(x) => {
                    if let Some(n) = newest {
                        d.push(format!("---- TRACE {n} exit {x}"));
                    }
                }
                Event::Flush => {
                    d.push("---- TRACE flush".into());
                    d.push(String::new());
                    v.push("[TRACE flush]".into());
                    next = 1;
                    newest = None;
                }
            }
        }
        (d, v)
    }

    /// Merges the two streams: `picks[i]` says whether the i-th line is taken from jit.v.
    fn merge(d: &[String], v: &[String], picks: &[bool]) -> String {
        let (mut i, mut j) = (0, 0);
        let mut out = String::new();
        let mut k = 0;
        while i < d.len() || j < v.len() {
            let take_v = j < v.len() && (i == d.len() || picks.get(k).copied().unwrap_or(false));
            k += 1;
            let l = if take_v {
                j += 1;
                &v[j - 1]
            } else {
                i += 1;
                &d[i - 1]
            };
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn any_interleaving_counts_once(
            events in proptest::collection::vec(event(), 1..14),
            picks in proptest::collection::vec(any::<bool>(), 0..120),
        ) {
            let (d, v) = render(&events);
            let mixed = merge(&d, &v, &picks);
            let dump: String = d.iter().flat_map(|l| [l.as_str(), "\n"]).collect();
            let expected = analyze::parse_dump(dump.as_bytes());
            prop_assert!(!expected.skipped_anything(), "{:?}", expected.tables.problems);
            let want = normalized(&expected.tables);
            let got = analyze::parse_dump(mixed.as_bytes());
            prop_assert_eq!(&normalized(&got.tables), &want, "{}", mixed);
            let bytes = mixed.as_bytes();
            let mut at = 0u64;
            for line in mixed.split_inclusive('\n') {
                at += line.len() as u64;
                let t = parse_cut(bytes, &[at]);
                prop_assert_eq!(&normalized(&t), &want, "cut at {}: {}", at, mixed);
            }
        }
    }
}
