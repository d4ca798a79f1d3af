//! `os.date` and `os.time(table)` without libc, behaving like LuaJIT 2.1 on glibc.
//!
//! LuaJIT hands the whole `os.date` format to the C library's `strftime`, so the
//! reference here is glibc 2.36 in the C locale: every conversion glibc knows
//! (`%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t
//! %T %u %U %V %w %W %x %X %y %Y %z %Z %%`), the flags `_ - 0 ^ #`, a field width, and
//! the `E`/`O` modifiers where glibc accepts them. Anything else is copied literally
//! from its `%` (padded to the width), which is also what a trailing `%` gives.
//!
//! Time zones come from [`super::tz::TimeZone`] (TZ / `/etc/localtime`, TZif files and
//! POSIX rules, as glibc resolves them); `!` formats are UTC with `%Z` = "GMT".
//!
//! Calendar arithmetic is proleptic Gregorian on 64-bit day counts (the classic
//! days-from-civil / civil-from-days conversion), valid for every time whose year fits
//! C's `int tm_year`; outside that `os.date` returns nil like glibc's `gmtime`.
//!
//! `os.time(t)` normalises like `mktime`: fields may overflow (month 14, day 40,
//! negative minutes) and resolves the local time with the zone (see `TimeZone::mktime`:
//! in UTC, `isdst = true` subtracts an hour, as glibc does in a zone
//! without DST); a result of exactly -1 is nil, as in the reference.
//!
//! Rules for whoever changes this file: no panics and no arithmetic overflow on any
//! input (fields are i32, sums are i64); check changes against
//! `tests/golden/stdlib/date.txt` and `date_tz.txt`.

use super::tz::TimeZone;

/// Broken-down time, as C's `struct tm` but with the full year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tm {
    /// Full year (tm_year + 1900); `tm_year` fits an i32.
    pub year: i64,
    /// Month 1..=12.
    pub month: u32,
    /// Day of month 1..=31.
    pub day: u32,
    /// Hour 0..=23.
    pub hour: u32,
    /// Minute 0..=59.
    pub min: u32,
    /// Second 0..=59.
    pub sec: u32,
    /// Day of week, 0 = Sunday.
    pub wday: u32,
    /// Day of year, 0-based.
    pub yday: u32,
    /// Always false (local time is UTC).
    pub isdst: bool,
}

/// Days since 1970-01-01 of the civil date (proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

impl Tm {
    /// Broken-down UTC time of `t` seconds since the epoch; `None` when the year does
    /// not fit C's `int tm_year` (where `gmtime` fails and `os.date` returns nil).
    pub fn from_time(t: i64) -> Option<Tm> {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        if year - 1900 > i32::MAX as i64 || year - 1900 < i32::MIN as i64 {
            return None;
        }
        let yday = (days - days_from_civil(year, 1, 1)) as u32;
        Some(Tm {
            year,
            month,
            day,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            wday: (days + 4).rem_euclid(7) as u32,
            yday,
            isdst: false,
        })
    }
}

/// `double` time argument to `time_t` as C's cast does on x86-64 (truncation; out of
/// range and NaN give i64::MIN, for which `os.date` is nil).
pub fn time_from_number(x: f64) -> i64 {
    super::format::to_i64(x)
}

/// A date-table field as `os.time` reads it: truncated and wrapped to a C `int`.
pub fn field_from_number(x: f64) -> i32 {
    time_from_number(x) as i32
}

/// The fields `os.time(t)` reads (the binding applies the defaults hour=12, min=0,
/// sec=0 and raises "field 'day' missing in date table" for missing day/month/year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFields {
    /// `year` (full year).
    pub year: i32,
    /// `month` (1-based, may overflow).
    pub month: i32,
    /// `day`.
    pub day: i32,
    /// `hour`.
    pub hour: i32,
    /// `min`.
    pub min: i32,
    /// `sec`.
    pub sec: i32,
    /// `isdst`: `None` when absent (nil).
    pub isdst: Option<bool>,
}

/// `os.time(t)`: normalise like `mktime` in `zone`; `None` (nil) when the result
/// does not fit or is exactly -1.
pub fn os_time(f: &DateFields, zone: &TimeZone) -> Option<i64> {
    let tm_year = f.year.wrapping_sub(1900) as i64;
    let months = tm_year * 12 + f.month as i64 - 1;
    let year = 1900 + months.div_euclid(12);
    let month = months.rem_euclid(12) as u32 + 1;
    let days = days_from_civil(year, month, 1) + f.day as i64 - 1;
    let local = days * 86_400 + f.hour as i64 * 3600 + f.min as i64 * 60 + f.sec as i64;
    let t = zone.mktime(local, f.sec as i64, f.isdst)?;
    Tm::from_time(t)?;
    if t == -1 {
        None
    } else {
        Some(t)
    }
}

