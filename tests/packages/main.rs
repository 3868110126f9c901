//! The Linux packages `./dev.sh package` bundles (`./dev.sh test` bundles the debug build
//! first): what the .deb and .rpm declare and carry, the .deb installed with apt — its
//! desktop app opened from `/usr/bin` on the demo fleet — and removed without a trace,
//! the .rpm installed by rpm into a root of its own.

use acsdesk_tests::desktop::Desktop;
use anyhow::{bail, ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The packages' name (the Tauri bundler makes it from the product name).
const NAME: &str = "acs-desk";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The packages of this build: `<target>/<profile>/bundle/{deb,rpm}/`.
fn package(kind: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot locate the test binary")?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .context("unexpected test binary location")?
        .join("bundle")
        .join(kind);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == kind))
                .collect()
        })
        .unwrap_or_default();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!(
            "no .{kind} in {}: bundle it first with `./dev.sh package --debug` \
             (`./dev.sh test` does)",
            dir.display()
        ),
        many => bail!("more than one .{kind} in {}: {many:?}", dir.display()),
    }
}

/// Runs a command and returns what it printed, failing with what it said when it fails.
fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not run {cmd:?}"))?;
    ensure!(
        out.status.success(),
        "{cmd:?} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A command run as root: directly when this is root, else through `sudo -n`.
fn as_root(program: &str) -> Result<Command> {
    let uid = run(Command::new("id").arg("-u"))?;
    if uid.trim() == "0" {
        return Ok(Command::new(program));
    }
    if Command::new("sudo")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        let mut cmd = Command::new("sudo");
        cmd.args(["-n", program]);
        return Ok(cmd);
    }
    bail!("installing a package needs root: run the tests as root or with passwordless sudo")
}

/// What `--version` must say of this build's binaries.
fn this_build() -> String {
    let info = acsdesk_core::about::build_info(None);
    format!("{} (commit {}", info.version, info.commit)
}

#[test]
fn the_deb_declares_its_dependencies_and_carries_the_app_the_cli_and_the_menu_entry() -> Result<()>
{
    let deb = package("deb")?;
    let field = |name: &str| -> Result<String> {
        Ok(run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg(name))?
            .trim()
            .to_owned())
    };
    assert_eq!(field("Package")?, NAME);
    assert_eq!(field("Version")?, VERSION);
    let depends = field("Depends")?;
    for lib in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libssl3 | libssl3t64",
        "libdbus-1-3",
    ] {
        ensure!(depends.contains(lib), "Depends lacks {lib}: {depends}");
    }
    let recommends = field("Recommends")?;
    ensure!(
        recommends.contains("gnome-keyring") && recommends.contains("appindicator"),
        "the keyring and the tray are recommended: {recommends}"
    );

    // Unpacked: both binaries of this very build, and a menu entry that validates.
    let root = tempfile::tempdir()?;
    run(Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path()))?;
    let cli = root.path().join("usr/bin/acsdesk");
    let said = run(Command::new(&cli).arg("--version"))?;
    ensure!(
        said.starts_with(&format!("acsdesk {}", this_build())),
        "the packaged CLI is this build: {said}"
    );
    ensure!(root.path().join("usr/bin/acsdesk-desktop").is_file());
    let entry = root.path().join("usr/share/applications/AcsDesk.desktop");
    run(Command::new("desktop-file-validate").arg(&entry))?;
    let text = std::fs::read_to_string(&entry)?;
    ensure!(
        text.contains("Exec=acsdesk-desktop") && text.contains("Icon=acsdesk-desktop"),
        "the menu entry opens the app with its icon: {text}"
    );
    ensure!(root
        .path()
        .join("usr/share/icons/hicolor/128x128/apps/acsdesk-desktop.png")
        .is_file());

    // Its dependencies resolve on this system (apt's dry run).
    let plan = run(Command::new("apt-get").arg("-s").arg("install").arg(&deb))?;
    ensure!(
        plan.contains(&format!("Inst {NAME} ")),
        "apt would install it: {plan}"
    );
    Ok(())
}

