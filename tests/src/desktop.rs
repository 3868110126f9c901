//! Starts the real AcsDesk window under WebDriver: tauri-driver bridges WebDriver to
//! WebKitWebDriver, which launches the app binary in the current display (Xvfb in CI).

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The name of the desktop app's binary in the cargo target directory.
const APP_BIN: &str = "acsdesk-desktop";

/// One window at a time: tests that open one take turns (two cores, one display, and a
/// webview profile they share).
static WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running AcsDesk window and the WebDriver session that drives it. Dropping it kills
/// the driver (and with it the app); prefer [`Desktop::shutdown`] to end the session cleanly.
#[derive(Debug)]
pub struct Desktop {
    /// The WebDriver session on the main window.
    pub client: Client,
    driver: tokio::process::Child,
    artifacts: PathBuf,
    /// The app's own data directory, fresh for each launch (a first run).
    data: tempfile::TempDir,
    /// This test's turn with the window, given back when it ends.
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Desktop {
    /// Launches the app and opens a WebDriver session on its main window.
    ///
    /// Fails with a message saying what to install or run when there is no display, no
    /// `tauri-driver`, no `WebKitWebDriver`, or no built app.
    pub async fn launch() -> Result<Self> {
        let data = tempfile::tempdir().context("could not create a data directory")?;
        Self::launch_in(data).await
    }

    /// Launches the app on a data directory the test prepared (tenants already there).
    pub async fn launch_in(data: tempfile::TempDir) -> Result<Self> {
        Self::launch_with(data, &[], &[]).await
    }

    /// Launches the app on `data` with command-line `args` (`--demo`) and extra
    /// environment variables (a session bus without a keyring, say).
    pub async fn launch_with(
        data: tempfile::TempDir,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Self> {
        let app = app_binary()?;
        Self::launch_app(&app, data, args, env).await
    }

    /// Launches another binary of the app — the one an installed package put in
    /// `/usr/bin` — on a first run in `data`; its pictures go with this build's.
    pub async fn launch_app(
        app: &Path,
        data: tempfile::TempDir,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Self> {
        require_display()?;
        let turn = WINDOW.lock().await;
        let tauri_driver = find_tool("tauri-driver").context(
            "tauri-driver is not installed: run `./dev.sh setup` \
             (or `cargo install tauri-driver --version 2.1.0 --locked`)",
        )?;
        let native_driver = find_tool("WebKitWebDriver").context(
            "WebKitWebDriver is not installed: run `./dev.sh setup` \
             (or `sudo apt-get install webkit2gtk-driver`)",
        )?;
        let artifacts = artifacts_dir(&built_app_path()?)?;

        let port = free_port()?;
        let native_port = free_port()?;
        let log = std::fs::File::create(artifacts.join("tauri-driver.log"))
            .context("could not create the tauri-driver log file")?;
        let driver = tokio::process::Command::new(&tauri_driver)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&native_driver)
            // The app hides to the tray on close; a test session must end it for real.
            .env("ACSDESK_QUIT_ON_CLOSE", "1")
            // Each launch is a first run in its own data directory, and its exports go
            // there too, not to the Downloads folder.
            .env("ACSDESK_DATA_DIR", data.path())
            .env("ACSDESK_EXPORT_DIR", data.path())
            // No update source from the developer's own session: a test names its own.
            .env_remove("ACSDESK_UPDATE_URL")
            .env_remove("ACSDESK_UPDATE_PUBKEY")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("could not start {}", tauri_driver.display()))?;
        wait_for_port(port, Duration::from_secs(20)).context(
            "tauri-driver did not start listening (see tauri-driver.log in the artifacts)",
        )?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("could not open a WebDriver session on the AcsDesk window")?;
        Ok(Self {
            client,
            driver,
            artifacts,
            data,
            _turn: turn,
        })
    }

    /// Where this window's exports are written.
    pub fn export_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// Runs one named journey in a fresh window (on `data`, or a first run): a picture
    /// `<name>-failure.png` is kept of the window when it fails, and the window closes.
    pub async fn journey(
        name: &str,
        data: Option<tempfile::TempDir>,
        steps: impl AsyncFnOnce(&Desktop) -> Result<()>,
    ) -> Result<()> {
        let desktop = match data {
            Some(d) => Self::launch_in(d).await?,
            None => Self::launch().await?,
        };
        let outcome = steps(&desktop).await;
        if outcome.is_err() {
            // No screenshot means the window (or its driver) was gone: say so.
            if let Err(e) = desktop.screenshot(&format!("{name}-failure")).await {
                println!("no failure screenshot, the window did not answer: {e:#}");
            }
        }
        desktop.shutdown().await;
        outcome.with_context(|| format!("journey {name}"))
    }

    /// From the welcome screen, starts the demo fleet and waits for its 200 routers in
    /// the device list, with no filter left from an earlier run. Returns how many are
    /// online.
    pub async fn start_demo(&self) -> Result<u64> {
        let c = &self.client;
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(fantoccini::Locator::Css("[data-testid=start-demo]"))
            .await
            .context("a first run offers the demo fleet")?
            .click()
            .await?;
        // Filters and columns are remembered by the webview between runs: start afresh.
        let clear = c
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(fantoccini::Locator::Css("[data-testid=clear-filters]"))
            .await?;
        if clear.prop("disabled").await?.as_deref() != Some("true") {
            clear.click().await?;
        }
        c.execute(
            "localStorage.removeItem('acsdesk.devices.columns');
             localStorage.removeItem('acsdesk.subscribers.mapping');
             return true;",
            vec![],
        )
        .await?;
        let (online, _, _) = self
            .wait_counts(Duration::from_secs(90), |_, shown, fleet| {
                fleet == 200 && shown == 200
            })
            .await?;
        Ok(online)
    }

    /// Waits until the device list's counts (online, shown, fleet) satisfy `ok`, and
    /// returns them.
    pub async fn wait_counts(
        &self,
        limit: Duration,
        ok: impl Fn(u64, u64, u64) -> bool,
    ) -> Result<(u64, u64, u64)> {
        let text = self
            .wait_text("[data-testid=device-counts]", limit, |t| {
                counts(t).is_some_and(|(online, shown, fleet)| ok(online, shown, fleet))
            })
            .await?;
        counts(&text).context("the device counts")
    }

    /// Clicks the element at `css` once it is there, brought to the middle of the view
    /// first (so that nothing at the window's edges is in the way). When the page drew
    /// the element again between finding and clicking it (a sync landing re-renders a
    /// panel), the new one is clicked, as a person would.
    pub async fn click(&self, css: &str) -> Result<()> {
        let mut tries = 0;
        loop {
            match self.click_once(css).await {
                Err(e) if tries < 5 && is_gone(&e) => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                done => return done,
            }
        }
    }

    /// Clicks `button`, which opens what `opened` finds (a dialog), and waits for it — up
    /// to three clicks, 5 s apart: under load, Xvfb and WebKitWebDriver now and then lose
    /// a synthetic click (the button is there, its handler never runs), and a person
    /// would click again. Only for buttons that open something: clicking one twice is no
    /// different from once.
    pub async fn open(&self, button: &str, opened: &str) -> Result<()> {
        let mut attempt = 1;
        loop {
            self.click(button).await?;
            let shown = self
                .client
                .wait()
                .at_most(Duration::from_secs(5))
                .for_element(fantoccini::Locator::Css(opened))
                .await;
            match shown {
                Ok(_) => return Ok(()),
                Err(e) if attempt == 3 => {
                    return Err(e).with_context(|| {
                        format!("{opened} never opened after three clicks on {button}")
                    })
                }
                Err(_) => println!("{button}: click {attempt} opened nothing; clicking again"),
            }
            attempt += 1;
        }
    }

    async fn click_once(&self, css: &str) -> Result<()> {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(fantoccini::Locator::Css(css))
            .await
            .with_context(|| format!("{css} never showed"))?;
        // A script on an element the page has just drawn again fails (WebKit says
        // nothing more): that counts as the element gone, to be found afresh.
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'}); return true;",
                vec![serde_json::to_value(&element)?],
            )
            .await
            .map_err(|e| anyhow::anyhow!("stale element: {css} could not be scrolled to ({e})"))?;
        if let Err(e) = element.click().await {
            // WebKit answers a click on an element drawn again since with an empty error:
            // when the element is no longer in the page, it counts as gone.
            let attached = self
                .client
                .execute(
                    "return arguments[0].isConnected;",
                    vec![serde_json::to_value(&element)?],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !attached {
                anyhow::bail!("stale element: {css} was drawn again before the click ({e})");
            }
            return Err(e).with_context(|| format!("clicking {css}"));
        }
        Ok(())
    }

    /// Clicks the export button at `button` and waits (30 s) for the page's message at
    /// `said` to name the file written after `marker` (e.g. `"written to "`): returns the
    /// message and the file's path.
    pub async fn export(
        &self,
        button: &str,
        said: &str,
        marker: &str,
    ) -> Result<(String, PathBuf)> {
        self.click(button).await?;
        let text = self
            .wait_text(said, Duration::from_secs(30), |t| t.contains(marker))
            .await
            .with_context(|| format!("the export at {button} says where it wrote"))?;
        let path = text
            .split(marker)
            .nth(1)
            .map(|p| p.trim().trim_end_matches('.').to_owned())
            .with_context(|| format!("a file named in {text:?}"))?;
        Ok((text, PathBuf::from(path)))
    }

    /// The text of the first element at `css` as the page holds it (`textContent`): also
    /// for a cell that shows it cut with an ellipsis, which WebDriver's rendered text
    /// leaves out. Fails when there is no such element or it is empty.
    pub async fn text_content(&self, css: &str) -> Result<String> {
        let text: Option<String> = self
            .eval(&format!(
                "const e = document.querySelector({}); return e ? e.textContent.trim() : null;",
                serde_json::to_string(css)?
            ))
            .await?;
        text.filter(|t| !t.is_empty())
            .with_context(|| format!("{css} is missing or empty"))
    }

    /// The address of the demo's sandbox (its connection's URL), for the scenario API.
    pub async fn demo_sandbox_url(&self) -> Result<String> {
        let url = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI__.core.invoke('workspace_state', {request: {}})
                     .then(w => done(w.tenants.flatMap(t => t.acs).find(a => a.name === 'demo').url),
                           e => done('error: ' + JSON.stringify(e)));",
                vec![],
            )
            .await?;
        Ok(url
            .as_str()
            .filter(|u| u.starts_with("http://"))
            .with_context(|| format!("the demo sandbox's address: {url}"))?
            .to_owned())
    }

