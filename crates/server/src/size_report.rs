//! `kubeplay size-report`: what the page costs to download, and which crates
//! the wasm is made of. Printed at the end of the test command so every change
//! sees what it added.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Bytes of `data` after gzip -9.
pub fn gzip_len(data: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

/// The crate a (demangled) function name belongs to: `yew::html::...` is `yew`,
/// `<serde_json::Value as ...>::fmt` is `serde_json`.
pub fn crate_of(name: &str) -> String {
    let mut s = name.trim_start_matches(['<', '&', '*', ' ']);
    for prefix in ["mut ", "const ", "dyn ", "impl "] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    let s = s.trim_start_matches(['<', '&', '[', '(', ' ']);
    let end = s.find("::").unwrap_or(s.len());
    let first = s[..end].split('[').next().unwrap_or("");
    if first.is_empty() || first.contains([' ', '(', ')', '<', '>']) || end == s.len() {
        return "(other)".into();
    }
    first.to_string()
}

/// Code bytes per crate, from the module's `name` section and code section.
pub fn code_by_crate(wasm: &[u8]) -> Result<BTreeMap<String, u64>, String> {
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    for (name, size) in functions(wasm)? {
        *by_crate.entry(crate_of(&name)).or_default() += size;
    }
    Ok(by_crate)
}

/// Every defined function's demangled name and code size.
pub fn functions(wasm: &[u8]) -> Result<Vec<(String, u64)>, String> {
    use wasmparser::{Name, Parser, Payload};
    let mut imported_funcs = 0u32;
    let mut sizes: Vec<u64> = Vec::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports() {
                    if matches!(imp.map_err(|e| e.to_string())?.ty, wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)) {
                        imported_funcs += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => sizes.push(body.range().len() as u64),
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader {
                        if let Ok(Name::Function(map)) = sub {
                            for n in map.into_iter().flatten() {
                                names.insert(n.index, rustc_demangle::demangle(n.name).to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return Err("the module has no name section".into());
    }
    Ok(sizes.iter().enumerate().map(|(i, size)| (names.get(&(imported_funcs + i as u32)).cloned().unwrap_or_default(), *size)).collect())
}

/// Prints the `n` largest functions (for finding what to shrink).
pub fn print_top(wasm: &Path, n: usize) -> Result<(), String> {
    let data = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let mut fs = functions(&data)?;
    fs.sort_by_key(|f| std::cmp::Reverse(f.1));
    for (name, size) in fs.into_iter().take(n) {
        let short: String = name.chars().take(150).collect();
        println!("  {:>8}  {short}", size);
    }
    Ok(())
}

fn kib(n: usize) -> String {
    format!("{:.1} KiB", n as f64 / 1024.0)
}

/// Prints the report for a built `dist/` and, if given, the pre-optimisation wasm
/// (which still has function names) for the per-crate breakdown.
pub fn report(dist: &Path, named_wasm: Option<&Path>, budget_kib: Option<u64>) -> Result<bool, String> {
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
        if !path.is_file() || !["wasm", "js", "css", "html"].contains(&ext.as_str()) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| e.to_string())?;
        rows.push((ext, path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), data.len(), gzip_len(&data)));
    }
    rows.sort();
    println!("size report ({})", dist.display());
    println!("  {:<6} {:>12} {:>12}  file", "kind", "raw", "gzip -9");
    let (mut raw, mut gz) = (0, 0);
    for (ext, name, r, g) in &rows {
        println!("  {:<6} {:>12} {:>12}  {name}", ext, kib(*r), kib(*g));
        raw += r;
        gz += g;
    }
    println!("  {:<6} {:>12} {:>12}", "total", kib(raw), kib(gz));
    let mut within = true;
    if let Some(budget) = budget_kib {
        within = (gz as u64) <= budget * 1024;
        println!("  budget: total gzipped {} of {budget} KiB: {}", kib(gz), if within { "within" } else { "OVER BUDGET" });
    }
    if let Some(path) = named_wasm {
        let wasm = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        match code_by_crate(&wasm) {
            Ok(by_crate) => {
                let total: u64 = by_crate.values().sum();
                let mut sorted: Vec<(String, u64)> = by_crate.into_iter().collect();
                sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                println!("wasm code by crate (before wasm-opt, {} of code in {}):", kib(total as usize), path.display());
                for (name, size) in sorted.iter().take(20) {
                    println!("  {:>5.1}%  {:>10}  {name}", *size as f64 * 100.0 / total.max(1) as f64, kib(*size as usize));
                }
                let rest: u64 = sorted.iter().skip(20).map(|(_, s)| s).sum();
                if rest > 0 {
                    println!("  {:>5.1}%  {:>10}  ({} more crates)", rest as f64 * 100.0 / total.max(1) as f64, kib(rest as usize), sorted.len() - 20);
                }
            }
            Err(e) => println!("wasm code by crate: unavailable ({e})"),
        }
    }
    Ok(within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_symbols() {
        assert_eq!(crate_of("yew::html::component::Component::view"), "yew");
        assert_eq!(crate_of("<serde_json::value::Value as core::fmt::Debug>::fmt"), "serde_json");
        assert_eq!(crate_of("<&mut serde_json::de::Deserializer<R> as serde::de::Deserializer>::deserialize_any"), "serde_json");
        assert_eq!(crate_of("dlmalloc::dlmalloc::Dlmalloc::malloc"), "dlmalloc");
        assert_eq!(crate_of("memcpy"), "(other)");
        assert_eq!(crate_of("core[c5930c85a12de822]::fmt::write"), "core");
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        assert!(gzip_len(&[b'a'; 10_000]) < 200);
    }
}
