//! The page's views, one module each.

pub mod charts;
pub mod console;
pub mod control_plane;
pub mod editor;
pub mod event_list;
pub mod inspector;
pub mod lab;
pub mod lesson_panel;
pub mod map_keys;
pub mod node_list;
pub mod rewind;
pub mod screens;
pub mod service_links;
pub mod service_list;
pub mod share;
pub mod tabs;
pub mod theme;
pub mod time_controls;
pub mod transcript;
pub mod workers;

pub use charts::Charts;
pub use console::Console;
pub use control_plane::ControlPlaneStrip;
pub use editor::Editor;
pub use event_list::EventList;
pub use inspector::{InspectHandle, Inspector, Target};
pub use lab::ContainersLab;
pub use lesson_panel::LessonPanel;
pub use node_list::NodeList;
pub use rewind::Rewind;
pub use service_links::ServiceLinks;
pub use service_list::ServiceList;
pub use share::Share;
pub use theme::ThemeSwitch;
pub use workers::Workers;
