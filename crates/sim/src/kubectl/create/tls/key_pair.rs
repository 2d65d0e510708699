//! The check `kubectl create secret tls` makes of a certificate and its key: the PEM
//! blocks it looks for, the structure of the certificate and of the key, and whether the
//! key belongs to the certificate, with Go's error texts.
//!
//! What needs arithmetic is left out: an RSA key's own consistency (its primes and
//! exponents), whether an EC point lies on its curve, and an EC or Ed25519 key's public
//! half when the key file does not carry it. The RSA modulus and a carried EC public
//! point are compared, which is what catches the usual mistake, a key from another pair.

use super::der::{context, Der, OCTET_STRING, OID, SEQUENCE};
use super::pem;

const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const X25519: &[u8] = &[0x2b, 0x65, 0x6e];
/// DER NULL, the parameters an RSA key must have.
const NULL: &[u8] = &[0x05, 0x00];

/// The named curves Go knows, by OID, with the size of a coordinate in bytes.
const CURVES: &[(&[u8], usize)] = &[
    (&[0x2b, 0x81, 0x04, 0x00, 0x21], 28),
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 32),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], 48),
    (&[0x2b, 0x81, 0x04, 0x00, 0x23], 66),
];

fn curve_size(oid: &[u8]) -> Option<usize> {
    CURVES.iter().find(|(o, _)| *o == oid).map(|(_, size)| *size)
}

