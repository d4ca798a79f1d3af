//! `skein analyze`: the command-line front of the analyser.
//!
//! Parses the arguments with clap, runs [`super::analyze_paths`] (on a rayon pool of
//! `--threads` threads), prints one `file:line: message` per problem on stderr, and renders
//! the report as text (default), JSON, CSV or DOT on stdout.
//!
//! Exit status: 0 everything analysed, 1 some input was malformed, truncated or unreadable
//! (the rest is still analysed and reported), 2 usage error.

use super::{report, Filter, Options, Report};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a run goes before the progress bar appears.
const PROGRESS_DELAY: Duration = Duration::from_millis(500);

/// Analyse LuaJIT / skein trace logs (jit.dump and jit.v) across many files.
#[derive(Parser, Debug)]
#[command(
    name = "skein analyze",
    about = "Analyse LuaJIT/skein trace logs (-jdump, -jv): traces, links, hot exits, side traces, aborts, blacklisting",
    after_help = "Logs are made with e.g. `luajit -jdump=+tbisrmxa,run.dlog prog.lua` (exits need the x or X flag) or `luajit -jv=run.log prog.lua`.\nExit status: 0 all input analysed, 1 some input malformed/truncated/unreadable, 2 usage error."
)]
struct Args {
    /// Log files, or directories searched for *.log, *.dlog, *.vlog, *.dump, *.txt, *.out, *.jv
    #[arg(required = true, value_name = "FILES/DIRS")]
    paths: Vec<PathBuf>,
    /// Print the report as JSON
    #[arg(long, conflicts_with_all = ["csv", "dot"])]
    json: bool,
    /// With --json: include every table row, not only the statistics
    #[arg(long, requires = "json")]
    full: bool,
    /// Print one table as CSV: traces, exits, edges, aborts, blacklist, snapshots, files, reasons
    #[arg(long, value_name = "TABLE", num_args = 0..=1, default_missing_value = "exits", conflicts_with = "dot")]
    csv: Option<String>,
    /// Print the trace graph (side-trace edges with exit counts) in Graphviz DOT
    #[arg(long)]
    dot: bool,
    /// Length of every ranked list
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Only files whose path contains this text
    #[arg(long, value_name = "TEXT")]
    file: Option<String>,
    /// Only traces (and aborts) with this trace number
    #[arg(long, value_name = "N")]
    trace: Option<u32>,
    /// Only traces/aborts whose location contains this text (e.g. `foo.lua:12`)
    #[arg(long, value_name = "TEXT")]
    location: Option<String>,
    /// Worker threads (default: all cores)
    #[arg(long, short = 'j', value_name = "N")]
    threads: Option<usize>,
    /// Never show a progress bar
    #[arg(long)]
    no_progress: bool,
    /// Do not print problems with the input on stderr
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Runs `skein analyze ARGS` and returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let argv = std::iter::once("skein analyze".to_string()).chain(args.iter().cloned());
    let args = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if let Some(t) = &args.csv {
        if !report::CSV_TABLES.contains(&t.as_str()) {
            eprintln!(
                "skein analyze: unknown CSV table `{t}` (expected one of: {})",
                report::CSV_TABLES.join(", ")
            );
            return 2;
        }
    }
    if args.threads == Some(0) {
        eprintln!("skein analyze: --threads must be at least 1");
        return 2;
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("skein analyze: cannot start worker threads: {e}");
            return 2;
        }
    };
    let files = super::split::expand_paths(&args.paths);
    if files.is_empty() {
        eprintln!(
            "skein analyze: no log files found (directories are searched for *.{})",
            super::split::LOG_EXTENSIONS.join(", *.")
        );
        return 2;
    }
    let total: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut opts = Options::default();
    // The bar stays hidden until the run has taken longer than a moment, and is only
    // ever drawn on a terminal.
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    if let Some(b) = &bar {
        let b = b.clone();
        let started = Instant::now();
        let shown = AtomicBool::new(false);
        opts.progress = Some(Arc::new(move |n| {
            b.inc(n);
            if !shown.load(Ordering::Relaxed) && started.elapsed() >= PROGRESS_DELAY {
                shown.store(true, Ordering::Relaxed);
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }));
    }
    let tables = pool.install(|| super::split::parse_all(&files, &opts));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = Report { tables };
    let t = &report.tables;
    if !args.quiet {
        for p in &t.problems {
            let file = t.files[p.file.index()].path.display();
            if p.line > 0 {
                eprintln!("{file}:{}: {}", p.line, p.message);
            } else {
                eprintln!("{file}: {}", p.message);
            }
        }
        for f in &t.files {
            let shown = t
                .problems
                .iter()
                .filter(|p| t.files[p.file.index()].path == f.path)
                .count() as u64;
            if f.problems > shown {
                eprintln!(
                    "{}: {} more problem(s) not shown",
                    f.path.display(),
                    f.problems - shown
                );
            }
        }
    }
    let filter = Filter {
        file: args.file.clone(),
        trace: args.trace,
        location: args.location.clone(),
    };
    let stats = report.stats(&filter);
    let out = if args.json {
        let mut s = serde_json::to_string_pretty(&report::json(t, &stats, args.top, args.full))
            .unwrap_or_default();
        s.push('\n');
        s
    } else if let Some(table) = &args.csv {
        report::csv(t, &stats, table, &filter).unwrap_or_default()
    } else if args.dot {
        report::dot(t, &stats, &filter, args.top)
    } else {
        report::text(t, &stats, args.top)
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        // A closed pipe (`| head`) is not an analysis failure.
    }
    if report.skipped_anything() {
        1
    } else {
        0
    }
}
