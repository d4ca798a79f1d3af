//! Renderings of a report: terminal text, JSON, CSV tables and a Graphviz DOT graph.
//!
//! Renderers only read [`Tables`] and [`Stats`]; they never compute figures of their own
//! beyond formatting, so every output agrees. `top` limits every ranked list.

use super::stats::{nyi_name, Stats};
use super::tables::*;
use serde_json::{json, Value};
use std::fmt::Write;

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn file_name(t: &Tables, f: FileId) -> String {
    t.files
        .get(f.index())
        .map(|r| r.path.display().to_string())
        .unwrap_or_default()
}

/// The terminal report.
pub fn text(t: &Tables, s: &Stats, top: usize) -> String {
    let mut o = String::new();
    let kinds: Vec<String> = s
        .traces_by_kind
        .iter()
        .map(|(k, n)| match k {
            TraceKind::Unknown => format!("plus {n} never seen starting"),
            _ => format!("{} {n}", k.name()),
        })
        .collect();
    let _ = writeln!(
        o,
        "{} file(s), {}, {} lines; {} flush(es)",
        s.files,
        human_bytes(s.bytes),
        s.lines,
        s.flushes
    );
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    let _ = writeln!(
        o,
        "traces: {}{kinds}; aborts: {}; blacklisted: {}",
        s.traces,
        s.aborts,
        s.blacklist.len()
    );
    let _ = writeln!(
        o,
        "exits: {} taken at {} distinct exits; {} taken exit(s) never got a side trace; deepest side-trace tree: {}",
        s.exits_taken,
        s.distinct_exits,
        s.exits_without_side_trace.len(),
        s.max_tree_depth
    );
    if !s.link_types.is_empty() {
        let links: Vec<String> = s
            .link_types
            .iter()
            .map(|(l, n)| format!("{} {n}", l.name()))
            .collect();
        let _ = writeln!(o, "link types: {}", links.join(", "));
    }

    let exit_row = |o: &mut String, id: ExitId| {
        let e = &t.exits[id.index()];
        let tr = t.trace(e.trace);
        let _ = writeln!(
            o,
            "  {:<28} {:>5} {:>10} {:>5} {:>7}  {}",
            t.trace_label(e.trace),
            e.exit,
            e.taken,
            e.side_traces,
            e.side_aborts,
            t.str(tr.start)
        );
    };
    if !s.hottest_exits.is_empty() {
        let _ = writeln!(
            o,
            "\nhottest exits:\n  {:<28} {:>5} {:>10} {:>5} {:>7}  start",
            "trace", "exit", "taken", "sides", "aborted"
        );
        for &id in s.hottest_exits.iter().take(top) {
            exit_row(&mut o, id);
        }
    }
    if !s.exits_without_side_trace.is_empty() {
        let _ = writeln!(
            o,
            "\ntaken exits without a side trace:\n  {:<28} {:>5} {:>10} {:>5} {:>7}  start",
            "trace", "exit", "taken", "sides", "aborted"
        );
        for &id in s.exits_without_side_trace.iter().take(top) {
            exit_row(&mut o, id);
        }
    }
    if !s.exits_per_trace.is_empty() {
        let _ = writeln!(o, "\nexits per trace:");
        for (id, n) in s.exits_per_trace.iter().take(top) {
            let exits = t
                .exits
                .iter()
                .filter(|e| e.trace == *id && e.taken > 0)
                .count();
            let _ = writeln!(
                o,
                "  {:<28} {:>10} taken at {exits} exit(s)  {}",
                t.trace_label(*id),
                n,
                t.str(t.trace(*id).start)
            );
        }
    }
    let trees: Vec<_> = s.trees.iter().filter(|x| x.size > 1).take(top).collect();
    if !trees.is_empty() {
        let _ = writeln!(o, "\nside-trace trees:");
        for tree in trees {
            let _ = writeln!(
                o,
                "  {:<28} {:>4} trace(s), depth {}  {}",
                t.trace_label(tree.root),
                tree.size,
                tree.depth,
                t.str(t.trace(tree.root).start)
            );
        }
    }
    let group = |o: &mut String, title: &str, rows: Vec<(String, usize)>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(o, "\n{title}:");
        for (k, n) in rows.into_iter().take(top) {
            let _ = writeln!(o, "  {n:>8}  {k}");
        }
    };
    let strs = |v: &[(StrId, usize)]| -> Vec<(String, usize)> {
        v.iter().map(|(k, n)| (t.str(*k).to_string(), *n)).collect()
    };
    group(&mut o, "aborts by reason", s.aborts_by_reason.clone());
    group(&mut o, "aborts by start location", strs(&s.aborts_by_start));
    group(
        &mut o,
        "aborts by abort location",
        strs(&s.aborts_by_location),
    );
    group(&mut o, "NYI bytecodes", s.nyi_bytecodes.clone());
    group(
        &mut o,
        "traces by start location",
        strs(&s.traces_by_location),
    );
    if !s.blacklist.is_empty() {
        let _ = writeln!(o, "\nblacklisted:");
        for &i in s.blacklist.iter().take(top) {
            let b = &t.blacklist[i];
            let a = &t.aborts[b.abort.index()];
            let _ = writeln!(
                o,
                "  {}  ({}, {}:{}: {})",
                t.str(b.location),
                match b.kind {
                    BlacklistKind::Inferred => "inferred from repeated aborts",
                    BlacklistKind::Reported => "reported",
                },
                file_name(t, b.file),
                a.line,
                abort_message(t, a)
            );
        }
    }
    if s.files > 1 {
        let _ = writeln!(
            o,
            "\nfiles:\n  {:<40} {:>6} {:>9} {:>7} {:>7} {:>9} {:>7} {:>8}",
            "path", "format", "lines", "traces", "aborts", "exits", "flushes", "problems"
        );
        for (f, fs) in t.files.iter().zip(&s.per_file) {
            let _ = writeln!(
                o,
                "  {:<40} {:>6} {:>9} {:>7} {:>7} {:>9} {:>7} {:>8}",
                f.path.display(),
                f.format.name(),
                f.lines,
                fs.traces,
                fs.aborts,
                fs.exits_taken,
                f.flushes,
                f.problems
            );
        }
    }
    o
}

