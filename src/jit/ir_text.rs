//! Textual IR: parse jit.dump's `+is` listing back into an [`IrBuf`] and [`SnapBuf`].
//!
//! Pass tests are easiest to write and to read as text, in the format everybody already
//! reads (Cranelift's filetests habit). [`parse`] accepts what [`crate::jit::log_dump::dump_ir`]
//! prints, without the header line:
//!
//! ```text
//! ....        SNAP   #0   [ ---- ---- ]
//! 0001    int SLOAD  #3    CI
//! 0002 >  num SLOAD  #2    T
//! 0003    num MUL    0002  -3
//! ....        SNAP   #1   [ ---- ---- 0003 ]
//! 0004 >  int LE     0001  +1000
//! 0005 ------ LOOP ------------
//! ```
//!
//! Rules of the text: instruction numbers must increase (gaps become NOPs, as DCE leaves
//! them); `>` marks a guard and `+` a PHI value; operands are refs (`0003`), literals
//! (`#3`), literal names where jit.dump prints them (SLOAD letters, `num.int`, field
//! names, FPMATH names, ...), or constants. A numeric constant takes the instruction's
//! type (`int` → KINT, otherwise KNUM; in snapshots integral numbers are KINT); strings are
//! `"..."` (no escapes), `"key" @slot` is a KSLOT, `nil`/`true`/`false` are primitives.
//! Snapshot entries are refs or constants, `|` after an entry marks a frame. Comment lines
//! start with `#`. Everything else is an error with its line number — never a panic.

use super::ir::{
    conv, lit_name, IrBuf, IrIns, IrOp, IrRef, IrType, Operand, ALL_IR_TYPES, IRF_GUARD, IRF_PHI,
    IR_FIELDS, IR_FPM, REF_BIAS,
};
use super::snap::{SnapBuf, SnapEntry, SNAP_FRAME};

/// Parses a listing into IR and snapshots.
pub fn parse(text: &str) -> Result<(IrBuf, SnapBuf), String> {
    let mut ir = IrBuf::new();
    let mut snaps = SnapBuf::default();
    for (lineno, line) in text.lines().enumerate() {
        let err = |m: String| format!("line {}: {m}", lineno + 1);
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with("....") {
            parse_snap(&mut ir, &mut snaps, t).map_err(err)?;
            continue;
        }
        let (num, rest) = t.split_at(
            t.find(' ')
                .ok_or_else(|| err("no instruction number".into()))?,
        );
        let n: u16 = num
            .parse()
            .map_err(|_| err(format!("bad instruction number {num:?}")))?;
        if n == 0 || n as usize >= 0x7000 {
            return Err(err(format!("instruction number {n} out of range")));
        }
        let want = ir.nins().0 - REF_BIAS;
        if n < want {
            return Err(err(format!(
                "instruction {n:04} out of order (next is {want:04})"
            )));
        }
        while ir.nins().0 - REF_BIAS < n {
            let r = ir.emit_raw(IrIns::new(IrOp::NOP, IrType::Nil, 0, 0));
            ir.nop(r);
        }
        if rest.contains("LOOP") && rest.contains("----") {
            ir.emit_raw(IrIns::new(IrOp::LOOP, IrType::Nil, 0, 0));
            continue;
        }
        parse_ins(&mut ir, rest).map_err(err)?;
    }
    ir.verify()?;
    snaps.verify(&ir)?;
    Ok((ir, snaps))
}

fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            let mut tok = String::new();
            tok.push(chars.next().unwrap_or('"'));
            for c in chars.by_ref() {
                tok.push(c);
                if c == '"' {
                    break;
                }
            }
            out.push(tok);
        } else {
            let mut tok = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                tok.push(c);
                chars.next();
            }
            out.push(tok);
        }
    }
    out
}

fn parse_type(s: &str) -> Result<IrType, String> {
    ALL_IR_TYPES
        .iter()
        .copied()
        .find(|t| t.name().trim_end() == s)
        .ok_or_else(|| format!("unknown type {s:?}"))
}

