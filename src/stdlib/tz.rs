//! Local time zones for `os.date` / `os.time`, the way glibc resolves them.
//!
//! [`TimeZone::from_env`] follows glibc: `TZ` unset means `/etc/localtime`; `TZ=""`
//! is UTC; `TZ=":file"` or `TZ="Area/City"` is a TZif file (absolute, or under
//! `/usr/share/zoneinfo`); anything else is a POSIX rule string such as
//! `EST5EDT,M3.2.0,M11.1.0` or `<+03>-3`. What cannot be read or parsed is UTC.
//!
//! A zone is a TZif transition table (version 2+ 64-bit data) plus an optional POSIX
//! rule for times after the last transition (the file's footer), or a rule alone.
//! - [`TimeZone::local_type`]: the offset, DST flag and abbreviation in effect at `t`
//!   (before the first transition glibc uses the first non-DST type).
//! - [`TimeZone::mktime`]: the inverse, following glibc's `mktime`: start from the
//!   offset the previous call found, iterate `t += local - localtime(t)` (at most six
//!   probes); when oscillating in a spring-forward gap, stop at the probe whose DST flag
//!   differs from the requested one (or, with no request, at the DST probe); if
//!   `isdst` was given and disagrees with an exact match, look for a nearby time with the
//!   requested flag (steps of 601200 s, up to about 8.5 years either way) and use its
//!   offset; in a zone that never has that flag, shift by an hour (UTC with
//!   `isdst=true` is one hour earlier).
//!
//! Rules for whoever changes this file: no panics on any file or string (all parsing is
//! bounds-checked); `tests/golden/stdlib/date_tz.txt` pins the behaviour for 13 zones.

use super::date::{days_from_civil, is_leap};

/// One local time type: UTC offset in seconds (east positive), DST flag, abbreviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalType {
    /// Seconds to add to UTC.
    pub utoff: i64,
    /// Daylight saving time in effect.
    pub isdst: bool,
    /// Abbreviation for `%Z`.
    pub abbr: String,
}

impl LocalType {
    fn utc() -> Self {
        LocalType {
            utoff: 0,
            isdst: false,
            abbr: "UTC".into(),
        }
    }
}

/// A day rule of a POSIX TZ string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayRule {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian1(u32),
    /// `n`: day 0..=365, February 29 counted.
    Julian0(u32),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay(u32, u32, u32),
}

/// A day rule with its local time of day in seconds (`M3.2.0/2` → 7200).
type Transition = (DayRule, i64);

/// A rule-based zone: standard type, optional DST type with start and end rules.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PosixTz {
    std: LocalType,
    dst: Option<(LocalType, Transition, Transition)>,
}

/// A time zone: transitions (UTC instants) with the type index that starts at each,
/// the types, and an optional rule for times after the last transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZone {
    transitions: Vec<i64>,
    type_index: Vec<usize>,
    types: Vec<LocalType>,
    rule: Option<PosixTz>,
    /// glibc's `mktime` remembers the offset it found last and starts from it.
    last_west_offset: std::cell::Cell<i64>,
}

/// Where glibc looks for zone files named by `TZ`.
const ZONEINFO_DIR: &str = "/usr/share/zoneinfo";

impl TimeZone {
    /// UTC ("UTC" abbreviation).
    pub fn utc() -> Self {
        TimeZone {
            transitions: Vec::new(),
            type_index: Vec::new(),
            types: vec![LocalType::utc()],
            rule: None,
            last_west_offset: Default::default(),
        }
    }

    /// The local zone as glibc would pick it from the environment.
    pub fn from_env() -> Self {
        let tz = std::env::var("TZ").ok();
        Self::from_tz_value(tz.as_deref())
    }

    /// The zone for a `TZ` value (`None` = unset).
    pub fn from_tz_value(tz: Option<&str>) -> Self {
        let read = |path: &str| std::fs::read(path).ok().and_then(|b| Self::from_tzif(&b));
        match tz {
            None => read("/etc/localtime").unwrap_or_else(Self::utc),
            Some("") => Self::utc(),
            Some(v) => {
                let name = v.strip_prefix(':').unwrap_or(v);
                let path = if name.starts_with('/') {
                    name.to_string()
                } else {
                    format!("{ZONEINFO_DIR}/{name}")
                };
                if !name.contains("..") {
                    if let Some(z) = read(&path) {
                        return z;
                    }
                }
                Self::from_posix(v).unwrap_or_else(Self::utc)
            }
        }
    }

