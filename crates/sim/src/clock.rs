//! Virtual time: the cluster's clock, Kubernetes-style durations and timestamps.
//!
//! Nothing in the simulator reads the wall clock. Time is milliseconds since the
//! Unix epoch, held in [`Time`]; spans are [`Duration`]s in milliseconds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in virtual time, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Duration(pub i64);

impl Duration {
    /// A span of `ms` milliseconds.
    pub const fn millis(ms: i64) -> Self {
        Duration(ms)
    }
    /// A span of `s` seconds.
    pub const fn seconds(s: i64) -> Self {
        Duration(s * 1000)
    }
    /// Whole milliseconds in this span.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Parses the durations learners type: `500ms`, `30s`, `5m`, `1h`, `1h30m`, `2.5s`.
    /// A bare number means seconds.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let text = text.trim();
        let bad = || format!("invalid duration {text:?}: expected a number with a unit such as 500ms, 30s, 5m or 1h");
        if text.is_empty() {
            return Err(bad());
        }
        // At most a century: `inf`, `1e400` and the like are refused rather than saturated.
        const LONGEST_MS: f64 = 100.0 * 365.0 * 86_400_000.0;
        if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            let secs: f64 = text.parse().map_err(|_| bad())?;
            return if secs * 1000.0 <= LONGEST_MS { Ok(Duration((secs * 1000.0).round() as i64)) } else { Err(bad()) };
        }
        let mut total = 0f64;
        let mut rest = text;
        while !rest.is_empty() {
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
            if num_len == 0 {
                return Err(bad());
            }
            let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
            rest = &rest[num_len..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
            let factor = match &rest[..unit_len] {
                "ms" => 1.0,
                "s" => 1000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                _ => return Err(bad()),
            };
            total += value * factor;
            rest = &rest[unit_len..];
        }
        if !total.is_finite() || total > LONGEST_MS {
            return Err(bad());
        }
        Ok(Duration(total.round() as i64))
    }

    /// Go's `time.Duration.String()` shape at millisecond precision: `1m20s`, `5m0s`, `1.5s`, `300ms`.
    pub fn go_string(self) -> String {
        let ms = self.0;
        if ms == 0 {
            return "0s".into();
        }
        let sign = if ms < 0 { "-" } else { "" };
        let ms = ms.unsigned_abs();
        if ms < 1000 {
            return format!("{sign}{ms}ms");
        }
        let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        let secs = if frac == 0 {
            format!("{s}s")
        } else {
            let f = format!("{frac:03}");
            format!("{s}.{}s", f.trim_end_matches('0'))
        };
        match (h, m) {
            (0, 0) => format!("{sign}{secs}"),
            (0, m) => format!("{sign}{m}m{secs}"),
            (h, m) => format!("{sign}{h}h{m}m{secs}"),
        }
    }
}

impl std::ops::Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }
}

impl std::ops::Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl std::ops::Sub for Time {
    type Output = Duration;
    fn sub(self, other: Time) -> Duration {
        Duration(self.0 - other.0)
    }
}

/// The earlier of two optional times (components combine their wake-ups with it).
pub fn earliest(a: Option<Time>, b: Option<Time>) -> Option<Time> {
    a.into_iter().chain(b).min()
}

/// Days since 1970-01-01 to a civil (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A civil date to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Time {
    /// Builds a time from a UTC calendar date and time of day.
    pub fn from_utc(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Time {
        let days = days_from_civil(year, month, day);
        Time(((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000 + i64::from(second) * 1000)
    }

    /// RFC 3339 in UTC as Kubernetes serializes `metav1.Time`: `2024-01-01T09:00:00Z`.
    /// A time that is not on a whole second keeps its milliseconds (`09:00:00.250Z`),
    /// so snapshots restore exactly; printers truncate where kubectl shows seconds.
    pub fn rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let ms = self.0.rem_euclid(1000);
        let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400);
        let frac = if ms == 0 { String::new() } else { format!(".{ms:03}") };
        format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z", sod / 3600, sod / 60 % 60, sod % 60)
    }

    /// Parses RFC 3339 (`2024-01-01T09:00:00Z`, fractional seconds and offsets allowed).
    pub fn parse_rfc3339(text: &str) -> Option<Time> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
        let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let mut rest = &text[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
            let padded = format!("{:0<3}", &frac[..digits.min(3)]);
            millis = padded.parse().ok()?;
            rest = &frac[digits..];
        }
        let offset_min: i64 = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
                let oh: i64 = rest[1..3].parse().ok()?;
                let om: i64 = rest[4..6].parse().ok()?;
                let v = oh * 60 + om;
                if rest.starts_with('-') { -v } else { v }
            }
            _ => return None,
        };
        let t = Time::from_utc(i64::from(y), mo, d, h, mi, s);
        Some(Time(t.0 + millis - offset_min * 60_000))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        Time::parse_rfc3339(&text).ok_or_else(|| serde::de::Error::custom(format!("parsing time {text:?}: not RFC 3339")))
    }
}

