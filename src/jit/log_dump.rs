//! jit.dump: trace events with IR and snapshots, in LuaJIT's `jit/dump.lua` text format.
//!
//! A [`DumpLog`] reads the event stream (like [`super::log_v::VLog`]) and, for a `Stop`
//! (or an `Abort` with mode `a`), the stopped trace's IR and snapshots from the world,
//! handed in as a [`TraceView`]. Sections, as LuaJIT prints them:
//!
//! ```text
//! ---- TRACE 1 start t1.lua:3                 (side: ---- TRACE 2 start 1/3 t1.lua:3)
//! ---- TRACE 1 IR                             (mode i; snapshots interleaved with s)
//! ....        SNAP   #0   [ ---- ---- ]
//! 0001    int SLOAD  #3    CI
//! ---- TRACE 1 stop -> loop                   (then an empty line)
//! ---- TRACE 1 abort t1.lua:8 -- NYI: bytecode 51
//! ---- TRACE 1 exit 3                         (mode x)
//! ---- TRACE flush
//! ```
//!
//! Mode letters follow dump.lua: `t` trace events, `b` recorded bytecode (the listing
//! lines come from a [`BcLines`] provider, jit.bc's format), `i` IR, `s` snapshots, `r` registers, `m` machine
//! code (none yet), `x`/`X` exits, `a` IR of aborted traces; `T`/`A`/`H` pick the colour
//! mode and are accepted but only plain text is produced. Without a mode string the
//! default is `tbim`; a string starting with `+`/`-` edits the default.

use super::events::TraceEvent;
use super::ids::{FuncNames, FuncRef, ProtoKey};
use super::ir::IrBuf;
use super::snap::{SnapBuf, SnapNo};
use std::collections::HashSet;

/// Which sections to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpMode(HashSet<char>);

impl DumpMode {
    /// Parses a jit.dump mode string (`"six"`, `"+r"`, `"tbisrx"`).
    pub fn parse(opt: Option<&str>) -> DumpMode {
        let mut m: HashSet<char> = "tbim".chars().collect();
        if let Some(opt) = opt {
            let opt: String = opt.chars().filter(|c| !"TAH".contains(*c)).collect();
            if !opt.is_empty() {
                let first = opt.chars().next().unwrap_or('+');
                if first != '+' && first != '-' {
                    m.clear();
                }
                for c in opt.chars() {
                    if first == '-' {
                        m.remove(&c);
                    } else {
                        m.insert(c);
                    }
                }
            }
        }
        DumpMode(m)
    }
    /// Whether letter `c` is on.
    pub fn has(&self, c: char) -> bool {
        self.0.contains(&c)
    }
}

/// Bytecode listing lines for mode `b` (implemented over the front end's `-bl` lister).
pub trait BcLines {
    /// The listing line of `pc` in `proto`, jit.bc style, with `prefix` (` .` per inlining
    /// level) after the pc column, ending in a newline: `0008  MODVN    7   6   0  ; 3\n`.
    fn bc_line(&self, proto: ProtoKey, pc: u32, prefix: &str) -> String;
    /// The opcode number at `pc` (comparisons, below 16, also print their JMP).
    fn bc_op(&self, proto: ProtoKey, pc: u32) -> u8;
}

/// What the dump needs of a stopped trace.
#[derive(Copy, Clone, Debug)]
pub struct TraceView<'a> {
    /// Its IR.
    pub ir: &'a IrBuf,
    /// Its snapshots.
    pub snaps: &'a SnapBuf,
    /// Register/spill column per instruction (index = ref - REF_BIAS), for mode `r`.
    pub regs: Option<&'a [String]>,
}

/// The jit.dump formatter.
#[derive(Clone, Debug)]
pub struct DumpLog {
    /// The active mode.
    pub mode: DumpMode,
}

impl DumpLog {
    /// A formatter for mode string `opt`.
    pub fn new(opt: Option<&str>) -> DumpLog {
        DumpLog {
            mode: DumpMode::parse(opt),
        }
    }

