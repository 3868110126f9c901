//! `acsdesk act …` and `acsdesk actions`: the application's action services and its
//! runner (the desktop's own), printed — queue (checked against the live devices, all or
//! nothing), send, and with `--wait` follow to the proven outcome; bulk by filter.

use super::{app_err, Ctx};
use crate::cli::{ActCommand, ActOptions, ActionsArgs};
use acsdesk_app::actions::parse_action;
use acsdesk_app::runner::{ActionRunner, Pass, DEFAULT_CONCURRENCY};
use acsdesk_app::Services;
use acsdesk_core::actions::worker::Outcome;
use acsdesk_core::actions::ActionStatus;
use acsdesk_types::actions::{
    ActionInput, ActionStage, BulkProgressRequest, BulkTargets, ListActionsRequest,
    QueueBulkRequest,
};
use acsdesk_types::devices::ListDevicesRequest;
use anyhow::{bail, Context};
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

pub(crate) fn confirm(question: &str, yes: bool) -> anyhow::Result<()> {
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

/// Where progress lines go: stdout, or stderr when stdout carries JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Say {
    /// Progress to stderr.
    pub(crate) to_stderr: bool,
}

impl Say {
    fn line(self, text: impl std::fmt::Display) {
        if self.to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }
}

/// Prints what a pass of the runner did; alerts it raised are delivered like a sync's.
async fn report(
    services: &Services,
    pass: Pass,
    quiet_waiting: bool,
    say: Say,
) -> anyhow::Result<()> {
    // A pass may send an action and follow it at once: say where it is once.
    let mut said = std::collections::HashSet::new();
    for o in pass.sent.iter().chain(&pass.followed) {
        match o {
            Outcome::Idle => {}
            Outcome::Waiting(_) if quiet_waiting => {}
            Outcome::Waiting(id) | Outcome::Moved(id) if !said.insert(*id) => {}
            // Where it is on its way, as the worker recorded it.
            Outcome::Waiting(id) | Outcome::Moved(id) => {
                let stage = services.action(*id).await.map_err(app_err)?.stage;
                say.line(format!(
                    "Action {id}: {}",
                    stage.unwrap_or(ActionStage::Queued).describe()
                ));
            }
            Outcome::Completed(id) => say.line(format!("Action {id}: completed")),
            // Said once, in the command's failure (see `standing`).
            Outcome::Failed(..) => {}
            Outcome::RetryLater(id, why) => say.line(format!("Action {id}: will retry ({why})")),
        }
    }
    for e in &pass.errors {
        eprintln!("acsdesk: {e}");
    }
    if let (Some(owner), false) = (&pass.held_by, quiet_waiting) {
        say.line(format!(
            "Another AcsDesk ({owner}) sends this connection's actions: it sends these."
        ));
    }
    deliver(services, &pass).await
}

/// Sends the alerts a pass raised to the tenant's channels, as `acsdesk sync` does.
async fn deliver(services: &Services, pass: &Pass) -> anyhow::Result<()> {
    if pass.deliveries.is_empty() {
        return Ok(());
    }
    let outcomes =
        acsdesk_app::pipeline::deliver(services.tenant(), &pass.deliveries, services.now())
            .await
            .map_err(anyhow::Error::msg)?;
    for o in outcomes {
        if let Err(e) = o.result {
            eprintln!("acsdesk: alert channel {}: {e}", o.channel);
        }
    }
    Ok(())
}

async fn bulk(
    ctx: &Ctx,
    action: &str,
    f: &crate::cli::BulkFilter,
    concurrency: usize,
    yes: bool,
) -> anyhow::Result<()> {
    let input = match action {
        "reboot" => ActionInput::Reboot,
        "factory-reset" => ActionInput::FactoryReset,
        "refresh" => ActionInput::Refresh,
        "summon" => ActionInput::Summon,
        other => bail!(
            "bulk supports reboot, factory-reset, refresh and summon, not {other:?} (a ping of many routers: acsdesk diag sweep)"
        ),
    };
    let (description, progress) = run_bulk(ctx, input, f, concurrency, yes, false).await?;
    println!(
        "{description}: {} ok / {} failed / {} waiting for the device / {} not yet sent (of {})",
        progress.completed, progress.failed, progress.sent, progress.pending, progress.total
    );
    print_failures(&progress);
    if progress.failed > 0 {
        bail!("{} of {} actions failed", progress.failed, progress.total);
    }
    Ok(())
}

/// The first failures of a bulk run, a line each.
pub(crate) fn print_failures(progress: &acsdesk_types::actions::BulkProgress) {
    for a in &progress.failures {
        println!(
            "  action {} on {}: {}",
            a.id,
            a.device,
            a.fault.as_deref().unwrap_or_default()
        );
    }
}

