//! Loading compiled code into the heap.
//!
//! [`Lua::load_proto`] turns a heap-independent [`crate::bc::Proto`] into [`ProtoObj`]s:
//! string constants are interned once, template tables are built once (TDUP copies them),
//! child prototypes are loaded recursively, and number constants become values. The main
//! function is wrapped in a closure whose environment is the given table.
//!
//! [`read_luajit_dump`] reads LuaJIT 2.1 bytecode dumps (`luajit -b -g file.lua out`,
//! `string.dump`), so precompiled chunks load as in LuaJIT. Format (LuaJIT 2.1,
//! `BCDUMP_VERSION` 2): `ESC 'L' 'J' version`, ULEB128 flags (1 big-endian, 2 stripped,
//! 4 FFI, 8 two-slot frames), the chunk name unless stripped, then prototypes (children
//! before parents), each prefixed by its byte length, and a terminating zero length.
//! GC constants are stored from the highest index down; `CHILD` constants pop the most
//! recently read prototype. Bad input yields an error message, never a panic.

use super::object::*;
use super::table::Table;
use super::value::Value;
use super::Lua;
use crate::bc::{self, KGc, KValue, Mode, Op, Proto, ProtoFlags, UvDesc, VarInfo};

impl Lua {
    /// Loads a prototype tree and returns a closure of the main function with `env`.
    pub fn load_proto(&mut self, p: &Proto, env: TabRef) -> Value {
        let pr = self.load_proto_obj(p);
        let c = self.new_closure(
            env,
            FuncKind::Lua {
                proto: pr,
                upvals: Box::new([]),
            },
        );
        Value::func(c)
    }

    fn kvalue(&mut self, k: &KValue) -> Value {
        match k {
            KValue::Nil => Value::NIL,
            KValue::Bool(b) => Value::bool(*b),
            KValue::Num(n) => Value::num(*n),
            KValue::Str(s) => self.str_value(s),
        }
    }

    fn load_proto_obj(&mut self, p: &Proto) -> ProtoRef {
        let mut kgc = Vec::with_capacity(p.kgc.len());
        for k in &p.kgc {
            let v = match k {
                KGc::Str(s) => self.str_value(s),
                KGc::Proto(child) => Value::proto(self.load_proto_obj(child)),
                KGc::Table(kt) => {
                    let mut t = Table::new(kt.array.len(), kt.hash.len());
                    // The constructor's array part keeps its holes and exact size, as
                    // LuaJIT's template does, so `#` finds the same borders in most cases
                    // (borders of tables with holes are unspecified; LuaJIT's own depend
                    // on hash layout).
                    for (i, kv) in kt.array.iter().enumerate() {
                        let v = self.kvalue(kv);
                        if i == 0 {
                            if !v.is_nil() {
                                t.set(Value::num(0.0), v);
                            }
                        } else {
                            t.array.push(v);
                        }
                    }
                    for (kk, kv) in &kt.hash {
                        let key = self.kvalue(kk);
                        let v = self.kvalue(kv);
                        if !(key.is_nil() || key.as_num().is_some_and(f64::is_nan)) {
                            t.set(key, v);
                        }
                    }
                    Value::tab(self.adopt_table(t))
                }
            };
            kgc.push(v);
        }
        let mut debug = Box::new(Proto {
            bc: Vec::new(),
            kgc: Vec::new(),
            ..p.clone_without_code()
        });
        debug.lineinfo = p.lineinfo.clone();
        let bc = if p.bc.is_empty() {
            vec![bc::ins_ad(Op::FUNCF, p.framesize as u32, 0)]
        } else {
            p.bc.clone()
        };
        let hot_addr = self.place_proto(&bc, kgc.len() + p.knum.len(), p.uv.len());
        let obj = ProtoObj {
            hdr: GcHeader::new(GcKind::Proto),
            hot_addr,
            bc,
            kgc,
            knum: p.knum.iter().map(|&n| Value::num(n)).collect(),
            uv: p.uv.clone(),
            numparams: p.numparams,
            framesize: p.framesize,
            is_vararg: p.flags.has(ProtoFlags::VARARG),
            debug,
        };
        self.adopt_proto(obj)
    }
}

