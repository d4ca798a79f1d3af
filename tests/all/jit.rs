//! The JIT without a VM: log formatters against LuaJIT's logs, and the trace life cycle
//! driven by hand the way the VM and recorder will drive it.
//!
//! The VM and recorder do not exist yet, so these tests play their part: they call the
//! hotcount/exit entry points, emit the IR a recorder would emit, and stop or abort. The
//! expected logs are LuaJIT 2.1's for the same conformance cases (copied from
//! `../shared/conformance/seed/*/expected/` into `tests/golden/jit/`).

use skein::jit::events::{Cursor, ParentExit, TraceEvent, TraceNo};
use skein::jit::hotcount::HotKey;
use skein::jit::ids::{BcPos, FuncRef, ProtoKey};
use skein::jit::ir::{sload, IrIns, IrOp, IrRef, IrType, IRF_GUARD};
use skein::jit::lifecycle::{Jit, NullBackend, TraceState, VmCommand};
use skein::jit::log_dump::{DumpLog, TraceView};
use skein::jit::log_v::VLog;
use skein::jit::opt::Emitter;
use skein::jit::snap::SnapEntry;
use skein::jit::world::ProtoInfo;
use skein::jit::{LinkType, TraceError};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/jit");

fn golden(case: &str, file: &str) -> String {
    std::fs::read_to_string(format!("{GOLDEN}/{case}/{file}")).expect("golden file")
}

/// The trace-event lines of a dump log, as conformance/check.sh compares them.
fn dump_events(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            let mut w = l.split(' ');
            w.next() == Some("----")
                && w.next() == Some("TRACE")
                && w.next().is_some_and(|n| n.parse::<u32>().is_ok())
                && w.next()
                    .is_some_and(|k| ["start", "stop", "abort", "exit"].contains(&k))
        })
        .map(str::to_string)
        .collect()
}

/// A JIT with one prototype `t1.lua` whose bytecode index equals its line number, so
/// positions read as lines; fast function 1 is `unpack`.
fn jit() -> (Jit, ProtoKey) {
    let mut j = Jit::default();
    let p = j.world.protos.insert(ProtoInfo {
        chunk: "t1.lua".into(),
        lines: (0..100).collect(),
        firstline: 0,
        nojit: false,
    });
    j.world.ffnames.insert(1, "unpack".into());
    (j, p)
}

fn at(p: ProtoKey, line: u32) -> BcPos {
    BcPos { proto: p, pc: line }
}

/// Reads the new events and appends their jit.v and jit.dump (`six`) text.
struct Logs {
    cur: Cursor,
    v: VLog,
    d: DumpLog,
    vout: String,
    dout: String,
}

impl Logs {
    fn new() -> Logs {
        Logs {
            cur: Cursor::default(),
            v: VLog::new(),
            d: DumpLog::new(Some("six")),
            vout: String::new(),
            dout: String::new(),
        }
    }
    fn drain(&mut self, j: &Jit) {
        for ev in j.world.events.read(&mut self.cur) {
            let view = match ev {
                TraceEvent::Stop { no, .. } => {
                    j.world.by_number(*no).and_then(|id| j.world.data.get(id))
                }
                _ => None,
            }
            .map(|d| TraceView {
                ir: &d.ir,
                snaps: &d.snaps,
                regs: None,
            });
            if let Some(l) = self.v.format(ev, &j.world) {
                self.vout.push_str(&l);
            }
            self.dout.push_str(&self.d.format(ev, view, &j.world));
        }
    }
}

fn guard(op: IrOp, ty: IrType, a: IrRef, b: IrRef) -> IrIns {
    let mut i = IrIns::new(op, ty, a.0, b.0);
    i.flags |= IRF_GUARD;
    i
}

/// Records `for i = a, b do end` as LuaJIT does for a loop whose counter is in `slot`
/// (pre-roll only; the loop pass makes the rest): SLOAD, ADD, LE with snapshots.
fn record_empty_forl(j: &mut Jit, slot: u16, stop: i32, extra_snaps: usize) {
    let flags = j.world.opts.flags;
    let d = j.recording_data().expect("recording");
    let mut e = Emitter::new(&mut d.ir, flags);
    d.snaps.add(e.ir.nins(), 2, &[], None);
    let i = e
        .emit(IrIns::new(
            IrOp::SLOAD,
            IrType::Int,
            slot,
            sload::CONVERT | sload::INHERIT,
        ))
        .unwrap();
    let k1 = e.ir.kint(1);
    let i2 = e
        .emit(IrIns::new(IrOp::ADD, IrType::Int, i.0, k1.0))
        .unwrap();
    for _ in 0..extra_snaps {
        // Extra guards with their own snapshots (exits 1..).
        d.snaps.add(e.ir.nins(), slot as u8, &[], None);
        let k = e.ir.kint(0);
        e.emit(guard(IrOp::GE, IrType::Int, i2, k)).unwrap();
    }
    d.snaps.add(e.ir.nins(), slot as u8, &[], None);
    let kstop = e.ir.kint(stop);
    e.emit(guard(IrOp::LE, IrType::Int, i2, kstop)).unwrap();
    let s = slot as u8;
    d.snaps.add(
        e.ir.nins(),
        s + 4,
        &[SnapEntry::new(s, 0, i2), SnapEntry::new(s + 3, 0, i2)],
        None,
    );
}

/// Formatter test (events built by hand): case 01, an abort at another line than the
/// start, then a looping trace reusing number 1.
#[test]
fn jit_v_formatter_case01() {
    let (j, p) = jit();
    let f = FuncRef::Lua(p);
    let evs = [
        TraceEvent::Start {
            no: TraceNo(1),
            func: f,
            pc: 4,
            parent: None,
        },
        TraceEvent::Abort {
            no: TraceNo(1),
            func: f,
            pc: 8,
            err: TraceError::NyiBytecode,
            arg: Some("51".into()),
        },
        TraceEvent::Start {
            no: TraceNo(1),
            func: f,
            pc: 11,
            parent: None,
        },
        TraceEvent::Stop {
            no: TraceNo(1),
            func: f,
            pc: 11,
            link: 1,
            link_type: LinkType::Loop,
        },
        TraceEvent::Exit {
            no: TraceNo(1),
            exit: 2,
        },
    ];
    let v = VLog::new().format_all(&evs, &j.world);
    assert_eq!(v, golden("01-trace-start-nyi-abort", "t1.log"));
    let d = DumpLog::new(Some("six"));
    let text: String = evs.iter().map(|e| d.format(e, None, &j.world)).collect();
    assert_eq!(
        dump_events(&text),
        dump_events(&golden("01-trace-start-nyi-abort", "t1.dlog"))
    );
}