/// Models staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go HumanDuration:
/// the AGE column and every "... ago" in kubectl.
pub fn human_duration(d: Duration) -> String {
    let s = d.0.div_euclid(1000);
    if s < -1 {
        return "<invalid>".into();
    }
    if s < 0 {
        return "0s".into();
    }
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        return if s % 60 == 0 { format!("{m}m") } else { format!("{m}m{}s", s % 60) };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = m / 60;
    if h < 8 {
        return if m % 60 == 0 { format!("{h}h") } else { format!("{h}h{}m", m % 60) };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let days = h / 24;
    if h < 192 {
        return if h % 24 == 0 { format!("{days}d") } else { format!("{days}d{}h", h % 24) };
    }
    if h < 17_520 {
        return format!("{days}d");
    }
    let y = days / 365;
    if h < 70_080 {
        return if days % 365 == 0 { format!("{y}y") } else { format!("{y}y{}d", days % 365) };
    }
    format!("{y}y")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = Time::from_utc(2024, 1, 1, 9, 0, 0);
        assert_eq!(t.rfc3339(), "2024-01-01T09:00:00Z");
        assert_eq!(Time::parse_rfc3339("2024-01-01T09:00:00Z"), Some(t));
        assert_eq!(Time::parse_rfc3339("2024-01-01T10:30:00+01:30"), Some(t));
        assert_eq!(Time::parse_rfc3339("2024-01-01T09:00:00.250Z"), Some(Time(t.0 + 250)));
        assert_eq!(Time(t.0 + 250).rfc3339(), "2024-01-01T09:00:00.250Z");
        assert_eq!(Time::from_utc(2000, 2, 29, 23, 59, 59).rfc3339(), "2000-02-29T23:59:59Z");
        assert_eq!(Time(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(Time::parse_rfc3339("yesterday"), None);
        assert_eq!(Time::parse_rfc3339("2024-13-01T09:00:00Z"), None);
    }

    // Cases from upstream's duration_test.go table for HumanDuration.
    #[test]
    fn human_duration_table() {
        let cases: &[(i64, &str)] = &[
            (-2, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (1, "1s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (599, "9m59s"),
            (600, "10m"),
            (60 * 179 + 59, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 20 * 60, "3h20m"),
            (8 * 3600 - 1, "7h59m"),
            (8 * 3600, "8h"),
            (47 * 3600 + 59 * 60, "47h"),
            (48 * 3600, "2d"),
            (51 * 3600, "2d3h"),
            (192 * 3600 - 1, "7d23h"),
            (192 * 3600, "8d"),
            (364 * 86_400, "364d"),
            (730 * 86_400, "2y"),
            (1061 * 86_400, "2y331d"),
            (8 * 365 * 86_400, "8y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(Duration::seconds(*secs)), *want, "{secs}s");
        }
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(Duration::parse("30s"), Ok(Duration::seconds(30)));
        assert_eq!(Duration::parse("5m"), Ok(Duration::seconds(300)));
        assert_eq!(Duration::parse("1h30m"), Ok(Duration::seconds(5400)));
        assert_eq!(Duration::parse("250ms"), Ok(Duration::millis(250)));
        assert_eq!(Duration::parse("2.5s"), Ok(Duration::millis(2500)));
        assert_eq!(Duration::parse("10"), Ok(Duration::seconds(10)));
        assert!(Duration::parse("5 minutes").is_err());
        assert!(Duration::parse("").is_err());
        assert!(Duration::parse("-3s").is_err());
        for absurd in ["inf", "1e400", "1e30", "NaN", "99999999999999999999h"] {
            assert!(Duration::parse(absurd).is_err(), "{absurd}");
        }
        assert_eq!(Time(i64::MAX - 5) + Duration::seconds(10), Time(i64::MAX), "time saturates instead of wrapping");
        assert_eq!(Duration::seconds(80).go_string(), "1m20s");
        assert_eq!(Duration::seconds(300).go_string(), "5m0s");
        assert_eq!(Duration::millis(1500).go_string(), "1.5s");
        assert_eq!(Duration::millis(300).go_string(), "300ms");
        assert_eq!(Duration::seconds(3660).go_string(), "1h1m0s");
    }
}
