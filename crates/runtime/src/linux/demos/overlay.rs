//! The overlay demo: the busybox image layer and a small app layer, read-only,
//! under a container layer kept on the host for the run. The container appends
//! to a file of the app layer (copy-up), deletes one (a whiteout) and makes a
//! new one; the report lists each layer and checks the image layers did not change.

use super::{image, list_tree, step};
use crate::demo::{plan, DemoStep, KernelState, Layer};
use super::Runner;
use crate::spec::{RootFs, SandboxSpec};
use std::path::{Path, PathBuf};


fn app_layer(base: &Path) -> Result<PathBuf, String> {
    let dir = base.join("layers").join("app");
    for (path, text) in plan::APP_FILES {
        let file = dir.join(path);
        let parent = file.parent().unwrap_or(&dir);
        std::fs::create_dir_all(parent).map_err(|e| format!("app layer: {e}"))?;
        if std::fs::read_to_string(&file).ok().as_deref() != Some(text) {
            std::fs::write(&file, text).map_err(|e| format!("app layer: {e}"))?;
        }
    }
    Ok(dir)
}

/// Contents and sizes of every file in a layer, for the before/after comparison.
fn fingerprint(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let (entries, _) = list_tree(dir, usize::MAX);
    entries.into_iter().map(|e| (e.path.clone(), std::fs::read(dir.join(e.path.trim_start_matches('/'))).unwrap_or_default())).collect()
}

/// Removes the run's container layer when dropped.
struct RunDir(PathBuf);

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn run(r: &Runner) -> Result<(Vec<DemoStep>, KernelState), String> {
    let busybox = image(r.sandbox)?;
    let app = app_layer(r.sandbox.base())?;
    let run_dir = RunDir(r.sandbox.base().join("runs").join(format!("overlay-{}-{}", std::process::id(), r.sandbox.next_id())));
    let (upper, work) = (run_dir.0.join("upper"), run_dir.0.join("work"));
    for d in [&upper, &work] {
        std::fs::create_dir_all(d).map_err(|e| format!("container layer: {e}"))?;
    }
    let before = fingerprint(&app);
    let mut spec = SandboxSpec::standard(&["sh", "-c", plan::OVERLAY_SCRIPT], vec![]);
    spec.root = RootFs::OverlayKeep { lower: vec![app.clone(), busybox.clone()], upper: upper.clone(), work };
    let run = step(r, plan::OVERLAY_TITLE, plan::OVERLAY_SCRIPT, &spec)?;
    let lower_unchanged = fingerprint(&app) == before;
    let (container, omitted) = list_tree(&upper, 100);
    let (app_entries, app_omitted) = list_tree(&app, 100);
    // The image's own files: its configuration and the one binary every command links to.
    let (all_busybox, _) = list_tree(&busybox, usize::MAX);
    let shown = |e: &crate::demo::LayerEntry| plan::shown_in_image_listing(&e.path, e.kind == crate::demo::LayerEntryKind::Dir);
    let busybox_omitted = all_busybox.iter().filter(|e| !shown(e)).count();
    let busybox_entries: Vec<_> = all_busybox.into_iter().filter(|e| shown(e)).collect();
    let layers = vec![
        Layer { name: plan::LAYER_NAMES[0].into(), writable: true, entries: container, omitted },
        Layer { name: plan::LAYER_NAMES[1].into(), writable: false, entries: app_entries, omitted: app_omitted },
        Layer { name: plan::LAYER_NAMES[2].into(), writable: false, entries: busybox_entries, omitted: busybox_omitted },
    ];
    Ok((vec![run], KernelState::Overlay { layers, lower_unchanged }))
}
