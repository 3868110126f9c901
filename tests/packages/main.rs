//! The Linux packages `./dev.sh package` bundles (`./dev.sh test` bundles the debug build
//! first): what the .deb and .rpm declare and carry, the .deb installed with apt — its
//! desktop app opened from `/usr/bin` on the demo fleet, updated from a release server to
//! a newer signed package (one signed with another key refused) — and removed without a
//! trace, the .rpm installed by rpm into a root of its own.

use acsdesk_tests::desktop::Desktop;
use anyhow::{bail, ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The packages' name (the Tauri bundler makes it from the product name).
const NAME: &str = "acs-desk";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The version the test's release server offers (this package, its version raised).
const NEXT: &str = "99.0.0";

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

    // A release server with a newer version of this very package, signed with a key of
    // this test's own, which the installed (debug) build is given at run time.
    let work = tempfile::tempdir()?;
    let next = next_version(&deb, work.path())?;
    let good = signer(work.path(), "good")?;
    let other = signer(work.path(), "other")?;
    let server = ReleaseServer::start(&next).await?;
    server.offer(&sign(&good, &next)?);
    let pubkey = std::fs::read_to_string(work.path().join("good.key.pub"))
        .context("tauri signer writes the public key beside the private one")?;

    // The installed window opens on the demo fleet and says which build it is.
    let data = tempfile::tempdir()?;
    let desktop = Desktop::launch_app(
        Path::new("/usr/bin/acsdesk-desktop"),
        data,
        &[],
        &[
            ("ACSDESK_UPDATE_URL", server.manifest_url.as_str()),
            ("ACSDESK_UPDATE_PUBKEY", pubkey.trim()),
        ],
    )
    .await
    .context("the installed app opens")?;
    let checked = async {
        let online = desktop.start_demo().await?;
        ensure!(online > 0, "the demo fleet has routers online");
        // The release server was asked when the window opened.
        desktop
            .wait_text(
                "[data-testid=update-banner]",
                Duration::from_secs(30),
                |t| t.starts_with(&format!("AcsDesk {NEXT} is available.")),
            )
            .await
            .context("the check at start announces the newer version")?;
        desktop.screenshot("package-installed").await?;
        desktop.click("[data-testid=update-banner-later]").await?;
        desktop
            .wait_gone("[data-testid=update-banner]", Duration::from_secs(10))
            .await
            .context("Later puts the banner away")?;
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
        desktop.screenshot("package-installed-about").await?;

        // A package signed with another key is refused, and nothing changes.
        server.offer(&sign(&other, &next)?);
        desktop.click("[data-testid=update-check]").await?;
        desktop
            .wait_text(
                "[data-testid=update-status]",
                Duration::from_secs(30),
                |t| t.contains(&format!("AcsDesk {NEXT} is available (this is {VERSION})")),
            )
            .await
            .context("the newer version is announced")?;
        desktop.click("[data-testid=update-install]").await?;
        let refused = desktop
            .wait_text("[data-testid=update-error]", Duration::from_secs(60), |t| {
                !t.is_empty()
            })
            .await?;
        ensure!(
            refused.contains(&format!("AcsDesk {NEXT} was not installed"))
                && refused.contains("signature does not match"),
            "a package signed with another key is refused: {refused}"
        );
        desktop.screenshot("update-refused").await?;
        ensure!(installed_version()? == VERSION, "nothing was installed");

        // Signed with the right key, it is installed and the app starts again on it.
        server.offer(&sign(&good, &next)?);
        desktop.click("[data-testid=update-check]").await?;
        desktop
            .wait_text(
                "[data-testid=update-status]",
                Duration::from_secs(30),
                |t| t.contains(&format!("AcsDesk {NEXT} is available")),
            )
            .await?;
        desktop.screenshot("update-available").await?;
        desktop.click("[data-testid=update-install]").await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while installed_version()? != NEXT {
            ensure!(
                std::time::Instant::now() < deadline,
                "the update was not installed within 2 minutes (dpkg has {})",
                installed_version()?
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        ensure!(
            server.downloads() >= 1,
            "the package came from the release server"
        );
        Ok(())
    }
    .await;
    if checked.is_err() {
        let _ = desktop.screenshot("package-installed-failure").await;
    }
    desktop.shutdown().await;
    // The app started again on the new version, outside WebDriver: end it.
    let _ = Command::new("pkill")
        .args(["-f", "^/usr/bin/acsdesk-desktop"])
        .status();
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

/// The installed package's version, as dpkg has it.
fn installed_version() -> Result<String> {
    Ok(
        run(Command::new("dpkg-query").args(["-W", "-f=${Version}", NAME]))?
            .trim()
            .to_owned(),
    )
}

/// This package again with its version raised to [`NEXT`] (`dpkg-deb -R`, then `-b`).
fn next_version(deb: &Path, work: &Path) -> Result<PathBuf> {
    let tree = work.join("next");
    run(Command::new("dpkg-deb").arg("-R").arg(deb).arg(&tree))?;
    let control = tree.join("DEBIAN/control");
    let text = std::fs::read_to_string(&control)?;
    ensure!(
        text.contains(&format!("Version: {VERSION}\n")),
        "control: {text}"
    );
    std::fs::write(
        &control,
        text.replace(
            &format!("Version: {VERSION}\n"),
            &format!("Version: {NEXT}\n"),
        ),
    )?;
    let out = work.join(format!("{NAME}_{NEXT}_amd64.deb"));
    run(Command::new("dpkg-deb")
        .args(["--root-owner-group", "-b"])
        .arg(&tree)
        .arg(&out))?;
    Ok(out)
}

/// The Tauri CLI that `./dev.sh` installs (it signs update packages too).
fn tauri_cli() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/package/node_modules/.bin/tauri")
}

/// A signing key pair made for this test (no password): the private key's path; the
/// public key is beside it (`<name>.key.pub`).
fn signer(work: &Path, name: &str) -> Result<PathBuf> {
    let key = work.join(format!("{name}.key"));
    run(Command::new(tauri_cli())
        .args(["signer", "generate", "--ci", "-p", "", "-w"])
        .arg(&key))
    .context("the Tauri CLI makes a key (./dev.sh setup installs it)")?;
    Ok(key)
}

/// `package`'s signature with `key`, as a release server publishes it.
fn sign(key: &Path, package: &Path) -> Result<String> {
    run(Command::new(tauri_cli())
        .args(["signer", "sign", "-p", "", "-f"])
        .arg(key)
        .arg(package))?;
    let mut sig = package.as_os_str().to_owned();
    sig.push(".sig");
    std::fs::read_to_string(&sig).with_context(|| format!("reading {}", sig.to_string_lossy()))
}

/// A release server: `/latest.json` announces [`NEXT`] with the signature offered last,
/// `/package.deb` serves the package (and counts its downloads).
struct ReleaseServer {
    manifest_url: String,
    signature: std::sync::Arc<std::sync::Mutex<String>>,
    downloads: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ReleaseServer {
    async fn start(package: &Path) -> Result<Self> {
        use axum::routing::get;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let signature = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let downloads = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let bytes = std::fs::read(package)?;
        let (sig, count, url) = (signature.clone(), downloads.clone(), base.clone());
        let app = axum::Router::new()
            .route(
                "/latest.json",
                get(move || {
                    let signature = sig.lock().map(|s| s.clone()).unwrap_or_default();
                    let url = url.clone();
                    async move {
                        axum::Json(serde_json::json!({
                            "version": NEXT,
                            "notes": "A test release: the same package, its version raised",
                            "pub_date": "2026-12-07T12:00:00Z",
                            "platforms": {
                                "linux-x86_64-deb": {
                                    "signature": signature,
                                    "url": format!("{url}/package.deb"),
                                }
                            }
                        }))
                    }
                }),
            )
            .route(
                "/package.deb",
                get(move || {
                    count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let bytes = bytes.clone();
                    async move { bytes }
                }),
            );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            manifest_url: format!("{base}/latest.json"),
            signature,
            downloads,
            task,
        })
    }

    fn offer(&self, signature: &str) {
        if let Ok(mut s) = self.signature.lock() {
            *s = signature.to_owned();
        }
    }

    fn downloads(&self) -> usize {
        self.downloads.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