/// What `os.date` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OsDate {
    /// The time cannot be broken down: nil.
    Nil,
    /// `*t` / `!*t`: the table fields.
    Table(Tm),
    /// Formatted text.
    Text(Vec<u8>),
}

/// The zone facts `strftime` needs: `%Z`, `%z`, and what `%s` prints.
#[derive(Debug, Clone, Copy)]
pub struct ZoneView<'a> {
    /// Abbreviation for `%Z` ("GMT" for `!` formats, as glibc's gmtime sets it).
    pub abbr: &'a str,
    /// UTC offset in seconds for `%z`.
    pub utoff: i64,
    /// The local zone: glibc's `%s` runs `mktime` on the broken-down time (so for `!`
    /// formats the UTC fields are read as local time, and the call updates mktime's
    /// remembered offset, exactly like glibc).
    pub zone: &'a TimeZone,
    /// The broken-down time's fields as seconds (as if UTC), for `%s`.
    pub fields_secs: i64,
    /// The broken-down time's `isdst`, passed to `mktime` by `%s`.
    pub isdst: bool,
}

/// `os.date(format, t)` in the local `zone`; a leading `!` selects UTC.
pub fn os_date(format: &[u8], t: i64, zone: &TimeZone) -> OsDate {
    let (utc, fmt) = match format.first() {
        Some(b'!') => (true, &format[1..]),
        _ => (false, format),
    };
    let local_type;
    let (tm, view) = if utc {
        let Some(tm) = Tm::from_time(t) else {
            return OsDate::Nil;
        };
        let view = ZoneView {
            abbr: "GMT",
            utoff: 0,
            zone,
            fields_secs: t,
            isdst: false,
        };
        (tm, view)
    } else {
        local_type = zone.local_type(t);
        let Some(local) = t.checked_add(local_type.utoff) else {
            return OsDate::Nil;
        };
        let Some(mut tm) = Tm::from_time(local) else {
            return OsDate::Nil;
        };
        tm.isdst = local_type.isdst;
        let view = ZoneView {
            abbr: &local_type.abbr,
            utoff: local_type.utoff,
            zone,
            fields_secs: local,
            isdst: local_type.isdst,
        };
        (tm, view)
    };
    // strftime reads the format as a C string.
    let fmt = fmt.split(|&b| b == 0).next().unwrap_or(b"");
    if fmt.starts_with(b"*t") {
        return OsDate::Table(tm);
    }
    let mut out = Vec::new();
    strftime(&mut out, fmt, &tm, &view, false);
    OsDate::Text(out)
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// glibc's ISO 8601 helper: days since the Monday of ISO week 1 of the year.
fn iso_week_days(yday: i64, wday: i64) -> i64 {
    const BIG_ENOUGH_MULTIPLE_OF_7: i64 = (366 / 7 + 2) * 7;
    yday - (yday - wday + 4 + BIG_ENOUGH_MULTIPLE_OF_7) % 7 + 3
}

/// ISO year and 0-based day offset into its week-numbering.
fn iso_year_days(tm: &Tm) -> (i64, i64) {
    let mut year = tm.year;
    let yday = tm.yday as i64;
    let wday = tm.wday as i64;
    let mut days = iso_week_days(yday, wday);
    if days < 0 {
        year -= 1;
        days = iso_week_days(yday + 365 + i64::from(is_leap(year)), wday);
    } else {
        let d = iso_week_days(yday - 365 - i64::from(is_leap(year)), wday);
        if d >= 0 {
            year += 1;
            days = d;
        }
    }
    (year, days)
}

/// Flags of one conversion.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// `_`, `-` or `0` (the last one given), or 0.
    pad: u8,
    upper: bool,
    change_case: bool,
    width: Option<usize>,
}

fn push_padded(out: &mut Vec<u8>, text: &[u8], width: Option<usize>, zero: bool) {
    let fill = width.unwrap_or(0).saturating_sub(text.len());
    out.extend(std::iter::repeat_n(if zero { b'0' } else { b' ' }, fill));
    out.extend_from_slice(text);
}