    /// A zone from a POSIX TZ rule string.
    pub fn from_posix(s: &str) -> Option<Self> {
        let rule = parse_posix(s.as_bytes())?;
        Some(TimeZone {
            transitions: Vec::new(),
            type_index: Vec::new(),
            types: vec![rule.std.clone()],
            rule: Some(rule),
            last_west_offset: Default::default(),
        })
    }

    /// A zone from TZif file contents (version 2 or later uses the 64-bit block).
    pub fn from_tzif(b: &[u8]) -> Option<Self> {
        if b.len() < 44 || &b[..4] != b"TZif" {
            return None;
        }
        let version = b[4];
        let counts = |h: &[u8]| -> Option<[usize; 6]> {
            let mut c = [0usize; 6];
            for (k, slot) in c.iter_mut().enumerate() {
                let o = 20 + 4 * k;
                *slot = u32::from_be_bytes(h.get(o..o + 4)?.try_into().ok()?) as usize;
            }
            Some(c)
        };
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(b)?;
        let v1_len = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
        let (data, time_size, leap_size) = if version >= b'2' {
            let h2 = b.get(44 + v1_len..)?;
            if h2.len() < 44 || &h2[..4] != b"TZif" {
                return None;
            }
            (h2, 8usize, 12usize)
        } else {
            (b, 4usize, 8usize)
        };
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(data)?;
        let mut p = 44;
        let mut take = |n: usize| -> Option<&[u8]> {
            let s = data.get(p..p + n)?;
            p += n;
            Some(s)
        };
        let times = take(timecnt * time_size)?;
        let idx = take(timecnt)?;
        let ttinfo = take(typecnt * 6)?;
        let chars = take(charcnt)?;
        take(leap * leap_size)?;
        take(isstd)?;
        take(isut)?;
        let footer_start = p;
        let transitions: Vec<i64> = times
            .chunks(time_size)
            .map(|c| {
                if time_size == 8 {
                    i64::from_be_bytes(c.try_into().unwrap_or([0; 8]))
                } else {
                    i32::from_be_bytes(c.try_into().unwrap_or([0; 4])) as i64
                }
            })
            .collect();
        let types: Vec<LocalType> = ttinfo
            .chunks(6)
            .map(|c| {
                let utoff = i32::from_be_bytes([c[0], c[1], c[2], c[3]]) as i64;
                let start = (c[5] as usize).min(chars.len());
                let end = chars[start..]
                    .iter()
                    .position(|&x| x == 0)
                    .map_or(chars.len(), |e| start + e);
                LocalType {
                    utoff,
                    isdst: c[4] != 0,
                    abbr: String::from_utf8_lossy(&chars[start..end]).into_owned(),
                }
            })
            .collect();
        if types.is_empty() {
            return None;
        }
        let type_index: Vec<usize> = idx
            .iter()
            .map(|&i| (i as usize).min(types.len() - 1))
            .collect();
        let rule = if version >= b'2' {
            let footer = data.get(footer_start..).unwrap_or(b"");
            let footer = footer.strip_prefix(b"\n").unwrap_or(b"");
            let end = footer.iter().position(|&c| c == b'\n').unwrap_or(0);
            parse_posix(&footer[..end])
        } else {
            None
        };
        Some(TimeZone {
            transitions,
            type_index,
            types,
            rule,
            last_west_offset: Default::default(),
        })
    }

    /// The local time type in effect at UTC instant `t`.
    pub fn local_type(&self, t: i64) -> LocalType {
        if let Some(rule) = &self.rule {
            if self.transitions.last().is_none_or(|&last| t >= last) {
                return rule.type_at(t);
            }
        }
        if self.transitions.is_empty() || t < self.transitions[0] {
            return self
                .types
                .iter()
                .find(|ty| !ty.isdst)
                .unwrap_or(&self.types[0])
                .clone();
        }
        let i = self.transitions.partition_point(|&tr| tr <= t);
        self.types[self.type_index[i - 1]].clone()
    }