    /// The text for `ev`; `view` is the trace's data for `Stop`/`Abort`.
    pub fn format(
        &self,
        ev: &TraceEvent,
        view: Option<TraceView<'_>>,
        names: &dyn FuncNames,
    ) -> String {
        let m = &self.mode;
        let mut out = String::new();
        match ev {
            TraceEvent::Start {
                no,
                func,
                pc,
                parent,
            } => {
                if m.has('t') || m.has('b') || m.has('i') || m.has('s') || m.has('m') {
                    out.push_str(&format!("---- TRACE {} start", no.0));
                    if let Some((p, ex)) = parent {
                        out.push_str(&format!(" {}/{}", p.0, ex));
                    }
                    out.push_str(&format!(" {}\n", names.func_loc(*func, Some(*pc))));
                }
            }
            TraceEvent::Stop {
                no,
                link,
                link_type,
                ..
            } => {
                if let Some(v) = view {
                    self.sections(&mut out, no.0, v, true, names);
                }
                if m.has('t') || m.has('b') || m.has('i') || m.has('s') || m.has('m') {
                    out.push_str(&format!("---- TRACE {} stop", no.0));
                    if *link == no.0 || *link == 0 {
                        out.push_str(&format!(" -> {}\n\n", link_type.name()));
                    } else if *link_type == super::LinkType::Root {
                        out.push_str(&format!(" -> {link}\n\n"));
                    } else {
                        out.push_str(&format!(" -> {link} {}\n\n", link_type.name()));
                    }
                }
            }
            TraceEvent::Abort {
                no,
                func,
                pc,
                err,
                arg,
            } => {
                if let (true, Some(v)) = (m.has('a'), view) {
                    self.sections(&mut out, no.0, v, false, names);
                }
                if m.has('t') || m.has('b') || m.has('i') || m.has('s') || m.has('m') {
                    out.push_str(&format!(
                        "---- TRACE {} abort {} -- {}\n\n",
                        no.0,
                        names.func_loc(*func, Some(*pc)),
                        err.format(arg.as_deref())
                    ));
                }
            }
            TraceEvent::Record { .. } => {}
            TraceEvent::Exit { no, exit } => {
                if m.has('x') || m.has('X') {
                    out.push_str(&format!("---- TRACE {} exit {}\n", no.0, exit));
                }
            }
            TraceEvent::Flush => {
                if m.has('t') || m.has('b') || m.has('i') || m.has('s') || m.has('m') {
                    out.push_str("---- TRACE flush\n\n");
                }
            }
        }
        out
    }

    /// The text of a `Record` event in mode `b` (empty otherwise).
    pub fn format_record(
        &self,
        ev: &TraceEvent,
        bc: &dyn BcLines,
        names: &dyn FuncNames,
    ) -> String {
        let TraceEvent::Record {
            func, pc, depth, ..
        } = ev
        else {
            return String::new();
        };
        if !self.mode.has('b') {
            return String::new();
        }
        let prefix = " .".repeat(*depth as usize);
        let (line, proto) = match func {
            FuncRef::Lua(p) => (bc.bc_line(*p, *pc, &prefix), Some(*p)),
            _ => (format!("0000 {prefix} FUNCC      \n"), None),
        };
        let mut out = String::new();
        if proto.is_none() || *pc == 0 {
            out.push_str(line.trim_end_matches('\n'));
            out.push_str("         ; ");
            out.push_str(&names.func_loc(*func, None));
            out.push('\n');
        } else {
            out.push_str(&line);
        }
        if let Some(p) = proto {
            if bc.bc_op(p, *pc) < 16 {
                out.push_str(&bc.bc_line(p, *pc + 1, &prefix));
            }
        }
        out
    }

    fn sections(
        &self,
        out: &mut String,
        no: u16,
        v: TraceView<'_>,
        stop: bool,
        names: &dyn FuncNames,
    ) {
        let m = &self.mode;
        if m.has('i') {
            let regs = if m.has('r') && stop {
                Some(v.regs.unwrap_or(&[]))
            } else {
                None
            };
            out.push_str(&dump_ir(no, v, m.has('s'), regs, names));
        } else if m.has('s') {
            out.push_str(&format!("---- TRACE {no} snapshots\n"));
            for n in 0..v.snaps.len() {
                out.push_str(&v.snaps.fmt_table_line(SnapNo(n as u16), v.ir, names));
                out.push('\n');
            }
        }
    }
}

