//! Following what was sent: queued tasks waited on (and withdrawn when they outstay the
//! action's queue time), faults read, gone tasks verified, and sends whose answer was
//! lost settled from GenieACS's own records before anything is sent again.

use super::{
    before_of, Lease, Outcome, Planned, Worker, WorkerError, FOLLOW_UP_BATCH, MAX_ATTEMPTS,
    RESEND_GRACE,
};
use crate::actions::verify::{Verdict, Verification};
use crate::actions::ActionPlan;
use crate::store::actions::ActionRow;
use acsdesk_genieacs::api::tasks::Filter;
use acsdesk_genieacs::Error as GenieError;
use acsdesk_types::actions::ActionStage;
use std::time::Duration;

impl Worker {
    /// Follows every sent action of this connection: queued tasks still in GenieACS
    /// keep waiting (until the action's queue time runs out: then the task is withdrawn
    /// and the action fails), faulted ones fail with GenieACS's fault, gone ones are
    /// verified; sends whose answer was lost are settled (see the module's notes). An
    /// action GenieACS cannot be asked about now is left for the next round. Only the
    /// lease's holder follows: for any other worker this does nothing.
    pub async fn follow_up(&self) -> Result<Vec<Outcome>, WorkerError> {
        let mut out = Vec::new();
        if self.take_lease().await? != Lease::Held {
            return Ok(out);
        }
        let sent = self.store.sent_actions(&self.acs, FOLLOW_UP_BATCH).await?;
        for a in sent {
            match self.follow(&a).await {
                Ok(o) => out.push(o),
                // GenieACS failed to answer about this one: next round.
                Err(_) => out.push(Outcome::Waiting(a.id)),
            }
        }
        Ok(out)
    }

    async fn follow(&self, a: &ActionRow) -> Result<Outcome, WorkerError> {
        let (plan, doc) = match self.plan_for(a).await? {
            Planned::Ready { plan, doc, .. } => (plan, doc),
            Planned::Invalid(reason) => return self.fail(a, "invalid", reason).await,
        };
        let now = (self.clock)();
        let task_id = match &a.task_id {
            Some(t) => Some(t.clone()),
            None if plan.task.is_some() => {
                let found = self
                    .task_exists(Filter::all().unique_key(&a.unique_key))
                    .await?;
                if let Some(t) = &found {
                    self.store.set_action_task(a.id, t).await?;
                }
                found
            }
            None => None,
        };
        if let Some(t) = task_id {
            if self.fault_of(&a.device, &t).await?.is_some() {
                return self.fail_with_fault(a, &t).await;
            }
            if self.task_exists(Filter::all().id(&t)).await?.is_some() {
                let queued_for = now - a.sent_ms.unwrap_or(now);
                let limit = a.request.queue_timeout();
                if queued_for > limit.as_millis() as i64 {
                    return self.withdraw(a, &t, limit).await;
                }
                return self.waiting(a, ActionStage::Queued).await;
            }
            self.store.set_action_ran(a.id, now).await?;
            let a = self.store.action(a.id).await?;
            return self.verify(&a, &plan.verify, Some(doc)).await;
        }
        // A bare connection request that was answered: its change (a preset's) is
        // proven from the device, never requested again.
        if plan.task.is_none() && a.ran_ms.is_some() {
            return self.verify(a, &plan.verify, Some(doc)).await;
        }
        // No task in GenieACS and none recorded: the send's answer was lost, or the
        // worker stopped between its claim and the send.
        if before_of(a).ran_since(&a.request, &doc) {
            // GenieACS's records say it ran: prove it, never send it again.
            self.store.set_action_ran(a.id, now).await?;
            let a = self.store.action(a.id).await?;
            return self.verify(&a, &plan.verify, Some(doc)).await;
        }
        if !a.request.is_destructive()
            && self.verdict(a, &plan.verify, Some(doc.clone())).await? == Verdict::Verified
            && plan.verify != Verification::FaultFree
        {
            // It ran after all (the values read back): done, nothing to repeat.
            return self.verify(a, &plan.verify, Some(doc)).await;
        }
        // GenieACS may still be running a send that lost its answer: give it time.
        let grace = RESEND_GRACE.as_millis() as i64;
        if now.saturating_sub(a.sent_ms.unwrap_or(now)) < grace {
            return Ok(Outcome::Waiting(a.id));
        }
        // Neither queued nor run: sending again cannot make it run twice.
        self.resend(a, &plan).await
    }

    /// Sends again an action whose previous send left no trace, counted and bounded.
    async fn resend(&self, a: &ActionRow, plan: &ActionPlan) -> Result<Outcome, WorkerError> {
        if a.attempts >= MAX_ATTEMPTS {
            return self
                .fail(
                    a,
                    "undelivered",
                    format!(
                        "GenieACS did not take the task after {} attempts",
                        a.attempts
                    ),
                )
                .await;
        }
        let claimed = self
            .store
            .claim_resend(a.id, a.attempts, self.terms(), (self.clock)())
            .await?;
        if !claimed {
            return Ok(Outcome::Waiting(a.id));
        }
        let a = self.store.action(a.id).await?;
        self.dispatch(&a, plan).await
    }

    /// A task queued longer than the action allows is taken back from GenieACS, so the
    /// device does not run it by surprise days later.
    async fn withdraw(
        &self,
        a: &ActionRow,
        task_id: &str,
        limit: Duration,
    ) -> Result<Outcome, WorkerError> {
        match self.client.tasks().delete(task_id).await {
            Ok(()) => {
                self.fail(
                    a,
                    "expired",
                    format!(
                        "the device did not connect within {} h; the task was withdrawn from GenieACS",
                        limit.as_secs() / 3600
                    ),
                )
                .await
            }
            // It ran meanwhile: follow it next round.
            Err(GenieError::NotFound(_)) => Ok(Outcome::Waiting(a.id)),
            Err(e) => Err(e.into()),
        }
    }
}
