//! kubeplay's simulated Kubernetes cluster: pure Rust, no I/O, no web or OS
//! dependencies, deterministic for a given seed. Laid out like Kubernetes:
//! one module per component, and they talk only through the [`store`].
//!
//! Clients (the page, the console, lessons) use the cluster only through
//! [`interface::ClusterInterface`]; [`interface::LocalCluster`] is the in-process
//! implementation around [`cluster::Cluster`].

pub mod admission;
pub mod api;
pub mod apiserver;
pub mod clock;
pub mod cluster;
pub mod controllers;
pub mod decode;
pub mod events;
pub mod images;
pub mod inspect;
pub mod interface;
pub mod kube_proxy;
pub mod kubectl;
pub mod kubelet;
pub mod lab;
pub mod lesson;
pub mod manifest;
pub mod metrics_server;
pub mod rand;
pub mod replay;
pub mod scheduler;
pub mod scale;
pub mod selfcheck;
pub mod series;
pub mod service_registry;
pub mod shell;
pub mod small_map;
pub mod sorting;
mod name_key;
pub mod store;
pub mod tagged;
pub mod text;
pub mod traffic;
pub mod wakeups;
pub mod yaml;

pub use cluster::{Cluster, ClusterSettings};
pub use interface::{ClusterInterface, LocalCluster};