/// The `---- TRACE n IR` section: instructions with snapshots interleaved (when `snaps`)
/// and the register column (when `regs` is given; missing entries print blank).
pub fn dump_ir(
    no: u16,
    v: TraceView<'_>,
    snaps: bool,
    regs: Option<&[String]>,
    names: &dyn FuncNames,
) -> String {
    let mut out = format!("---- TRACE {no} IR\n");
    let mut next = 0usize;
    let snap_ref = |n: usize| v.snaps.snaps.get(n).map(|s| s.r);
    let mut pending = if snaps { snap_ref(0) } else { None };
    for r in v.ir.refs() {
        if let Some(sr) = pending {
            if r >= sr {
                out.push_str(
                    &v.snaps
                        .fmt_line(SnapNo(next as u16), v.ir, names, regs.is_some()),
                );
                out.push('\n');
                next += 1;
                pending = snap_ref(next);
            }
        }
        let reg = regs.map(|rs| {
            rs.get((r.0 - super::ir::REF_BIAS) as usize)
                .map(String::as_str)
                .unwrap_or("")
        });
        if let Some(line) = v.ir.fmt_ins(r, reg, names) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    if pending.is_some() {
        out.push_str(
            &v.snaps
                .fmt_line(SnapNo(next as u16), v.ir, names, regs.is_some()),
        );
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::events::TraceNo;

    struct Fake;
    impl FuncNames for Fake {
        fn lua_loc(&self, _: ProtoKey, _: Option<u32>) -> String {
            "d1.lua:0".into()
        }
        fn fast_name(&self, _: u8) -> String {
            "math.floor".into()
        }
    }
    impl BcLines for Fake {
        fn bc_line(&self, _: ProtoKey, pc: u32, prefix: &str) -> String {
            format!("{pc:04} {prefix} ISLT     1   2\n")
        }
        fn bc_op(&self, _: ProtoKey, _: u32) -> u8 {
            0
        }
    }

    #[test]
    fn record_lines_follow_dump_lua() {
        let d = DumpLog::new(None);
        let ev = TraceEvent::Record {
            no: TraceNo(1),
            func: FuncRef::Fast(3),
            pc: 0,
            depth: 1,
        };
        assert_eq!(
            d.format_record(&ev, &Fake, &Fake),
            "0000  . FUNCC               ; math.floor\n"
        );
        let ev = TraceEvent::Record {
            no: TraceNo(1),
            func: FuncRef::Lua(ProtoKey::default()),
            pc: 5,
            depth: 0,
        };
        assert_eq!(
            d.format_record(&ev, &Fake, &Fake),
            "0005  ISLT     1   2\n0006  ISLT     1   2\n"
        );
        assert_eq!(DumpLog::new(Some("i")).format_record(&ev, &Fake, &Fake), "");
    }

    #[test]
    fn register_layout_widens_snapshot_lines() {
        use crate::jit::ir::{IrBuf, IrIns, IrOp, IrType};
        let mut ir = IrBuf::new();
        let mut snaps = SnapBuf::default();
        snaps.add(ir.nins(), 2, &[], None);
        ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 8 | 32));
        ir.emit_raw(IrIns::new(IrOp::LOOP, IrType::Nil, 0, 0));
        let v = TraceView {
            ir: &ir,
            snaps: &snaps,
            regs: Some(&["".to_string(), "rbp".to_string()]),
        };
        let d = DumpLog::new(Some("isr"));
        let ev = TraceEvent::Stop {
            no: TraceNo(1),
            func: FuncRef::C(0),
            pc: 0,
            link: 1,
            link_type: crate::jit::LinkType::Loop,
        };
        assert_eq!(
            d.format(&ev, Some(v), &Fake),
            "---- TRACE 1 IR\n....              SNAP   #0   [ ---- ---- ]\n0001 rbp      int SLOAD  #2    CI\n\
             0002 ------------ LOOP ------------\n---- TRACE 1 stop -> loop\n\n"
        );
    }

    #[test]
    fn mode_parsing() {
        let m = DumpMode::parse(None);
        assert!(m.has('t') && m.has('b') && m.has('i') && m.has('m') && !m.has('s'));
        let m = DumpMode::parse(Some("+sA"));
        assert!(m.has('t') && m.has('s') && !m.has('A'));
        let m = DumpMode::parse(Some("-b"));
        assert!(m.has('t') && !m.has('b'));
        let m = DumpMode::parse(Some("six"));
        assert!(m.has('s') && m.has('i') && m.has('x') && !m.has('t'));
    }
}
