//! The command line's grammar (clap): global options and one variant per subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::sync::LazyLock;

static LONG_VERSION: LazyLock<String> = LazyLock::new(acsdesk_core::about::version_line);

/// AcsDesk: manage customers' routers through GenieACS, from the command line.
#[derive(Debug, Parser)]
#[command(name = "acsdesk", version = acsdesk_core::about::VERSION, long_version = LONG_VERSION.as_str())]
#[command(propagate_version = true, arg_required_else_help = true)]
pub(crate) struct Cli {
    /// Where AcsDesk keeps its data (default: $ACSDESK_DATA_DIR, else the OS data
    /// directory).
    // Read from the environment by the command, not by clap: clap lists an argument set
    // through its environment variable in every usage line, as if it were required.
    #[arg(long, global = true)]
    pub(crate) data_dir: Option<PathBuf>,
    /// The tenant to work in (default: $ACSDESK_TENANT, else the one in use, or the only
    /// one).
    #[arg(long, global = true)]
    pub(crate) tenant: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what build of AcsDesk this is.
    About(AboutArgs),
    /// AcsDesk's own updates: what the release server offers this build.
    #[command(subcommand)]
    Update(UpdateCommand),
    /// Tenants (one ISP's workspace each, in its own encrypted database).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// GenieACS connections of the tenant.
    #[command(subcommand)]
    Acs(AcsCommand),
    /// Pull devices from GenieACS into the local store.
    Sync(SyncArgs),
    /// List devices from the local store.
    Devices(DevicesArgs),
    /// One device.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// A device's history as text, JSON, SVG or PNG.
    History(HistoryArgs),
    /// Device logs, newest first.
    Logs(LogsArgs),
    /// Run the embedded GenieACS-compatible sandbox with a simulated fleet.
    Sandbox(SandboxArgs),
    /// Act on devices: every change goes through the action queue.
    #[command(subcommand)]
    Act(ActCommand),
    /// List queued and past actions.
    Actions(ActionsArgs),
    /// Alerts: list, acknowledge, resolve.
    Alerts(AlertsArgs),
    /// The fleet overview: online share, models and their firmware spread, alerts
    /// raised per day and per kind, actions per status, over the last days.
    Report(ReportArgs),
    /// Sync, evaluate alerts, send queued actions and print what happens, until interrupted.
    Watch(WatchArgs),
    /// Subscribers (the billing system's network users) and their routers.
    #[command(subcommand)]
    Subscriber(SubscriberCommand),
    /// Show or change the tenant's sync, presence, retention and alert settings.
    Settings(SettingsArgs),
    /// Auto-provisioning: what AcsDesk installs into GenieACS so that routers are
    /// configured and monitored with AcsDesk closed.
    #[command(subcommand)]
    Provision(ProvisionCommand),
    /// The firmware library: images in GenieACS against the fleet's versions per model.
    #[command(subcommand)]
    Firmware(FirmwareCommand),
    /// Diagnostics run on a router (its TR-069 diagnostics): ping, traceroute, speed
    /// tests, and their history.
    #[command(subcommand)]
    Diag(DiagCommand),
}

