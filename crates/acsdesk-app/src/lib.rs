//! AcsDesk's application layer: the one surface both shells call. [`Services`] over an
//! open tenant — fleet, actions, bulk runs, alerts, maintenance, settings — the action
//! [`runner`], the GenieACS client of a connection ([`connect`]) and the one post-sync
//! [`pipeline`], used alike by the desktop's session ([`Desk`]: the tenant in use, its
//! background work, the demo, events for the window) and by the CLI. It is the only layer that converts to
//! and from the `acsdesk-types` DTOs; behaviour lives in `acsdesk-core` beneath it.

pub mod actions;
mod alerts;
mod background;
pub mod backups;
mod bulk;
pub mod connect;
mod demo;
mod desk;
mod events;
pub mod exports;
pub mod firmware;
mod fleet;
mod maintenance;
mod manage;
pub mod pipeline;
mod provisioning;
mod report;
mod rollouts;
pub mod runner;
mod services;
mod settings;
mod subscribers;

pub use demo::DEMO_TENANT;
pub use desk::Desk;
pub use events::DeskEvent;
pub use manage::ConnectionTls;
pub use services::Services;