    /// `mktime`: the UTC instant for local wall-clock seconds `local` (all fields
    /// counted as if UTC, seconds included), the `sec` field as given, and the `isdst`
    /// hint (`None` = let the zone decide). `None` when glibc gives up (-1).
    ///
    /// Like glibc, the first guess uses the offset found by the previous call (state
    /// kept in the zone), seconds outside 0..=59 are clamped for the search and added
    /// back afterwards, and at most six probes are made.
    pub fn mktime(&self, local: i64, sec: i64, isdst: Option<bool>) -> Option<i64> {
        let sec_adjust = sec - sec.clamp(0, 59);
        let target = local - sec_adjust;
        let guess = self.last_west_offset.get();
        let t0 = target + guess;
        let (mut t, mut t1, mut t2) = (t0, t0, t0);
        let mut dst2 = false;
        let mut probes_left = 6;
        let mut found = false;
        loop {
            let ty = self.local_type(t);
            let dt = target - (t + ty.utoff);
            if dt == 0 {
                break;
            }
            let oscillating = t == t1 && t != t2;
            // Prefer a probe whose flag differs from the requested one; with no request,
            // prefer the DST one.
            let prefer_this = match isdst {
                None => ty.isdst && !dst2,
                Some(want) => want != ty.isdst,
            };
            if oscillating && prefer_this {
                // In a spring-forward gap: keep this probe.
                found = true;
                break;
            }
            probes_left -= 1;
            if probes_left == 0 {
                return None;
            }
            t1 = t2;
            t2 = t;
            t += dt;
            dst2 = ty.isdst;
        }
        if !found {
            let ty = self.local_type(t);
            if let Some(want) = isdst.filter(|&w| w != ty.isdst) {
                // Look for a neighbouring time with the requested flag, use its offset.
                const STRIDE: i64 = 601_200;
                const BOUND: i64 = 536_454_000 / 2 + STRIDE;
                let mut delta = STRIDE;
                let mut adjusted = None;
                'probe: while delta < BOUND {
                    for dir in [-1i64, 1] {
                        let other = self.local_type(t.saturating_add(delta * dir));
                        if other.isdst == want {
                            adjusted = Some(target - other.utoff);
                            break 'probe;
                        }
                    }
                    delta += STRIDE;
                }
                // A zone without that flag at all: glibc moves by an hour.
                t = adjusted.unwrap_or(if want { t - 3600 } else { t + 3600 });
            }
        }
        self.last_west_offset.set(t - target);
        Some(t + sec_adjust)
    }
}

impl PosixTz {
    fn type_at(&self, t: i64) -> LocalType {
        let Some((dst, (start_rule, start_time), (end_rule, end_time))) = &self.dst else {
            return self.std.clone();
        };
        // The rules are evaluated for the UTC year of `t`.
        let year = super::date::civil_from_days(t.div_euclid(86_400)).0;
        // Saturating: `t` may be anywhere in i64 (NaN times arrive as i64::MIN).
        let instant = |rule, time: i64, utoff: i64| {
            rule_day(rule, year)
                .saturating_mul(86_400)
                .saturating_add(time - utoff)
        };
        let start = instant(*start_rule, *start_time, self.std.utoff);
        let end = instant(*end_rule, *end_time, dst.utoff);
        let in_dst = if start > end {
            t < end || t >= start
        } else {
            t >= start && t < end
        };
        if in_dst {
            dst.clone()
        } else {
            self.std.clone()
        }
    }
}

/// Days since the epoch of a rule's day in `year`. Like glibc, years before 1970 count
/// from 1970-01-01 (so POSIX rules give no DST before 1970 in the northern hemisphere).
fn rule_day(rule: DayRule, year: i64) -> i64 {
    let jan1 = if year > 1970 {
        days_from_civil(year, 1, 1)
    } else {
        0
    };
    match rule {
        DayRule::Julian1(n) => {
            let extra = i64::from(is_leap(year) && n >= 60);
            jan1 + n as i64 - 1 + extra
        }
        DayRule::Julian0(n) => jan1 + n as i64,
        DayRule::MonthWeekDay(m, w, d) => {
            let real_first = days_from_civil(year, m, 1);
            let first = jan1 + (real_first - days_from_civil(year, 1, 1));
            let wday_first = (real_first + 4).rem_euclid(7);
            let mut day = (d as i64 - wday_first).rem_euclid(7) + (w as i64 - 1) * 7;
            let month_len = days_from_civil(
                if m == 12 { year + 1 } else { year },
                if m == 12 { 1 } else { m + 1 },
                1,
            ) - real_first;
            while day >= month_len {
                day -= 7;
            }
            first + day
        }
    }
}

