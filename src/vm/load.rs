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
use crate::bc::{self, KGc, KValue, Op, Proto, ProtoFlags, UvDesc, VarInfo};

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
                    for (i, kv) in kt.array.iter().enumerate() {
                        let v = self.kvalue(kv);
                        if !v.is_nil() {
                            t.set(Value::num(i as f64), v);
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
        let obj = ProtoObj {
            hdr: GcHeader::new(GcKind::Proto),
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
    if r.bytes(3).map_err(|e| err(&e))? != b"\x1bLJ" || r.byte().map_err(|e| err(&e))? != 2 {
        return Err(err("bad bytecode header (not LuaJIT 2.1 bytecode)"));
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
    body().map_err(|e| err(&e))
}