    /// How many elements match `selector` now. Counted in the page, so it holds no element
    /// handle: WebKitWebDriver fails a `find_all` ("Stale element found when trying to
    /// create the node handle") when a match is removed while it is being collected.
    pub async fn count(&self, selector: &str) -> Result<usize> {
        let value = self
            .client
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![serde_json::Value::from(selector)],
            )
            .await?;
        value
            .as_u64()
            .map(|n| n as usize)
            .with_context(|| format!("counting {selector}: {value}"))
    }

    /// Runs a script in the window and decodes what it returns.
    pub async fn eval<T: serde::de::DeserializeOwned>(&self, script: &str) -> Result<T> {
        let value = self.client.execute(script, vec![]).await?;
        serde_json::from_value(value).with_context(|| format!("the script's answer: {script}"))
    }

    /// Saves a PNG screenshot of the window as `<artifacts>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self
            .client
            .screenshot()
            .await
            .context("screenshot failed")?;
        let path = self.artifacts.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .with_context(|| format!("could not write {}", path.display()))?;
        println!("screenshot saved: {}", path.display());
        Ok(path)
    }

    /// Ends the WebDriver session (closing the app) and stops the driver.
    pub async fn shutdown(mut self) {
        // The session may already be gone if the app crashed; the driver is killed anyway.
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
        let _ = self.data.close();
    }

    /// Waits until no element matches `selector` (a dialog closed, a banner gone).
    pub async fn wait_gone(&self, selector: &str, limit: Duration) -> Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.count(selector).await? == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("{selector} is still there after {limit:?}")
    }

    /// Waits until `selector` matches an element whose text satisfies `ok`, and returns
    /// that text; fails with the last text seen after `limit`.
    pub async fn wait_text(
        &self,
        selector: &str,
        limit: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < limit {
            if let Ok(el) = self.client.find(fantoccini::Locator::Css(selector)).await {
                if let Ok(text) = el.text().await {
                    if ok(&text) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("{selector} never showed the expected text after {limit:?}; last seen: {last:?}")
    }
}

/// Fails unless an X11 or Wayland display is available.
fn require_display() -> Result<()> {
    let has = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        Ok(())
    } else {
        bail!(
            "no display server: the end-to-end tests open a real window. Run them under Xvfb, \
             e.g. `xvfb-run -a dbus-run-session -- cargo test -p acsdesk-tests`, \
             or use `./dev.sh test`, which does this"
        )
    }
}

/// The app binary: `ACSDESK_APP_BIN`, or the one cargo built beside this test.
fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("ACSDESK_APP_BIN") {
        Some(p) => PathBuf::from(p),
        None => built_app_path()?,
    };
    if !path.is_file() {
        bail!(
            "the desktop app is not built at {}: build it first with \
             `cargo build -p acsdesk-desktop` (after building the UI, see `./dev.sh test`), \
             or set ACSDESK_APP_BIN",
            path.display()
        );
    }
    Ok(path)
}

