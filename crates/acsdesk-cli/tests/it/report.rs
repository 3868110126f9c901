//! `acsdesk report`: the fleet overview of a synced sandbox, as text and as JSON, with
//! the actions asked for counted, and `actions --csv`; a period out of range is refused
//! in one line.

use super::env::synced;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_sums_up_the_synced_fleet() {
    let (_sandbox, env) = synced("Acme", 25, 1_795_467_600_000, 0.0).await;
    let devices: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--json", "--all"])).unwrap();
    let id = devices[0]["id"].as_str().unwrap().to_owned();
    env.ok(&["act", "refresh", &id]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--days", "3", "--json"])).unwrap();
    assert_eq!(json["total"], 25, "{json}");
    let online = devices
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["online"] == true)
        .count();
    assert_eq!(json["online"], online, "{json}");
    let models = json["models"].as_array().unwrap();
    let sum: u64 = models.iter().map(|m| m["total"].as_u64().unwrap()).sum();
    assert_eq!(sum, 25, "{json}");
    assert_eq!(json["alert_days"].as_array().unwrap().len(), 3, "{json}");
    // The refresh was sent at once (its router is not there to answer): one action, in
    // whatever state it has reached.
    let actions = json["actions"].as_array().unwrap();
    let asked: u64 = actions.iter().map(|a| a[1].as_u64().unwrap()).sum();
    assert_eq!(asked, 1, "{json}");
    let status = actions[0][0].as_str().unwrap().to_owned();
    let text = env.ok(&["report"]);
    assert!(
        text.starts_with(&format!("Fleet: 25 routers, {online} online ("))
            && text.contains("\nModels (routers, online, firmware versions)\n")
            && text.contains("Alerts raised, last 14 days (")
            && text.contains(&format!("Actions asked for, last 14 days: {status} 1")),
        "{text}"
    );
    // The actions as the desktop exports them.
    let csv = env.ok(&["actions", "--csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,device,acs,action,description,status,attempts,requested_by,created,finished,fault_code,fault")
    );
    let row = lines.next().unwrap_or_default();
    assert!(
        row.contains(&format!(",{id},main,refresh,")) && row.contains(&format!(",{status},")),
        "{csv}"
    );
    assert_eq!(lines.next(), None, "{csv}");
    let both = env.run_with(&["actions", "--csv", "--json"], "correct horse", None);
    assert!(!both.status.success());
    let err = env.fails(&["report", "--days", "91"], "correct horse");
    assert!(err.contains("days: a report covers 1 to 90 days"), "{err}");
}