/// Queues `input` on every device matching `f` (the desktop's bulk rules: which actions,
/// how many devices, all or nothing) and sends it, `concurrency` devices at a time,
/// showing progress on stderr: until everything reached GenieACS, or with `until_done`
/// until every action ended (a diagnostic's answer is what is wanted). Returns what each
/// action does and where the operation stands.
pub(crate) async fn run_bulk(
    ctx: &Ctx,
    input: ActionInput,
    f: &crate::cli::BulkFilter,
    concurrency: usize,
    yes: bool,
    until_done: bool,
) -> anyhow::Result<(String, acsdesk_types::actions::BulkProgress)> {
    let request = parse_action(input.clone()).map_err(app_err)?;
    let services = ctx.services().await?;
    let filter = f.to_filter();
    let matching = services
        .list_devices(ListDevicesRequest {
            filter: filter.clone(),
            limit: 1,
            ..ListDevicesRequest::default()
        })
        .await
        .map_err(app_err)?
        .total;
    if matching == 0 {
        super::devices::unknown_filter_values(&services, &filter).await?;
        bail!("no device matches these filters");
    }
    if request.is_destructive() {
        confirm(
            &format!("{} {matching} device(s)?", request.describe()),
            yes,
        )?;
    }
    let queued = services
        .queue_bulk_action(QueueBulkRequest {
            targets: BulkTargets::Matching { filter },
            action: input,
        })
        .await
        .map_err(app_err)?;
    let ids = queued.ids;
    let runner = ActionRunner::new(
        services.tenant().clone(),
        acsdesk_core::clock::system(),
        concurrency,
    );
    let connections = services.tenant().list_acs().await?;
    // A diagnostic's answer comes after its task waited (ten minutes at most for an
    // offline router) and the router ran the test.
    let window = if until_done {
        request.queue_timeout() + request.timeout()
    } else {
        RETRY_WINDOW
    };
    let deadline = tokio::time::Instant::now() + window;
    let mut told = false;
    let progress = Progress::new(ids.len() as u64)?;
    let progress = loop {
        for acs in &connections {
            let pass = match runner.pass(&acs.name).await {
                Ok(p) => p,
                Err(e) => {
                    runner.release().await;
                    return Err(app_err(e));
                }
            };
            for e in &pass.errors {
                progress.say(&format!("acsdesk: {e}"));
            }
            if let (Some(owner), false) = (&pass.held_by, told) {
                told = true;
                progress.say(&format!(
                    "Another AcsDesk ({owner}) sends {}'s actions: following it.",
                    acs.name
                ));
            }
            deliver(&services, &pass).await?;
        }
        let p = services
            .bulk_progress(BulkProgressRequest { ids: ids.clone() })
            .await
            .map_err(app_err)?;
        progress.show(&p);
        // Everything has reached GenieACS: what waits there runs when its device comes.
        let enough = if until_done {
            p.is_done()
        } else {
            p.pending == 0
        };
        if enough || tokio::time::Instant::now() > deadline {
            progress.finish();
            break p;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    runner.release().await;
    Ok((queued.description, progress))
}

/// A bulk run's progress: a bar on a terminal; elsewhere (a log, a pipe) a plain line
/// each time the counts change.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: std::cell::RefCell<String>,
}

impl Progress {
    fn new(total: u64) -> anyhow::Result<Self> {
        let bar = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template("[{bar:40}] {pos}/{len} {msg}")
                    .map_err(|e| anyhow::anyhow!(e.to_string()))?
                    .progress_chars("=> "),
            );
            Some(bar)
        } else {
            None
        };
        Ok(Self {
            bar,
            last: Default::default(),
        })
    }

    fn show(&self, p: &acsdesk_types::actions::BulkProgress) {
        let line = format!(
            "{} / {} done, {} waiting, {} failed",
            p.completed, p.total, p.sent, p.failed
        );
        match &self.bar {
            Some(bar) => {
                bar.set_position(p.completed + p.failed);
                bar.set_message(format!("done, {} waiting, {} failed", p.sent, p.failed));
            }
            None if *self.last.borrow() != line => {
                eprintln!("{line}");
                *self.last.borrow_mut() = line;
            }
            None => {}
        }
    }

    /// A line above the bar (or on its own line).
    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// How long a bulk run keeps retrying actions GenieACS could not take yet.
const RETRY_WINDOW: Duration = Duration::from_secs(180);

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
    queue_and_send(ctx, &ids, input, &opts, Say { to_stderr: false })
        .await
        .map(|_| ())
}

/// Queues one action on each device (`ids`: ids or serials), sends it and, with
/// `opts.wait`, follows it until it ended; returns the actions queued. Progress goes
/// where `say` says (stderr when stdout carries JSON).
pub(crate) async fn queue_and_send(
    ctx: &Ctx,
    ids: &[String],
    input: ActionInput,
    opts: &ActOptions,
    say: Say,
) -> anyhow::Result<Vec<i64>> {
    // The input is validated, then each action checked against its live device
    // (parameters, writability, firmware model) before anything is queued.
    let request = parse_action(input).map_err(app_err)?;
    let services = ctx.services().await?;
    // A device is named by its id (with or without GenieACS's escapes) or its serial.
    let mut resolved = Vec::with_capacity(ids.len());
    for text in ids {
        resolved.push(services.resolve_device(text).await.map_err(app_err)?);
    }
    let ids = resolved;
    let queued = services
        .queue_actions(opts.acs.as_deref(), &ids, &request)
        .await
        .map_err(app_err)?;
    let mut connections = Vec::new();
    for (action, id) in queued.iter().zip(&ids) {
        say.line(format!(
            "Queued action {action} on {id}: {}",
            request.describe()
        ));
        let acs = services.tenant().action(*action).await?.acs;
        if !connections.contains(&acs) {
            connections.push(acs);
        }
    }
    let runner = ActionRunner::new(
        services.tenant().clone(),
        acsdesk_core::clock::system(),
        DEFAULT_CONCURRENCY,
    );
    let sent = send_and_wait(
        &services,
        &runner,
        &queued,
        &connections,
        &request,
        opts.wait,
        say,
    )
    .await;
    // Whatever is left is sent and followed by whichever process runs workers next.
    runner.release().await;
    sent.map(|()| queued)
}