/// Formatter test (events built by hand): case 02, loop / up-recursion / tail-recursion.
#[test]
fn jit_v_formatter_case02() {
    let (j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut evs = Vec::new();
    for (no, line, lt) in [
        (1, 19, LinkType::Loop),
        (2, 3, LinkType::UpRecursion),
        (3, 11, LinkType::TailRecursion),
    ] {
        evs.push(TraceEvent::Start {
            no: TraceNo(no),
            func: f,
            pc: line,
            parent: None,
        });
        evs.push(TraceEvent::Stop {
            no: TraceNo(no),
            func: f,
            pc: line,
            link: no,
            link_type: lt,
        });
    }
    assert_eq!(
        VLog::new().format_all(&evs, &j.world),
        golden("02-root-link-types", "t1.log")
    );
}

/// Formatter test (events built by hand): case 16, a stitched trace and its continuation.
#[test]
fn jit_v_formatter_case16() {
    let (j, p) = jit();
    let f = FuncRef::Lua(p);
    let evs = [
        TraceEvent::Start {
            no: TraceNo(1),
            func: f,
            pc: 3,
            parent: None,
        },
        TraceEvent::Stop {
            no: TraceNo(1),
            func: FuncRef::Fast(1),
            pc: 0,
            link: 0,
            link_type: LinkType::Stitch,
        },
        TraceEvent::Start {
            no: TraceNo(2),
            func: f,
            pc: 4,
            parent: Some((TraceNo(1), ParentExit::Stitch)),
        },
        TraceEvent::Stop {
            no: TraceNo(2),
            func: f,
            pc: 3,
            link: 1,
            link_type: LinkType::Root,
        },
        TraceEvent::Exit {
            no: TraceNo(2),
            exit: 1,
        },
    ];
    assert_eq!(
        VLog::new().format_all(&evs, &j.world),
        golden("16-stitch-unpack", "t1.log")
    );
    let d = DumpLog::new(Some("six"));
    let text: String = evs.iter().map(|e| d.format(e, None, &j.world)).collect();
    assert_eq!(
        dump_events(&text),
        dump_events(&golden("16-stitch-unpack", "t1.dlog"))
    );
}

/// Life cycle, case 09: a root loop trace, a hot exit, a side trace linking back to its
/// parent. The whole jit.dump text (IR, snapshots, events) is LuaJIT's.
#[test]
fn lifecycle_case09_side_trace_links_parent() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    let key = HotKey(0x40);
    let no = (1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 4), f, key))
        .expect("hot on the 56th");
    assert_eq!(no, TraceNo(1));
    assert!(matches!(j.commands.last(), Some(VmCommand::Record { .. })));
    record_empty_forl(&mut j, 6, 58, 0);
    j.stop(f, 4, LinkType::Loop, None, &mut NullBackend)
        .unwrap();
    assert_eq!(j.state, TraceState::Idle);
    assert!(j.commands.contains(&VmCommand::PatchEnter {
        pos: at(p, 4),
        trace: TraceNo(1)
    }));
    logs.drain(&j);

    assert_eq!(j.on_exit(TraceNo(1), 1, at(p, 5), f), None);
    let mut side = None;
    for n in 1..=10 {
        side = j.on_exit(TraceNo(1), 3, at(p, 3), f);
        assert_eq!(
            side.is_some(),
            n == 10,
            "side trace starts on the 10th exit"
        );
    }
    assert_eq!(side, Some(TraceNo(2)));
    {
        let flags = j.world.opts.flags;
        let d = j.recording_data().unwrap();
        let mut e = Emitter::new(&mut d.ir, flags);
        d.snaps.add(e.ir.nins(), 6, &[], None);
        let x = e
            .emit(IrIns::new(IrOp::SLOAD, IrType::Num, 2, sload::INHERIT))
            .unwrap();
        let one = e.ir.knum(1.0);
        let x2 = e
            .emit(IrIns::new(IrOp::ADD, IrType::Num, x.0, one.0))
            .unwrap();
        d.snaps.add(e.ir.nins(), 2, &[], None);
        let k12 = e.ir.knum(12.0);
        e.emit(guard(IrOp::LE, IrType::Num, x2, k12)).unwrap();
        let (k1, k58) = (e.ir.kint(1), e.ir.kint(58));
        let ents = [
            SnapEntry::new(2, 0, x2),
            SnapEntry::new(5, 0, x2),
            SnapEntry::new(6, 0, k1),
            SnapEntry::new(7, 0, k58),
            SnapEntry::new(8, 0, k1),
            SnapEntry::new(9, 0, k1),
        ];
        d.snaps.add(e.ir.nins(), 10, &ents, None);
    }
    j.stop(f, 3, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    let t2 = j.world.by_number(TraceNo(2)).unwrap();
    let t1 = j.world.by_number(TraceNo(1)).unwrap();
    assert_eq!(
        j.world.exits[j.world.exit_of(t1, 3).unwrap()].side,
        Some(t2)
    );
    assert_eq!(j.world.traces[t2].root, Some(t1));
    j.on_exit(TraceNo(2), 1, at(p, 5), f);
    logs.drain(&j);

    assert_eq!(logs.vout, golden("09-side-trace-links-parent", "t1.log"));
    assert_eq!(logs.dout, golden("09-side-trace-links-parent", "t1.dlog"));
}

/// Life cycle, case 15: a side trace aborts on four attempts, then the exit gets a
/// trace that falls back to the interpreter (hotexit=10, tryside=4).
#[test]
fn lifecycle_case15_fallback_to_interpreter() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    let no = (1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 4), f, HotKey(0x80)))
        .unwrap();
    assert_eq!(no, TraceNo(1));
    record_empty_forl(&mut j, 6, 94, 3);
    j.stop(f, 4, LinkType::Loop, None, &mut NullBackend)
        .unwrap();
    j.on_exit(TraceNo(1), 4, at(p, 9), f);
    for n in 1..=14 {
        let started = j.on_exit(TraceNo(1), 1, at(p, 6), f);
        assert_eq!(started.is_some(), n >= 10, "exit {n}");
        if started.is_some() && j.rec.is_some() {
            j.abort(f, 6, TraceError::NyiBytecode, Some("51".into()));
        }
    }
    // Side traces are not penalised: only root aborts reach the penalty cache.
    assert!(j.world.penalties.entries.is_empty());
    assert_eq!(j.world.aborts.len(), 4);
    logs.drain(&j);
    assert_eq!(logs.vout, golden("15-fallback-to-interpreter", "t1.log"));
    assert_eq!(
        dump_events(&logs.dout),
        dump_events(&golden("15-fallback-to-interpreter", "t1.dlog"))
    );
    // Once linked, the exit no longer counts toward new side traces.
    assert_eq!(j.on_exit(TraceNo(1), 1, at(p, 6), f), None);
}

