//! Who sends a connection's actions: the owner identity of this process (host, pid and
//! the process's start time), how long a lease lasts, and whether another owner is known
//! to be dead (same host, its process gone) so its lease is taken over at once.
//!
//! A lease outlasts the longest request a worker makes (the client's 120 s timeout), so
//! by the time it expires nothing its owner sent can still be on its way to GenieACS.

use std::time::Duration;

/// How long a lease lasts from its last renewal (every pass and every claim renews it).
pub const LEASE_TTL: Duration = Duration::from_secs(150);

/// A process that sends actions, as written in the lease table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    id: String,
    ttl: Duration,
}

impl Owner {
    /// This process: `acsdesk@<host>/<pid>/<start>` (the start time tells a reused pid
    /// from the process that held the lease).
    pub fn this_process() -> Self {
        let pid = std::process::id();
        let start = start_time(pid).unwrap_or_default();
        Self {
            id: format!("acsdesk@{}/{pid}/{start}", host()),
            ttl: LEASE_TTL,
        }
    }

    /// An owner with a given id and lease time (tests standing in for other processes).
    pub fn named(id: &str, ttl: Duration) -> Self {
        Self {
            id: id.to_owned(),
            ttl,
        }
    }

    /// The id written in the lease table.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How long a renewal lasts, ms.
    pub fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Whether the owner `id` is certainly dead: it ran on this host and its process is
/// gone (or is a zombie, or its pid now belongs to a process started later). An owner on
/// another host, or one that cannot be read, is never declared dead: its lease expires.
pub fn is_dead(id: &str) -> bool {
    let Some((host_of, pid, start)) = parse(id) else {
        return false;
    };
    if host_of != host() || pid == std::process::id() {
        return false;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        // No such process (on a host with /proc).
        return std::path::Path::new("/proc/self/stat").exists();
    };
    match parse_stat(&stat) {
        Some((state, started)) => matches!(state, 'Z' | 'X') || started != start,
        None => false,
    }
}

/// How a person recognises an owner: "pid 1234 on host".
pub fn describe(id: &str) -> String {
    match parse(id) {
        Some((host, pid, _)) => format!("pid {pid} on {host}"),
        None => id.to_owned(),
    }
}

fn parse(id: &str) -> Option<(&str, u32, u64)> {
    let rest = id.strip_prefix("acsdesk@")?;
    let mut parts = rest.rsplitn(3, '/');
    let start = parts.next()?.parse().ok()?;
    let pid = parts.next()?.parse().ok()?;
    Some((parts.next()?, pid, start))
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat).map(|(_, start)| start)
}

/// The state and start time (in clock ticks since boot) of a `/proc/<pid>/stat` line.
/// The command name may hold spaces and parentheses: fields count from the last `)`.
fn parse_stat(stat: &str) -> Option<(char, u64)> {
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    // Field 22 of the line is the 20th after the name (state is the 3rd).
    let start = fields.get(19)?.parse().ok()?;
    Some((state, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_finished_one_is_dead() {
        let me = Owner::this_process();
        assert!(!is_dead(me.id()), "{}", me.id());
        assert!(describe(me.id()).starts_with(&format!("pid {} on ", std::process::id())));
        // A child that has exited and been reaped.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let start = start_time(pid);
        child.wait().unwrap();
        let gone = format!("acsdesk@{}/{pid}/{}", host(), start.unwrap_or(1));
        assert!(is_dead(&gone));
        // A live process whose pid is right but start time is not: the pid was reused.
        let mut sleeper = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = sleeper.id();
        let start = start_time(pid).unwrap();
        let alive = format!("acsdesk@{}/{pid}/{start}", host());
        let reused = format!("acsdesk@{}/{pid}/{}", host(), start + 1);
        assert!(!is_dead(&alive));
        assert!(is_dead(&reused));
        // Killed but not yet reaped: a zombie is dead.
        sleeper.kill().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(is_dead(&alive));
        sleeper.wait().unwrap();
        assert!(is_dead(&alive));
        // Another host's owner, or an unreadable id, only ever expires.
        assert!(!is_dead(&format!("acsdesk@elsewhere/{pid}/{start}")));
        assert!(!is_dead("someone"));
    }

    #[test]
    fn stat_lines_with_odd_command_names_parse() {
        let line = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 777 1000 10";
        assert_eq!(parse_stat(line), Some(('S', 777)));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse("acsdesk@my/host/12/34"), Some(("my/host", 12, 34)));
    }
}