/// The abort's message as LuaJIT printed it.
pub fn abort_message(t: &Tables, a: &AbortRow) -> String {
    match (a.reason, a.message) {
        (Some(r), _) => r.format(a.arg.map(|x| t.str(x))),
        (None, Some(m)) => t.str(m).to_string(),
        _ => String::new(),
    }
}

fn trace_json(t: &Tables, id: TraceId) -> Value {
    let r = t.trace(id);
    json!({
        "id": id.0,
        "file": file_name(t, r.file),
        "epoch": r.epoch,
        "number": r.number,
        "kind": r.kind.name(),
        "parent": r.parent.map(|p| t.trace(p).number),
        "parent_id": r.parent.map(|p| p.0),
        "parent_exit": r.parent_exit,
        "start": t.str(r.start),
        "link": r.link.name(),
        "link_to": r.link_to.map(|p| t.trace(p).number),
        "stitch_at": r.stitch_at.map(|s| t.str(s)),
        "bytecodes": r.bytecodes,
        "ir": r.ir,
        "snapshots": r.snapshots,
        "mcode_bytes": r.mcode_bytes,
        "line": r.line,
    })
}

fn exit_json(t: &Tables, id: ExitId) -> Value {
    let e = &t.exits[id.index()];
    let r = t.trace(e.trace);
    json!({
        "trace_id": e.trace.0,
        "file": file_name(t, r.file),
        "epoch": r.epoch,
        "trace": r.number,
        "exit": e.exit,
        "taken": e.taken,
        "with_registers": e.with_registers,
        "side_traces": e.side_traces,
        "side_aborts": e.side_aborts,
    })
}

