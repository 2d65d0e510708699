//! `kubectl create secret tls NAME --cert=FILE --key=FILE`: a `kubernetes.io/tls` Secret
//! holding a certificate and its private key, read from the console's files and checked
//! to be a pair as kubectl checks them.

mod der;
mod key_pair;
mod pem;

use super::super::flags::Flags;
use super::super::Context;
use serde_json::{json, Map, Value};

/// Reads one of the pair's files as kubectl does, with its message when it cannot.
fn read(ctx: &Context<'_>, path: &str) -> Result<String, String> {
    if ctx.files.list_dir(path).is_some() {
        return Err(format!("error: Cannot read file {path}, read {path}: is a directory"));
    }
    ctx.files.read(path).map_err(|_| format!("error: Cannot read file {path}, open {path}: no such file or directory"))
}

/// Builds the Secret once the NAME, `-o` and `--dry-run` were checked: both files named,
/// both readable, and the key the certificate's.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/create/create_secret_tls.go` `Validate` and
/// `createSecretTLS`.
pub(super) fn secret(f: &Flags, ctx: &Context<'_>, metadata: Value) -> Result<Value, String> {
    let (cert_path, key_path) = (f.value("--cert").unwrap_or_default(), f.value("--key").unwrap_or_default());
    if cert_path.is_empty() || key_path.is_empty() {
        return Err("error: key and cert must be specified".into());
    }
    let cert = read(ctx, &cert_path)?;
    let key = read(ctx, &key_path)?;
    key_pair::check(&cert, &key).map_err(|e| format!("error: {e}"))?;
    let mut data = Map::new();
    data.insert("tls.crt".into(), json!(crate::api::base64_encode(cert.as_bytes())));
    data.insert("tls.key".into(), json!(crate::api::base64_encode(key.as_bytes())));
    Ok(json!({"apiVersion": "v1", "data": data, "kind": "Secret", "metadata": metadata, "type": "kubernetes.io/tls"}))
}