/// Life cycle, case 01: a root abort penalises its start (72, hot counter set), reusing
/// number 1 for the next trace; repeated aborts end in blacklisting.
#[test]
fn lifecycle_root_abort_penalty_and_blacklist() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let key = HotKey(0x100);
    let start = at(p, 4);
    assert!((1..=56)
        .find_map(|_| j.on_hot_loop(start, f, key))
        .is_some());
    j.abort(f, 8, TraceError::NyiBytecode, Some("51".into()));
    assert_eq!(j.world.hot.get(key), 72);
    // The next attempt comes 37 iterations later (72 counts down by 2, hot on borrow).
    let n = (1..)
        .find(|_| j.on_hot_loop(start, f, key).is_some())
        .unwrap();
    assert_eq!(n, 37);
    j.abort(f, 8, TraceError::NyiBytecode, Some("51".into()));
    let mut attempts = 2;
    while !j.commands.contains(&VmCommand::Blacklist(start)) {
        assert!((1..100_000)
            .find_map(|_| j.on_hot_loop(start, f, key))
            .is_some());
        j.abort(f, 8, TraceError::NyiBytecode, Some("51".into()));
        attempts += 1;
    }
    assert_eq!(attempts, 11);
    assert!(j.world.blacklist.contains(&start));
    assert!(
        (0..1000).all(|_| j.on_hot_loop(start, f, key).is_none()),
        "blacklisted positions are never hot"
    );
    let mut logs = Logs::new();
    logs.drain(&j);
    assert!(logs
        .vout
        .lines()
        .all(|l| l == "[TRACE --- t1.lua:4 -- NYI: bytecode 51 at t1.lua:8]"));
    assert!(j.world.free_number() == Some(TraceNo(1)));
}

/// Flush frees every number; the next trace is number 1 again.
#[test]
fn flush_reuses_numbers() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    for (k, line) in [(0x200u64, 10u32), (0x204, 20)] {
        assert!((1..=56)
            .find_map(|_| j.on_hot_loop(at(p, line), f, HotKey(k)))
            .is_some());
        record_empty_forl(&mut j, 2, 10, 0);
        j.stop(f, line, LinkType::Loop, None, &mut NullBackend)
            .unwrap();
    }
    assert_eq!(j.world.traces.len(), 2);
    j.flush();
    assert!(j.world.traces.is_empty() && j.world.exits.is_empty());
    assert_eq!(j.world.free_number(), Some(TraceNo(1)));
    let mut logs = Logs::new();
    logs.drain(&j);
    assert!(logs.vout.ends_with("[TRACE flush]\n"));
    assert!(logs.dout.ends_with("---- TRACE flush\n\n"));
}

/// The IR op list is LuaJIT's `jit.vmdef.irnames`, character for character.
#[test]
fn ir_names_are_vmdef_irnames() {
    const IRNAMES: &str = "LT    GE    LE    GT    ULT   UGE   ULE   UGT   EQ    NE    ABC   RETF  NOP   BASE  PVAL  GCSTEPHIOP  LOOP  USE   PHI   RENAMEPROF  KPRI  KINT  KGC   KPTR  KKPTR KNULL KNUM  KINT64KSLOT BNOT  BSWAP BAND  BOR   BXOR  BSHL  BSHR  BSAR  BROL  BROR  ADD   SUB   MUL   DIV   MOD   POW   NEG   ABS   LDEXP MIN   MAX   FPMATHADDOV SUBOV MULOV AREF  HREFK HREF  NEWREFUREFO UREFC FREF  TMPREFSTRREFLREF  ALOAD HLOAD ULOAD FLOAD XLOAD SLOAD VLOAD ALEN  ASTOREHSTOREUSTOREFSTOREXSTORESNEW  XSNEW TNEW  TDUP  CNEW  CNEWI BUFHDRBUFPUTBUFSTRTBAR  OBAR  XBAR  CONV  TOBIT TOSTR STRTO CALLN CALLA CALLL CALLS CALLXSCARG  ";
    let ours: String = skein::jit::ir::ALL_IR_OPS
        .iter()
        .map(|o| format!("{:<6}", o.name()))
        .collect();
    assert_eq!(ours, IRNAMES);
}