/// A text conversion (names, subformats, literal copies): explicit `0` pads with zeros,
/// anything else with spaces.
fn push_text(out: &mut Vec<u8>, text: &[u8], fl: &Flags, upper: bool, lower: bool) {
    let text: Vec<u8> = if lower {
        text.to_ascii_lowercase()
    } else if upper {
        text.to_ascii_uppercase()
    } else {
        text.to_vec()
    };
    push_padded(out, &text, fl.width, fl.pad == b'0');
}

/// A numeric conversion with `digits` natural digits (glibc's DO_NUMBER).
fn push_number(out: &mut Vec<u8>, value: i64, digits: usize, fl: &Flags, space_pad: bool) {
    let pad = if fl.pad == 0 && space_pad {
        b'_'
    } else {
        fl.pad
    };
    let body = value.unsigned_abs().to_string();
    let sign: &[u8] = if value < 0 { b"-" } else { b"" };
    let (target, zero) = match pad {
        b'-' => (fl.width.unwrap_or(0), false),
        b'_' => (fl.width.unwrap_or(0).max(digits), false),
        _ => (fl.width.unwrap_or(0).max(digits), true),
    };
    let len = sign.len() + body.len();
    let fill = target.saturating_sub(len);
    if zero {
        out.extend_from_slice(sign);
        out.extend(std::iter::repeat_n(b'0', fill));
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(sign);
    }
    out.extend_from_slice(body.as_bytes());
}