/// Sends the queued actions and, with `wait`, follows them until each has ended.
async fn send_and_wait(
    services: &Services,
    runner: &ActionRunner,
    queued: &[i64],
    connections: &[String],
    request: &acsdesk_core::actions::ActionRequest,
    wait: bool,
    say: Say,
) -> anyhow::Result<()> {
    for acs in connections {
        report(
            services,
            runner.pass(acs).await.map_err(app_err)?,
            false,
            say,
        )
        .await?;
    }
    if !wait {
        // A failure already known fails the command, as it does with --wait.
        let (_, failed) = standing(services, queued).await?;
        if !failed.is_empty() {
            bail!("{}", failed.join("; "));
        }
        return Ok(());
    }
    let deadline = tokio::time::Instant::now() + request.timeout() + Duration::from_secs(30);
    loop {
        let (open, failed) = standing(services, queued).await?;
        if open == 0 {
            // What the routers now say (read back by the proofs) goes into the store at
            // once, as the desktop does: `device show` needs no `sync` to agree.
            for acs in connections {
                let round = acsdesk_app::pipeline::sync_round(
                    services.tenant(),
                    acs,
                    false,
                    services.now(),
                    |_| {},
                )
                .await?;
                if !round.deliveries.is_empty() {
                    let _ = acsdesk_app::pipeline::deliver(
                        services.tenant(),
                        &round.deliveries,
                        services.now(),
                    )
                    .await;
                }
            }
            if failed.is_empty() {
                say.line(format!("All {} action(s) completed.", queued.len()));
                return Ok(());
            }
            bail!("{}", failed.join("; "));
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{open} action(s) still waiting for their devices; see `acsdesk actions`");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        for acs in connections {
            report(
                services,
                runner.pass(acs).await.map_err(app_err)?,
                true,
                say,
            )
            .await?;
        }
    }
}

/// How the queued actions stand: how many have not ended, and each failure as
/// "action N on DEVICE: why" (the one format, with or without `--wait`).
async fn standing(services: &Services, queued: &[i64]) -> anyhow::Result<(usize, Vec<String>)> {
    let mut open = 0;
    let mut failed = Vec::new();
    for id in queued {
        let a = services.action(*id).await.map_err(app_err)?;
        match a.status {
            ActionStatus::Failed => failed.push(format!(
                "action {id} on {}: {}",
                a.device,
                a.fault.unwrap_or_default()
            )),
            s if !s.is_final() => open += 1,
            _ => {}
        }
    }
    Ok((open, failed))
}

pub(crate) async fn list(ctx: &Ctx, a: &ActionsArgs) -> anyhow::Result<()> {
    if let Some(crate::cli::ActionsCommand::Cancel { id }) = &a.cancel {
        ctx.services()
            .await?
            .cancel_action(*id)
            .await
            .map_err(app_err)?;
        println!("Action {id} cancelled.");
        return Ok(());
    }
    let status = match &a.status {
        Some(s) => Some(ActionStatus::parse(s).with_context(|| {
            format!("unknown status {s:?}: use pending, sent, completed, failed or cancelled")
        })?),
        None => None,
    };
    let rows = ctx
        .services()
        .await?
        .list_actions(ListActionsRequest {
            device: None,
            status,
            limit: Some(u32::try_from(a.limit).unwrap_or(u32::MAX)),
        })
        .await
        .map_err(app_err)?;
    if rows.len() as u64 >= a.limit {
        eprintln!(
            "showing the {} most recent actions: there may be more (--limit N)",
            rows.len()
        );
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if a.csv {
        use std::io::Write;
        let bytes = acsdesk_app::exports::actions_csv(&rows).map_err(app_err)?;
        std::io::stdout().write_all(&bytes)?;
    } else {
        if rows.is_empty() {
            println!("no actions");
        }
        for r in rows {
            let detail = match (&r.fault, &r.stage) {
                (Some(f), _) => format!(" — {f}"),
                (None, Some(stage)) => format!(" — {}", stage.describe()),
                (None, None) => String::new(),
            };
            println!(
                "{:>5}  {:<10} {:<28} {}{detail}",
                r.id,
                r.status.as_str(),
                r.device,
                r.description,
            );
        }
    }
    Ok(())
}
