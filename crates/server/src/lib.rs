//! The native side of kubeplay: the HTTP server for the page and the backend
//! API, and the build's size report. The `kubeplay` binary is a thin CLI over it.

pub mod lab;
pub mod lessons;
pub mod runner;
pub mod serve;
pub mod size_report;
