//! `acsdesk act …` and `acsdesk actions`: queue actions, run the worker for them, and
//! (with `--wait`) follow them to their proven outcome.

use super::Ctx;
use crate::cli::{ActCommand, ActionsArgs};
use acsdesk_app::actions::parse_action;
use acsdesk_app::connect::connection_client;
use acsdesk_core::actions::worker::{Outcome, Worker};
use acsdesk_core::actions::ActionStatus;
use acsdesk_core::store::TenantStore;
use acsdesk_types::actions::ActionInput;
use anyhow::{bail, Context};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

fn stdin_line(what: &str) -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("cannot read the {what} from stdin"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn confirm(question: &str, yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} Refusing without confirmation: add --yes");
    }
    print!("{question} [y/N] ");
    std::io::stdout().flush()?;
    let answer = stdin_line("answer")?;
    if !matches!(answer.trim(), "y" | "Y" | "yes") {
        bail!("cancelled");
    }
    Ok(())
}

/// One worker per ACS connection, made when first needed.
#[derive(Default)]
struct Workers(HashMap<String, Worker>);

impl Workers {
    async fn get(&mut self, tenant: &TenantStore, acs: &str) -> anyhow::Result<Worker> {
        if let Some(w) = self.0.get(acs) {
            return Ok(w.clone());
        }
        let (_, client) = connection_client(tenant, acs)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let w = Worker::new(tenant.clone(), acs, client, acsdesk_core::clock::system());
        self.0.insert(acs.to_owned(), w.clone());
        Ok(w)
    }

    fn all(&self) -> impl Iterator<Item = &Worker> {
        self.0.values()
    }
}

async fn bulk(
    ctx: &Ctx,
    action: &str,
    f: &crate::cli::BulkFilter,
    concurrency: usize,
    yes: bool,
) -> anyhow::Result<()> {
    use acsdesk_core::actions::bulk::{run_bulk, BulkOutcome};
    let input = match action {
        "reboot" => ActionInput::Reboot,
        "factory-reset" => ActionInput::FactoryReset,
        "refresh" => ActionInput::Refresh,
        "summon" => ActionInput::Summon,
        other => bail!("bulk supports reboot, factory-reset, refresh and summon, not {other:?}"),
    };
    let request = parse_action(input).map_err(|e| anyhow::anyhow!(e.message))?;
    let tenant = ctx.tenant().await?;
    let filter = f.to_filter();
    let ids = tenant.matching_devices(&filter).await?;
    anyhow::ensure!(!ids.is_empty(), "no device matches these filters");
    if request.is_destructive() {
        confirm(
            &format!("{} {} device(s)?", request.describe(), ids.len()),
            yes,
        )?;
    }
    let now = acsdesk_core::clock::system_now_ms();
    let targets: Vec<(Option<String>, String)> = ids
        .iter()
        .map(|(id, acs)| (Some(acs.clone()), id.clone()))
        .collect();
    let queued = tenant
        .enqueue_actions(&targets, &request, "cli", now)
        .await?;
    let mut actions = Vec::with_capacity(ids.len());
    let mut workers = Workers::default();
    let mut worker_of = HashMap::new();
    for (action, (_, acs)) in queued.iter().zip(&ids) {
        worker_of.insert(*action, workers.get(&tenant, acs).await?);
        actions.push(action.to_string());
    }
    let worker_of = std::sync::Arc::new(worker_of);
    let summary = run_bulk(
        actions,
        concurrency,
        |id| {
            let worker_of = worker_of.clone();
            async move {
                let Some((id, worker)) = id
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| worker_of.get(&id).map(|w| (id, w.clone())))
                else {
                    return BulkOutcome::Failed {
                        reason: "bad action id".into(),
                    };
                };
                match worker.execute_action(id).await {
                    Ok(Outcome::Completed(_)) => BulkOutcome::Done,
                    Ok(Outcome::Waiting(_)) | Ok(Outcome::RetryLater(..)) | Ok(Outcome::Idle) => {
                        BulkOutcome::Waiting
                    }
                    Ok(Outcome::Failed(_, why)) => BulkOutcome::Failed { reason: why },
                    Err(e) => BulkOutcome::Failed {
                        reason: e.to_string(),
                    },
                }
            }
        },
        |s| {
            eprint!(
                "\r{} / {} done, {} waiting, {} failed",
                s.done, s.total, s.waiting, s.failed
            );
        },
    )
    .await;
    eprintln!();
    println!(
        "{}: {} ok / {} failed / {} waiting for the device (of {})",
        request.describe(),
        summary.done,
        summary.failed,
        summary.waiting,
        summary.total
    );
    for (id, why) in summary.failures.iter().take(20) {
        println!("  action {id}: {why}");
    }
    if summary.failed > 0 {
        bail!("{} of {} actions failed", summary.failed, summary.total);
    }
    Ok(())
}