/// Removes the package when the test ends, whatever happened.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        if let Ok(mut cmd) = as_root("apt-get") {
            let _ = cmd
                .args(["remove", "-y", "--purge", NAME])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deb_installs_opens_the_demo_fleet_and_is_removed_without_a_trace() -> Result<()> {
    let deb = package("deb")?;
    // Never over someone's own installation.
    if let Ok(status) = run(Command::new("dpkg-query").args(["-W", "-f=${Status}", NAME])) {
        ensure!(
            !status.contains("installed") || status.contains("not-installed"),
            "{NAME} is installed on this machine already ({status}): remove it to run this test"
        );
    }
    run(as_root("apt-get")?
        .args(["install", "-y", "--no-install-recommends"])
        .arg(&deb)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    let installed = Installed;

    let files = run(Command::new("dpkg").args(["-L", NAME]))?;
    for f in [
        "/usr/bin/acsdesk",
        "/usr/bin/acsdesk-desktop",
        "/usr/share/applications/AcsDesk.desktop",
    ] {
        ensure!(files.lines().any(|l| l == f), "{f} is installed: {files}");
    }
    // The CLI is on the PATH.
    let said = run(Command::new("acsdesk").arg("--version"))?;
    ensure!(
        said.starts_with(&format!("acsdesk {}", this_build())),
        "{said}"
    );

    // The installed window opens on the demo fleet and says which build it is.
    let data = tempfile::tempdir()?;
    let desktop = Desktop::launch_app(Path::new("/usr/bin/acsdesk-desktop"), data, &[], &[])
        .await
        .context("the installed app opens")?;
    let checked = async {
        let online = desktop.start_demo().await?;
        ensure!(online > 0, "the demo fleet has routers online");
        desktop.screenshot("package-installed").await?;
        desktop.click("[data-testid=nav-about]").await?;
        let info = acsdesk_core::about::build_info(None);
        desktop
            .wait_text("[data-testid=about-commit]", Duration::from_secs(20), |t| {
                t == info.commit
            })
            .await?;
        desktop
            .wait_text(
                "[data-testid=about-version]",
                Duration::from_secs(20),
                |t| t == info.version,
            )
            .await?;
        desktop.screenshot("package-installed-about").await
    }
    .await;
    if checked.is_err() {
        let _ = desktop.screenshot("package-installed-failure").await;
    }
    desktop.shutdown().await;
    checked?;

    drop(installed);
    let status = run(Command::new("dpkg-query").args(["-W", "-f=${Status}", NAME]))
        .unwrap_or_else(|e| e.to_string());
    ensure!(
        !status.contains(" installed"),
        "removed: dpkg says {status}"
    );
    for f in ["/usr/bin/acsdesk", "/usr/bin/acsdesk-desktop"] {
        ensure!(!Path::new(f).exists(), "{f} is gone with the package");
    }
    Ok(())
}

#[test]
fn the_rpm_declares_its_dependencies_and_installs_with_rpm() -> Result<()> {
    let rpm = package("rpm")?;
    let query = |format: &str| -> Result<String> {
        run(Command::new("rpm")
            .args(["-qp", "--queryformat", format])
            .arg(&rpm))
    };
    assert_eq!(query("%{NAME} %{VERSION}")?, format!("{NAME} {VERSION}"));
    let requires = run(Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm))?;
    for lib in [
        "libwebkit2gtk-4.1.so.0()(64bit)",
        "libgtk-3.so.0()(64bit)",
        "openssl-libs",
        "dbus-libs",
    ] {
        ensure!(
            requires.lines().any(|l| l.trim() == lib),
            "Requires lacks {lib}: {requires}"
        );
    }
    let files = run(Command::new("rpm").args(["-qpl"]).arg(&rpm))?;
    for f in [
        "/usr/bin/acsdesk",
        "/usr/bin/acsdesk-desktop",
        "/usr/share/applications/AcsDesk.desktop",
    ] {
        ensure!(files.lines().any(|l| l == f), "{f} is in the rpm: {files}");
    }

    // Installed by rpm itself into a root of its own (this is not an rpm system: the
    // libraries it requires are Debian's here, hence --nodeps), then verified and run.
    let root = tempfile::tempdir()?;
    let root_arg = format!("--root={}", root.path().display());
    run(as_root("rpm")?.args([root_arg.as_str(), "--initdb"]))?;
    run(as_root("rpm")?
        .args([root_arg.as_str(), "-i", "--nodeps"])
        .arg(&rpm))?;
    run(as_root("rpm")?.args([root_arg.as_str(), "-V", "--nodeps", NAME]))?;
    let said = run(Command::new(root.path().join("usr/bin/acsdesk")).arg("--version"))?;
    ensure!(
        said.starts_with(&format!("acsdesk {}", this_build())),
        "{said}"
    );
    run(as_root("rpm")?.args([root_arg.as_str(), "-e", NAME]))?;
    ensure!(
        !root.path().join("usr/bin/acsdesk").exists(),
        "rpm -e removes what it installed"
    );
    Ok(())
}
