//! `jit.opt` parameters and optimisation flags, with LuaJIT 2.1's defaults (x86-64).
//!
//! One [`jit_params!`] table lists every numeric parameter with its default and meaning,
//! one [`jit_flags!`] table every optimisation flag with the level that turns it on.
//! [`JitOpts::apply`] parses the argument strings of `jit.opt.start(...)`: `"hotloop=10"`
//! sets a parameter, `"-fold"` / `"+fold"` / `"fold"` clears or sets a flag, `"0"`..`"3"`
//! selects an optimisation level (flags reset to that level's set, parameters untouched).
//! Rules: a new parameter or flag goes into the table, nowhere else; defaults are facts of
//! LuaJIT and must match `jit.opt` there.

use std::fmt;

macro_rules! jit_params {
    ($( $name:ident = $default:expr ; $doc:literal )*) => {
        /// Numeric JIT parameters (`jit.opt.start("name=value")`).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct JitParams { $( #[doc = $doc] pub $name: i32, )* }

        impl Default for JitParams {
            fn default() -> Self { JitParams { $( $name: $default, )* } }
        }

        /// Parameter names in LuaJIT's order.
        pub const PARAM_NAMES: &[&str] = &[ $( stringify!($name), )* ];

        impl JitParams {
            /// The parameter called `name`.
            pub fn get_mut(&mut self, name: &str) -> Option<&mut i32> {
                match name { $( stringify!($name) => Some(&mut self.$name), )* _ => None }
            }
            /// The value of the parameter called `name`.
            pub fn get(&self, name: &str) -> Option<i32> {
                match name { $( stringify!($name) => Some(self.$name), )* _ => None }
            }
        }
    };
}

jit_params! {
    maxtrace = 1000; "Max. number of traces in the cache."
    maxrecord = 4000; "Max. number of recorded IR instructions."
    maxirconst = 500; "Max. number of IR constants of a trace."
    maxside = 100; "Max. number of side traces of a root trace."
    maxsnap = 500; "Max. number of snapshots for a trace."
    minstitch = 0; "Min. number of IR ins for a stitched trace."
    hotloop = 56; "Number of iterations to detect a hot loop or hot call."
    hotexit = 10; "Number of taken exits to start a side trace."
    tryside = 4; "Number of attempts to compile a side trace."
    instunroll = 4; "Max. unroll factor for instable loops."
    loopunroll = 15; "Max. unroll factor for loop ops in side traces."
    callunroll = 3; "Max. unroll factor for pseudo-recursive calls."
    recunroll = 2; "Min. unroll factor for true recursion."
    sizemcode = 64; "Size of each machine code area in KBytes."
    maxmcode = 512; "Max. total size of all machine code areas in KBytes."
}

macro_rules! jit_flags {
    ($( $name:ident / $cname:ident = $bit:expr, level $lvl:expr ; )*) => {
        /// Optimisation flags, one bit each.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub struct OptFlags(pub u32);

        /// Flag names and bits, in LuaJIT's order.
        pub const FLAG_NAMES: &[(&str, u32, u8)] = &[ $( (stringify!($name), $bit, $lvl), )* ];

        impl OptFlags {
            $( #[doc = concat!("The `", stringify!($name), "` flag.")] pub const $cname: u32 = $bit; )*
        }
    };
}

jit_flags! {
    fold / FOLD = 1 << 0, level 1;
    cse / CSE = 1 << 1, level 1;
    dce / DCE = 1 << 2, level 1;
    fwd / FWD = 1 << 3, level 2;
    dse / DSE = 1 << 4, level 2;
    narrow / NARROW = 1 << 5, level 2;
    loop / LOOP = 1 << 6, level 2;
    abc / ABC = 1 << 7, level 3;
    sink / SINK = 1 << 8, level 3;
    fuse / FUSE = 1 << 9, level 3;
}

impl OptFlags {
    /// The flags of optimisation level `lvl` (0..3); LuaJIT's default is 3.
    pub fn level(lvl: u8) -> OptFlags {
        OptFlags(
            FLAG_NAMES
                .iter()
                .filter(|f| f.2 <= lvl)
                .fold(0, |a, f| a | f.1),
        )
    }
    /// Whether `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

impl Default for OptFlags {
    fn default() -> Self {
        OptFlags::level(3)
    }
}

/// Parameters plus flags: everything `jit.opt.start` sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JitOpts {
    /// Numeric parameters.
    pub params: JitParams,
    /// Optimisation flags.
    pub flags: OptFlags,
}

/// A bad `jit.opt.start` argument; displays as LuaJIT's error text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadOpt(pub String);

impl fmt::Display for BadOpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown or malformed optimization flag '{}'", self.0)
    }
}

impl JitOpts {
    /// Applies one `jit.opt.start` argument.
    pub fn apply(&mut self, arg: &str) -> Result<(), BadOpt> {
        let bad = || BadOpt(arg.to_string());
        if arg.len() == 1 && arg.as_bytes()[0].is_ascii_digit() {
            let lvl = arg.as_bytes()[0] - b'0';
            if lvl > 3 {
                return Err(bad());
            }
            self.flags = OptFlags::level(lvl);
            return Ok(());
        }
        if let Some((name, val)) = arg.split_once('=') {
            let v: i32 = val.parse().map_err(|_| bad())?;
            *self.params.get_mut(name).ok_or_else(bad)? = v;
            return Ok(());
        }
        let (set, name) = match arg.as_bytes().first() {
            Some(b'-') => (false, &arg[1..]),
            Some(b'+') => (true, &arg[1..]),
            _ => (true, arg),
        };
        let bit = FLAG_NAMES.iter().find(|f| f.0 == name).ok_or_else(bad)?.1;
        if set {
            self.flags.0 |= bit;
        } else {
            self.flags.0 &= !bit;
        }
        Ok(())
    }

    /// Applies every argument in order, stopping at the first bad one.
    pub fn apply_all<'a>(&mut self, args: impl IntoIterator<Item = &'a str>) -> Result<(), BadOpt> {
        args.into_iter().try_for_each(|a| self.apply(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_parsing() {
        let mut o = JitOpts::default();
        assert_eq!(o.params.hotloop, 56);
        assert_eq!(o.params.maxmcode, 512);
        assert_eq!(PARAM_NAMES.len(), 15);
        assert!(o.flags.has(OptFlags::FUSE));
        o.apply_all(["hotloop=10", "-fold", "maxtrace=7"]).unwrap();
        assert_eq!(o.params.hotloop, 10);
        assert_eq!(o.params.maxtrace, 7);
        assert!(!o.flags.has(OptFlags::FOLD));
        o.apply("+fold").unwrap();
        assert!(o.flags.has(OptFlags::FOLD));
        o.apply("1").unwrap();
        assert_eq!(
            o.flags,
            OptFlags(OptFlags::FOLD | OptFlags::CSE | OptFlags::DCE)
        );
        assert_eq!(
            o.apply("nosuch").unwrap_err().to_string(),
            "unknown or malformed optimization flag 'nosuch'"
        );
        assert!(o.apply("hotloop=x").is_err());
        assert!(o.apply("7").is_err());
    }
}