/// Life cycle, case 02: a loop, a hot function with inlined frames in its snapshots
/// (linking to a return), and a tail-recursive function whose pre-roll the loop pass
/// unrolls (snapshot copies merged with the loop snapshot, one copy replacing another
/// when folding removed the guard between them). The whole jit.dump text is LuaJIT's.
#[test]
fn lifecycle_case02_frames_and_tail_recursion() {
    use skein::jit::ir::GcConst;
    use skein::jit::snap::SNAP_FRAME;
    let (mut j, main) = jit();
    let mut proto = |first: u32| {
        j.world.protos.insert(ProtoInfo {
            chunk: "t1.lua".into(),
            lines: (0..100).collect(),
            firstline: first,
            nojit: false,
        })
    };
    let (f1, f2) = (proto(3), proto(11));
    let mut logs = Logs::new();
    let fm = FuncRef::Lua(main);

    assert!((1..=56)
        .find_map(|_| j.on_hot_loop(at(main, 19), fm, HotKey(0x10)))
        .is_some());
    record_empty_forl(&mut j, 4, 58, 0);
    j.stop(fm, 19, LinkType::Loop, None, &mut NullBackend)
        .unwrap();
    j.on_exit(TraceNo(1), 1, at(main, 20), fm);

    // f1(v): if v == 0 then return end; f1(v - 1) -- recorded through two inlined calls.
    let ff1 = FuncRef::Lua(f1);
    let n = (1..)
        .find(|_| j.on_hot_call(at(f1, 3), ff1, HotKey(0x20)).is_some())
        .unwrap();
    assert_eq!(n, 112, "functions are hot on the 112th call");
    {
        let flags = j.world.opts.flags;
        let d = j.recording_data().unwrap();
        let mut e = Emitter::new(&mut d.ir, flags);
        let s = &mut d.snaps;
        let g =
            |e: &mut Emitter<'_>, op, ty, a: IrRef, b: IrRef| e.emit(guard(op, ty, a, b)).unwrap();
        s.add(e.ir.nins(), 3, &[], None);
        let mut sl = IrIns::new(IrOp::SLOAD, IrType::Num, 2, sload::TYPECHECK);
        sl.flags |= IRF_GUARD;
        let v = e.emit(sl).unwrap();
        s.add(e.ir.nins(), 3, &[], None);
        let k0 = e.ir.knum(0.0);
        g(&mut e, IrOp::NE, IrType::Num, v, k0);
        s.add(e.ir.nins(), 3, &[], None);
        let fun = e
            .emit(IrIns::new(IrOp::SLOAD, IrType::Func, 0, sload::READONLY))
            .unwrap();
        let kf = e.ir.kgc(GcConst::Func { id: 1, func: ff1 }, IrType::Func);
        g(&mut e, IrOp::EQ, IrType::Func, fun, kf);
        let k1 = e.ir.knum(1.0);
        let v1 = e
            .emit(IrIns::new(IrOp::SUB, IrType::Num, v.0, k1.0))
            .unwrap();
        let ftsz = e.ir.knum(f64::from_bits(0x0000_0000_0000_0233));
        let frame = |slot| {
            [
                SnapEntry::new(slot, 0, kf),
                SnapEntry::new(slot + 1, SNAP_FRAME, ftsz),
            ]
        };
        let f3 = frame(3);
        s.add(
            e.ir.nins(),
            6,
            &[SnapEntry::new(0, 0, kf), f3[0], f3[1]],
            None,
        );
        g(&mut e, IrOp::NE, IrType::Num, v1, k0);
        let v2 = e
            .emit(IrIns::new(IrOp::SUB, IrType::Num, v1.0, k1.0))
            .unwrap();
        let f6 = frame(6);
        let ents = [
            SnapEntry::new(0, 0, kf),
            f3[0],
            f3[1],
            SnapEntry::new(5, 0, v1),
            f6[0],
            f6[1],
            SnapEntry::new(8, 0, v2),
        ];
        s.add(e.ir.nins(), 9, &ents, None);
        g(&mut e, IrOp::EQ, IrType::Num, v2, k0);
        s.add(e.ir.nins(), 2, &[SnapEntry::new(0, 0, kf)], None);
    }
    j.stop(ff1, 3, LinkType::Return, None, &mut NullBackend)
        .unwrap();

    // f2(v): if v == 0 then return end; return f2(v - 1) -- three unrolled tail calls.
    let ff2 = FuncRef::Lua(f2);
    assert!((1..=112)
        .find_map(|_| j.on_hot_call(at(f2, 11), ff2, HotKey(0x30)))
        .is_some());
    {
        let flags = j.world.opts.flags;
        let d = j.recording_data().unwrap();
        let mut e = Emitter::new(&mut d.ir, flags);
        let s = &mut d.snaps;
        s.add(e.ir.nins(), 3, &[], None);
        let mut sl = IrIns::new(IrOp::SLOAD, IrType::Num, 2, sload::TYPECHECK);
        sl.flags |= IRF_GUARD;
        let v = e.emit(sl).unwrap();
        s.add(e.ir.nins(), 3, &[], None);
        let k0 = e.ir.knum(0.0);
        e.emit(guard(IrOp::NE, IrType::Num, v, k0)).unwrap();
        s.add(e.ir.nins(), 3, &[], None);
        let fun = e
            .emit(IrIns::new(IrOp::SLOAD, IrType::Func, 0, sload::READONLY))
            .unwrap();
        let kf = e.ir.kgc(GcConst::Func { id: 2, func: ff2 }, IrType::Func);
        e.emit(guard(IrOp::EQ, IrType::Func, fun, kf)).unwrap();
        let k1 = e.ir.knum(1.0);
        let base = [SnapEntry::new(0, 0, kf), SnapEntry::base_frame_marker()];
        // Each tail call: v = v - 1, then the `v == 0` test of the next call.
        let v1 = e
            .emit(IrIns::new(IrOp::SUB, IrType::Num, v.0, k1.0))
            .unwrap();
        s.add(e.ir.nins(), 3, &base, None);
        e.emit(guard(IrOp::NE, IrType::Num, v1, k0)).unwrap();
        let v2 = e
            .emit(IrIns::new(IrOp::SUB, IrType::Num, v1.0, k1.0))
            .unwrap();
        s.add(e.ir.nins(), 3, &base, None);
        e.emit(guard(IrOp::NE, IrType::Num, v2, k0)).unwrap();
        let v3 = e
            .emit(IrIns::new(IrOp::SUB, IrType::Num, v2.0, k1.0))
            .unwrap();
        // The loop snapshot: back at the function start with v3 in the argument slot.
        s.add(
            e.ir.nins(),
            3,
            &[base[0], base[1], SnapEntry::new(2, 0, v3)],
            None,
        );
    }
    j.stop(ff2, 11, LinkType::TailRecursion, None, &mut NullBackend)
        .unwrap();
    j.on_exit(TraceNo(3), 1, at(f2, 12), ff2);
    logs.drain(&j);
    assert_eq!(logs.dout, golden("02-root-link-types", "t1.dlog"));
}

