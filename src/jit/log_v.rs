//! jit.v: one line per finished or aborted trace, exactly as LuaJIT's `jit/v.lua` prints.
//!
//! A [`VLog`] reads the event stream. On `Start` it remembers the start location and the
//! `(parent/exit) ` prefix; on `Stop` and `Abort` it prints:
//!
//! ```text
//! [TRACE   1 t1.lua:19 loop]                      link to itself: the link type
//! [TRACE   2 (1/3) t1.lua:5 -> 2]                 link to another root trace
//! [TRACE   3 (2/1) t1.lua:9 -- fallback to interpreter]
//! [TRACE   1 t1.lua:3 stitch unpack]              stitch: the function it stopped at
//! [TRACE --- t1.lua:4 -- NYI: bytecode 51 at t1.lua:8]   abort elsewhere than the start
//! [TRACE flush]
//! ```
//!
//! Exits print nothing. Rules: this is a fidelity-contract format (byte-identical to
//! LuaJIT); change it only with a conformance case proving the new text.

use super::events::TraceEvent;
use super::ids::FuncNames;
use super::link::LinkType;

/// The jit.v formatter state.
#[derive(Clone, Debug, Default)]
pub struct VLog {
    startloc: String,
    startex: String,
}

impl VLog {
    /// A fresh formatter.
    pub fn new() -> VLog {
        VLog::default()
    }

    /// The line for `ev` (with its newline), or `None` for events jit.v does not print.
    pub fn format(&mut self, ev: &TraceEvent, names: &dyn FuncNames) -> Option<String> {
        match ev {
            TraceEvent::Start {
                func, pc, parent, ..
            } => {
                self.startloc = names.func_loc(*func, Some(*pc));
                self.startex = match parent {
                    Some((no, ex)) => format!("({}/{}) ", no.0, ex),
                    None => String::new(),
                };
                None
            }
            TraceEvent::Abort {
                func, pc, err, arg, ..
            } => {
                let loc = names.func_loc(*func, Some(*pc));
                let msg = err.format(arg.as_deref());
                Some(if loc != self.startloc {
                    format!(
                        "[TRACE --- {}{} -- {} at {}]\n",
                        self.startex, self.startloc, msg, loc
                    )
                } else {
                    format!("[TRACE --- {}{} -- {}]\n", self.startex, self.startloc, msg)
                })
            }
            TraceEvent::Stop {
                no,
                func,
                pc,
                link,
                link_type,
            } => {
                let (ex, loc) = (&self.startex, &self.startloc);
                let tr = no.0;
                Some(match link_type {
                    LinkType::Interpreter => {
                        format!("[TRACE {tr:>3} {ex}{loc} -- fallback to interpreter]\n")
                    }
                    LinkType::Stitch => {
                        format!(
                            "[TRACE {tr:>3} {ex}{loc} stitch {}]\n",
                            names.func_loc(*func, Some(*pc))
                        )
                    }
                    _ if *link == tr || *link == 0 => {
                        format!("[TRACE {tr:>3} {ex}{loc} {}]\n", link_type.name())
                    }
                    LinkType::Root => format!("[TRACE {tr:>3} {ex}{loc} -> {link}]\n"),
                    _ => format!("[TRACE {tr:>3} {ex}{loc} -> {link} {}]\n", link_type.name()),
                })
            }
            TraceEvent::Exit { .. } | TraceEvent::Record { .. } => None,
            TraceEvent::Flush => Some("[TRACE flush]\n".to_string()),
        }
    }

    /// Formats a whole event sequence into one log text.
    pub fn format_all<'a>(
        &mut self,
        evs: impl IntoIterator<Item = &'a TraceEvent>,
        names: &dyn FuncNames,
    ) -> String {
        evs.into_iter()
            .filter_map(|e| self.format(e, names))
            .collect()
    }
}