trait CloneWithoutCode {
    fn clone_without_code(&self) -> Proto;
}

impl CloneWithoutCode for Proto {
    fn clone_without_code(&self) -> Proto {
        Proto {
            bc: Vec::new(),
            lineinfo: Vec::new(),
            knum: Vec::new(),
            kgc: Vec::new(),
            uv: self.uv.clone(),
            uvnames: self.uvnames.clone(),
            varinfo: self.varinfo.clone(),
            numparams: self.numparams,
            framesize: self.framesize,
            flags: self.flags,
            firstline: self.firstline,
            numline: self.numline,
            chunkname: self.chunkname.clone(),
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

const BAD: &str = "bad bytecode";

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.buf.get(self.pos).ok_or(BAD)?;
        self.pos += 1;
        Ok(b)
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or(BAD)?;
        let s = self.buf.get(self.pos..end).ok_or(BAD)?;
        self.pos = end;
        Ok(s)
    }
    fn uleb(&mut self) -> Result<u32, String> {
        let mut v: u32 = 0;
        let mut sh = 0;
        loop {
            let b = self.byte()?;
            if sh < 32 {
                v |= ((b & 0x7f) as u32) << sh;
            }
            sh += 7;
            if b < 0x80 {
                return Ok(v);
            }
        }
    }
    fn uleb33(&mut self) -> Result<(u32, bool), String> {
        let b0 = self.byte()?;
        let isnum = b0 & 1 != 0;
        let mut v = (b0 >> 1) as u32;
        if v >= 0x40 {
            v &= 0x3f;
            let mut sh = -1i32;
            loop {
                let b = self.byte()?;
                sh += 7;
                if sh < 32 {
                    v |= ((b & 0x7f) as u32) << sh;
                }
                if b < 0x80 {
                    break;
                }
            }
        }
        Ok((v, isnum))
    }
    fn u16(&mut self, be: bool) -> Result<u16, String> {
        let s = self.bytes(2)?;
        let a = [s[0], s[1]];
        Ok(if be {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }
    fn u32(&mut self, be: bool) -> Result<u32, String> {
        let s = self.bytes(4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Ok(if be {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }
    fn cstr(&mut self) -> Result<&'a [u8], String> {
        let start = self.pos;
        while self.byte()? != 0 {}
        Ok(&self.buf[start..self.pos - 1])
    }
    fn ktabk(&mut self) -> Result<KValue, String> {
        let tp = self.uleb()?;
        Ok(match tp {
            0 => KValue::Nil,
            1 => KValue::Bool(false),
            2 => KValue::Bool(true),
            3 => KValue::Num(self.uleb()? as i32 as f64),
            4 => {
                let lo = self.uleb()? as u64;
                let hi = self.uleb()? as u64;
                KValue::Num(f64::from_bits(hi << 32 | lo))
            }
            n => KValue::Str(self.bytes(n as usize - 5)?.into()),
        })
    }
}

/// Reads a LuaJIT 2.1 bytecode dump into a prototype tree.
pub fn read_luajit_dump(buf: &[u8], chunkname: &[u8]) -> Result<Proto, String> {
    let name = super::debug::short_chunkname(chunkname);
    let err = |m: &str| format!("{name}: {m}");
    let mut r = Reader { buf, pos: 0 };
    // LuaJIT's two loader messages: a wrong header is "incompatible", anything else
    // that does not parse is "malformed".
    if r.bytes(3).ok() != Some(b"\x1bLJ".as_slice()) || r.byte().ok() != Some(2) {
        return Err(err("cannot load incompatible bytecode"));
    }
    let mut body = || -> Result<Proto, String> {
        let flags = r.uleb()?;
        let be = flags & 1 != 0;
        let strip = flags & 2 != 0;
        if flags & 4 != 0 {
            return Err("FFI bytecode is not supported".into());
        }
        let mut cname: Box<[u8]> = chunkname.into();
        if !strip {
            let n = r.uleb()? as usize;
            let s = r.bytes(n)?;
            if cname.is_empty() {
                cname = s.into();
            }
        }
        let mut stack: Vec<Proto> = Vec::new();
        loop {
            let len = r.uleb()?;
            if len == 0 {
                break;
            }
            let end = r.pos + len as usize;
            let pflags = r.byte()?;
            let numparams = r.byte()?;
            let framesize = r.byte()?;
            let sizeuv = r.byte()? as usize;
            let sizekgc = r.uleb()? as usize;
            let sizekn = r.uleb()? as usize;
            let sizebc = r.uleb()? as usize;
            let mut sizedbg = 0;
            let (mut firstline, mut numline) = (0, 0);
            if !strip {
                sizedbg = r.uleb()?;
                if sizedbg > 0 {
                    firstline = r.uleb()?;
                    numline = r.uleb()?;
                }
            }
            let op0 = if pflags & ProtoFlags::VARARG != 0 {
                Op::FUNCV
            } else {
                Op::FUNCF
            };
            let mut code = vec![bc::ins_ad(op0, framesize as u32, 0)];
            for _ in 0..sizebc {
                let ins = r.u32(be)?;
                if bc::op_num(ins) as usize >= bc::NUM_OPS {
                    return Err("bad bytecode".into());
                }
                code.push(ins);
            }
            let mut uv = Vec::new();
            for _ in 0..sizeuv {
                uv.push(UvDesc(r.u16(be)?));
            }
            let mut kgc = Vec::new();
            for _ in 0..sizekgc {
                let tp = r.uleb()?;
                kgc.push(match tp {
                    0 => KGc::Proto(Box::new(stack.pop().ok_or(BAD)?)),
                    1 => {
                        let na = r.uleb()? as usize;
                        let nh = r.uleb()? as usize;
                        let mut t = bc::KTable::default();
                        for _ in 0..na {
                            t.array.push(r.ktabk()?);
                        }
                        for _ in 0..nh {
                            let k = r.ktabk()?;
                            let v = r.ktabk()?;
                            t.hash.push((k, v));
                        }
                        KGc::Table(t)
                    }
                    2..=4 => return Err("FFI constants are not supported".into()),
                    n => KGc::Str(r.bytes(n as usize - 5)?.into()),
                });
            }
            kgc.reverse();
            let mut knum = Vec::new();
            for _ in 0..sizekn {
                let (lo, isnum) = r.uleb33()?;
                if isnum {
                    let hi = r.uleb()?;
                    knum.push(f64::from_bits((hi as u64) << 32 | lo as u64));
                } else {
                    knum.push(lo as i32 as f64);
                }
            }
            let mut lineinfo = vec![firstline];
            let mut uvnames = Vec::new();
            let mut varinfo = Vec::new();
            if sizedbg > 0 {
                for _ in 1..code.len() {
                    let d = if numline < 256 {
                        r.byte()? as u32
                    } else if numline < 65536 {
                        r.u16(be)? as u32
                    } else {
                        r.u32(be)?
                    };
                    lineinfo.push(firstline + d);
                }
                for _ in 0..sizeuv {
                    uvnames.push(r.cstr()?.into());
                }
                let mut lastpc = 0;
                loop {
                    let b = *r.buf.get(r.pos).ok_or(BAD)?;
                    if b == 0 {
                        r.pos += 1;
                        break;
                    }
                    let name: Box<[u8]> = if b < 7 {
                        r.pos += 1;
                        const SPECIAL: [&str; 7] = [
                            "",
                            "(for index)",
                            "(for limit)",
                            "(for step)",
                            "(for generator)",
                            "(for state)",
                            "(for control)",
                        ];
                        SPECIAL[b as usize].as_bytes().into()
                    } else {
                        r.cstr()?.into()
                    };
                    lastpc += r.uleb()?;
                    let endpc = lastpc + r.uleb()?;
                    varinfo.push(VarInfo {
                        name,
                        startpc: lastpc,
                        endpc,
                    });
                }
            } else {
                lineinfo.resize(code.len(), 0);
            }
            if r.pos != end {
                return Err("bad bytecode (prototype size mismatch)".into());
            }
            stack.push(Proto {
                bc: code,
                lineinfo,
                knum,
                kgc,
                uv,
                uvnames,
                varinfo,
                numparams,
                framesize,
                flags: ProtoFlags(pflags),
                firstline,
                numline,
                chunkname: cname.clone(),
            });
        }
        if stack.len() != 1 {
            return Err("bad bytecode (prototype nesting)".into());
        }
        stack.pop().ok_or_else(|| BAD.into())
    };
    body().map_err(|_| err("cannot load malformed bytecode"))
}

/// Checks that a prototype tree is safe to run: every slot operand lies inside the
/// frame, every constant index names a constant of the right kind, every jump stays
/// inside the function, the code ends in a return or jump, and upvalue descriptors point
/// at existing slots or upvalues. The interpreter relies on these facts instead of
/// checking them per instruction.
pub fn verify(p: &Proto, parent: Option<&Proto>) -> Result<(), String> {
    let n = p.bc.len();
    let fs = p.framesize as u32;
    let bad = |pc: usize, what: &str| Err(format!("bad bytecode at {pc}: {what}"));
    if n == 0 {
        return bad(0, "empty function");
    }
    if p.numparams > p.framesize {
        return bad(0, "more parameters than frame slots");
    }
    if parent.is_none() && !p.uv.is_empty() {
        return bad(0, "main function with upvalues");
    }
    if let Some(parent) = parent {
        for uv in &p.uv {
            let ok = if uv.is_local() {
                (uv.index() as u32) < parent.framesize as u32
            } else {
                uv.index() < parent.uv.len() as u16
            };
            if !ok {
                return bad(0, "upvalue descriptor out of range");
            }
        }
    }
    if p.lineinfo.len() < n && !p.lineinfo.is_empty() {
        return bad(0, "line info too short");
    }
    let last = bc::op(p.bc[n - 1]);
    if !matches!(
        last,
        Op::RET | Op::RET0 | Op::RET1 | Op::RETM | Op::JMP | Op::CALLT | Op::CALLMT
    ) {
        return bad(n - 1, "function does not end in a return");
    }
    for (pc, &ins) in p.bc.iter().enumerate() {
        if bc::op_num(ins) as usize >= bc::NUM_OPS {
            return bad(pc, "invalid opcode");
        }
        let op = bc::op(ins);
        if pc == 0 {
            if !matches!(op, Op::FUNCF | Op::FUNCV) {
                return bad(0, "missing function header");
            }
            continue;
        }
        if matches!(
            op,
            Op::FUNCF
                | Op::FUNCV
                | Op::IFUNCF
                | Op::IFUNCV
                | Op::JFUNCF
                | Op::JFUNCV
                | Op::FUNCC
                | Op::FUNCCW
        ) {
            return bad(pc, "function header inside the body");
        }
        // Comparisons and tests must be followed by their jump.
        if (op as u8) <= Op::ISF as u8
            && !matches!(p.bc.get(pc + 1).map(|&i| bc::op(i)), Some(Op::JMP))
        {
            return bad(pc, "conditional without jump");
        }
        let a = bc::a(ins);
        // Slots an instruction may touch relative to A (calls use A..A+3 and beyond).
        let a_extent = match op {
            Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => a + 2,
            Op::ITERC | Op::ITERN => a + 4,
            Op::ISNEXT | Op::TSETM => a,
            Op::FORI | Op::JFORI | Op::FORL | Op::IFORL | Op::JFORL => a + 4,
            Op::ITERL | Op::IITERL | Op::JITERL => a + 1,
            _ => a + 1,
        };
        let check = |mode: Mode, v: u32, is_a: bool| -> bool {
            match mode {
                Mode::Dst | Mode::Base | Mode::Var | Mode::Rbase => {
                    if is_a {
                        a_extent <= fs.max(1)
                            || (matches!(
                                op,
                                Op::RET0
                                    | Op::RET1
                                    | Op::RET
                                    | Op::RETM
                                    | Op::UCLO
                                    | Op::LOOP
                                    | Op::ILOOP
                                    | Op::JMP
                                    | Op::JLOOP
                            ) && v <= fs)
                    } else {
                        v < fs.max(1)
                    }
                }
                Mode::Uv => (v as usize) < p.uv.len(),
                Mode::Num => (v as usize) < p.knum.len(),
                Mode::Str => matches!(p.kgc.get(v as usize), Some(KGc::Str(_))),
                Mode::Func => matches!(p.kgc.get(v as usize), Some(KGc::Proto(_))),
                Mode::Tab => matches!(p.kgc.get(v as usize), Some(KGc::Table(_))),
                Mode::Jump => {
                    let t = pc as i64 + 1 + bc::j(ins) as i64;
                    t >= 1 && (t as usize) < n
                }
                Mode::Cdata => false,
                Mode::None | Mode::Lit | Mode::Lits | Mode::Pri => true,
            }
        };
        if !check(op.mode_a(), a, true) {
            return bad(pc, "operand A out of range");
        }
        if !op.is_ad() && !check(op.mode_b(), bc::b(ins), false) {
            return bad(pc, "operand B out of range");
        }
        let cd = if op.is_ad() { bc::d(ins) } else { bc::c(ins) };
        if !check(op.mode_cd(), cd, false) {
            return bad(pc, "operand C/D out of range");
        }
        if matches!(op, Op::KNIL) && cd >= fs {
            return bad(pc, "KNIL range out of frame");
        }
        if matches!(op, Op::ITERC | Op::ITERN | Op::TSETM | Op::ISNEXT) && a < 3 && op != Op::TSETM
        {
            return bad(pc, "iterator base too low");
        }
        // Ranges implied by counts: results and arguments of calls, returned values,
        // VARG targets, CAT operands.
        let (b, c, d) = (bc::b(ins), bc::c(ins), bc::d(ins));
        let range_ok = match op {
            Op::CALL => c >= 1 && a + 2 + c - 1 <= fs && (b == 0 || a + b - 1 <= fs),
            Op::CALLM | Op::ITERC | Op::ITERN => b == 0 || a + b - 1 <= fs.max(a + 3),
            Op::CALLT => d >= 1 && a + 2 + d - 1 <= fs,
            Op::CALLMT => a + 2 + d <= fs.max(a + 2),
            Op::RET | Op::RET0 | Op::RET1 => d >= 1 && a + d - 1 <= fs,
            Op::RETM => a + d <= fs,
            Op::VARG => b == 0 || a + b - 1 <= fs,
            Op::CAT => b <= c,
            _ => true,
        };
        if !range_ok {
            return bad(pc, "operand range out of frame");
        }
        if op == Op::VARG && !p.flags.has(ProtoFlags::VARARG) {
            return bad(pc, "VARG in a fixed-argument function");
        }
        if op == Op::TSETM && a < 1 {
            return bad(pc, "TSETM base too low");
        }
        if matches!(op, Op::ITERL | Op::IITERL) && a < 1 {
            return bad(pc, "ITERL base too low");
        }
        if matches!(op, Op::ITERN)
            && !matches!(
                p.bc.get(pc + 1).map(|&i| bc::op(i)),
                Some(Op::ITERL | Op::IITERL | Op::JITERL)
            )
        {
            return bad(pc, "ITERN without ITERL");
        }
    }
    for k in &p.kgc {
        if let KGc::Proto(child) = k {
            verify(child, Some(p))?;
        }
    }
    Ok(())
}

impl Lua {
    /// Places a prototype in the JIT's address space and returns the address of its
    /// first instruction (`ProtoObj::hot_addr`).
    ///
    /// Hot counters are 64 slots hashed by instruction address. In LuaJIT which loops
    /// and functions share a slot is an accident of its allocator; skein cannot
    /// reproduce those accidents, so it avoids them where it can: each block (LuaJIT's
    /// shape: a 104-byte header, then bytecode, upvalues, constants and line numbers)
    /// starts at the 4-byte offset whose hot-counted instructions (FUNCF, FORL, ITERL,
    /// ITERN, LOOP) meet the fewest slots already taken. The result depends only on the
    /// program, never on unrelated allocations.
    fn place_proto(&mut self, bc: &[u32], nconst: usize, nuv: usize) -> u64 {
        let hot: Vec<u64> = bc
            .iter()
            .enumerate()
            .filter(|(_, &i)| {
                matches!(
                    bc::op(i),
                    Op::FUNCF | Op::FORL | Op::ITERL | Op::ITERN | Op::LOOP
                )
            })
            .map(|(pc, _)| pc as u64 + 1)
            .collect();
        let used = self.heap.hot_slots_used;
        let taken = |o: u64| {
            hot.iter()
                .filter(|&&p| used >> ((o + p) & 63) & 1 == 1)
                .count()
        };
        let shift = (0..64u64).min_by_key(|&o| taken(o)).unwrap_or(0);
        for p in &hot {
            self.heap.hot_slots_used |= 1 << ((shift + p) & 63);
        }
        let block = 104 + 5 * bc.len() as u64 + 2 * nuv as u64 + 8 * nconst as u64;
        let start = (self.heap.next_proto_addr + 255) & !255;
        let hot_addr = start + 4 * shift;
        self.heap.next_proto_addr = (hot_addr + block + 7) & !7;
        hot_addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proto(code: &[u32], framesize: u8) -> Proto {
        let mut bc = vec![bc::ins_ad(Op::FUNCV, framesize as u32, 0)];
        bc.extend_from_slice(code);
        Proto {
            lineinfo: vec![0; bc.len()],
            bc,
            framesize,
            flags: ProtoFlags(ProtoFlags::VARARG),
            ..Proto::default()
        }
    }

    #[test]
    fn verifier_accepts_simple_code_and_rejects_out_of_frame_operands() {
        let ret0 = bc::ins_ad(Op::RET0, 0, 1);
        assert!(verify(&proto(&[bc::ins_ad(Op::KSHORT, 1, 5), ret0], 2), None).is_ok());
        // Slot out of frame.
        assert!(verify(&proto(&[bc::ins_ad(Op::KSHORT, 9, 5), ret0], 2), None).is_err());
        // CALL with C = 0 would underflow the argument count.
        assert!(verify(&proto(&[bc::ins_abc(Op::CALL, 0, 1, 0), ret0], 4), None).is_err());
        // CALL wanting more results than the frame holds.
        assert!(verify(&proto(&[bc::ins_abc(Op::CALL, 0, 200, 1), ret0], 4), None).is_err());
        // Falling off the end.
        assert!(verify(&proto(&[bc::ins_ad(Op::KSHORT, 0, 5)], 2), None).is_err());
        // Jump out of the function.
        assert!(verify(&proto(&[bc::ins_aj(Op::JMP, 0, 50), ret0], 2), None).is_err());
        // Unknown constant.
        assert!(verify(&proto(&[bc::ins_ad(Op::KSTR, 0, 0), ret0], 2), None).is_err());
    }
}