/// IR printing with the `+r` register column, for op shapes taken from a real
/// `luajit -jdump=+isr` run (array/hash access, FPMATH, buffers, calls, XLOAD, spills).
/// Instruction numbers differ from that run; each expected line is LuaJIT's with ours.
#[test]
fn ir_printing_matches_luajit_shapes() {
    use skein::jit::ir::{conv_lit, GcConst, IrBuf, REF_BIAS, REF_NIL};
    let (j, _) = jit();
    let mut ir = IrBuf::new();
    let emit = |ir: &mut IrBuf, op, ty, a: u16, b: u16, g: bool| {
        let mut i = IrIns::new(op, ty, a, b);
        if g {
            i.flags |= IRF_GUARD;
        }
        ir.emit_raw(i)
    };
    let n = |r: IrRef| r.0 - REF_BIAS;
    let i = emit(
        &mut ir,
        IrOp::SLOAD,
        IrType::Int,
        5,
        sload::CONVERT | sload::INHERIT,
        false,
    );
    let k3 = ir.kint(3);
    let m = emit(&mut ir, IrOp::MOD, IrType::Int, i.0, k3.0, false);
    let t = emit(&mut ir, IrOp::SLOAD, IrType::Tab, 2, sload::TYPECHECK, true);
    let asize = emit(&mut ir, IrOp::FLOAD, IrType::Int, t.0, 8, false);
    let abc = emit(&mut ir, IrOp::ABC, IrType::Int, asize.0, m.0, true);
    let node = emit(&mut ir, IrOp::FLOAD, IrType::P64, t.0, 7, false);
    let kmath = ir.kstr(b"math");
    let ks = ir.kslot(kmath, 55);
    let href = emit(&mut ir, IrOp::HREFK, IrType::P64, node.0, ks.0, true);
    let kx = ir.kstr(b"x");
    let ksx = ir.kslot(kx, 0);
    let hrefx = emit(&mut ir, IrOp::HREFK, IrType::P64, node.0, ksx.0, true);
    let kfloor = ir.kgc(
        GcConst::Func {
            id: 9,
            func: FuncRef::Fast(1),
        },
        IrType::Func,
    );
    let eqf = emit(&mut ir, IrOp::EQ, IrType::Func, href.0, kfloor.0, true);
    let c = emit(
        &mut ir,
        IrOp::CONV,
        IrType::Num,
        i.0,
        conv_lit(IrType::Num, IrType::Int),
        false,
    );
    let fl = emit(&mut ir, IrOp::FPMATH, IrType::Num, c.0, 0, false);
    let ts = emit(&mut ir, IrOp::TOSTR, IrType::Str, i.0, 0, false);
    let kp = ir.kptr(IrOp::KPTR, IrType::P64, 0x7f898f8534a8);
    let bh = emit(&mut ir, IrOp::BUFHDR, IrType::P64, kp.0, 0, false);
    let tb = emit(&mut ir, IrOp::TBAR, IrType::Nil, t.0, 0, false);
    let xl = emit(&mut ir, IrOp::XLOAD, IrType::U8, bh.0, 1, false);
    let add = emit(&mut ir, IrOp::ADD, IrType::Num, fl.0, c.0, false);
    ir.at_mut(add).flags |= skein::jit::ir::IRF_PHI;
    let k0 = ir.kint(0);
    let carg = emit(&mut ir, IrOp::CARG, IrType::Nil, t.0, k0.0, false);
    let call = emit(&mut ir, IrOp::CALLL, IrType::P64, carg.0, 37, false);
    let alen = emit(&mut ir, IrOp::ALEN, IrType::Int, t.0, REF_NIL.0, false);
    let cases: Vec<(IrRef, &str, String)> = vec![
        (
            i,
            "rbp",
            format!("{:04} rbp      int SLOAD  #5    CI", n(i)),
        ),
        (
            m,
            "rax",
            format!("{:04} rax      int MOD    {:04}  +3  ", n(m), n(i)),
        ),
        (t, "r12", format!("{:04} r12   >  tab SLOAD  #2    T", n(t))),
        (
            asize,
            "[28]",
            format!("{:04} [28]     int FLOAD  {:04}  tab.asize", n(asize), n(t)),
        ),
        (
            abc,
            "",
            format!(
                "{:04}       >  int ABC    {:04}  {:04}",
                n(abc),
                n(asize),
                n(m)
            ),
        ),
        (
            href,
            "",
            format!(
                "{:04}       >  p64 HREFK  {:04}  \"math\" @55",
                n(href),
                n(node)
            ),
        ),
        (
            hrefx,
            "r13",
            format!(
                "{:04} r13   >  p64 HREFK  {:04}  \"x\"  @0",
                n(hrefx),
                n(node)
            ),
        ),
        (
            eqf,
            "",
            format!("{:04}       >  fun EQ     {:04}  unpack", n(eqf), n(href)),
        ),
        (
            fl,
            "xmm1",
            format!("{:04} xmm1     num FPMATH {:04}  floor", n(fl), n(c)),
        ),
        (
            ts,
            "",
            format!("{:04}          str TOSTR  {:04}  INT", n(ts), n(i)),
        ),
        (
            bh,
            "rdi",
            format!("{:04} rdi      p64 BUFHDR [0x7f898f8534a8]  RESET", n(bh)),
        ),
        (
            tb,
            "",
            format!("{:04}          nil TBAR   {:04}", n(tb), n(t)),
        ),
        (
            xl,
            "rax",
            format!("{:04} rax      u8  XLOAD  {:04}  R", n(xl), n(bh)),
        ),
        (
            add,
            "[8]",
            format!(
                "{:04} [8]    + num ADD    {:04}  {:04}",
                n(add),
                n(fl),
                n(c)
            ),
        ),
        (
            call,
            "rax",
            format!(
                "{:04} rax      p64 CALLL  lj_vm_next  ({:04} +0  )",
                n(call),
                n(t)
            ),
        ),
        (
            alen,
            "rbp",
            format!("{:04} rbp      int ALEN   {:04}  nil ", n(alen), n(t)),
        ),
    ];
    for (r, reg, want) in cases {
        assert_eq!(ir.fmt_ins(r, Some(reg), &j.world).unwrap(), want);
    }
    assert_eq!(
        ir.fmt_ins(carg, Some(""), &j.world),
        None,
        "CARG is printed inside its call"
    );
    ir.verify().unwrap();
}

