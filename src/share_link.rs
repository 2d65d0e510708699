//! Share links: the cluster's action log, compressed with the browser's own deflate
//! (`CompressionStream`, so no compressor in the wasm) and base64url-encoded into the
//! URL fragment (`#s=...`), which never reaches a server.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export async function unpack(packed) {
  const bin = atob(packed.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return await new Response(stream).text();
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn pack(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn unpack(packed: &str) -> Result<JsValue, JsValue>;
}

/// The longest fragment a link may carry (browsers accept more, chat tools and slides do not).
pub const MAX_FRAGMENT: usize = 64 * 1024;

/// Compresses an action log into the text after `#s=`.
pub async fn encode(log: &str) -> Result<String, String> {
    let packed = pack(log).await.map_err(|_| "this browser cannot compress the link (it lacks CompressionStream)".to_string())?;
    let packed = packed.as_string().unwrap_or_default();
    if packed.len() > MAX_FRAGMENT {
        return Err(format!("the link would be {} KiB long, more than the {} KiB a link can safely carry: share fewer or smaller manifests", packed.len() / 1024, MAX_FRAGMENT / 1024));
    }
    Ok(packed)
}

/// Reads the text after `#s=` back into an action log.
pub async fn decode(fragment: &str) -> Result<String, String> {
    if fragment.len() > MAX_FRAGMENT {
        return Err(format!("this link is too long ({} KiB) to be a kubeplay link", fragment.len() / 1024));
    }
    let text = unpack(fragment).await.map_err(|_| "the shared cluster in this link is damaged (it could not be decompressed); ask for the link again".to_string())?;
    text.as_string().ok_or_else(|| "the shared cluster in this link is damaged".to_string())
}

/// The shared cluster in this page's URL, if any (`#s=...`).
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#s=").map(str::to_string)
}