pub(crate) async fn run(ctx: &Ctx, command: ActCommand) -> anyhow::Result<()> {
    let (ids, input, opts) = match command {
        ActCommand::Bulk {
            action,
            filter,
            concurrency,
            yes,
        } => return bulk(ctx, &action, &filter, concurrency, yes).await,
        ActCommand::Reboot { ids, opts } => {
            confirm(&format!("Reboot {} device(s)?", ids.len()), opts.yes)?;
            (ids, ActionInput::Reboot, opts)
        }
        ActCommand::FactoryReset { ids, opts } => {
            confirm(
                &format!(
                    "Factory-reset {} device(s)? They lose their configuration.",
                    ids.len()
                ),
                opts.yes,
            )?;
            (ids, ActionInput::FactoryReset, opts)
        }
        ActCommand::Refresh { ids, opts } => (ids, ActionInput::Refresh, opts),
        ActCommand::Summon { ids, opts } => (ids, ActionInput::Summon, opts),
        ActCommand::Wifi {
            id,
            band,
            ssid,
            password_stdin,
            opts,
        } => {
            let passphrase = if password_stdin {
                Some(stdin_line("password")?)
            } else {
                None
            };
            (
                vec![id],
                ActionInput::ChangeWifi {
                    band,
                    ssid,
                    passphrase,
                },
                opts,
            )
        }
        ActCommand::Pppoe {
            id,
            username,
            password_stdin: _,
            opts,
        } => {
            let password = stdin_line("password")?;
            (
                vec![id],
                ActionInput::ChangePppoe { username, password },
                opts,
            )
        }
        ActCommand::Set { id, params, opts } => {
            let values = params
                .iter()
                .map(|p| acsdesk_types::actions::ParamInput::parse(p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow::anyhow!("--param {e}"))?;
            (vec![id], ActionInput::SetParameters { values }, opts)
        }
        ActCommand::Firmware { id, file, opts } => {
            confirm("Install new firmware? The device reboots.", opts.yes)?;
            (vec![id], ActionInput::UpdateFirmware { file }, opts)
        }
    };
    // Validate everything before queueing anything: the input, the devices, and each
    // action against its live device (parameters, writability, firmware model).
    let request = parse_action(input).map_err(|e| anyhow::anyhow!(e.message))?;
    let tenant = ctx.tenant().await?;
    let mut workers = Workers::default();
    let mut targets = Vec::with_capacity(ids.len());
    for id in &ids {
        let acs = tenant.device_acs(opts.acs.as_deref(), id).await?;
        let worker = workers.get(&tenant, &acs).await?;
        worker
            .check(id, &request)
            .await
            .map_err(|why| anyhow::anyhow!("{id}: {why}; nothing was queued"))?;
        targets.push((id.clone(), acs));
    }
    let now = acsdesk_core::clock::system_now_ms();
    let batch: Vec<(Option<String>, String)> = targets
        .iter()
        .map(|(id, acs)| (Some(acs.clone()), id.clone()))
        .collect();
    let queued = tenant.enqueue_actions(&batch, &request, "cli", now).await?;
    for (action, (id, _)) in queued.iter().zip(&targets) {
        println!("Queued action {action} on {id}: {}", request.describe());
    }
    for worker in workers.all() {
        loop {
            match worker.try_execute_next().await? {
                Outcome::Idle => break,
                Outcome::Waiting(id) => {
                    println!("Action {id}: waiting in GenieACS for the device")
                }
                Outcome::Completed(id) => println!("Action {id}: completed"),
                Outcome::Failed(id, why) => println!("Action {id}: failed: {why}"),
                Outcome::RetryLater(id, why) => println!("Action {id}: will retry ({why})"),
            }
        }
    }
    if !opts.wait {
        return Ok(());
    }
    let deadline = tokio::time::Instant::now() + request.timeout() + Duration::from_secs(30);
    loop {
        let mut open = 0;
        let mut failed = Vec::new();
        for id in &queued {
            let a = tenant.action(*id).await?;
            match a.status {
                ActionStatus::Failed => failed.push(format!(
                    "action {id} on {}: {}",
                    a.device,
                    a.fault_message.unwrap_or_default()
                )),
                s if !s.is_final() => open += 1,
                _ => {}
            }
        }
        if open == 0 {
            if failed.is_empty() {
                println!("All {} action(s) completed.", queued.len());
                return Ok(());
            }
            bail!("{}", failed.join("; "));
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{open} action(s) still waiting for their devices; see `acsdesk actions`");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        for worker in workers.all() {
            let _ = worker.try_execute_next().await;
            worker.follow_up().await?;
        }
    }
}

pub(crate) async fn list(ctx: &Ctx, a: &ActionsArgs) -> anyhow::Result<()> {
    if let Some(crate::cli::ActionsCommand::Cancel { id }) = &a.cancel {
        let tenant = ctx.tenant().await?;
        let acs = tenant.action(*id).await?.acs;
        let worker = Workers::default().get(&tenant, &acs).await?;
        worker.cancel(*id).await?;
        println!("Action {id} cancelled.");
        return Ok(());
    }
    let status = match &a.status {
        Some(s) => Some(ActionStatus::parse(s).with_context(|| {
            format!("unknown status {s:?}: use pending, sent, completed, failed or cancelled")
        })?),
        None => None,
    };
    let rows = ctx.tenant().await?.actions(status, 200).await?;
    if a.json {
        let out: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "device": r.device, "acs": r.acs, "action": r.request.name(), "description": r.request.describe(),
                    "status": r.status.as_str(), "attempts": r.attempts, "task_id": r.task_id,
                    "fault_code": r.fault_code, "fault": r.fault_message, "requested_by": r.requested_by,
                    "created_ms": r.created_ms, "finished_ms": r.finished_ms,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for r in rows {
            println!(
                "{:>5}  {:<10} {:<28} {}{}",
                r.id,
                r.status.as_str(),
                r.device,
                r.request.describe(),
                r.fault_message
                    .map(|f| format!(" — {f}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}