/// Life cycle, case 16: a trace stitched at the fast function `unpack`, with a
/// continuation frame in its snapshot, and the continuation trace linking back to it.
#[test]
fn lifecycle_case16_stitch() {
    use skein::jit::ir::{GcConst, IrBuf};
    use skein::jit::snap::{SNAP_CONT, SNAP_FRAME};
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    assert!((1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 3), f, HotKey(0x44)))
        .is_some());
    {
        let d = j.recording_data().unwrap();
        let ir: &mut IrBuf = &mut d.ir;
        let g = |ir: &mut IrBuf, op, ty, a: u16, b: u16| {
            let mut i = IrIns::new(op, ty, a, b);
            i.flags |= IRF_GUARD;
            ir.emit_raw(i)
        };
        d.snaps.add(ir.nins(), 2, &[], None);
        let i = ir.emit_raw(IrIns::new(
            IrOp::SLOAD,
            IrType::Int,
            2,
            sload::CONVERT | sload::INHERIT,
        ));
        let fun = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Func, 0, sload::READONLY));
        let env = ir.emit_raw(IrIns::new(IrOp::FLOAD, IrType::Tab, fun.0, 1));
        let hmask = ir.emit_raw(IrIns::new(IrOp::FLOAD, IrType::Int, env.0, 9));
        let k63 = ir.kint(63);
        g(ir, IrOp::EQ, IrType::Int, hmask.0, k63.0);
        let node = ir.emit_raw(IrIns::new(IrOp::FLOAD, IrType::P64, env.0, 7));
        let key = ir.kstr(b"unpack");
        let ks = ir.kslot(key, 37);
        let href = g(ir, IrOp::HREFK, IrType::P64, node.0, ks.0);
        let hl = g(ir, IrOp::HLOAD, IrType::Func, href.0, 0);
        let tnew = g(ir, IrOp::TNEW, IrType::Tab, 0, 0);
        let kunpack = ir.kgc(
            GcConst::Func {
                id: 5,
                func: FuncRef::Fast(1),
            },
            IrType::Func,
        );
        g(ir, IrOp::EQ, IrType::Func, hl.0, kunpack.0);
        let c = ir.emit_raw(IrIns::new(
            IrOp::CONV,
            IrType::Num,
            i.0,
            skein::jit::ir::conv_lit(IrType::Num, IrType::Int),
        ));
        let ktrace = ir.kgc(
            GcConst::Other {
                id: 77,
                text: "trace: 0x7f0012345678".into(),
            },
            IrType::P64,
        );
        let kcontfn = ir.knum(f64::from_bits(0x15778c4e03f5 << 2));
        let kcontpc = ir.knum(f64::from_bits(0x0000_0000_0000_1234));
        let kftsz = ir.knum(f64::from_bits(0x0000_0000_0000_0123));
        let ents = [
            SnapEntry::new(2, 0, c),
            SnapEntry::new(5, 0, c),
            SnapEntry::new(6, 0, ktrace),
            SnapEntry::new(7, 0, kcontfn),
            SnapEntry::new(8, SNAP_CONT, kcontpc),
            SnapEntry::new(9, 0, kunpack),
            SnapEntry::new(10, SNAP_FRAME, kftsz),
            SnapEntry::new(11, 0, tnew),
        ];
        d.snaps.add(ir.nins(), 12, &ents, None);
    }
    j.stop(
        FuncRef::Fast(1),
        0,
        LinkType::Stitch,
        None,
        &mut NullBackend,
    )
    .unwrap();
    logs.drain(&j);
    let t1 = j.world.by_number(TraceNo(1)).unwrap();
    assert!(j
        .start(at(p, 4), f, Some((t1, ParentExit::Stitch)), false, None)
        .is_some());
    {
        let d = j.recording_data().unwrap();
        let ir = &mut d.ir;
        d.snaps.add(ir.nins(), 2, &[], None);
        let x = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Num, 2, sload::INHERIT));
        let one = ir.knum(1.0);
        let x2 = ir.emit_raw(IrIns::new(IrOp::ADD, IrType::Num, x.0, one.0));
        d.snaps.add(ir.nins(), 2, &[], None);
        let k59 = ir.knum(59.0);
        ir.emit_raw(guard(IrOp::LE, IrType::Num, x2, k59));
        d.snaps.add(
            ir.nins(),
            6,
            &[SnapEntry::new(2, 0, x2), SnapEntry::new(5, 0, x2)],
            None,
        );
    }
    j.stop(f, 3, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    j.on_exit(TraceNo(2), 1, at(p, 5), f);
    logs.drain(&j);
    assert_eq!(logs.vout, golden("16-stitch-unpack", "t1.log"));
    assert_eq!(
        crate::mask::addrs(&logs.dout),
        golden("16-stitch-unpack", "t1.dlog")
    );
    // A stitch continuation does not occupy an exit of its parent.
    assert!(j.world.exits.values().all(|e| e.side.is_none()));
}

/// A reference evaluator for the pure arithmetic subset of the IR (inputs are SLOADs by
/// slot). Used to check that fold + CSE never change a value.
fn eval_pure(
    ir: &skein::jit::ir::IrBuf,
    r: IrRef,
    inputs: &[(i32, f64)],
    memo: &mut std::collections::HashMap<u16, Val>,
) -> Val {
    use skein::jit::ir::KValue;
    if let Some(v) = memo.get(&r.0) {
        return *v;
    }
    let i = *ir.at(r);
    let v = if r.is_const() {
        match ir.kvalue(r) {
            KValue::Int(x) => Val::I(*x),
            KValue::Num(x) => Val::N(*x),
            other => panic!("unexpected constant {other:?}"),
        }
    } else {
        let a = |m: &mut _| eval_pure(ir, i.r1(), inputs, m);
        let b = |m: &mut _| eval_pure(ir, i.r2(), inputs, m);
        match (i.op, i.ty) {
            (IrOp::SLOAD, IrType::Int) => Val::I(inputs[i.op1 as usize].0),
            (IrOp::SLOAD, _) => Val::N(inputs[i.op1 as usize].1),
            (IrOp::CONV, _) => Val::N(a(memo).i() as f64),
            (op, IrType::Int) => {
                let (x, y) = (a(memo).i(), b(memo).i());
                Val::I(match op {
                    IrOp::ADD => x.wrapping_add(y),
                    IrOp::SUB => x.wrapping_sub(y),
                    IrOp::MUL => x.wrapping_mul(y),
                    IrOp::BAND => x & y,
                    IrOp::BOR => x | y,
                    IrOp::BXOR => x ^ y,
                    IrOp::BSHL => x.wrapping_shl(y as u32 & 31),
                    IrOp::BSAR => x >> (y as u32 & 31),
                    IrOp::MIN => x.min(y),
                    IrOp::MAX => x.max(y),
                    _ => panic!("op {op:?}"),
                })
            }
            (op, _) => {
                let x = a(memo).n();
                let y = if op == IrOp::NEG { 0.0 } else { b(memo).n() };
                Val::N(match op {
                    IrOp::ADD => x + y,
                    IrOp::SUB => x - y,
                    IrOp::MUL => x * y,
                    IrOp::DIV => x / y,
                    IrOp::NEG => -x,
                    _ => panic!("op {op:?}"),
                })
            }
        }
    };
    memo.insert(r.0, v);
    v
}

#[derive(Copy, Clone, Debug)]
enum Val {
    I(i32),
    N(f64),
}