/// glibc `strftime` (C locale) of `fmt` for `tm` in `zone`; `upper` forces upper case
/// (for `%^c` subformats).
pub fn strftime(out: &mut Vec<u8>, fmt: &[u8], tm: &Tm, zone: &ZoneView<'_>, upper: bool) {
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut fl = Flags {
            upper,
            ..Flags::default()
        };
        while let Some(&f) = fmt.get(i) {
            match f {
                b'_' | b'-' | b'0' => fl.pad = f,
                b'^' => fl.upper = true,
                b'#' => fl.change_case = true,
                _ => break,
            }
            i += 1;
        }
        let mut width: usize = 0;
        let mut has_width = false;
        while let Some(&d) = fmt.get(i) {
            if !d.is_ascii_digit() {
                break;
            }
            width = width
                .saturating_mul(10)
                .saturating_add((d - b'0') as usize)
                .min(1 << 20);
            has_width = true;
            i += 1;
        }
        fl.width = has_width.then_some(width);
        let mut modifier = 0u8;
        if let Some(&m) = fmt.get(i) {
            if m == b'E' || m == b'O' {
                modifier = m;
                i += 1;
            }
        }
        let conv = fmt.get(i).copied();
        let ok_with_modifier = match (modifier, conv) {
            (0, _) => true,
            (b'E', Some(c)) => b"cCnpPrRstTuxXyYzZ%".contains(&c),
            (_, Some(c)) => b"bBCdegGhHIjklmMnpPrRsStTuUVwWyzZ%".contains(&c),
            _ => false,
        };
        let Some(conv) = conv.filter(|_| ok_with_modifier) else {
            // Bad or missing conversion: copy the specification literally.
            let end = (i + 1).min(fmt.len());
            push_text(out, &fmt[start..end], &fl, fl.upper, false);
            i = end;
            continue;
        };
        i += 1;
        let year = (tm.year - 1900) as i32 as i64;
        let display_year = (year as i32).wrapping_add(1900) as i64;
        let hour12 = match tm.hour % 12 {
            0 => 12,
            h => h as i64,
        };
        let sub = |out: &mut Vec<u8>, f: &[u8], fl: &Flags| {
            let mut tmp = Vec::new();
            strftime(&mut tmp, f, tm, zone, fl.upper);
            push_text(out, &tmp, fl, false, false);
        };
        match conv {
            b'%' => push_text(out, b"%", &fl, false, false),
            b'a' | b'A' => {
                let name = WEEKDAYS[tm.wday as usize % 7];
                let name = if conv == b'a' { &name[..3] } else { name };
                push_text(out, name.as_bytes(), &fl, fl.upper || fl.change_case, false);
            }
            b'b' | b'h' | b'B' => {
                let name = MONTHS[(tm.month as usize + 11) % 12];
                let name = if conv == b'B' { name } else { &name[..3] };
                push_text(out, name.as_bytes(), &fl, fl.upper || fl.change_case, false);
            }
            b'p' | b'P' => {
                let text = if tm.hour >= 12 { "PM" } else { "AM" };
                let lower = conv == b'P' || fl.change_case;
                push_text(out, text.as_bytes(), &fl, fl.upper, lower);
            }
            b'Z' => {
                push_text(out, zone.abbr.as_bytes(), &fl, fl.upper, fl.change_case);
            }
            b'c' => sub(out, b"%a %b %e %H:%M:%S %Y", &fl),
            b'D' | b'x' => sub(out, b"%m/%d/%y", &fl),
            b'F' => sub(out, b"%Y-%m-%d", &fl),
            b'r' => sub(out, b"%I:%M:%S %p", &fl),
            b'R' => sub(out, b"%H:%M", &fl),
            b'T' | b'X' => sub(out, b"%H:%M:%S", &fl),
            b'n' => push_text(out, b"\n", &fl, false, false),
            b't' => push_text(out, b"\t", &fl, false, false),
            b'C' => push_number(out, display_year.div_euclid(100), 1, &fl, false),
            b'd' => push_number(out, tm.day as i64, 2, &fl, false),
            b'e' => push_number(out, tm.day as i64, 2, &fl, true),
            b'H' => push_number(out, tm.hour as i64, 2, &fl, false),
            b'I' => push_number(out, hour12, 2, &fl, false),
            b'k' => push_number(out, tm.hour as i64, 2, &fl, true),
            b'l' => push_number(out, hour12, 2, &fl, true),
            b'j' => push_number(out, tm.yday as i64 + 1, 3, &fl, false),
            b'm' => push_number(out, tm.month as i64, 2, &fl, false),
            b'M' => push_number(out, tm.min as i64, 2, &fl, false),
            b'S' => push_number(out, tm.sec as i64, 2, &fl, false),
            // %s pads like text: spaces, or zeros (even before a minus) under `0`.
            b's' => {
                let epoch = zone
                    .zone
                    .mktime(zone.fields_secs, tm.sec as i64, Some(zone.isdst))
                    .unwrap_or(-1);
                push_text(out, epoch.to_string().as_bytes(), &fl, false, false)
            }
            b'u' => push_number(out, (tm.wday as i64 + 6) % 7 + 1, 1, &fl, false),
            b'w' => push_number(out, tm.wday as i64, 1, &fl, false),
            b'U' => push_number(
                out,
                (tm.yday as i64 + 7 - tm.wday as i64) / 7,
                2,
                &fl,
                false,
            ),
            b'W' => push_number(
                out,
                (tm.yday as i64 + 7 - (tm.wday as i64 + 6) % 7) / 7,
                2,
                &fl,
                false,
            ),
            b'V' => push_number(out, iso_year_days(tm).1 / 7 + 1, 2, &fl, false),
            b'G' => push_number(out, iso_year_days(tm).0, 1, &fl, false),
            b'g' => push_number(out, iso_year_days(tm).0.rem_euclid(100), 2, &fl, false),
            b'y' => push_number(out, year.rem_euclid(100), 2, &fl, false),
            b'Y' => push_number(out, display_year, 1, &fl, false),
            b'z' => {
                // glibc pads in front of the sign once more, by width-1 fill bytes.
                if let Some(w) = fl.width {
                    let fill = if fl.pad == b'0' { b'0' } else { b' ' };
                    out.extend(std::iter::repeat_n(fill, w.saturating_sub(1)));
                }
                out.push(if zone.utoff < 0 { b'-' } else { b'+' });
                let a = zone.utoff.abs();
                let hhmm = a / 3600 * 100 + a % 3600 / 60;
                let inner = Flags {
                    width: if fl.pad == b'-' {
                        fl.width
                    } else {
                        fl.width.map(|w| w.max(4))
                    },
                    ..fl
                };
                push_number(out, hhmm, 4, &inner, false);
            }
            _ => {
                let end = i.min(fmt.len());
                push_text(out, &fmt[start..end], &fl, fl.upper, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: &str, t: i64) -> String {
        match os_date(f.as_bytes(), t, &TimeZone::utc()) {
            OsDate::Text(v) => String::from_utf8(v).unwrap(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn basics() {
        assert_eq!(d("!%c", 1_700_000_000), "Tue Nov 14 22:13:20 2023");
        assert_eq!(d("!%Y-%m-%d", -62_167_219_201), "-1-12-31");
        assert_eq!(d("!%10v", 0), "      %10v");
        assert_eq!(d("!%", 0), "%");
    }

    #[test]
    fn time_normalises() {
        let f = DateFields {
            year: 2023,
            month: 14,
            day: 40,
            hour: 25,
            min: -5,
            sec: 70,
            isdst: None,
        };
        assert_eq!(os_time(&f, &TimeZone::utc()), Some(1_710_204_970));
    }
}
