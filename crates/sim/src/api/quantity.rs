//! `resource.Quantity`: the numbers in `resources`, `capacity` and `allocatable`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A resource amount such as `100m`, `0.5`, `2`, `128Mi` or `1e3`, kept exactly in
/// nano-units with the notation it was written in; it prints in Kubernetes' canonical
/// form (`0.5` reads back as `500m`, `1024Mi` as `1Gi`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    text: String,
    nanos: i128,
    format: Format,
}

/// The notation a quantity was written in, which its canonical form keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `Ki`, `Mi`, ... (powers of 1024).
    BinarySI,
    /// `m`, `k`, `M`, ... or no suffix.
    DecimalSI,
    /// `e3`, `E6`, ...
    DecimalExponent,
}

impl Quantity {
    /// Models staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go ParseQuantity
    /// (value and suffix rules; the canonical re-spelling comes later).
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let bad = || "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string();
        let t = text.trim();
        let (sign, body) = match t.as_bytes().first() {
            Some(b'-') => (-1i128, &t[1..]),
            Some(b'+') => (1, &t[1..]),
            _ => (1, t),
        };
        let num_end = body.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(body.len());
        let (number, suffix) = body.split_at(num_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad());
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        // value = digits * 10^-(frac len), kept as (mantissa, exp10) until the suffix applies.
        let digits: String = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return Err("quantity is too large".into());
        }
        let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
        let mut exp10: i32 = -(frac_part.len() as i32);
        let mut factor: i128 = 1;
        let format = if suffix.ends_with('i') {
            Format::BinarySI
        } else if suffix.starts_with(['e', 'E']) {
            Format::DecimalExponent
        } else {
            Format::DecimalSI
        };
        match suffix {
            "" => {}
            "n" => exp10 -= 9,
            "u" => exp10 -= 6,
            "m" => exp10 -= 3,
            "k" => exp10 += 3,
            "M" => exp10 += 6,
            "G" => exp10 += 9,
            "T" => exp10 += 12,
            "P" => exp10 += 15,
            "E" => exp10 += 18,
            "Ki" => factor = 1 << 10,
            "Mi" => factor = 1 << 20,
            "Gi" => factor = 1 << 30,
            "Ti" => factor = 1 << 40,
            "Pi" => factor = 1 << 50,
            "Ei" => factor = 1 << 60,
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().map_err(|_| bad())?;
                if !(-30..=30).contains(&e) {
                    return Err("quantity is too large".into());
                }
                exp10 += e;
            }
            _ => return Err(bad()),
        }
        // nanos = mantissa * factor * 10^(exp10 + 9), rounded up like Kubernetes does for sub-nano values.
        let shift = exp10 + 9;
        let scaled = mantissa.checked_mul(factor).ok_or("quantity is too large")?;
        let nanos = if shift >= 0 {
            scaled.checked_mul(10i128.checked_pow(shift as u32).ok_or("quantity is too large")?).ok_or("quantity is too large")?
        } else {
            let div = 10i128.checked_pow((-shift) as u32).ok_or("quantity is too small")?;
            (scaled + div - 1) / div
        };
        let mut q = Quantity { text: String::new(), nanos: sign * nanos, format };
        q.text = q.canonical();
        Ok(q)
    }

    /// Models staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go CanonicalizeBytes:
    /// the largest suffix that keeps an integer, in the notation the quantity was written in.
    fn canonical(&self) -> String {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.unsigned_abs();
        if n == 0 {
            return "0".into();
        }
        const NANO: u128 = 1_000_000_000;
        if self.format == Format::BinarySI && n % NANO == 0 {
            let v = n / NANO;
            for (suffix, shift) in [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] {
                if v >= 1 << shift && v % (1 << shift) == 0 {
                    return format!("{sign}{}{suffix}", v >> shift);
                }
            }
            return format!("{sign}{v}");
        }
        // Decimal: the largest power of 1000 (down to nano) that divides the value.
        let mut exp = 18i32;
        while exp > -9 && n % 10u128.pow((exp + 9) as u32) != 0 {
            exp -= 3;
        }
        let mantissa = n / 10u128.pow((exp + 9) as u32);
        let suffix = match (self.format, exp) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, 18) => "E".into(),
            (_, 15) => "P".into(),
            (_, 12) => "T".into(),
            (_, 9) => "G".into(),
            (_, 6) => "M".into(),
            (_, 3) => "k".into(),
            (_, 0) => String::new(),
            (_, -3) => "m".into(),
            (_, -6) => "u".into(),
            _ => "n".into(),
        };
        format!("{sign}{mantissa}{suffix}")
    }

    /// The value in thousandths, rounded up (Kubernetes' `MilliValue`): `100m` is 100, `2` is 2000.
    pub fn milli_value(&self) -> i64 {
        let v = self.nanos.div_euclid(1_000_000) + i128::from(self.nanos.rem_euclid(1_000_000) != 0);
        v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// The value in whole units, rounded up (Kubernetes' `Value`): `128Mi` is 134217728.
    pub fn value(&self) -> i64 {
        let v = self.nanos.div_euclid(1_000_000_000) + i128::from(self.nanos.rem_euclid(1_000_000_000) != 0);
        v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// The canonical text (`500m` for `0.5`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Zero, in decimal notation (prints `0`).
    pub fn zero() -> Quantity {
        Quantity { text: "0".into(), nanos: 0, format: Format::DecimalSI }
    }

    /// A whole count (`pods: 3`).
    pub fn from_count(n: i64) -> Quantity {
        let mut q = Quantity { text: String::new(), nanos: i128::from(n) * 1_000_000_000, format: Format::DecimalSI };
        q.text = q.canonical();
        q
    }

    /// The sum, in this quantity's notation (resource.Quantity.Add); a zero takes the
    /// other's notation, so `0 + 128Mi` prints `128Mi`.
    pub fn add(&self, other: &Quantity) -> Quantity {
        let format = if self.nanos == 0 { other.format } else { self.format };
        let mut q = Quantity { text: String::new(), nanos: self.nanos.saturating_add(other.nanos), format };
        q.text = q.canonical();
        q
    }

    /// Exact comparison of the amounts.
    pub fn cmp_value(&self, other: &Quantity) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Float(f64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_keep_the_first_notation() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert_eq!(q("100m").add(&q("200m")).to_string(), "300m");
        assert_eq!(q("128Mi").add(&q("64Mi")).to_string(), "192Mi");
        assert_eq!(Quantity::zero().add(&q("1Gi")).to_string(), "1Gi");
        assert_eq!(q("1").add(&q("500m")).to_string(), "1500m");
        assert_eq!(Quantity::from_count(3).to_string(), "3");
        assert_eq!(q("2").cmp_value(&q("2000m")), std::cmp::Ordering::Equal);
    }

    #[test]
    fn parses_the_forms_workshops_use() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert_eq!(q("100m").milli_value(), 100);
        assert_eq!(q("0.5").milli_value(), 500);
        assert_eq!(q("2").milli_value(), 2000);
        assert_eq!(q("1e3").value(), 1000);
        assert_eq!(q("1Gi").value(), 1 << 30);
        assert_eq!(q("500Mi").value(), 500 << 20);
        assert_eq!(q("64M").value(), 64_000_000);
        assert_eq!(q("1.5Gi").value(), 3 << 29);
        assert_eq!(q("1n").milli_value(), 1, "MilliValue rounds up");
        assert_eq!(q("-100m").milli_value(), -100);
        assert_eq!(q("110").value(), 110);
    }

    // Canonical forms, as upstream's quantity_test.go tables expect them.
    #[test]
    fn prints_the_canonical_form() {
        let cases = [
            ("0.5", "500m"),
            ("0.1", "100m"),
            ("100m", "100m"),
            ("2", "2"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("1.5k", "1500"),
            ("1e3", "1e3"),
            ("1.5e3", "1500"),
            ("1024Mi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Ki", "512"),
            ("1Ki", "1Ki"),
            ("128Mi", "128Mi"),
            ("64M", "64M"),
            ("0", "0"),
            ("-100m", "-100m"),
            ("1n", "1n"),
            ("0.000001", "1u"),
        ];
        for (input, want) in cases {
            assert_eq!(Quantity::parse(input).unwrap().to_string(), want, "{input}");
        }
    }

    #[test]
    fn rejects_what_kubernetes_rejects() {
        for bad in ["", "abc", "1.2.3", "10 Mi", "5mi", "1x", ".", "1e"] {
            assert!(Quantity::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn deserializes_numbers_and_strings() {
        let q: Quantity = serde_json::from_str("2").unwrap();
        assert_eq!(q.milli_value(), 2000);
        let q: Quantity = serde_json::from_str("\"250m\"").unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"250m\"");
    }
}