impl Val {
    fn i(self) -> i32 {
        match self {
            Val::I(x) => x,
            Val::N(_) => panic!("num where int expected"),
        }
    }
    fn n(self) -> f64 {
        match self {
            Val::N(x) => x,
            Val::I(_) => panic!("int where num expected"),
        }
    }
    fn same(self, o: Val) -> bool {
        match (self, o) {
            (Val::I(a), Val::I(b)) => a == b,
            (Val::N(a), Val::N(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            _ => false,
        }
    }
}

mod fold_differential {
    use super::*;
    use proptest::prelude::*;
    use skein::jit::ir::IrBuf;
    use skein::jit::params::OptFlags;

    const INT_OPS: &[IrOp] = &[
        IrOp::ADD,
        IrOp::SUB,
        IrOp::MUL,
        IrOp::BAND,
        IrOp::BOR,
        IrOp::BXOR,
        IrOp::BSHL,
        IrOp::BSAR,
        IrOp::MIN,
        IrOp::MAX,
    ];
    const NUM_OPS: &[IrOp] = &[IrOp::ADD, IrOp::SUB, IrOp::MUL, IrOp::DIV, IrOp::NEG];
    const INTS: &[i32] = &[0, 1, -1, 2, 3, i32::MAX, i32::MIN];
    const NUMS: &[f64] = &[0.0, -0.0, 1.0, 2.0, -3.0, 0.5, f64::INFINITY, f64::NAN];

    /// One step: (is_num, op index, left pick, right pick); a pick selects an earlier value
    /// of the right type or, when odd, a constant.
    type Step = (bool, usize, usize, usize);

    fn build(steps: &[Step], fold: bool) -> (IrBuf, Vec<IrRef>) {
        let mut ir = IrBuf::new();
        let flags = if fold {
            OptFlags::default()
        } else {
            OptFlags(0)
        };
        let mut e = skein::jit::opt::Emitter::new(&mut ir, flags);
        let mut ints = vec![e.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 0, 0))];
        let mut nums = vec![e.ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Num, 1, 0))];
        let mut out = Vec::new();
        for &(is_num, op, l, r) in steps {
            let pick =
                |e: &mut skein::jit::opt::Emitter<'_>, vals: &[IrRef], k: usize, num: bool| {
                    if k % 2 == 1 {
                        if num {
                            e.ir.knum(NUMS[(k / 2) % NUMS.len()])
                        } else {
                            e.ir.kint(INTS[(k / 2) % INTS.len()])
                        }
                    } else {
                        vals[(k / 2) % vals.len()]
                    }
                };
            let r = if is_num {
                let op = NUM_OPS[op % NUM_OPS.len()];
                let a = pick(&mut e, &nums, l, true);
                let b = if op == IrOp::NEG {
                    e.ir.knum(-0.0)
                } else {
                    pick(&mut e, &nums, r, true)
                };
                let res = e.emit(IrIns::new(op, IrType::Num, a.0, b.0)).unwrap();
                nums.push(res);
                res
            } else {
                let op = INT_OPS[op % INT_OPS.len()];
                let a = pick(&mut e, &ints, l, false);
                let b = pick(&mut e, &ints, r, false);
                let res = e.emit(IrIns::new(op, IrType::Int, a.0, b.0)).unwrap();
                ints.push(res);
                res
            };
            out.push(r);
        }
        (ir, out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn fold_and_cse_preserve_values(
            steps in proptest::collection::vec((any::<bool>(), 0usize..16, 0usize..32, 0usize..32), 1..30),
            x in prop_oneof![Just(0i32), Just(-1), Just(i32::MAX), any::<i32>()],
            y in prop_oneof![Just(0.0f64), Just(-0.0), Just(f64::NAN), Just(f64::INFINITY), any::<f64>()],
        ) {
            let (raw, raw_refs) = build(&steps, false);
            let (folded, fold_refs) = build(&steps, true);
            folded.verify().unwrap();
            prop_assert!(folded.len() <= raw.len());
            let inputs = [(x, 0.0), (0, y)];
            let (mut m1, mut m2) = (Default::default(), Default::default());
            for (a, b) in raw_refs.iter().zip(&fold_refs) {
                let va = eval_pure(&raw, *a, &inputs, &mut m1);
                let vb = eval_pure(&folded, *b, &inputs, &mut m2);
                prop_assert!(va.same(vb), "{:?} vs {:?}", va, vb);
            }
        }
    }
}

/// Life cycle, case 19 (the snapshot tutorial loop `local x = 1.2 for i=1,1e3 do x = x *
/// -3 end`): the recorder's pre-roll with snapshots taken from a slot view
/// (`SnapBuf::take`), then DCE and the loop pass, give LuaJIT's dump byte for byte.
#[test]
fn lifecycle_case19_snapshot_tutorial() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    assert!((1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 3), f, HotKey(0x4c)))
        .is_some());
    {
        let flags = j.world.opts.flags;
        let d = j.recording_data().unwrap();
        let mut e = Emitter::new(&mut d.ir, flags);
        let mut slots: Vec<Option<(IrRef, u32)>> = vec![None; 7];
        d.snaps.take(e.ir, e.ir.nins(), &slots, 2, None);
        let i = e
            .op(IrOp::SLOAD, IrType::Int, 3, sload::CONVERT | sload::INHERIT)
            .unwrap();
        let x = e
            .guard(IrOp::SLOAD, IrType::Num, 2, sload::TYPECHECK)
            .unwrap();
        let km3 = e.ir.knum(-3.0);
        let x2 = e.op(IrOp::MUL, IrType::Num, x.0, km3.0).unwrap();
        slots[2] = Some((x2, 0));
        let k1 = e.ir.kint(1);
        let i2 = e.op(IrOp::ADD, IrType::Int, i.0, k1.0).unwrap();
        d.snaps.take(e.ir, e.ir.nins(), &slots, 3, None);
        let k1000 = e.ir.kint(1000);
        e.guard(IrOp::LE, IrType::Int, i2.0, k1000.0).unwrap();
        slots[3] = Some((i2, 0));
        slots[6] = Some((i2, 0));
        d.snaps.take(e.ir, e.ir.nins(), &slots, 7, None);
    }
    j.stop(f, 3, LinkType::Loop, None, &mut NullBackend)
        .unwrap();
    j.on_exit(TraceNo(1), 3, at(p, 4), f);
    logs.drain(&j);
    assert_eq!(logs.dout, golden("19-snapshot-reading", "t1.dlog"));
}

/// Life cycle, case 06: a loop whose body always aborts is retried with growing
/// penalties and blacklisted after the 11th abort; no further attempts follow.
#[test]
fn lifecycle_case06_penalty_to_blacklist() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    let key = HotKey(0x500);
    for _call in 0..3 {
        for _iter in 0..100_000 {
            if j.on_hot_loop(at(p, 5), f, key).is_some() {
                j.abort(f, 6, TraceError::NyiBytecode, Some("51".into()));
            }
        }
    }
    logs.drain(&j);
    assert_eq!(logs.vout, golden("06-penalty-blacklist-start", "t1.log"));
    assert!(j.commands.contains(&VmCommand::Blacklist(at(p, 5))));
}

