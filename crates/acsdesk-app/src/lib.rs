//! AcsDesk's application layer: the one surface both shells call. The desktop's session
//! ([`Desk`]) with its services — fleet, actions, bulk runs, alerts, maintenance,
//! settings, tenants and connections, the demo — and, shared with the CLI, the GenieACS
//! client of a connection ([`connect`]), action input parsing ([`actions::parse_action`])
//! and the one post-sync pipeline ([`pipeline`]). It is the only layer that converts to
//! and from the `acsdesk-types` DTOs; behaviour lives in `acsdesk-core` beneath it.

pub mod actions;
mod alerts;
mod background;
mod bulk;
pub mod connect;
mod demo;
mod desk;
mod events;
mod fleet;
mod maintenance;
mod manage;
pub mod pipeline;
mod settings;

pub use demo::DEMO_TENANT;
pub use desk::Desk;
pub use events::DeskEvent;
