//! Trace abort reasons: LuaJIT 2.1's 35 `TraceError` codes and their message texts.
//!
//! One declarative list generates the enum, the message templates and the numbering
//! (`jit.vmdef.traceerr` order). Messages with a `%d` or `%s` take one argument, filled in
//! by [`TraceError::format`]. The recorder aborts with these, jit.v and jit.dump print them,
//! and the offline analyser parses them back with [`TraceError::parse`].

macro_rules! tredef {
    ($( $name:ident = $msg:literal ; )*) => {
        /// Why a trace was aborted, in LuaJIT's numbering.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum TraceError { $( #[doc = concat!("\"", $msg, "\"")] $name, )* }

        /// Every abort reason in numbering order.
        pub const ALL_TRACE_ERRORS: &[TraceError] = &[ $( TraceError::$name, )* ];

        const TRACE_ERROR_MESSAGES: &[&str] = &[ $( $msg, )* ];

        const TRACE_ERROR_NAMES: &[&str] = &[ $( stringify!($name), )* ];
    };
}

tredef! {
    ErrHook = "error thrown or hook called during recording";
    TraceTooShort = "trace too short";
    TraceTooLong = "trace too long";
    TraceTooDeep = "trace too deep";
    TooManySnapshots = "too many snapshots";
    Blacklisted = "blacklisted";
    RetryRecording = "retry recording";
    NyiBytecode = "NYI: bytecode %d";
    LeavingLoop = "leaving loop in root trace";
    InnerLoop = "inner loop in root trace";
    LoopUnroll = "loop unroll limit reached";
    BadArgType = "bad argument type";
    JitDisabled = "JIT compilation disabled for function";
    CallUnroll = "call unroll limit reached";
    DownRecursion = "down-recursion, restarting";
    NyiFastFunc = "NYI: unsupported variant of FastFunc %s";
    NyiReturnLower = "NYI: return to lower frame";
    StoreNilKey = "store with nil or NaN key";
    MissingMeta = "missing metamethod";
    LoopingIndex = "looping index lookup";
    NyiMixedTable = "NYI: mixed sparse/dense table";
    SymbolNotCached = "symbol not in cache";
    NyiCConv = "NYI: unsupported C type conversion";
    NyiCFuncType = "NYI: unsupported C function type";
    GuardFails = "guard would always fail";
    TooManyPhis = "too many PHIs";
    TypeInstability = "persistent type instability";
    McodeAlloc = "failed to allocate mcode memory";
    McodeTooLong = "machine code too long";
    McodeLimit = "hit mcode limit (retrying)";
    TooManySpills = "too many spill slots";
    BadRegAlloc = "inconsistent register allocation";
    NyiAssemble = "NYI: cannot assemble IR instruction %d";
    NyiPhiShuffle = "NYI: PHI shuffling too complex";
    NyiCoalesce = "NYI: register coalescing too complex";
}

impl TraceError {
    /// LuaJIT's number for the reason.
    #[inline]
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The reason with number `n`.
    pub fn from_code(n: u8) -> Option<TraceError> {
        ALL_TRACE_ERRORS.get(n as usize).copied()
    }

    /// The message template, `%d` / `%s` unfilled.
    pub fn template(self) -> &'static str {
        TRACE_ERROR_MESSAGES[self as usize]
    }

    /// The Rust-side name of the reason (`NyiBytecode`).
    pub fn name(self) -> &'static str {
        TRACE_ERROR_NAMES[self as usize]
    }

    /// Whether the message takes an argument.
    pub fn takes_arg(self) -> bool {
        self.template().contains('%')
    }

    /// The message with its argument filled in (`NYI: bytecode 51`).
    pub fn format(self, arg: Option<&str>) -> String {
        let t = self.template();
        match (t.find('%'), arg) {
            (Some(i), Some(arg)) => format!("{}{}{}", &t[..i], arg, &t[i + 2..]),
            _ => t.to_string(),
        }
    }

    /// Recognises a formatted message; returns the reason and its argument, if any.
    pub fn parse(msg: &str) -> Option<(TraceError, Option<&str>)> {
        for &e in ALL_TRACE_ERRORS {
            let t = e.template();
            match t.find('%') {
                None if msg == t => return Some((e, None)),
                Some(i) => {
                    let (pre, post) = (&t[..i], &t[i + 2..]);
                    if msg.len() > pre.len() + post.len()
                        && msg.starts_with(pre)
                        && msg.ends_with(post)
                    {
                        return Some((e, Some(&msg[pre.len()..msg.len() - post.len()])));
                    }
                }
                None => {}
            }
        }
        None
    }
}

const _: () = assert!(TraceError::NyiBytecode as u8 == 7 && TraceError::NyiCoalesce as u8 == 34);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_parse_round_trip() {
        assert_eq!(ALL_TRACE_ERRORS.len(), 35);
        let m = TraceError::NyiBytecode.format(Some("51"));
        assert_eq!(m, "NYI: bytecode 51");
        assert_eq!(
            TraceError::parse(&m),
            Some((TraceError::NyiBytecode, Some("51")))
        );
        assert_eq!(
            TraceError::parse("leaving loop in root trace"),
            Some((TraceError::LeavingLoop, None))
        );
        assert_eq!(TraceError::parse("no such thing"), None);
    }
}
