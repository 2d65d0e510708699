//! Reading a run's output: the one pipe its stdout and stderr share, read to the
//! end, at most a cap kept and the rest counted.

use std::io::Read;
use std::os::fd::OwnedFd;
use std::sync::mpsc;

/// Reads everything from `pipe`, keeping at most `cap` bytes and counting the rest; each
/// kept chunk is also sent to `live` (when given) as it arrives.
pub(crate) fn read_capped(pipe: OwnedFd, cap: usize, live: Option<mpsc::Sender<Vec<u8>>>) -> (Vec<u8>, u64) {
    let mut file = std::fs::File::from(pipe);
    let (mut kept, mut dropped) = (Vec::new(), 0u64);
    let mut chunk = [0u8; 8192];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len()).min(n);
                if room > 0 {
                    kept.extend_from_slice(&chunk[..room]);
                    if let Some(live) = &live {
                        let _ = live.send(chunk[..room].to_vec());
                    }
                }
                dropped += (n - room) as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    (kept, dropped)
}
