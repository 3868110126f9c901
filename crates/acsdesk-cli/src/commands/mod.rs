//! Runs a parsed command line: one module per subcommand, over `acsdesk-core`.

mod about;
mod acs;
mod act;
mod alerts;
mod devices;
mod diag;
mod firmware;
mod provision;
mod report;
mod sandbox;
mod settings;
mod subscriber;
mod sync;
mod tenant;
mod update;

use crate::cli::{Cli, Command};
use acsdesk_core::store::{TenantStore, Workspace};
use anyhow::{bail, Context};
use std::path::PathBuf;

/// What every store-backed command needs: the workspace and the chosen tenant name.
pub(crate) struct Ctx {
    pub(crate) workspace: Workspace,
    tenant: Option<String>,
}

impl Ctx {
    async fn open(data_dir: Option<PathBuf>, tenant: Option<String>) -> anyhow::Result<Self> {
        let dir = data_dir.unwrap_or_else(acsdesk_core::paths::data_dir);
        let workspace = Workspace::open(&dir)
            .await
            .with_context(|| format!("cannot open the data directory {}", dir.display()))?;
        Ok(Self { workspace, tenant })
    }

    /// Opens the chosen tenant: `--tenant`, else the one in use, else the only one.
    pub(crate) async fn tenant(&self) -> anyhow::Result<TenantStore> {
        let tenants = self.workspace.tenants().await?;
        let name = match &self.tenant {
            Some(t) => t.clone(),
            None => match self.workspace.setting("current_tenant").await? {
                Some(t) if tenants.iter().any(|x| x.name == t) => t,
                _ => match tenants.as_slice() {
                    [only] => only.name.clone(),
                    [] => {
                        bail!("there is no tenant yet: create one with `acsdesk tenant add NAME`")
                    }
                    _ => bail!("several tenants exist: choose one with --tenant or ACSDESK_TENANT"),
                },
            },
        };
        let entry = tenants
            .iter()
            .find(|t| t.name == name)
            .with_context(|| format!("no tenant named \"{name}\" (see `acsdesk tenant list`)"))?;
        let pass = if entry.key_kind == "passphrase" {
            Some(passphrase(&format!("Passphrase for tenant \"{name}\": "))?)
        } else {
            None
        };
        Ok(self.workspace.open_tenant(&name, pass.as_deref()).await?)
    }

    /// The application services over the chosen tenant, for actions the CLI requests.
    pub(crate) async fn services(&self) -> anyhow::Result<acsdesk_app::Services> {
        Ok(acsdesk_app::Services::new(
            self.tenant().await?,
            acsdesk_core::clock::system(),
            "cli",
        ))
    }
}

/// An application error as the CLI reports it: its message.
pub(crate) fn app_err(e: acsdesk_types::IpcError) -> anyhow::Error {
    anyhow::anyhow!(e.message)
}

/// A new passphrase: `ACSDESK_NEW_PASSPHRASE`, or asked twice on the terminal.
pub(crate) fn new_passphrase(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("ACSDESK_NEW_PASSPHRASE") {
        if p.is_empty() {
            bail!("ACSDESK_NEW_PASSPHRASE is empty");
        }
        return Ok(p);
    }
    let first = rpassword::prompt_password(prompt)
        .context("no new passphrase: set ACSDESK_NEW_PASSPHRASE or run in a terminal")?;
    if first.is_empty() {
        bail!("the passphrase is empty");
    }
    let again = rpassword::prompt_password("Again: ").context("cannot read the passphrase")?;
    if again != first {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}

/// `ACSDESK_PASSPHRASE`, or a prompt on the terminal.
pub(crate) fn passphrase(prompt: &str) -> anyhow::Result<String> {
    match std::env::var("ACSDESK_PASSPHRASE") {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => {
            let p = rpassword::prompt_password(prompt)
                .context("no passphrase: set ACSDESK_PASSPHRASE or run in a terminal")?;
            if p.is_empty() {
                bail!("the passphrase is empty");
            }
            Ok(p)
        }
    }
}

/// Runs the subcommand the user asked for.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::About(args) = &cli.command {
        return about::run(args);
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        if let Command::Sandbox(args) = &cli.command {
            return sandbox::run(args).await;
        }
        if let Command::Update(c) = &cli.command {
            return update::run(c).await;
        }
        let result = run_with_store(cli).await;
        // Nothing of SQLite may still run when the process exits.
        acsdesk_core::store::close_all().await;
        result
    })
}

/// The commands that work on the workspace and a tenant.
async fn run_with_store(cli: Cli) -> anyhow::Result<()> {
    // `paths::data_dir` reads ACSDESK_DATA_DIR itself.
    let tenant = cli.tenant.or_else(|| {
        std::env::var("ACSDESK_TENANT")
            .ok()
            .filter(|t| !t.is_empty())
    });
    let ctx = Ctx::open(cli.data_dir, tenant).await?;
    match cli.command {
        Command::About(_) | Command::Sandbox(_) | Command::Update(_) => Ok(()),
        Command::Tenant(c) => tenant::run(&ctx, c).await,
        Command::Acs(c) => acs::run(&ctx, c).await,
        Command::Sync(a) => sync::run(&ctx, &a).await,
        Command::Devices(a) => devices::list(&ctx, &a).await,
        Command::Device(c) => devices::device(&ctx, c).await,
        Command::History(a) => devices::history(&ctx, &a).await,
        Command::Logs(a) => devices::logs(&ctx, &a).await,
        Command::Act(c) => act::run(&ctx, c).await,
        Command::Actions(a) => act::list(&ctx, &a).await,
        Command::Alerts(a) => alerts::run(&ctx, &a).await,
        Command::Report(a) => report::run(&ctx, &a).await,
        Command::Watch(a) => sync::watch(&ctx, &a).await,
        Command::Subscriber(c) => subscriber::run(&ctx, c).await,
        Command::Settings(a) => settings::run(&ctx, &a).await,
        Command::Provision(c) => provision::run(&ctx, c).await,
        Command::Firmware(c) => firmware::run(&ctx, c).await,
        Command::Diag(c) => diag::run(&ctx, c).await,
    }
}