/// `acsdesk provision …`
#[derive(Debug, Subcommand)]
pub(crate) enum ProvisionCommand {
    /// Compare what each ACS holds with what it should (writes nothing).
    Status(ProvisionArgs),
    /// Write AcsDesk's provisions and presets, showing what differs first.
    Install(ProvisionArgs),
    /// Remove everything AcsDesk installed (and nothing else).
    Uninstall(ProvisionArgs),
    /// What the router with this serial will get from its subscriber (secrets masked).
    Show {
        /// The router's serial.
        serial: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show or change the provisioning profile (it reaches GenieACS at the next install).
    Profile(ProfileArgs),
}

/// Options of `acsdesk provision status|install|uninstall`.
#[derive(Debug, Args)]
pub(crate) struct ProvisionArgs {
    /// Only this ACS connection (default: all of the tenant's).
    #[arg(long)]
    pub(crate) acs: Option<String>,
    /// Say what would change without writing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Options of `acsdesk provision profile`: with none, the profile is shown.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// Seconds between periodic informs (60 to 86400).
    #[arg(long)]
    pub(crate) inform_interval: Option<u32>,
    /// Apply the subscriber's PPPoE credentials: yes or no.
    #[arg(long)]
    pub(crate) pppoe: Option<YesNo>,
    /// Build the WiFi name from a pattern ({account}, {name}, {serial}, {serial_last4},
    /// {phone_last4}); "" takes the subscriber's.
    #[arg(long)]
    pub(crate) ssid_pattern: Option<String>,
    /// Build the WiFi passphrase from a pattern likewise; "" takes the subscriber's.
    #[arg(long)]
    pub(crate) passphrase_pattern: Option<String>,
    /// Appended to the 5 GHz network's name ("" for the same name on both bands).
    #[arg(long)]
    pub(crate) ssid_5ghz_suffix: Option<String>,
    /// Give every router its own random connection-request credentials (kept in the
    /// encrypted store, set once): yes or no.
    #[arg(long)]
    pub(crate) own_connection_request: Option<YesNo>,
    /// What the monitoring refreshes at each inform, comma-separated (cpu, memory,
    /// uptime, traffic, signal, wan, wifi, clients).
    #[arg(long, value_delimiter = ',')]
    pub(crate) monitor: Option<Vec<String>>,
    /// Bring every new router of an image's model that bootstraps on an older version to
    /// the image's, one at a time (the image's name in GenieACS; it replaces the model's
    /// previous target). Takes effect at once.
    #[arg(long, value_name = "IMAGE")]
    pub(crate) firmware_target: Vec<String>,
    /// The ACS connection of the --firmware-target images, when there are several.
    #[arg(long, requires = "firmware_target")]
    pub(crate) firmware_target_acs: Option<String>,
    /// Drop the firmware target of an image or a product class.
    #[arg(long, value_name = "IMAGE|PRODUCT_CLASS")]
    pub(crate) clear_firmware_target: Vec<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// A yes or no option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum YesNo {
    /// Yes.
    Yes,
    /// No.
    No,
}

/// Options of `acsdesk settings`: with none, the settings are shown.
/// (Alert thresholds below are the tenant's; a device can have its own offline
/// threshold: `acsdesk device offline-after`.)
#[derive(Debug, Args)]
pub(crate) struct SettingsArgs {
    /// Offline after this many inform intervals without an inform (1 to 10).
    #[arg(long)]
    pub(crate) presence_factor: Option<f64>,
    /// Extra seconds before a device counts as offline (0 to 3600).
    #[arg(long)]
    pub(crate) presence_grace: Option<u32>,
    /// Seconds an incremental sync reaches back before its watermark (0 to 3600).
    #[arg(long)]
    pub(crate) overlap: Option<u32>,
    /// Hours between full syncs, which find devices deleted from GenieACS (1 to 720).
    #[arg(long)]
    pub(crate) full_sync_every: Option<u32>,
    /// Hours raw samples are kept (1 to 720).
    #[arg(long)]
    pub(crate) raw_retention: Option<u32>,
    /// Days 5-minute averages are kept (1 to 3650).
    #[arg(long)]
    pub(crate) five_min_retention: Option<u32>,
    /// Days hourly averages are kept (1 to 3650).
    #[arg(long)]
    pub(crate) hourly_retention: Option<u32>,
    /// Minutes offline before an alert (1 to 1440).
    #[arg(long)]
    pub(crate) offline_after: Option<u32>,
    /// A fibre router receiving less light than this (dBm, -40 to -5) for the load
    /// window raises an alert (0 turns it off; default -27).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) optical_rx_min: Option<f64>,
    /// The host `diag ping` and `diag traceroute` reach for when not told.
    #[arg(long)]
    pub(crate) ping_host: Option<String>,
    /// The test server `diag speed` downloads from when not told (http:// or ftp://;
    /// "" clears it).
    #[arg(long)]
    pub(crate) download_url: Option<String>,
    /// Where `diag speed --upload` sends when not told ("" clears it: the download URL).
    #[arg(long)]
    pub(crate) upload_url: Option<String>,
    /// MB an upload test sends (1 to 1000).
    #[arg(long)]
    pub(crate) upload_mb: Option<u64>,
    /// Minutes PPP must keep failing before an alert (1 to 1440).
    #[arg(long)]
    pub(crate) ppp_failing_after: Option<u32>,
    /// CPU % sustained for the load window that raises an alert (1 to 100; 0 turns it off).
    #[arg(long)]
    pub(crate) cpu_threshold: Option<f64>,
    /// Memory % likewise (0 turns it off).
    #[arg(long)]
    pub(crate) mem_threshold: Option<f64>,
    /// Minutes the load must stay above its threshold (1 to 1440).
    #[arg(long)]
    pub(crate) load_window: Option<u32>,
    /// Minutes an ACS may be unreachable before an alert (1 to 1440).
    #[arg(long)]
    pub(crate) acs_unreachable_after: Option<u32>,
    /// Minutes a problem must stay clear before its alert resolves (0 to 1440).
    #[arg(long)]
    pub(crate) flap_hold_down: Option<u32>,
    /// New alerts at once from which one digest is sent instead (0 never).
    #[arg(long)]
    pub(crate) digest_threshold: Option<u32>,
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Options of `acsdesk watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Seconds between rounds (default: the shortest connection interval).
    #[arg(long)]
    pub(crate) interval: Option<u64>,
    /// Run one round and exit.
    #[arg(long)]
    pub(crate) once: bool,
}

/// Options of `acsdesk alerts`.
#[derive(Debug, Args)]
pub(crate) struct AlertsArgs {
    /// Act on alerts, their channels or maintenance windows instead of listing.
    #[command(subcommand)]
    pub(crate) action: Option<AlertAction>,
    /// open, acknowledged or resolved.
    #[arg(long)]
    pub(crate) state: Option<String>,
    /// device_offline, ppp_failing, firmware_failed, provisioning_failed, high_cpu,
    /// high_memory, low_optical_power or acs_unreachable.
    #[arg(long)]
    pub(crate) kind: Option<String>,
    /// info, warning or critical.
    #[arg(long)]
    pub(crate) severity: Option<String>,
    /// Only this device's alerts (GenieACS id).
    #[arg(long)]
    pub(crate) device: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `acsdesk alerts …`
#[derive(Debug, Subcommand)]
pub(crate) enum AlertAction {
    /// Acknowledge an alert.
    Ack {
        /// Alert id.
        id: i64,
    },
    /// Resolve an alert.
    Resolve {
        /// Alert id.
        id: i64,
    },
    /// What happened to an alert: raised, notified or silenced, delivered, resolved…
    History {
        /// Alert id.
        id: i64,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Send a test message through a channel.
    TestChannel {
        /// Channel name.
        name: String,
    },
    /// Webhook and SMS channels that receive new alerts.
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// Maintenance windows: alerts are recorded but not notified.
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
}

/// `acsdesk alerts channel …`
#[derive(Debug, Subcommand)]
pub(crate) enum ChannelCommand {
    /// Add (or replace) a channel: a webhook, or an SMS gateway's URL template with
    /// {phone} and {message}.
    Add {
        /// Its name.
        name: String,
        /// Webhook URL (JSON POST).
        #[arg(long, conflicts_with = "sms")]
        webhook: Option<String>,
        /// Read the webhook's HMAC secret (16+ characters) from stdin.
        #[arg(long, requires = "webhook")]
        secret_stdin: bool,
        /// SMS gateway URL template, e.g. https://sms.example/send?to={phone}&text={message}.
        #[arg(long)]
        sms: Option<String>,
        /// POST this form body (with {phone} and {message}) instead of a GET.
        #[arg(long, requires = "sms")]
        post_body: Option<String>,
        /// A phone number to text (repeat for several).
        #[arg(long = "phone", requires = "sms")]
        phones: Vec<String>,
    },
    /// List the channels (endpoints shown by scheme and host only).
    List,
    /// Stop sending to a channel, or start again.
    Disable {
        /// Channel name.
        name: String,
    },
    /// Send to a disabled channel again.
    Enable {
        /// Channel name.
        name: String,
    },
    /// Remove a channel.
    Remove {
        /// Channel name.
        name: String,
    },
}

/// `acsdesk alerts maintenance …`
#[derive(Debug, Subcommand)]
pub(crate) enum MaintenanceCommand {
    /// Open a window now: the whole tenant, one device or one ACS connection.
    Add {
        /// How long: 30m, 2h, 1d.
        #[arg(long = "for", value_name = "DURATION")]
        duration: String,
        /// Only this device (GenieACS id).
        #[arg(long, conflicts_with = "acs")]
        device: Option<String>,
        /// Only this ACS connection.
        #[arg(long)]
        acs: Option<String>,
        /// Why (shown in listings).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Windows open or to come.
    List,
    /// End a window now.
    End {
        /// Window id.
        id: i64,
    },
}

/// Options shared by every `act` subcommand.
#[derive(Debug, Args)]
pub(crate) struct ActOptions {
    /// Wait until each action is completed or failed (exit code 1 if any failed).
    #[arg(long)]
    pub(crate) wait: bool,
    /// Do not ask for confirmation of destructive actions.
    #[arg(long)]
    pub(crate) yes: bool,
    /// The devices' ACS connection, when several connections know the same id.
    #[arg(long)]
    pub(crate) acs: Option<String>,
}

/// `acsdesk act …`
#[derive(Debug, Subcommand)]
pub(crate) enum ActCommand {
    /// Reboot devices.
    Reboot {
        /// GenieACS ids.
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Factory-reset devices.
    FactoryReset {
        /// GenieACS ids.
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Re-read devices' parameters.
    Refresh {
        /// GenieACS ids.
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Send a connection request only.
    Summon {
        /// GenieACS ids.
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Change a device's WiFi name and/or password.
    Wifi {
        /// GenieACS id.
        id: String,
        /// 2.4, 5 or all.
        #[arg(long, default_value = "2.4", value_parser = band_choice)]
        band: acsdesk_types::BandChoice,
        /// New SSID.
        #[arg(long)]
        ssid: Option<String>,
        /// Read the new password from stdin.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Change a device's PPPoE credentials (password from stdin).
    Pppoe {
        /// GenieACS id.
        id: String,
        /// New username.
        #[arg(long)]
        username: String,
        /// Read the new password from stdin.
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// One action on every device matching the filters, a few at a time.
    Bulk {
        /// reboot, factory-reset, refresh or summon (a ping of many routers: `diag sweep`).
        action: String,
        #[command(flatten)]
        filter: BulkFilter,
        /// Devices handled at once (the connection's rate limit still applies).
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Do not ask for confirmation of destructive actions.
        #[arg(long)]
        yes: bool,
    },
    /// Set explicit parameters (advanced): each must exist on the device and be writable.
    Set {
        /// GenieACS id.
        id: String,
        /// PATH=VALUE or PATH=VALUE:TYPE (string, boolean, int, unsignedInt, dateTime…);
        /// repeat for several. Without a type the device's own is used.
        #[arg(long = "param", required = true, value_name = "PATH=VALUE[:TYPE]")]
        params: Vec<String>,
        #[command(flatten)]
        opts: ActOptions,
    },
    /// Install a firmware file already uploaded to GenieACS.
    Firmware {
        /// GenieACS id.
        id: String,
        /// The GenieACS file name.
        #[arg(long)]
        file: String,
        #[command(flatten)]
        opts: ActOptions,
    },
}

/// `acsdesk actions cancel ID`
#[derive(Debug, Subcommand)]
pub(crate) enum ActionsCommand {
    /// Cancel a pending or queued action (its GenieACS task is deleted).
    Cancel {
        /// Action id.
        id: i64,
    },
}

/// The device filters of `acsdesk devices` and `act bulk`.
#[derive(Debug, Args)]
pub(crate) struct BulkFilter {
    /// Only online devices.
    #[arg(long, conflicts_with = "offline")]
    pub(crate) online: bool,
    /// Only offline devices.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Manufacturer.
    #[arg(long)]
    pub(crate) vendor: Option<String>,
    /// Model.
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// Firmware version.
    #[arg(long)]
    pub(crate) firmware: Option<String>,
    /// ACS connection.
    #[arg(long)]
    pub(crate) acs: Option<String>,
    /// GenieACS tag (exact).
    #[arg(long)]
    pub(crate) tag: Option<String>,
    /// Only devices linked to a subscriber.
    #[arg(long, conflicts_with = "unlinked")]
    pub(crate) linked: bool,
    /// Only devices linked to no subscriber.
    #[arg(long)]
    pub(crate) unlinked: bool,
    /// Serial, subscriber, IP or MAC contains this.
    #[arg(long)]
    pub(crate) search: Option<String>,
}

impl BulkFilter {
    /// The store's filter for these options.
    pub(crate) fn to_filter(&self) -> acsdesk_types::devices::DeviceFilter {
        use acsdesk_types::devices::{DeviceFilter, Presence};
        DeviceFilter {
            presence: if self.online {
                Some(Presence::Online)
            } else if self.offline {
                Some(Presence::Offline)
            } else {
                None
            },
            vendor: self.vendor.clone(),
            model: self.model.clone(),
            firmware: self.firmware.clone(),
            acs: self.acs.clone(),
            tag: self.tag.clone(),
            linked: (self.linked || self.unlinked).then_some(self.linked),
            search: self.search.clone(),
        }
    }
}

/// Options of `acsdesk actions`.
#[derive(Debug, Args)]
pub(crate) struct ActionsArgs {
    /// Cancel an action instead of listing.
    #[command(subcommand)]
    pub(crate) cancel: Option<ActionsCommand>,
    /// pending, sent, completed, failed or cancelled.
    #[arg(long)]
    pub(crate) status: Option<String>,
    /// At most this many, newest first (at most 100,000; the output says when cut).
    #[arg(long, default_value_t = 200, value_parser = |s: &str| rows_up_to(s, 100_000))]
    pub(crate) limit: u64,
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
    /// CSV output, as the desktop's export (id, device, acs, action, description,
    /// status, attempts, requested_by, created, finished, fault_code, fault).
    #[arg(long, conflicts_with = "json")]
    pub(crate) csv: bool,
}

/// Options of `acsdesk report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Local days the trends cover, today included (1 to 90).
    #[arg(long, default_value_t = 14)]
    pub(crate) days: u32,
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Options of `acsdesk about`.
#[derive(Debug, Args)]
pub(crate) struct AboutArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `acsdesk update …`
#[derive(Debug, Subcommand)]
pub(crate) enum UpdateCommand {
    /// Ask the release server whether a newer AcsDesk is out (install it from the desktop's
    /// About page, or with the system's package manager).
    Check(UpdateCheckArgs),
}

/// `acsdesk update check`
#[derive(Debug, Args)]
pub(crate) struct UpdateCheckArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `acsdesk tenant …`
#[derive(Debug, Subcommand)]
pub(crate) enum TenantCommand {
    /// Create a tenant. Its key goes to the OS credential store, or is derived from
    /// ACSDESK_PASSPHRASE (or a prompt) where there is none.
    Add {
        /// The tenant's name.
        name: String,
        /// Protect it with a passphrase even where a credential store exists.
        #[arg(long)]
        passphrase: bool,
    },
    /// List tenants.
    List,
    /// Delete a tenant, its database and its key.
    Remove {
        /// The tenant's name.
        name: String,
    },
    /// Re-encrypt the tenant (--tenant, or the one in use) under a new key: a new
    /// passphrase (from ACSDESK_NEW_PASSPHRASE or asked twice) or a new random key in
    /// the OS credential store.
    Rekey {
        /// Protect it with a new passphrase.
        #[arg(long, conflicts_with = "keyring", required_unless_present = "keyring")]
        passphrase: bool,
        /// Keep a new random key in the OS credential store.
        #[arg(long)]
        keyring: bool,
    },
    /// Write a consistent copy of the tenant (--tenant, or the one in use), still
    /// encrypted under its key, while AcsDesk may be running; checked before it is kept.
    Backup {
        /// Where (default: backups/<tenant>-<time>.db in the data directory). An existing
        /// file is never replaced.
        file: Option<PathBuf>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Replace the tenant's data with a backup, after checking the backup (it opens with
    /// the tenant's key, is intact, has a schema this AcsDesk knows). Changes made since
    /// the backup are lost. Stop the desktop and `acsdesk watch` on this tenant first.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

/// `acsdesk firmware …`
#[derive(Debug, Subcommand)]
pub(crate) enum FirmwareCommand {
    /// Upload an image to GenieACS (streamed), with the model it is for and its version.
    // `--version` here is the image's: the build's is `acsdesk --version`.
    #[command(disable_version_flag = true)]
    Upload {
        /// The image (for MikroTik: the package list, an XML naming the .npk packages).
        file: std::path::PathBuf,
        /// The version it installs (how AcsDesk proves an update).
        #[arg(long)]
        version: String,
        /// The product class it is for (taken from the fleet when one model matches).
        #[arg(long)]
        product_class: Option<String>,
        /// The OUI it is for (taken from the fleet when one model matches).
        #[arg(long)]
        oui: Option<String>,
        /// The name routers download it by (default: the file's name).
        #[arg(long)]
        name: Option<String>,
        /// The ACS connection to store it in, when there are several.
        #[arg(long)]
        acs: Option<String>,
        /// Replace an image of the same name.
        #[arg(long)]
        replace: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// The images, and per model how many routers run which version.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Delete an image from GenieACS (refused while a rollout installs it).
    Delete {
        /// The image's name.
        name: String,
        /// Its ACS connection, when there are several.
        #[arg(long)]
        acs: Option<String>,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Staged rollouts: a canary, then batches, halting themselves on failures.
    #[command(subcommand)]
    Rollout(RolloutCommand),
}

/// `acsdesk diag …`
#[derive(Debug, Subcommand)]
pub(crate) enum DiagCommand {
    /// Ping a host from the router and wait for its answer (exit 0 only when the ping
    /// completed, whatever it found).
    Ping {
        /// The device: its id or serial.
        device: String,
        /// A host name or IP address (default: the tenant's, `settings --ping-host`).
        host: Option<String>,
        /// Echoes to send (1 to 100).
        #[arg(long, default_value_t = 4)]
        count: u32,
        /// The device's ACS connection, when several know the same id.
        #[arg(long)]
        acs: Option<String>,
        /// Machine-readable output: the diagnostic as kept.
        #[arg(long)]
        json: bool,
    },
    /// Trace the path from the router to a host, hop by hop, and wait for it (exit 0
    /// only when the host was reached).
    Traceroute {
        /// The device: its id or serial.
        device: String,
        /// A host name or IP address (default: the tenant's, `settings --ping-host`).
        host: Option<String>,
        /// The most hops to try (1 to 64).
        #[arg(long, default_value_t = 30)]
        max_hops: u32,
        /// The device's ACS connection, when several know the same id.
        #[arg(long)]
        acs: Option<String>,
        /// Machine-readable output: the diagnostic as kept.
        #[arg(long)]
        json: bool,
    },
    /// Time a download from a test server (TR-143), or an upload with --upload, and
    /// wait for it (exit 0 only when the test completed).
    Speed {
        /// The device: its id or serial.
        device: String,
        /// The test server's URL, http:// or ftp:// (default: the tenant's,
        /// `settings --download-url` / `--upload-url`).
        url: Option<String>,
        /// Upload instead of download.
        #[arg(long)]
        upload: bool,
        /// MB an upload sends (default: the tenant's, `settings --upload-mb`).
        #[arg(long)]
        mb: Option<u64>,
        /// The device's ACS connection, when several know the same id.
        #[arg(long)]
        acs: Option<String>,
        /// Machine-readable output: the diagnostic as kept.
        #[arg(long)]
        json: bool,
    },
    /// Ping one host from every router matching the filters (a street after an outage)
    /// and wait for the summary: who answers, who is silent, who is slow (exit 1 when a
    /// router could not ping).
    Sweep {
        /// A host name or IP address (default: the tenant's, `settings --ping-host`).
        host: Option<String>,
        #[command(flatten)]
        filter: BulkFilter,
        /// Echoes each router sends (1 to 100).
        #[arg(long, default_value_t = 4)]
        count: u32,
        /// Routers handled at once (the connection's rate limit still applies).
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Machine-readable output: the summary and the counts.
        #[arg(long)]
        json: bool,
    },
    /// The diagnostics a router ran, newest first.
    History {
        /// The device: its id or serial.
        device: String,
        /// At most this many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// `acsdesk firmware rollout …`
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run: its size costs nothing
pub(crate) enum RolloutCommand {
    /// Start a rollout of an image over the routers of its model that run an older version.
    Start {
        /// The image (its name in GenieACS).
        #[arg(long)]
        file: String,
        /// Its ACS connection, when there are several.
        #[arg(long)]
        acs: Option<String>,
        /// The model (product class) meant: refused when the image is for another.
        #[arg(long)]
        model: Option<String>,
        /// Only routers older than this version (default: older than the image's).
        #[arg(long)]
        from_version: Option<String>,
        /// Only routers linked to a subscriber.
        #[arg(long)]
        linked: bool,
        /// Routers updated first, alone.
        #[arg(long, default_value_t = 10)]
        canary: u32,
        /// Routers per batch after the canary.
        #[arg(long, default_value_t = 200)]
        batch: u32,
        /// Minutes between a batch's end and the next.
        #[arg(long, default_value_t = 30)]
        pause: u32,
        /// Halt when more than N routers (3) or more than a share (5%) of a batch fail.
        #[arg(long, default_value = "5%")]
        max_failures: String,
        /// Routers updating at once.
        #[arg(long, default_value_t = 20)]
        concurrency: u32,
        /// Routers queued per hour at most (besides the concurrency).
        #[arg(long)]
        rate: Option<u32>,
        /// Start updates only in these local hours, e.g. 01:00-05:00 (22:00-04:00 runs past
        /// midnight); what is under way finishes.
        #[arg(long, value_name = "HH:MM-HH:MM")]
        window: Option<String>,
        /// The days the window opens on: mon-fri, sat,sun (default: every day).
        #[arg(long, requires = "window")]
        days: Option<String>,
        /// The time zone of the window's hours (default: this machine's), e.g. Europe/Berlin.
        #[arg(long, requires = "window")]
        time_zone: Option<String>,
        /// Follow it until it completes (exit 0) or halts (exit 1).
        #[arg(long)]
        wait: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Every rollout.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// One rollout: its batches, first failures, skipped routers.
    Status {
        /// Its id.
        id: i64,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// A rollout's log: started, batches, failures, halts, windows, what people did.
    Log {
        /// Its id.
        id: i64,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Pause: nothing new is queued.
    Pause {
        /// Its id.
        id: i64,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Resume a paused or halted rollout (a halt's failures are accepted).
    Resume {
        /// Its id.
        id: i64,
        /// Follow it until it completes or halts.
        #[arg(long)]
        wait: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Cancel: routers not yet updated are skipped, queued updates withdrawn.
    Cancel {
        /// Its id.
        id: i64,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// `acsdesk subscriber …`
#[derive(Debug, Subcommand)]
pub(crate) enum SubscriberCommand {
    /// Add a subscriber (passwords from stdin, never from arguments).
    Add(SubscriberArgs),
    /// List subscribers.
    List {
        /// Text in the account, name, phone, PPPoE user or serial.
        #[arg(long)]
        search: Option<String>,
        /// active, suspended or terminated.
        #[arg(long)]
        status: Option<String>,
        /// Only those with a router linked.
        #[arg(long, conflicts_with = "unlinked")]
        linked: bool,
        /// Only those without one.
        #[arg(long)]
        unlinked: bool,
        /// Only those whose router is offline.
        #[arg(long, conflicts_with = "provisioning_failed")]
        offline: bool,
        /// Only those whose router GenieACS could not provision.
        #[arg(long)]
        provisioning_failed: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// One subscriber.
    Show {
        /// Account number.
        account: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Link the router with this serial (as on its label) to a subscriber.
    Link {
        /// Account number.
        account: String,
        /// The router's serial number.
        serial: String,
    },
    /// Unlink a subscriber's router.
    Unlink {
        /// Account number.
        account: String,
    },
    /// Delete a subscriber (the router stays, unlinked).
    Remove {
        /// Account number.
        account: String,
    },
    /// Import a billing export (CSV, `,` or `;`): each row is checked and reported; the
    /// accepted rows are written at once, keyed by account number.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Only say what would happen.
        #[arg(long)]
        dry_run: bool,
        /// A column's field when its header does not say it: HEADER=FIELD (account,
        /// name, phone, pppoe_username, pppoe_password, wifi_ssid, wifi_password, serial,
        /// plan, status, notes). Repeatable.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        mapping: Vec<String>,
        /// Machine-readable report.
        #[arg(long)]
        json: bool,
    },
    /// Export the subscribers as CSV (to FILE, or standard output).
    Export {
        /// Where to write it.
        file: Option<std::path::PathBuf>,
        /// Include the PPPoE and WiFi passwords (keep the file safe).
        #[arg(long)]
        with_secrets: bool,
    },
}

/// A subscriber's details for `subscriber add`.
#[derive(Debug, Args)]
pub(crate) struct SubscriberArgs {
    /// Account number in the billing system.
    pub(crate) account: String,
    /// Name.
    #[arg(long)]
    pub(crate) name: String,
    /// Phone.
    #[arg(long)]
    pub(crate) phone: Option<String>,
    /// PPPoE username.
    #[arg(long)]
    pub(crate) pppoe_user: Option<String>,
    /// Read the PPPoE password from the first line of stdin.
    #[arg(long)]
    pub(crate) pppoe_password_stdin: bool,
    /// WiFi network name.
    #[arg(long)]
    pub(crate) ssid: Option<String>,
    /// Read the WiFi password from stdin (the line after the PPPoE password, if both).
    #[arg(long)]
    pub(crate) wifi_password_stdin: bool,
    /// Plan or bandwidth.
    #[arg(long)]
    pub(crate) plan: Option<String>,
    /// Notes.
    #[arg(long)]
    pub(crate) notes: Option<String>,
    /// The router's serial number.
    #[arg(long)]
    pub(crate) serial: Option<String>,
}

/// Authentication kinds for `acs add`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum AuthArg {
    /// No authentication.
    None,
    /// HTTP basic (password read from stdin or a prompt).
    Basic,
    /// Bearer token (read from stdin or a prompt).
    Token,
    /// A token in a header of its own, named with --header (read from stdin or a prompt).
    Header,
}

/// `acsdesk acs …`
#[derive(Debug, Subcommand)]
pub(crate) enum AcsCommand {
    /// Add a connection. Secrets are read from stdin or a prompt, never from arguments.
    Add {
        /// The connection's name.
        name: String,
        /// NBI base URL, e.g. http://acs.example.net:7557.
        #[arg(long)]
        url: String,
        /// Authentication.
        #[arg(long, value_enum, default_value = "none")]
        auth: AuthArg,
        /// Basic-auth user.
        #[arg(long)]
        user: Option<String>,
        /// The header carrying the token, with --auth header (e.g. X-Api-Key).
        #[arg(long, value_name = "NAME")]
        header: Option<String>,
        /// The CWMP URL routers use, shown to technicians.
        #[arg(long)]
        cwmp_url: Option<String>,
        /// Trust this CA certificate (PEM file) for an https:// NBI.
        #[arg(long, conflicts_with = "pin")]
        ca: Option<std::path::PathBuf>,
        /// Accept exactly the certificate with this SHA-256 (self-signed servers).
        #[arg(long)]
        pin: Option<String>,
        /// Requests per second allowed.
        #[arg(long, default_value_t = 20)]
        rate: i64,
        /// Seconds between syncs.
        #[arg(long, default_value_t = 60)]
        interval: i64,
    },
    /// List connections (never with their secrets).
    List {
        /// JSON output: each connection with its authentication, CWMP URL, rate,
        /// interval, certificate trust and health.
        #[arg(long)]
        json: bool,
    },
    /// Test a connection as the desktop does (reachable, TLS, credentials, GenieACS's
    /// NBI, device count): a saved one by name (its CA or pin, and its password unless
    /// --new-secret), or a new one with --url. Exits non-zero when it fails.
    Test {
        /// The saved connection's name.
        #[arg(required_unless_present = "url")]
        name: Option<String>,
        /// The NBI URL to test (default: the saved one's).
        #[arg(long)]
        url: Option<String>,
        /// Authentication (default: the saved one's).
        #[arg(long, value_enum)]
        auth: Option<AuthArg>,
        /// Basic-auth user (default: the saved one's).
        #[arg(long)]
        user: Option<String>,
        /// The header carrying the token, with --auth header (default: the saved one's).
        #[arg(long, value_name = "NAME")]
        header: Option<String>,
        /// Read a password or token from stdin or a prompt instead of the saved one.
        #[arg(long)]
        new_secret: bool,
        /// Trust this CA certificate (PEM file) for the test (default: the saved one's).
        #[arg(long, conflicts_with = "pin")]
        ca: Option<std::path::PathBuf>,
        /// Accept exactly the certificate with this SHA-256 for the test.
        #[arg(long)]
        pin: Option<String>,
        /// JSON output (the verdict).
        #[arg(long)]
        json: bool,
    },
    /// Change a saved connection: its URL, authentication, user, CWMP URL, rate or sync
    /// interval. The saved password or token stays unless --new-secret; a new URL needs
    /// it again.
    Edit {
        /// The connection's name.
        name: String,
        /// New NBI URL.
        #[arg(long)]
        url: Option<String>,
        /// New authentication.
        #[arg(long, value_enum)]
        auth: Option<AuthArg>,
        /// New basic-auth user.
        #[arg(long)]
        user: Option<String>,
        /// New header carrying the token (with --auth header).
        #[arg(long, value_name = "NAME")]
        header: Option<String>,
        /// Read a new password or token from stdin or a prompt.
        #[arg(long)]
        new_secret: bool,
        /// New seconds between syncs.
        #[arg(long)]
        interval: Option<u32>,
        /// New CWMP URL routers use, shown to technicians.
        #[arg(long, conflicts_with = "no_cwmp_url")]
        cwmp_url: Option<String>,
        /// Forget the CWMP URL.
        #[arg(long)]
        no_cwmp_url: bool,
        /// New requests per second allowed (1 to 1000).
        #[arg(long)]
        rate: Option<u32>,
        /// Trust this CA certificate (PEM file) from now on.
        #[arg(long, conflicts_with_all = ["pin", "system_ca"])]
        ca: Option<std::path::PathBuf>,
        /// Accept exactly the certificate with this SHA-256 from now on.
        #[arg(long, conflicts_with = "system_ca")]
        pin: Option<String>,
        /// Trust the system's certificate authorities again (drop a CA or pin).
        #[arg(long)]
        system_ca: bool,
    },
    /// Remove a connection: its devices leave the lists, its actions not yet done are
    /// cancelled (their GenieACS tasks withdrawn), its history stays readable.
    Remove {
        /// The connection's name.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// JSON output (the report).
        #[arg(long)]
        json: bool,
    },
}

/// Options of `acsdesk sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Only this connection.
    #[arg(long)]
    pub(crate) acs: Option<String>,
    /// A full sync instead of an incremental one.
    #[arg(long)]
    pub(crate) full: bool,
}

/// Options of `acsdesk devices`.
#[derive(Debug, Args)]
pub(crate) struct DevicesArgs {
    #[command(flatten)]
    pub(crate) filter: BulkFilter,
    /// At most this many rows (the output says when more match).
    #[arg(long, default_value_t = 50, value_parser = rows)]
    pub(crate) limit: u64,
    /// Every matching device, however many.
    #[arg(long, conflicts_with = "limit")]
    pub(crate) all: bool,
    /// Add each device's GenieACS id.
    #[arg(long)]
    pub(crate) wide: bool,
    /// JSON output.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// CSV output (the desktop's export: id, acs, status, vendor, model, serial,
    /// subscriber, wan_ip, uptime_s, signal_dbm, firmware, last_inform, not_fetched).
    #[arg(long)]
    pub(crate) csv: bool,
}

/// A number of rows to show: at least one.
fn rows(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("a number of rows, at least 1 (or --all)".into()),
    }
}

/// A number of rows to show, from 1 to `max`.
fn rows_up_to(s: &str, max: u64) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("a number of rows from 1 to {max}")),
    }
}

/// `acsdesk device …`
#[derive(Debug, Subcommand)]
pub(crate) enum DeviceCommand {
    /// Show a device.
    Show {
        /// GenieACS id.
        id: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// The device's parameters, live from GenieACS.
    Params {
        /// GenieACS id.
        id: String,
        /// Only parameters under this path (e.g. InternetGatewayDevice.WANDevice).
        #[arg(long)]
        prefix: Option<String>,
    },
    /// The device's own offline alert threshold in minutes, or `default` for the
    /// tenant's.
    #[command(name = "offline-after")]
    OfflineAfter {
        /// GenieACS id.
        id: String,
        /// Minutes (1 to 1440) or `default`.
        minutes: String,
    },
}

/// Options of `acsdesk history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// GenieACS id.
    pub(crate) id: String,
    /// cpu, memory, rx, tx, signal, uptime, clients_2g or clients_5g.
    #[arg(long)]
    pub(crate) metric: String,
    /// How far back: 1h, 24h, 7d, 30d (any number with h or d).
    #[arg(long, default_value = "24h")]
    pub(crate) since: String,
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
    /// Write an SVG chart to this file.
    #[arg(long)]
    pub(crate) svg: Option<PathBuf>,
    /// Write a PNG chart to this file.
    #[arg(long)]
    pub(crate) png: Option<PathBuf>,
}

/// Options of `acsdesk logs`.
#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// Only this device.
    pub(crate) id: Option<String>,
    /// At most this many entries, newest first (at most 10,000; the output says when
    /// cut).
    #[arg(long, default_value_t = 50, value_parser = |s: &str| rows_up_to(s, 10_000))]
    pub(crate) limit: u64,
    /// Only this level: info, warning or error.
    #[arg(long)]
    pub(crate) level: Option<String>,
    /// Only this kind: status, action, provisioning, fault or router_error.
    #[arg(long)]
    pub(crate) kind: Option<String>,
    /// Only entries whose message, kind or payload holds this text.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// JSON output.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// CSV output (time, level, group, kind, message, payload).
    #[arg(long)]
    pub(crate) csv: bool,
}

/// Options of `acsdesk sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Simulated routers.
    #[arg(long, default_value_t = 200)]
    pub(crate) devices: u64,
    /// Seed of the fleet.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 7557)]
    pub(crate) port: u16,
    /// Virtual clock speed (60 = an hour a minute).
    #[arg(long, default_value_t = 1.0)]
    pub(crate) speed: f64,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: std::net::IpAddr,
    /// Also serve these GenieACS device documents (a JSON array, e.g. saved from
    /// `GET /devices` of a real GenieACS), each as recorded.
    #[arg(long, value_name = "FILE")]
    pub(crate) import: Option<std::path::PathBuf>,
    /// The share of firmware downloads that fail, 0 to 1.
    #[arg(long, default_value_t = 0.0, value_parser = unit_interval)]
    pub(crate) firmware_failure_rate: f64,
    /// Start without the newer firmware image per model that is otherwise stored.
    #[arg(long)]
    pub(crate) no_firmware_images: bool,
    /// The share of routers, 0 to 1, that GenieACS has only met through informs: their
    /// documents hold the Inform's values and the rest as names without values, until a
    /// refresh or the monitoring reads them (as on a real server).
    #[arg(long, default_value_t = acsdesk_sandbox::DEFAULT_PARTIAL, value_parser = unit_interval)]
    pub(crate) partial: f64,
    /// Answer the NBI only to requests carrying this header with the value read from
    /// stdin or a prompt (401 otherwise), as a reverse proxy before a GenieACS does:
    /// for trying `acs add --auth header` (or `Authorization` with "Basic …" /
    /// "Bearer …").
    #[arg(long, value_name = "NAME")]
    pub(crate) require_header: Option<String>,
    /// Serve https:// with a self-signed certificate generated at start (its SHA-256 is
    /// printed, to pin): for trying a connection's certificate trust.
    #[arg(long)]
    pub(crate) tls: bool,
}

fn unit_interval(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

/// Parses `--band`: 2.4, 5 or all (2.4GHz, 5g… are read too).
fn band_choice(text: &str) -> Result<acsdesk_types::BandChoice, String> {
    acsdesk_types::BandChoice::read(text).ok_or_else(|| format!("{text:?} is not 2.4, 5 or all"))
}
