//! `acsdesk tenant add|list|remove|rekey`.

use super::{new_passphrase, passphrase, Ctx};
use crate::cli::TenantCommand;
use acsdesk_core::store::KeyChoice;

pub(crate) async fn run(ctx: &Ctx, command: TenantCommand) -> anyhow::Result<()> {
    match command {
        TenantCommand::Add {
            name,
            passphrase: ask,
        } => {
            // The desktop's rule (KeyChoice::for_new_tenant), asking on the terminal
            // where the desktop asks in a dialog.
            let choice = if ask {
                KeyChoice::Passphrase(passphrase(&format!("New passphrase for \"{name}\": "))?)
            } else {
                match KeyChoice::for_new_tenant(true) {
                    Some(c) => c,
                    None => KeyChoice::Passphrase(passphrase(&format!(
                        "No credential store here. New passphrase for \"{name}\": "
                    ))?),
                }
            };
            let kind = match &choice {
                KeyChoice::Keyring => "key in the OS credential store",
                KeyChoice::Passphrase(_) => "passphrase",
            };
            let t = ctx
                .workspace
                .create_tenant(&name, choice, acsdesk_core::clock::system_now_ms())
                .await?;
            ctx.workspace
                .set_setting("current_tenant", t.name())
                .await?;
            println!("Created tenant \"{}\" (encrypted, {kind}).", t.name());
        }
        TenantCommand::List => {
            let current = ctx.workspace.setting("current_tenant").await?;
            for t in ctx.workspace.tenants().await? {
                let mark = if current.as_deref() == Some(t.name.as_str()) {
                    "*"
                } else {
                    " "
                };
                println!("{mark} {}  ({})", t.name, t.key_kind);
            }
        }
        TenantCommand::Remove { name } => {
            ctx.workspace.remove_tenant(&name).await?;
            println!("Removed tenant \"{name}\" and its data.");
        }
        TenantCommand::Rekey { keyring, .. } => {
            let tenant = ctx.tenant().await?;
            let name = tenant.name().to_owned();
            let choice = if keyring {
                anyhow::ensure!(
                    acsdesk_core::store::key::keyring_available(),
                    "no OS credential store answers here; use --passphrase"
                );
                KeyChoice::Keyring
            } else {
                KeyChoice::Passphrase(new_passphrase(&format!("New passphrase for \"{name}\": "))?)
            };
            let t = ctx.workspace.rekey_tenant(tenant, choice).await?;
            t.close().await;
            println!(
                "Tenant \"{name}\" is re-encrypted under its new {}.",
                if keyring {
                    "key in the OS credential store"
                } else {
                    "passphrase"
                }
            );
        }
    }
    Ok(())
}