fn parse_ins(ir: &mut IrBuf, rest: &str) -> Result<(), String> {
    let toks = tokens(rest);
    let mut k = 0;
    let mut flags = 0;
    while k < toks.len() && toks[k].chars().all(|c| c == '>' || c == '+') {
        if toks[k].contains('>') {
            flags |= IRF_GUARD;
        }
        if toks[k].contains('+') {
            flags |= IRF_PHI;
        }
        k += 1;
    }
    let ty = parse_type(toks.get(k).ok_or("missing type")?)?;
    let opname = toks.get(k + 1).ok_or("missing op")?;
    let op = IrOp::from_name(opname).ok_or_else(|| format!("unknown op {opname:?}"))?;
    if op.is_const() || matches!(op, IrOp::NOP | IrOp::LOOP | IrOp::BASE) {
        return Err(format!("{opname} cannot be written as an instruction"));
    }
    let mut args = toks[k + 2..].iter().peekable();
    let m = op.mode();
    let mut operand = |mode: Operand,
                       first: bool,
                       args: &mut std::iter::Peekable<std::slice::Iter<'_, String>>|
     -> Result<u16, String> {
        match mode {
            Operand::None | Operand::Cst => Ok(0),
            Operand::Lit => {
                let Some(a) = args.next() else {
                    // An empty literal name (SLOAD without letters).
                    return if !first && lit_name(op, 0).is_some_and(|n| n.is_empty()) {
                        Ok(0)
                    } else {
                        Err("missing literal".into())
                    };
                };
                let joined;
                let a = if op == IrOp::CONV {
                    // CONV names have words after the types: `int.num index`.
                    let mut words = vec![a.clone()];
                    words.extend(args.by_ref().cloned());
                    joined = words.join(" ");
                    &joined
                } else {
                    a
                };
                if let Some(n) = a.strip_prefix('#') {
                    let v: u16 = n.parse().map_err(|_| format!("bad literal {a:?}"))?;
                    return Ok(if matches!(op, IrOp::UREFO | IrOp::UREFC) && !first {
                        v << 8
                    } else {
                        v
                    });
                }
                parse_lit_name(op, a)
                    .ok_or_else(|| format!("unknown literal {a:?} for {}", op.name()))
            }
            Operand::Ref => {
                let a = args.next().ok_or("missing operand")?;
                if a.len() == 4 && a.chars().all(|c| c.is_ascii_digit()) {
                    let n: u16 = a.parse().map_err(|_| format!("bad ref {a:?}"))?;
                    return Ok(REF_BIAS + n);
                }
                let slot = match args.peek() {
                    Some(s) if s.starts_with('@') => {
                        let s = args.next().unwrap_or(&String::new()).clone();
                        Some(
                            s[1..]
                                .parse::<u16>()
                                .map_err(|_| format!("bad slot {s:?}"))?,
                        )
                    }
                    _ => None,
                };
                let r = parse_const(ir, a, ty == IrType::Int)?;
                Ok(match slot {
                    Some(s) => ir.kslot(r, s).0,
                    None => r.0,
                })
            }
        }
    };
    let op1 = operand(m.op1, true, &mut args)?;
    let op2 = operand(m.op2, false, &mut args)?;
    if let Some(extra) = args.next() {
        return Err(format!("unexpected operand {extra:?}"));
    }
    let mut i = IrIns::new(op, ty, op1, op2);
    i.flags = flags;
    ir.emit_raw(i);
    Ok(())
}

fn parse_lit_name(op: IrOp, name: &str) -> Option<u16> {
    match op {
        IrOp::SLOAD => {
            let letters = super::ir::sload::LETTERS;
            name.chars().try_fold(0u16, |acc, c| {
                letters
                    .iter()
                    .position(|&l| l as char == c)
                    .map(|i| acc | (1 << i))
            })
        }
        IrOp::FLOAD | IrOp::FREF => IR_FIELDS.iter().position(|f| *f == name).map(|i| i as u16),
        IrOp::FPMATH => IR_FPM.iter().position(|f| *f == name).map(|i| i as u16),
        IrOp::CONV => {
            let (types, _) = name.split_once(' ').unwrap_or((name, ""));
            let (d, s) = types.split_once('.')?;
            let mut lit = ((parse_type(d).ok()? as u16) << conv::DSH) | parse_type(s).ok()? as u16;
            for (w, bits) in [
                (" sext", conv::SEXT),
                (" none", 1 << conv::CSH),
                (" index", conv::INDEX),
                (" check", conv::CHECK),
            ] {
                if name.contains(w) {
                    lit |= bits;
                }
            }
            Some(lit)
        }
        _ => (0..64u16).find(|&v| lit_name(op, v).is_some_and(|n| n == name)),
    }
}

fn parse_const(ir: &mut IrBuf, tok: &str, int: bool) -> Result<IrRef, String> {
    match tok {
        "nil" => return Ok(ir.kpri(IrType::Nil)),
        "false" => return Ok(ir.kpri(IrType::False)),
        "true" => return Ok(ir.kpri(IrType::True)),
        _ => {}
    }
    if let Some(s) = tok.strip_prefix('"') {
        let s = s
            .strip_suffix('"')
            .ok_or_else(|| format!("unterminated string {tok:?}"))?;
        return Ok(ir.kstr(s.as_bytes()));
    }
    let v: f64 = tok.parse().map_err(|_| format!("bad constant {tok:?}"))?;
    if int {
        if v != v.trunc() || v.abs() > i32::MAX as f64 {
            return Err(format!("{tok} is not an int constant"));
        }
        Ok(ir.kint(v as i32))
    } else {
        Ok(ir.knum(v))
    }
}

