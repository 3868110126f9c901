//! The states of an action and the moves allowed between them:
//! `pending → sent → completed | failed | cancelled`, and `pending → cancelled | failed`.

use serde::{Deserialize, Serialize};

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Queued in AcsDesk, not yet given to GenieACS.
    Pending,
    /// Given to GenieACS (done or waiting there for the device), not yet proven.
    Sent,
    /// Done and proven.
    Completed,
    /// Failed, with a reason.
    Failed,
    /// Cancelled by someone.
    Cancelled,
}

impl ActionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Pending => "pending",
            ActionStatus::Sent => "sent",
            ActionStatus::Completed => "completed",
            ActionStatus::Failed => "failed",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => ActionStatus::Pending,
            "sent" => ActionStatus::Sent,
            "completed" => ActionStatus::Completed,
            "failed" => ActionStatus::Failed,
            "cancelled" => ActionStatus::Cancelled,
            _ => return None,
        })
    }

    /// Whether the action is over.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ActionStatus::Completed | ActionStatus::Failed | ActionStatus::Cancelled
        )
    }

    /// Whether moving to `next` is allowed.
    pub fn can_move_to(self, next: ActionStatus) -> bool {
        use ActionStatus::*;
        matches!(
            (self, next),
            (Pending, Sent)
                | (Pending, Cancelled)
                | (Pending, Failed)
                | (Sent, Completed)
                | (Sent, Failed)
                | (Sent, Cancelled)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ActionStatus::*;
    use super::*;

    #[test]
    fn only_forward_moves_are_allowed() {
        assert!(Pending.can_move_to(Sent));
        assert!(Sent.can_move_to(Completed));
        assert!(Sent.can_move_to(Cancelled));
        assert!(!Completed.can_move_to(Pending));
        assert!(
            !Pending.can_move_to(Completed),
            "never completed without being sent"
        );
        assert!(!Failed.can_move_to(Sent));
        for s in [Pending, Sent, Completed, Failed, Cancelled] {
            assert_eq!(ActionStatus::parse(s.as_str()), Some(s));
        }
        assert!(Cancelled.is_final() && !Sent.is_final());
    }
}
