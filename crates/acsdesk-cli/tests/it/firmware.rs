//! `acsdesk firmware …` against the sandbox: the library with the fleet's versions per
//! model, uploads completed from the fleet and checked (a taken name, an empty file, an
//! `.npk` for a MikroTik), and deletion.

use super::env::synced;

fn library(env: &super::env::Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["firmware", "list", "--json"])).unwrap()
}

/// `firmware upload FILE --version V --product-class PC`, then `extra`.
fn upload<'a>(
    file: &'a std::path::Path,
    version: &'a str,
    pc: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "firmware",
        "upload",
        file.to_str().unwrap(),
        "--version",
        version,
        "--product-class",
        pc,
    ];
    args.extend_from_slice(extra);
    args
}

fn model<'a>(lib: &'a serde_json::Value, product_class: &str) -> &'a serde_json::Value {
    lib["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["product_class"] == product_class)
        .unwrap_or_else(|| panic!("{product_class} in {lib}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_firmware_library_uploads_checks_lists_and_deletes() {
    let (sandbox, env) = synced("Acme", 40, acsdesk_core::clock::system_now_ms(), 0.0).await;
    let dir = tempfile::tempdir().unwrap();
    // The sandbox stores one newer image per model: every router of a model is behind.
    let lib = library(&env);
    let archer = model(&lib, "ArcherC6");
    assert!(archer["devices"].as_u64().unwrap() > 0, "{archer}");
    assert_eq!(archer["behind"], archer["devices"], "{archer}");
    assert_eq!(archer["kind"], "image");
    assert_eq!(model(&lib, "RB952Ui-5ac2nD")["kind"], "package_list");
    let human = env.ok(&["firmware", "list"]);
    assert!(
        human.contains("ArcherC6") && human.contains("behind"),
        "{human}"
    );

    // The OUI comes from the fleet: one model has this product class.
    let image = dir.path().join("archer-9.9.9.bin");
    std::fs::write(&image, vec![0xa5_u8; 200_000]).unwrap();
    let path = image.to_str().unwrap();
    let out = env.ok(&upload(&image, "9.9.9", "ArcherC6", &[]));
    assert!(
        out.contains("Uploaded archer-9.9.9.bin") && out.contains("OUI 50C7BF"),
        "{out}"
    );
    acsdesk_core::http::install_crypto_provider();
    let files: Vec<serde_json::Value> = reqwest::get(format!("{}/files", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = files
        .iter()
        .find(|f| f["_id"] == "archer-9.9.9.bin")
        .expect("in GenieACS");
    assert_eq!(stored["length"], 200_000, "every byte went: {stored}");
    assert_eq!(stored["metadata"]["fileType"], "1 Firmware Upgrade Image");
    assert_eq!(stored["metadata"]["oui"], "50C7BF");
    assert_eq!(stored["metadata"]["version"], "9.9.9");
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.9");

    // A name already taken is refused unless replaced; nothing changes meanwhile.
    let err = env.fails(&upload(&image, "9.9.10", "ArcherC6", &[]), "correct horse");
    assert!(err.contains("already has an image named"), "{err}");
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.9");
    env.ok(&upload(&image, "9.9.10", "ArcherC6", &["--replace"]));
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.10");

    // Which model, when the fleet has several: the error lists them.
    let err = env.fails(
        &["firmware", "upload", path, "--version", "1"],
        "correct horse",
    );
    assert!(
        err.contains("which model") && err.contains("ArcherC6") && err.contains("RB952Ui-5ac2nD"),
        "{err}"
    );
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let err = env.fails(&upload(&empty, "1", "ArcherC6", &[]), "correct horse");
    assert!(err.contains("is empty"), "{err}");

    // A MikroTik takes a package list, not the .npk.
    let npk = dir.path().join("routeros-7.16-mipsbe.npk");
    std::fs::write(&npk, [0x1e_u8, 0xf1, 0xd0, 0xba, 0, 1, 2, 3]).unwrap();
    let err = env.fails(
        &upload(&npk, "7.16", "RB952Ui-5ac2nD", &[]),
        "correct horse",
    );
    assert!(
        err.contains("package list") && err.contains(".npk"),
        "{err}"
    );
    let list = dir.path().join("routeros-7.17.xml");
    std::fs::write(
        &list,
        r#"<upgrade version="1" type="links"><config/><links>
             <link><url>https://fw.example.net/routeros-7.17-mipsbe.npk</url></link>
           </links></upgrade>"#,
    )
    .unwrap();
    env.ok(&upload(&list, "7.17", "RB952Ui-5ac2nD", &[]));
    let lib = library(&env);
    assert_eq!(model(&lib, "RB952Ui-5ac2nD")["latest"], "7.17", "{lib}");

    // Deleted, then gone.
    let out = env.ok(&["firmware", "delete", "archer-9.9.9.bin", "--yes"]);
    assert!(out.contains("Deleted"), "{out}");
    let err = env.fails(
        &["firmware", "delete", "archer-9.9.9.bin", "--yes"],
        "correct horse",
    );
    assert!(err.contains("has no image named"), "{err}");
    let err = env.fails(
        &["firmware", "delete", "routeros-7.16.xml"],
        "correct horse",
    );
    assert!(err.contains("--yes"), "asks first: {err}");
}

fn rollout_json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A rollout through the action queue: a good image completes batch after batch; a bad
/// one halts itself within the canary (never more failures than threshold + concurrency),
/// raises one alert, keeps its image from deletion, and resumes from where it stopped in
/// another process once the image is good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_completes_halts_on_a_bad_image_and_resumes() {
    let (sandbox, env) = synced("Acme", 80, acsdesk_core::clock::system_now_ms(), 240.0).await;
    let good = "ArcherC6v3-1.4.1-Build-20240618.bin";
    let out = env.ok(&[
        "firmware",
        "rollout",
        "start",
        "--file",
        good,
        "--canary",
        "2",
        "--batch",
        "5",
        "--pause",
        "0",
        "--max-failures",
        "1",
        "--concurrency",
        "4",
        "--wait",
        "--json",
    ]);
    let r = rollout_json(&out);
    assert_eq!(r["state"], "completed", "{r}");
    let batches = r["batches"].as_array().unwrap();
    assert!(batches.len() >= 3, "a canary and batches: {r}");
    assert_eq!(batches[0]["size"], 2, "the canary: {r}");
    let (mut size, mut done, mut skipped) = (0, 0, 0);
    for b in batches {
        size += b["size"].as_u64().unwrap();
        done += b["done"].as_u64().unwrap();
        skipped += b["skipped"].as_u64().unwrap();
        assert_eq!(b["failed"], 0, "{r}");
    }
    assert_eq!(done + skipped, size, "{r}");
    assert!(done > 0, "{r}");
    let lib = library(&env);
    let archer = model(&lib, "ArcherC6");
    assert_eq!(
        archer["behind"], skipped,
        "only the skipped are behind now: {archer}"
    );
    // Its log tells it batch by batch.
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&["firmware", "rollout", "log", "1", "--json"])).unwrap();
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"started"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"completed"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "batch_ended").count(),
        batches.len(),
        "{kinds:?}"
    );
    let text = env.ok(&["firmware", "rollout", "log", "1"]);
    assert!(
        text.contains("Canary started: 2 router(s)") && text.contains("Completed:"),
        "{text}"
    );

    // A bad image: the canary fails, the rollout halts, one alert.
    let bad = "HG8245H-V3R017C10S120.bin";
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let marked = http
        .post(format!("{}/_sandbox/files/{bad}/bad", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert!(marked.status().is_success());
    // Its progress goes to stderr line by line (no terminal), then why it stopped.
    let halted = env.run_with(
        &[
            "firmware",
            "rollout",
            "start",
            "--file",
            bad,
            "--canary",
            "3",
            "--batch",
            "5",
            "--pause",
            "0",
            "--max-failures",
            "0",
            "--concurrency",
            "2",
            "--wait",
        ],
        "correct horse",
        None,
    );
    assert!(!halted.status.success(), "a halt exits non-zero");
    let err = String::from_utf8_lossy(&halted.stderr);
    assert!(
        err.contains("halted") && err.contains("the canary"),
        "{err}"
    );
    let status = rollout_json(&env.ok(&["firmware", "rollout", "status", "2", "--json"]));
    assert_eq!(status["state"], "halted", "{status}");
    let batches = status["batches"].as_array().unwrap();
    let failed = batches[0]["failed"].as_u64().unwrap();
    assert!(
        (1..=2).contains(&failed),
        "no more than threshold + concurrency failed: {status}"
    );
    for b in &batches[1..] {
        assert_eq!(
            b["waiting"], b["size"],
            "nothing after the canary: {status}"
        );
    }
    assert!(
        status["failures"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("cwmp.9010") || r.contains("rejected")),
        "{status}"
    );
    let alerts: serde_json::Value =
        serde_json::from_str(&env.ok(&["alerts", "--kind", "firmware_failed", "--json"])).unwrap();
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "one alert for the rollout: {alerts:?}");
    assert!(
        alerts[0]["message"].as_str().unwrap().contains("Rollout 2"),
        "{alerts:?}"
    );
    let err = env.fails(&["firmware", "delete", bad, "--yes"], "correct horse");
    assert!(err.contains("has not ended"), "{err}");

    // Mended, resumed by another process: it goes on from the batch after the canary.
    let mended = http
        .post(format!("{}/_sandbox/files/{bad}/good", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert!(mended.status().is_success());
    let out = env.ok(&["firmware", "rollout", "resume", "2", "--wait"]);
    assert!(out.contains("completed"), "{out}");
    let open: serde_json::Value = serde_json::from_str(&env.ok(&[
        "alerts",
        "--kind",
        "firmware_failed",
        "--state",
        "open",
        "--json",
    ]))
    .unwrap();
    assert_eq!(
        open,
        serde_json::json!([]),
        "the resume dealt with the halt's alert: a next halt raises a new one"
    );
    let done = rollout_json(&env.ok(&["firmware", "rollout", "status", "2", "--json"]));
    assert_eq!(done["state"], "completed", "{done}");
    // The canary's failures stay (one still on its way at the halt may have joined
    // them: never more than threshold + concurrency), its last router went first.
    let canary_failed = done["batches"][0]["failed"].as_u64().unwrap();
    assert!((failed..=2).contains(&canary_failed), "{done}");
    assert_eq!(done["batches"][0]["waiting"], 0, "{done}");
    assert!(done["batches"][1]["done"].as_u64().unwrap() > 0, "{done}");
}

/// A rollout's pace and window are kept and shown, its estimate and what people did go
/// to its log; a window or time zone that cannot be read is refused before anything
/// starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_keeps_its_window_and_rate_and_logs_what_people_do() {
    let now = acsdesk_core::clock::system_now_ms();
    let (_sandbox, env) = synced("Acme", 30, now, 240.0).await;
    let good = "ArcherC6v3-1.4.1-Build-20240618.bin";
    fn start<'a>(good: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["firmware", "rollout", "start", "--file", good];
        args.extend_from_slice(extra);
        args
    }
    let err = env.fails(&start(good, &["--window", "25:00-03:00"]), "correct horse");
    assert!(
        err.contains("--window") && err.contains("HH:MM-HH:MM"),
        "{err}"
    );
    let err = env.fails(
        &start(
            good,
            &["--window", "01:00-03:00", "--time-zone", "Mars/Olympus"],
        ),
        "correct horse",
    );
    assert!(err.contains("Mars/Olympus"), "{err}");
    let out = env.run_with(&start(good, &["--days", "mon"]), "correct horse", None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--window"),
        "days need a window: {err}"
    );
    let err = env.fails(&start(good, &["--model", "HG8245H"]), "correct horse");
    assert!(
        err.contains("is for ArcherC6, not HG8245H") && err.contains("nothing was queued"),
        "{err}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["firmware", "rollout", "list", "--json"])).unwrap();
    assert_eq!(listed, serde_json::json!([]), "nothing was started");

    // A window of one hour that opens two hours from now (UTC), every day.
    let hour = (now / 3_600_000 + 2) % 24;
    let window = format!("{hour:02}:00-{:02}:00", (hour + 1) % 24);
    let r = rollout_json(&env.ok(&start(
        good,
        &[
            "--window",
            &window,
            "--time-zone",
            "UTC",
            "--rate",
            "120",
            "--concurrency",
            "4",
            "--json",
        ],
    )));
    assert_eq!(r["spec"]["rate_per_hour"], 120, "{r}");
    assert_eq!(r["spec"]["window"]["time_zone"], "UTC", "{r}");
    let opens = r["window_opens_ms"]
        .as_i64()
        .expect("closed now: when it opens");
    assert!(
        (now + 3_600_000..=now + 2 * 3_600_000).contains(&opens),
        "opens {opens}, now {now}: {r}"
    );
    let eta = r["eta_ms"].as_i64().expect("an estimate");
    assert!(eta > opens, "it finishes after its window opens: {r}");
    let status = env.ok(&["firmware", "rollout", "status", "1"]);
    assert!(
        status.contains(&format!(
            "4 at once, at most 120/h, only {window} every day (UTC)"
        )),
        "{status}"
    );
    assert!(
        status.contains("outside its window: updates start again")
            && status.contains("estimated finish"),
        "{status}"
    );
    let paused = rollout_json(&env.ok(&["firmware", "rollout", "pause", "1", "--json"]));
    assert_eq!(paused["state"], "paused", "{paused}");
    assert!(
        paused["eta_ms"].is_null(),
        "no estimate while paused: {paused}"
    );
    env.ok(&["firmware", "rollout", "resume", "1"]);
    let cancelled =
        rollout_json(&env.ok(&["firmware", "rollout", "cancel", "1", "--yes", "--json"]));
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    let err = env.fails(&["firmware", "rollout", "resume", "1"], "correct horse");
    assert!(err.contains("is cancelled and cannot be resumed"), "{err}");
    let log = env.ok(&["firmware", "rollout", "log", "1"]);
    let at = |what: &str| log.find(what).unwrap_or_else(|| panic!("{what}: {log}"));
    assert!(at("Started: 1.4.1") < at("Paused by a person"), "{log}");
    assert!(
        at("Paused by a person") < at("Resumed by a person"),
        "{log}"
    );
    assert!(
        at("Resumed by a person") < at("Cancelled by a person"),
        "{log}"
    );
    assert!(
        log.contains(&format!("only {window} every day (UTC)")),
        "{log}"
    );
}

/// The status of rollout 1 as JSON, after `rounds` of `watch --once` at most, until
/// `done` says it is there.
fn watch_until(
    env: &super::env::Env,
    rounds: usize,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut r = serde_json::Value::Null;
    for _ in 0..rounds {
        env.ok(&["watch", "--once"]);
        r = rollout_json(&env.ok(&["firmware", "rollout", "status", "1", "--json"]));
        if done(&r) {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("not there after {rounds} rounds: {r}");
}

/// A firmware target in the provisioning profile brings a router that appears on an
/// older version to the image's, alone; with a bad image the first failure halts it
/// with one alert; dropped from the profile, it ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firmware_target_brings_new_routers_to_its_version_and_halts_on_a_bad_image() {
    let (sandbox, env) = synced("Acme", 20, acsdesk_core::clock::system_now_ms(), 240.0).await;
    let image = "ArcherC6v3-1.4.1-Build-20240618.bin";
    let err = env.fails(
        &["provision", "profile", "--firmware-target", "nothing.bin"],
        "correct horse",
    );
    assert!(err.contains("no image named \"nothing.bin\""), "{err}");
    let out = env.ok(&["provision", "profile", "--firmware-target", image]);
    assert!(
        out.contains("new ArcherC6 routers are brought to 1.4.1 Build 20240618"),
        "{out}"
    );
    let all: serde_json::Value =
        serde_json::from_str(&env.ok(&["firmware", "rollout", "list", "--json"])).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(
        all[0]["spec"]["standing"]["product_class"], "ArcherC6",
        "{all}"
    );
    assert_eq!(all[0]["state"], "running", "{all}");
    assert_eq!(
        all[0]["batches"],
        serde_json::json!([]),
        "the routers already there are a rollout's business, not the target's: {all}"
    );
    // Saved again unchanged, the target keeps its one standing rollout.
    env.ok(&["provision", "profile", "--firmware-target", image]);
    let all: serde_json::Value =
        serde_json::from_str(&env.ok(&["firmware", "rollout", "list", "--json"])).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");

    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let appear = async |serial: &str| {
        let r = http
            .post(format!(
                "{}/_sandbox/devices/new?vendor=tp-link&serial={serial}",
                sandbox.url()
            ))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    };
    appear("TPNEWTARGET01").await;
    let r = watch_until(&env, 80, |r| r["batches"][0]["done"] == 1);
    assert_eq!(r["state"], "running", "it stands for the next: {r}");
    let shown = env.ok(&["device", "show", "TPNEWTARGET01", "--json"]);
    assert!(shown.contains("1.4.1 Build 20240618"), "{shown}");
    let log = env.ok(&["firmware", "rollout", "log", "1"]);
    assert!(log.contains("TPNEWTARGET01 appeared on"), "{log}");

    // A bad image: the next newcomer fails, and the target halts with one alert.
    let marked = http
        .post(format!("{}/_sandbox/files/{image}/bad", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert!(marked.status().is_success());
    appear("TPNEWTARGET02").await;
    let r = watch_until(&env, 80, |r| r["state"] == "halted");
    assert_eq!(r["batches"][1]["failed"], 1, "{r}");
    let alerts: serde_json::Value =
        serde_json::from_str(&env.ok(&["alerts", "--kind", "firmware_failed", "--json"])).unwrap();
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert!(
        alerts[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("TPNEWTARGET02")),
        "{alerts}"
    );

    // Dropped from the profile, the target ends.
    let out = env.ok(&[
        "provision",
        "profile",
        "--clear-firmware-target",
        "archerc6",
    ]);
    assert!(out.contains("firmware targets:  none"), "{out}");
    let r = rollout_json(&env.ok(&["firmware", "rollout", "status", "1", "--json"]));
    assert_eq!(r["state"], "cancelled", "{r}");
    let err = env.fails(
        &[
            "provision",
            "profile",
            "--clear-firmware-target",
            "archerc6",
        ],
        "correct horse",
    );
    assert!(err.contains("no target"), "{err}");
}