fn parse_snap(ir: &mut IrBuf, snaps: &mut SnapBuf, line: &str) -> Result<(), String> {
    let open = line.find('[').ok_or("snapshot without [")?;
    let close = line.rfind(']').ok_or("snapshot without ]")?;
    let body = line
        .get(open + 1..close)
        .ok_or("snapshot with ] before [")?;
    let mut ents = Vec::new();
    let mut slot = 0u32;
    for tok in tokens(body) {
        let (tok, frame) = match tok.strip_suffix('|') {
            Some(t) => (t.to_string(), SNAP_FRAME),
            None => (tok, 0),
        };
        if slot > 250 {
            return Err("too many snapshot slots".into());
        }
        if tok == "----" {
            if frame != 0 {
                ents.push(SnapEntry::base_frame_marker());
            }
        } else if tok.len() == 4 && tok.chars().all(|c| c.is_ascii_digit()) {
            let n: u16 = tok.parse().map_err(|_| "bad ref")?;
            ents.push(SnapEntry::new(slot as u8, frame, IrRef(REF_BIAS + n)));
        } else {
            let integral = tok
                .parse::<f64>()
                .is_ok_and(|v| v == v.trunc() && !tok.contains('.'));
            let r = parse_const(ir, &tok, integral)?;
            ents.push(SnapEntry::new(slot as u8, frame, r));
        }
        slot += 1;
    }
    snaps.add(ir.nins(), slot as u8, &ents, None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ids::{FuncNames, ProtoKey};
    use crate::jit::log_dump::{dump_ir, TraceView};

    struct N;
    impl FuncNames for N {
        fn lua_loc(&self, _: ProtoKey, _: Option<u32>) -> String {
            String::new()
        }
        fn fast_name(&self, _: u8) -> String {
            String::new()
        }
    }

    #[test]
    fn round_trips_dump_text() {
        let text = "\
....        SNAP   #0   [ ---- ---- ]
0001    int SLOAD  #3    CI
0002 >  num SLOAD  #2    T
0003  + num MUL    0002  -3  
0004  + int ADD    0001  +1  
....        SNAP   #1   [ ---- ---- 0003 ]
0005 >  int LE     0004  +1000
0007    num CONV   0001  num.int
0008 >  p64 HREFK  0007  \"unpack\" @37
0009    tab FLOAD  0008  func.env
0010    tab TNEW   #0    #0  
0011 >  int CONV   0002  int.num index
....        SNAP   #2   [ ---- ---- 0003 0004 ---- +1   0004 ]
0012 ------ LOOP ------------
";
        let (ir, snaps) = parse(text).unwrap();
        let out = dump_ir(
            1,
            TraceView {
                ir: &ir,
                snaps: &snaps,
                regs: None,
            },
            true,
            None,
            &N,
        );
        assert_eq!(out, format!("---- TRACE 1 IR\n{text}"));
        assert_eq!(ir.at(IrRef(REF_BIAS + 6)).op, IrOp::NOP);
    }

    #[test]
    fn bad_text_is_an_error_not_a_panic() {
        for bad in [
            "0001    int FROB   0001",
            "0002    int ADD    0001  +1",
            "0001    int ADD    0001",
            "zzzz",
            "0001    xyz SLOAD  #1",
            "0001    int SLOAD  #1    Q",
            "0001    int ADD    \"x",
            "....  SNAP #0 [ 0001",
            "0001    int KINT   #1",
            "0001    int ADD    +1.5  +1",
            "99999 int ADD",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}

#[cfg(test)]
mod prop {
    use super::*;
    use proptest::prelude::*;

    const VALID: &str = "....        SNAP   #0   [ ---- ---- ]\n0001    int SLOAD  #3    CI\n0002 >  num SLOAD  #2    T\n0003    num MUL    0002  -3\n0004    int ADD    0001  +1\n....        SNAP   #1   [ ---- ---- 0003 ]\n0005 >  int LE     0004  +1000\n....        SNAP   #2   [ ---- ---- 0003 0004 ---- ---- 0004 ]\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Mutated listings parse or fail cleanly; what parses survives DCE and the loop
        /// pass without panicking.
        #[test]
        fn mutated_listings_never_panic(cut in 0usize..400, len in 0usize..6, junk in "[0-9a-zA-Z #>+\\-\\.\\[\\]|\"@\n]{0,6}") {
            let mut t = VALID.to_string();
            let at = cut.min(t.len());
            let end = (at + len).min(t.len());
            t.replace_range(at..end, &junk);
            if let Ok((mut ir, mut snaps)) = parse(&t) {
                crate::jit::opt::dce::run(&mut ir, &snaps);
                let arena = bumpalo::Bump::new();
                let mut e = crate::jit::opt::Emitter::new(&mut ir, crate::jit::params::OptFlags::default());
                let _ = crate::jit::opt::loop_::run(&mut e, &mut snaps, &arena);
            }
        }
    }
}
