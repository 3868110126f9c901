//! Actions: every change to a router — what can be asked, how it is validated and
//! translated into a GenieACS task for this device's data model, how its completion is
//! proven, and the states it goes through.
//!
//! The queue worker (persisting intent before sending, following queued tasks, retrying
//! transient failures) builds on these pieces.

pub mod bulk;
pub mod evidence;
pub mod kinds;
pub mod lease;
pub mod translate;
pub mod verify;
pub mod worker;

pub use acsdesk_types::ActionStatus;
pub use kinds::{ActionRequest, BandChoice, ParamValue};
pub use translate::{plan, ActionPlan, PlanError, TaskSpec};
pub use verify::{Verdict, Verification};