/// Life cycle, case 08: the hot counter backs off by the penalty. Hot after the 56th
/// iteration (recording iteration 57 aborts), again 37 iterations later (iteration 94
/// aborts), then 73 or more later.
#[test]
fn lifecycle_case08_hotcount_backoff() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    let mut recording = false;
    let mut aborted_at = Vec::new();
    for i in 1..=168 {
        if recording {
            // The recorder follows iteration i's body.
            let line = match i {
                57 => Some(6),
                94 => Some(10),
                _ => None,
            };
            if let Some(line) = line {
                j.abort(f, line, TraceError::NyiBytecode, Some("51".into()));
                aborted_at.push(i);
                recording = false;
            }
        }
        if !recording && j.on_hot_loop(at(p, 3), f, HotKey(0x600)).is_some() {
            recording = true;
        }
    }
    assert_eq!(aborted_at, vec![57, 94]);
    logs.drain(&j);
    assert_eq!(logs.vout, golden("08-penalty-hotcount-backoff", "t1.log"));
}

/// Records a trivial trace body: one guard with a snapshot (exit 0 and 1 exist).
fn record_trivial(j: &mut Jit) {
    let flags = j.world.opts.flags;
    let d = j.recording_data().unwrap();
    let mut e = Emitter::new(&mut d.ir, flags);
    d.snaps.add(e.ir.nins(), 2, &[], None);
    let x = e
        .guard(IrOp::SLOAD, IrType::Num, 2, sload::TYPECHECK)
        .unwrap();
    d.snaps.add(e.ir.nins(), 3, &[], None);
    let k = e.ir.knum(0.0);
    e.guard(IrOp::NE, IrType::Num, x.0, k.0).unwrap();
}

/// Takes exit `exit` of trace `no` until a side trace starts (the 10th time).
fn hot_exit(j: &mut Jit, no: u16, exit: u16, resume: BcPos, f: FuncRef) -> TraceNo {
    (1..=10)
        .find_map(|_| j.on_exit(TraceNo(no), exit, resume, f))
        .expect("side trace after hotexit exits")
}

/// Life cycle, case 13: a side trace of a side trace; both link to the root.
#[test]
fn lifecycle_case13_side_of_side() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    (1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 3), f, HotKey(0x700)))
        .unwrap();
    record_trivial(&mut j);
    j.stop(f, 3, LinkType::Loop, None, &mut NullBackend)
        .unwrap();
    assert_eq!(hot_exit(&mut j, 1, 1, at(p, 6), f), TraceNo(2));
    record_trivial(&mut j);
    j.stop(f, 3, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    assert_eq!(hot_exit(&mut j, 2, 1, at(p, 3), f), TraceNo(3));
    record_trivial(&mut j);
    j.stop(f, 3, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    logs.drain(&j);
    assert_eq!(logs.vout, golden("13-side-of-side-trace", "t1.log"));
    let (t1, t3) = (
        j.world.by_number(TraceNo(1)).unwrap(),
        j.world.by_number(TraceNo(3)).unwrap(),
    );
    assert_eq!(j.world.traces[t3].root, Some(t1));
    assert_eq!(j.world.traces[t1].nchild, 2);
}

/// Life cycle, case 17: stitching, a side trace of the continuation that stitches again,
/// and its continuation.
#[test]
fn lifecycle_case17_stitch_side_trace() {
    let (mut j, p) = jit();
    let f = FuncRef::Lua(p);
    let mut logs = Logs::new();
    (1..=56)
        .find_map(|_| j.on_hot_loop(at(p, 4), f, HotKey(0x800)))
        .unwrap();
    record_trivial(&mut j);
    j.stop(
        FuncRef::Fast(1),
        0,
        LinkType::Stitch,
        None,
        &mut NullBackend,
    )
    .unwrap();
    let t1 = j.world.by_number(TraceNo(1)).unwrap();
    j.start(at(p, 5), f, Some((t1, ParentExit::Stitch)), false, None)
        .unwrap();
    record_trivial(&mut j);
    j.stop(f, 4, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    assert_eq!(hot_exit(&mut j, 2, 1, at(p, 5), f), TraceNo(3));
    record_trivial(&mut j);
    j.stop(
        FuncRef::Fast(1),
        0,
        LinkType::Stitch,
        None,
        &mut NullBackend,
    )
    .unwrap();
    let t3 = j.world.by_number(TraceNo(3)).unwrap();
    j.start(at(p, 5), f, Some((t3, ParentExit::Stitch)), false, None)
        .unwrap();
    record_trivial(&mut j);
    j.stop(f, 4, LinkType::Root, Some(TraceNo(1)), &mut NullBackend)
        .unwrap();
    logs.drain(&j);
    assert_eq!(logs.vout, golden("17-stitch-side-trace", "t1.log"));
    assert!(j.world.traces[j.world.by_number(TraceNo(4)).unwrap()].stitched);
}

/// Textual pass tests: every `tests/golden/jit/opt/*.txt` gives an input listing, the
/// passes to run (`dce`, `loop`), and the expected listing (jit.dump `+is` format).
#[test]
fn opt_golden_listings() {
    use skein::jit::ir_text::parse;
    use skein::jit::log_dump::dump_ir;
    use skein::jit::params::OptFlags;
    let dir = format!("{GOLDEN}/opt");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    let (j, _) = jit();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        let passes = text
            .lines()
            .find_map(|l| l.strip_prefix("passes:"))
            .unwrap_or("");
        let (_, rest) = text.split_once("--- input\n").expect("--- input");
        let (input, expected) = rest.split_once("--- expected\n").expect("--- expected");
        let (mut ir, mut snaps) = parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let arena = bumpalo::Bump::new();
        for pass in passes.split_whitespace() {
            match pass {
                "dce" => {
                    skein::jit::opt::dce::run(&mut ir, &snaps);
                }
                "loop" => {
                    let mut e = Emitter::new(&mut ir, OptFlags::default());
                    skein::jit::opt::loop_::run(&mut e, &mut snaps, &arena)
                        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
                }
                other => panic!("{name}: unknown pass {other}"),
            }
            ir.verify()
                .unwrap_or_else(|e| panic!("{name}: after {pass}: {e}"));
        }
        let got = dump_ir(
            1,
            TraceView {
                ir: &ir,
                snaps: &snaps,
                regs: None,
            },
            true,
            None,
            &j.world,
        );
        let got = got.strip_prefix("---- TRACE 1 IR\n").unwrap();
        assert_eq!(got, expected, "{name}");
    }
}