/// A certificate's public key, as far as the pair check needs it.
enum PublicKey<'a> {
    /// RSA: the modulus.
    Rsa(&'a [u8]),
    /// ECDSA: the uncompressed point.
    Ec(&'a [u8]),
    Ed25519,
    /// Any other algorithm (Go leaves the key unparsed).
    Other,
}

/// A private key, as far as the pair check needs it.
enum PrivateKey<'a> {
    /// RSA: the modulus.
    Rsa(&'a [u8]),
    /// ECDSA: the public point, when the key carries it uncompressed.
    Ec(Option<&'a [u8]>),
    Ed25519,
    /// An X25519 key, which no certificate's key matches.
    X25519,
}

/// Checks that `cert` (PEM text holding a certificate chain) and `key` (PEM text holding
/// its private key) form a pair; `Err` holds Go's message.
///
/// Models `crypto/tls` `X509KeyPair`.
pub fn check(cert: &str, key: &str) -> Result<(), String> {
    let mut certificates = Vec::new();
    let mut skipped = Vec::new();
    for block in pem::blocks(cert) {
        if block.kind == "CERTIFICATE" {
            certificates.push(block.bytes);
        } else {
            skipped.push(block.kind);
        }
    }
    let Some(first) = certificates.first() else {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".into(),
            [one] if one.ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into(),
            _ => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    };
    let mut skipped = Vec::new();
    let mut key_der = None;
    for block in pem::blocks(key) {
        if block.kind == "PRIVATE KEY" || block.kind.ends_with(" PRIVATE KEY") {
            key_der = Some(block.bytes);
            break;
        }
        skipped.push(block.kind);
    }
    let Some(key_der) = key_der else {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in key input".into(),
            [one] if one == "CERTIFICATE" => "tls: found a certificate rather than a key in the PEM for the private key".into(),
            _ => format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    };
    let public = certificate_key(first)?;
    let private = private_key(&key_der).ok_or("tls: failed to parse private key")?;
    let matches = match (public, private) {
        (PublicKey::Rsa(n), PrivateKey::Rsa(m)) => Some(n == m),
        (PublicKey::Ec(point), PrivateKey::Ec(carried)) => Some(carried.is_none_or(|c| c == point)),
        (PublicKey::Ed25519, PrivateKey::Ed25519) => Some(true),
        (PublicKey::Other, _) => return Err("tls: unknown public key algorithm".into()),
        _ => None,
    };
    match matches {
        Some(true) => Ok(()),
        Some(false) => Err("tls: private key does not match public key".into()),
        None => Err("tls: private key type does not match public key type".into()),
    }
}

/// The public key of a DER certificate, with Go's errors for a malformed one.
///
/// Models `crypto/x509` `ParseCertificate` (the structure up to the signature; names,
/// times and extensions are only skipped over).
fn certificate_key(der: &[u8]) -> Result<PublicKey<'_>, String> {
    let fail = |what: &str| format!("x509: {what}");
    let mut outer = Der::new(der);
    let (content, whole) = outer.element(SEQUENCE).ok_or_else(|| fail("malformed certificate"))?;
    if whole.len() != der.len() {
        return Err(fail("trailing data"));
    }
    let mut input = Der::new(content);
    let mut tbs = Der::new(input.read(SEQUENCE).ok_or_else(|| fail("malformed tbs certificate"))?);
    let version = match tbs.optional(context(0)).ok_or_else(|| fail("malformed version"))? {
        Some(explicit) => {
            let mut inner = Der::new(explicit);
            let v = inner.integer().and_then(|i| i.small()).filter(|v| *v >= 0 && inner.is_empty()).ok_or_else(|| fail("malformed version"))?;
            v + 1
        }
        None => 1,
    };
    if version > 3 {
        return Err(fail("invalid version"));
    }
    tbs.integer().ok_or_else(|| fail("malformed serial number"))?;
    let signature = tbs.read(SEQUENCE).ok_or_else(|| fail("malformed signature algorithm identifier"))?;
    let outer_signature = input.read(SEQUENCE).ok_or_else(|| fail("malformed algorithm identifier"))?;
    if signature != outer_signature {
        return Err(fail("inner and outer signature algorithm identifiers don't match"));
    }
    algorithm(signature)?;
    tbs.read(SEQUENCE).ok_or_else(|| fail("malformed issuer"))?;
    let mut validity = Der::new(tbs.read(SEQUENCE).ok_or_else(|| fail("malformed validity"))?);
    for _ in 0..2 {
        match validity.any() {
            Some((0x17 | 0x18, _, _)) => {}
            _ => return Err(fail("malformed validity")),
        }
    }
    tbs.read(SEQUENCE).ok_or_else(|| fail("malformed subject"))?;
    let mut spki = Der::new(tbs.read(SEQUENCE).ok_or_else(|| fail("malformed spki"))?);
    let ai = spki.read(SEQUENCE).ok_or_else(|| fail("malformed public key algorithm identifier"))?;
    let (oid, params) = algorithm(ai)?;
    let bits = spki.bit_string().ok_or_else(|| fail("malformed subjectPublicKey"))?;
    let key = public_key(oid, params, bits)?;
    input.bit_string().ok_or_else(|| fail("malformed signature"))?;
    Ok(key)
}

/// An AlgorithmIdentifier's OID and its parameters (the whole element, empty when absent).
fn algorithm(ai: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let mut d = Der::new(ai);
    let oid = d.read(OID).ok_or("x509: malformed OID")?;
    if d.is_empty() {
        return Ok((oid, &[]));
    }
    let (_, _, params) = d.any().ok_or("x509: malformed parameters")?;
    Ok((oid, params))
}

/// The public key a certificate carries.
///
/// Models `crypto/x509` `parsePublicKey`.
fn public_key<'a>(oid: &[u8], params: &[u8], bits: &'a [u8]) -> Result<PublicKey<'a>, String> {
    if oid == RSA {
        if params != NULL {
            return Err("x509: RSA key missing NULL parameters".into());
        }
        let mut d = Der::new(bits);
        let mut key = Der::new(d.read(SEQUENCE).ok_or("x509: invalid RSA public key")?);
        let n = key.integer().ok_or("x509: invalid RSA modulus")?;
        let e = key.integer().ok_or("x509: invalid RSA public exponent")?;
        if !n.is_positive() {
            return Err("x509: RSA modulus is not a positive number".into());
        }
        if !e.is_positive() {
            return Err("x509: RSA public exponent is not a positive number".into());
        }
        return Ok(PublicKey::Rsa(n.magnitude()));
    }
    if oid == EC {
        let curve = Der::new(params).read(OID).ok_or("x509: invalid ECDSA parameters")?;
        let size = curve_size(curve).ok_or("x509: unsupported elliptic curve")?;
        if bits.len() != 1 + 2 * size || bits[0] != 4 {
            return Err("x509: failed to unmarshal elliptic curve point".into());
        }
        return Ok(PublicKey::Ec(bits));
    }
    if oid == ED25519 {
        if !params.is_empty() {
            return Err("x509: Ed25519 key encoded with illegal parameters".into());
        }
        if bits.len() != 32 {
            return Err("x509: wrong Ed25519 public key size".into());
        }
        return Ok(PublicKey::Ed25519);
    }
    Ok(PublicKey::Other)
}

