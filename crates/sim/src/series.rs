//! Time series the page charts: sampled on virtual time, bounded in memory by
//! merging the oldest samples pairwise when a series grows past its capacity.

use crate::clock::Time;
use serde::{Deserialize, Serialize};
use crate::small_map::SmallMap;

/// One named series of (time, value) samples, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// e.g. `pods.running`.
    pub name: String,
    /// Samples, oldest first.
    pub points: Vec<(Time, f64)>,
}

/// Default number of samples a series keeps before downsampling.
pub const SERIES_CAPACITY: usize = 1024;

/// All series of one cluster.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SeriesStore {
    series: SmallMap<String, Series>,
    capacity: usize,
}

impl SeriesStore {
    /// An empty store whose series keep at most `capacity` samples each.
    pub fn with_capacity(capacity: usize) -> Self {
        SeriesStore { series: SmallMap::new(), capacity: capacity.max(4) }
    }

    /// Appends a sample; the oldest half is merged pairwise when the series is full.
    pub fn record(&mut self, name: &str, at: Time, value: f64) {
        let cap = self.capacity;
        let s = self.series.get_or_insert_with(name.to_string(), || Series { name: name.into(), points: Vec::new() });
        s.points.push((at, value));
        if s.points.len() > cap {
            let half = s.points.len() / 2;
            let old: Vec<(Time, f64)> = s.points[..half].chunks(2).map(|c| (c[c.len() - 1].0, c.iter().map(|p| p.1).sum::<f64>() / c.len() as f64)).collect();
            let mut merged = old;
            merged.extend_from_slice(&s.points[half..]);
            s.points = merged;
        }
    }

    /// Drops the series under `prefix` that recorded nothing since `since` (per-pod series
    /// of pods gone or no longer under load), so memory stays bounded as pods come and go.
    pub fn forget_quiet(&mut self, prefix: &str, since: Time) {
        self.series.retain(|name, s| !name.starts_with(prefix) || s.points.last().is_some_and(|(t, _)| *t >= since));
    }

    /// A series by name (empty if never recorded).
    pub fn get(&self, name: &str) -> Series {
        self.series.get(name).cloned().unwrap_or_else(|| Series { name: name.into(), points: Vec::new() })
    }

    /// Names of all recorded series.
    pub fn names(&self) -> Vec<String> {
        self.series.keys().cloned().collect()
    }

    /// Records each HorizontalPodAutoscaler's replicas (desired and current, and the ready
    /// pods of the Deployment or ReplicaSet it scales) and its first metric against the target
    /// (percent for Utilization, the plain value otherwise), as
    /// `hpa/<namespace>/<name>/{desired,current,ready,metric,target}`.
    pub fn sample_autoscalers(&mut self, store: &crate::store::Store, at: Time) {
        for o in store.list(crate::api::Kind::HorizontalPodAutoscaler, None) {
            let Some(hpa) = o.as_hpa() else { continue };
            let prefix = hpa_series_prefix(o.namespace(), o.name());
            self.record(&format!("{prefix}/desired"), at, f64::from(hpa.status.desired_replicas));
            self.record(&format!("{prefix}/current"), at, f64::from(hpa.status.current_replicas));
            let target = &hpa.spec.scale_target_ref;
            let ready = crate::api::Kind::from_kind_name(&target.kind)
                .and_then(|kind| store.get(&crate::store::ObjectKey::in_namespace(kind, o.namespace(), target.name.as_str())))
                .and_then(|t| match t {
                    crate::api::Object::Deployment(d) => Some(d.status.ready_replicas),
                    crate::api::Object::ReplicaSet(rs) => Some(rs.status.ready_replicas),
                    _ => None,
                });
            if let Some(ready) = ready {
                self.record(&format!("{prefix}/ready"), at, f64::from(ready));
            }
            let Some(reading) = hpa.first_metric_reading() else { continue };
            if let Some(goal) = reading.target {
                self.record(&format!("{prefix}/target"), at, goal);
            }
            if let Some(metric) = reading.current {
                self.record(&format!("{prefix}/metric"), at, metric);
            }
        }
    }
}

/// Where an HPA's series live: `hpa/<namespace>/<name>`.
pub fn hpa_series_prefix(namespace: &str, name: &str) -> String {
    format!("hpa/{namespace}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_recent_samples_exact() {
        let mut s = SeriesStore::with_capacity(16);
        for i in 0..1000 {
            s.record("x", Time(i * 1000), i as f64);
        }
        let pts = s.get("x").points;
        assert!(pts.len() <= 16, "{}", pts.len());
        assert_eq!(pts.last(), Some(&(Time(999_000), 999.0)));
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0), "time stays ordered");
        assert!(s.get("missing").points.is_empty());
    }
}