/// Where cargo puts the app beside this test: the test runs from `<target>/<profile>/deps/`,
/// the app is in `<target>/<profile>/`.
fn built_app_path() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot locate the test binary")?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("unexpected test binary location")?;
    Ok(profile_dir.join(APP_BIN))
}

/// `ACSDESK_ARTIFACTS_DIR`, or `e2e-artifacts` in the cargo target directory.
fn artifacts_dir(app: &Path) -> Result<PathBuf> {
    let dir = match std::env::var_os("ACSDESK_ARTIFACTS_DIR") {
        Some(p) => PathBuf::from(p),
        None => app
            .parent()
            .and_then(Path::parent)
            .map(|target| target.join("e2e-artifacts"))
            .context("unexpected app binary location")?,
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    Ok(dir)
}

/// Finds an executable on `PATH` or in `~/.cargo/bin`.
fn find_tool(name: &str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .with_context(|| format!("`{name}` was not found on PATH"))
}

/// A TCP port on loopback that nothing listens on right now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Waits until something accepts connections on `port` of loopback.
fn wait_for_port(port: u16, limit: Duration) -> Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on 127.0.0.1:{port} after {limit:?}")
}

/// Parses the device list's counts, "12 online / 200 shown of 200", as (online, shown,
/// fleet).
pub fn counts(text: &str) -> Option<(u64, u64, u64)> {
    let nums: Vec<u64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [online, shown, fleet] => Some((*online, *shown, *fleet)),
        _ => None,
    }
}

/// Whether a WebDriver error says the element is no longer in the page (drawn again).
fn is_gone(e: &anyhow::Error) -> bool {
    // WebKitWebDriver says "Stale element found when trying to create the node handle"
    // when the match is removed while it is being found.
    let text = format!("{e:#}").to_lowercase();
    text.contains("was not found") || text.contains("stale element")
}