/// A small cursor for the POSIX TZ grammar.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn name(&mut self) -> Option<String> {
        if self.peek() == Some(b'<') {
            let start = self.i + 1;
            let end = start + self.s[start..].iter().position(|&c| c == b'>')?;
            self.i = end + 1;
            return Some(String::from_utf8_lossy(&self.s[start..end]).into_owned());
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        (self.i - start >= 3).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn number(&mut self, max_digits: usize) -> Option<i64> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) && self.i - start < max_digits {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn hms(&mut self) -> Option<i64> {
        let sign = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                -1
            }
            Some(b'+') => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let h = self.number(3)?;
        let mut secs = h * 3600;
        for scale in [60, 1] {
            if self.peek() == Some(b':') {
                self.i += 1;
                secs += self.number(2)? * scale;
            } else {
                break;
            }
        }
        Some(sign * secs)
    }

    fn rule(&mut self) -> Option<Transition> {
        let day = match self.peek()? {
            b'J' => {
                self.i += 1;
                DayRule::Julian1(self.number(3)?.clamp(1, 365) as u32)
            }
            b'M' => {
                self.i += 1;
                let m = self.number(2)?;
                (self.peek() == Some(b'.')).then_some(())?;
                self.i += 1;
                let w = self.number(1)?;
                (self.peek() == Some(b'.')).then_some(())?;
                self.i += 1;
                let d = self.number(1)?;
                if !(1..=12).contains(&m) || !(1..=5).contains(&w) || d > 6 {
                    return None;
                }
                DayRule::MonthWeekDay(m as u32, w as u32, d as u32)
            }
            _ => DayRule::Julian0(self.number(3)?.min(365) as u32),
        };
        let time = if self.peek() == Some(b'/') {
            self.i += 1;
            self.hms()?
        } else {
            7200
        };
        Some((day, time))
    }
}

/// Parse a POSIX TZ string (offsets are west-positive there; stored east-positive).
fn parse_posix(s: &[u8]) -> Option<PosixTz> {
    let mut c = Cursor { s, i: 0 };
    let std_name = c.name()?;
    let std_off = -c.hms()?;
    let std = LocalType {
        utoff: std_off,
        isdst: false,
        abbr: std_name,
    };
    if c.peek().is_none() {
        return Some(PosixTz { std, dst: None });
    }
    let dst_name = c.name()?;
    let dst_off = match c.peek() {
        Some(b',') | None => std_off + 3600,
        _ => -c.hms()?,
    };
    let dst = LocalType {
        utoff: dst_off,
        isdst: true,
        abbr: dst_name,
    };
    let (start, end) = if c.peek() == Some(b',') {
        c.i += 1;
        let start = c.rule()?;
        (c.peek() == Some(b',')).then_some(())?;
        c.i += 1;
        (start, c.rule()?)
    } else {
        // glibc's default rules (US, as in its "posixrules").
        (
            (DayRule::MonthWeekDay(3, 2, 0), 7200),
            (DayRule::MonthWeekDay(11, 1, 0), 7200),
        )
    };
    if c.peek().is_some() {
        return None;
    }
    Some(PosixTz {
        std,
        dst: Some((dst, start, end)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_rules() {
        let z = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        assert_eq!(z.local_type(1_700_000_000).abbr, "EST");
        assert_eq!(z.local_type(1_690_000_000).abbr, "EDT");
        assert_eq!(z.local_type(1_690_000_000).utoff, -4 * 3600);
        let z = TimeZone::from_posix("<+03>-3").unwrap();
        assert_eq!(z.local_type(0).utoff, 3 * 3600);
        assert_eq!(z.local_type(0).abbr, "+03");
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(TimeZone::from_tzif(b"TZif2garbage").is_none());
        assert!(TimeZone::from_posix("X").is_none());
        assert_eq!(TimeZone::from_tz_value(Some("")), TimeZone::utc());
    }
}