fn abort_json(t: &Tables, a: &AbortRow) -> Value {
    json!({
        "file": file_name(t, a.file),
        "epoch": a.epoch,
        "number": a.number,
        "parent": a.parent.map(|p| t.trace(p).number),
        "parent_exit": a.parent_exit,
        "start": t.str(a.start),
        "at": t.str(a.at),
        "reason": a.reason.map(|r| r.name()),
        "message": abort_message(t, a),
        "nyi_bytecode": nyi_name(t, a),
        "line": a.line,
    })
}

/// The JSON report: summary, statistics (each list cut to `top`) and, with `full`, every
/// table row.
pub fn json(t: &Tables, s: &Stats, top: usize, full: bool) -> Value {
    let pairs = |v: &[(String, usize)]| -> Vec<Value> {
        v.iter()
            .take(top)
            .map(|(k, n)| json!({"key": k, "count": n}))
            .collect()
    };
    let spairs = |v: &[(StrId, usize)]| -> Vec<Value> {
        v.iter()
            .take(top)
            .map(|(k, n)| json!({"key": t.str(*k), "count": n}))
            .collect()
    };
    let mut out = json!({
        "summary": {
            "files": s.files,
            "bytes": s.bytes,
            "lines": s.lines,
            "traces": s.traces,
            "traces_by_kind": s.traces_by_kind.iter().map(|(k, n)| (k.name().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "aborts": s.aborts,
            "exits_taken": s.exits_taken,
            "distinct_exits": s.distinct_exits,
            "flushes": s.flushes,
            "blacklisted": s.blacklist.len(),
            "problems": s.problems,
            "max_tree_depth": s.max_tree_depth,
        },
        "link_types": s.link_types.iter().map(|(l, n)| (l.name().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "hottest_exits": s.hottest_exits.iter().take(top).map(|&e| exit_json(t, e)).collect::<Vec<_>>(),
        "exits_without_side_trace": s.exits_without_side_trace.iter().take(top).map(|&e| exit_json(t, e)).collect::<Vec<_>>(),
        "exits_per_trace": s.exits_per_trace.iter().take(top).map(|(id, n)| json!({"trace": trace_json(t, *id), "taken": n})).collect::<Vec<_>>(),
        "side_trace_trees": s.trees.iter().take(top).map(|x| json!({"root": trace_json(t, x.root), "size": x.size, "depth": x.depth})).collect::<Vec<_>>(),
        "aborts_by_reason": pairs(&s.aborts_by_reason),
        "aborts_by_start": spairs(&s.aborts_by_start),
        "aborts_by_location": spairs(&s.aborts_by_location),
        "nyi_bytecodes": pairs(&s.nyi_bytecodes),
        "traces_by_location": spairs(&s.traces_by_location),
        "blacklist": s.blacklist.iter().take(top).map(|&i| {
            let b = &t.blacklist[i];
            json!({"file": file_name(t, b.file), "epoch": b.epoch, "location": t.str(b.location),
                   "kind": format!("{:?}", b.kind).to_lowercase(), "abort_line": t.aborts[b.abort.index()].line})
        }).collect::<Vec<_>>(),
        "files": t.files.iter().zip(&s.per_file).map(|(f, fs)| json!({
            "path": f.path.display().to_string(), "format": f.format.name(), "bytes": f.bytes,
            "lines": f.lines, "flushes": f.flushes, "problems": f.problems, "unreadable": f.unreadable,
            "traces": fs.traces, "aborts": fs.aborts, "exits_taken": fs.exits_taken, "blacklisted": fs.blacklisted,
        })).collect::<Vec<_>>(),
        "problems": t.problems.iter().map(|p| json!({"file": file_name(t, p.file), "line": p.line, "message": p.message})).collect::<Vec<_>>(),
    });
    if full {
        out["tables"] = json!({
            "traces": (0..t.traces.len()).map(|i| trace_json(t, TraceId::from_index(i))).collect::<Vec<_>>(),
            "exits": (0..t.exits.len()).map(|i| exit_json(t, ExitId::from_index(i))).collect::<Vec<_>>(),
            "aborts": t.aborts.iter().map(|a| abort_json(t, a)).collect::<Vec<_>>(),
            "side_edges": t.side_edges.iter().map(|e| json!({"parent": e.parent.0, "exit": e.exit, "child": e.child.0})).collect::<Vec<_>>(),
            "snapshots": t.snapshots.iter().map(|s| json!({"trace": s.trace.0, "number": s.number, "ir_ref": s.ir_ref, "slots": s.slots})).collect::<Vec<_>>(),
        });
    }
    out
}

/// The tables `--csv` can print.
pub const CSV_TABLES: &[&str] = &[
    "traces",
    "exits",
    "edges",
    "aborts",
    "blacklist",
    "snapshots",
    "files",
    "reasons",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One table as CSV (header line first). `None` if `table` is not in [`CSV_TABLES`].
/// Rows are those passing the statistics' filter where the table has one.
pub fn csv(t: &Tables, s: &Stats, table: &str, filter: &super::Filter) -> Option<String> {
    let mut o = String::new();
    let header = |o: &mut String, names: &str| {
        o.push_str(names);
        o.push('\n');
    };
    let row = |o: &mut String, fields: &[String]| {
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        o.push_str(&line.join(","));
        o.push('\n');
    };
    match table {
        "traces" => {
            header(&mut o, "id,file,epoch,number,kind,parent,parent_exit,start,link,link_to,bytecodes,ir,snapshots,mcode_bytes,line");
            for i in 0..t.traces.len() {
                let id = TraceId::from_index(i);
                if !filter.trace_ok(t, id) {
                    continue;
                }
                let r = t.trace(id);
                row(
                    &mut o,
                    &[
                        i.to_string(),
                        file_name(t, r.file),
                        r.epoch.to_string(),
                        r.number.to_string(),
                        r.kind.name().into(),
                        opt(r.parent.map(|p| t.trace(p).number)),
                        opt(r.parent_exit),
                        t.str(r.start).into(),
                        r.link.name().into(),
                        opt(r.link_to.map(|p| t.trace(p).number)),
                        r.bytecodes.to_string(),
                        r.ir.to_string(),
                        r.snapshots.to_string(),
                        r.mcode_bytes.to_string(),
                        r.line.to_string(),
                    ],
                );
            }
        }
        "exits" => {
            header(
                &mut o,
                "trace_id,file,epoch,trace,exit,taken,with_registers,side_traces,side_aborts",
            );
            for e in t.exits.iter() {
                if !filter.trace_ok(t, e.trace) {
                    continue;
                }
                let r = t.trace(e.trace);
                row(
                    &mut o,
                    &[
                        e.trace.0.to_string(),
                        file_name(t, r.file),
                        r.epoch.to_string(),
                        r.number.to_string(),
                        e.exit.to_string(),
                        e.taken.to_string(),
                        e.with_registers.to_string(),
                        e.side_traces.to_string(),
                        e.side_aborts.to_string(),
                    ],
                );
            }
        }
        "edges" => {
            header(&mut o, "file,epoch,parent,exit,child,taken");
            for e in t.side_edges.iter() {
                if !filter.trace_ok(t, e.child) {
                    continue;
                }
                let c = t.trace(e.child);
                row(
                    &mut o,
                    &[
                        file_name(t, c.file),
                        c.epoch.to_string(),
                        t.trace(e.parent).number.to_string(),
                        e.exit
                            .map(|x| x.to_string())
                            .unwrap_or_else(|| "stitch".into()),
                        c.number.to_string(),
                        opt(e.exit_id.map(|x| t.exits[x.index()].taken)),
                    ],
                );
            }
        }
        "aborts" => {
            header(
                &mut o,
                "file,epoch,number,parent,parent_exit,start,at,reason,message,nyi_bytecode,line",
            );
            for a in t.aborts.iter() {
                if !filter.abort_ok(t, a) {
                    continue;
                }
                row(
                    &mut o,
                    &[
                        file_name(t, a.file),
                        a.epoch.to_string(),
                        opt(a.number),
                        opt(a.parent.map(|p| t.trace(p).number)),
                        opt(a.parent_exit),
                        t.str(a.start).into(),
                        t.str(a.at).into(),
                        opt(a.reason.map(|r| r.name())),
                        abort_message(t, a),
                        opt(nyi_name(t, a)),
                        a.line.to_string(),
                    ],
                );
            }
        }
        "blacklist" => {
            header(&mut o, "file,epoch,location,kind,abort_line");
            for &i in &s.blacklist {
                let b = &t.blacklist[i];
                row(
                    &mut o,
                    &[
                        file_name(t, b.file),
                        b.epoch.to_string(),
                        t.str(b.location).into(),
                        format!("{:?}", b.kind).to_lowercase(),
                        t.aborts[b.abort.index()].line.to_string(),
                    ],
                );
            }
        }
        "snapshots" => {
            header(&mut o, "trace_id,file,trace,snapshot,ir_ref,slots");
            for sn in t.snapshots.iter() {
                if !filter.trace_ok(t, sn.trace) {
                    continue;
                }
                let r = t.trace(sn.trace);
                row(
                    &mut o,
                    &[
                        sn.trace.0.to_string(),
                        file_name(t, r.file),
                        r.number.to_string(),
                        sn.number.to_string(),
                        opt(sn.ir_ref),
                        sn.slots.to_string(),
                    ],
                );
            }
        }
        "files" => {
            header(
                &mut o,
                "path,format,bytes,lines,flushes,problems,unreadable",
            );
            for f in t.files.iter() {
                row(
                    &mut o,
                    &[
                        f.path.display().to_string(),
                        f.format.name().into(),
                        f.bytes.to_string(),
                        f.lines.to_string(),
                        f.flushes.to_string(),
                        f.problems.to_string(),
                        f.unreadable.to_string(),
                    ],
                );
            }
        }
        "reasons" => {
            header(&mut o, "reason,count");
            for (k, n) in &s.aborts_by_reason {
                row(&mut o, &[k.clone(), n.to_string()]);
            }
        }
        _ => return None,
    }
    Some(o)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The trace graph in Graphviz DOT: one node per trace, side-trace edges labelled with
/// the exit and its taken count, dashed edges for links to other traces, and red notes for
/// hot exits that never got a side trace.
pub fn dot(t: &Tables, s: &Stats, filter: &super::Filter, top: usize) -> String {
    let mut o = String::from(
        "digraph traces {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    let ok = |id: TraceId| filter.trace_ok(t, id);
    for i in 0..t.traces.len() {
        let id = TraceId::from_index(i);
        if !ok(id) {
            continue;
        }
        let r = t.trace(id);
        let style = match r.kind {
            TraceKind::Root => "",
            TraceKind::Unknown => ", style=dashed",
            _ => ", style=rounded",
        };
        let _ = writeln!(
            o,
            "  t{} [label=\"{}\\n{}\\n{}\"{style}];",
            i,
            dot_escape(&t.trace_label(id)),
            dot_escape(t.str(r.start)),
            r.link.name()
        );
    }
    for e in &t.side_edges {
        if !ok(e.parent) || !ok(e.child) {
            continue;
        }
        let label = match (e.exit, e.exit_id) {
            (Some(x), Some(id)) => format!("exit {x} ({}x)", t.exits[id.index()].taken),
            (Some(x), None) => format!("exit {x}"),
            (None, _) => "stitch".into(),
        };
        let _ = writeln!(
            o,
            "  t{} -> t{} [label=\"{label}\"];",
            e.parent.0, e.child.0
        );
    }
    for (i, r) in t.traces.iter().enumerate() {
        if let Some(to) = r.link_to {
            if to.index() != i && ok(TraceId::from_index(i)) && ok(to) {
                let _ = writeln!(
                    o,
                    "  t{i} -> t{} [style=dashed, label=\"{}\"];",
                    to.0,
                    r.link.name()
                );
            }
        }
    }
    for &id in s.exits_without_side_trace.iter().take(top) {
        let e = &t.exits[id.index()];
        let _ = writeln!(
            o,
            "  x{} [shape=plaintext, fontcolor=red, label=\"exit {} ({}x)\"];\n  t{} -> x{} [color=red];",
            id.0, e.exit, e.taken, e.trace.0, id.0
        );
    }
    o.push_str("}\n");
    o
}