/// A private key in any of the encodings Go tries, in its order: PKCS #1, PKCS #8, SEC 1.
///
/// Models `crypto/tls` `parsePrivateKey`.
fn private_key(der: &[u8]) -> Option<PrivateKey<'_>> {
    pkcs1(der).map(PrivateKey::Rsa).or_else(|| pkcs8(der)).or_else(|| sec1(der, None).map(PrivateKey::Ec))
}

/// An RSA key in PKCS #1 form; gives its modulus.
///
/// Models `crypto/x509` `ParsePKCS1PrivateKey`, without the arithmetic of `Validate`.
fn pkcs1(der: &[u8]) -> Option<&[u8]> {
    let mut outer = Der::new(der);
    let mut key = Der::new(outer.read(SEQUENCE)?);
    let version = key.integer()?.small()?;
    let n = key.integer()?;
    let e = key.integer()?.small()?;
    let (d, p, q) = (key.integer()?, key.integer()?, key.integer()?);
    // dP, dQ, qInv and further primes may follow.
    while !key.is_empty() {
        key.any()?;
    }
    let positive = [n, d, p, q].iter().all(|i| i.is_positive());
    (outer.is_empty() && (0..=1).contains(&version) && positive && e >= 2).then(|| n.magnitude())
}

/// A key in a PKCS #8 wrapping.
///
/// Models `crypto/x509` `ParsePKCS8PrivateKey`.
fn pkcs8(der: &[u8]) -> Option<PrivateKey<'_>> {
    let mut wrapping = Der::new(Der::new(der).read(SEQUENCE)?);
    wrapping.integer()?.small()?;
    let (oid, params) = algorithm(wrapping.read(SEQUENCE)?).ok()?;
    let inner = wrapping.read(OCTET_STRING)?;
    if oid == RSA {
        return pkcs1(inner).map(PrivateKey::Rsa);
    }
    if oid == EC {
        let curve = Der::new(params).read(OID);
        return sec1(inner, curve).map(PrivateKey::Ec);
    }
    if oid == ED25519 || oid == X25519 {
        let seed = Der::new(inner).read(OCTET_STRING)?;
        return (params.is_empty() && seed.len() == 32).then_some(if oid == ED25519 { PrivateKey::Ed25519 } else { PrivateKey::X25519 });
    }
    None
}

/// An EC key in SEC 1 form, on `curve` or else the curve it names; gives the public point
/// it carries, if uncompressed.
///
/// Models `crypto/x509` `parseECPrivateKey`, without computing the public point.
fn sec1<'a>(der: &'a [u8], curve: Option<&[u8]>) -> Option<Option<&'a [u8]>> {
    let mut key = Der::new(Der::new(der).read(SEQUENCE)?);
    if key.integer()?.small()? != 1 {
        return None;
    }
    let scalar = key.read(OCTET_STRING)?;
    let named = key.optional(context(0))?.map(|explicit| Der::new(explicit).read(OID)).map(|oid| oid.ok_or(()));
    let named = named.transpose().ok()?;
    let public = key.optional(context(1))?.map(|explicit| Der::new(explicit).bit_string().ok_or(())).transpose().ok()?;
    let size = curve_size(curve.or(named)?)?;
    let significant = scalar.iter().skip_while(|b| **b == 0).count();
    if significant > size {
        return None;
    }
    Some(public.filter(|p| p.len() == 1 + 2 * size && p[0] == 4))
}

