//! Bytecode lines of live prototypes for `jit.dump` mode `b`.
//!
//! jit.dump prints every bytecode the recorder is about to record, in jit.bc's listing
//! format with ` .` per inlining level, as it stands in the running program: patched
//! opcodes (`JFORL`, `JLOOP`, `IFUNCF`, …) show as such. This module adapts the VM's
//! prototypes ([`ProtoObj`]) to the front end's instruction-line formatter
//! ([`crate::front::listing::instruction_line`]) and serves them to the dump formatter
//! by [`ProtoKey`] ([`BcLines`]).
//!
//! Rules for whoever changes this: the line format belongs to the listing module; this
//! file only looks constants up in the live prototype.

use crate::bc::proto::trace_location_source;
use crate::front::{instruction_line, BcSource};
use crate::jit::ids::ProtoKey;
use crate::jit::log_dump::BcLines;
use crate::vm::object::{ProtoObj, ProtoRef};
use hashbrown::HashMap;

/// A live prototype as a [`BcSource`].
struct Live<'a>(&'a ProtoObj);

impl BcSource for Live<'_> {
    fn ins(&self, pc: usize) -> Option<u32> {
        self.0.bc.get(pc).copied()
    }
    fn kstr(&self, d: u32) -> Option<Vec<u8>> {
        self.0
            .kgc
            .get(d as usize)
            .and_then(|v| v.as_str())
            .map(|s| s.as_bytes().to_vec())
    }
    fn knum(&self, d: u32) -> Option<f64> {
        self.0.knum.get(d as usize).and_then(|v| v.as_num())
    }
    fn kproto_loc(&self, d: u32) -> Option<String> {
        let child = self.0.kgc.get(d as usize)?.as_proto()?;
        let dbg = &child.get_mut().debug;
        Some(format!(
            "{}:{}",
            trace_location_source(&dbg.chunkname, child.addr()),
            dbg.firstline
        ))
    }
    fn uvname(&self, i: u32) -> Vec<u8> {
        self.0
            .debug
            .uvnames
            .get(i as usize)
            .map(|s| s.to_vec())
            .unwrap_or_default()
    }
}

/// The prototypes the JIT knows, by key, as a [`BcLines`] provider.
pub struct LiveBcLines<'a> {
    /// Key → live prototype (the driver's table).
    pub protos: &'a HashMap<ProtoKey, ProtoRef>,
}

impl BcLines for LiveBcLines<'_> {
    fn bc_line(&self, proto: ProtoKey, pc: u32, prefix: &str) -> String {
        let Some(p) = self.protos.get(&proto) else {
            return format!("{pc:04} {prefix} ???\n");
        };
        let mut line = instruction_line(&Live(p.get_mut()), pc as usize, prefix);
        line.push(b'\n');
        String::from_utf8_lossy(&line).into_owned()
    }
    fn bc_op(&self, proto: ProtoKey, pc: u32) -> u8 {
        self.protos
            .get(&proto)
            .and_then(|p| p.get_mut().bc.get(pc as usize).copied())
            .map_or(0xff, |ins| (ins & 0xff) as u8)
    }
}
