//! Every operation against the recorded GenieACS exchanges: the client must send the
//! request curl sent to the real NBI (same method, path byte for byte, query parameters,
//! headers GenieACS reads, body), and must read GenieACS's real answer — status line,
//! reason phrase, headers, body — the way the captures say it means.

use acsdesk_captures::{Capture, Replay, Response};
use acsdesk_genieacs::api::config::ConfigKind;
use acsdesk_genieacs::api::files::FileMetadata;
use acsdesk_genieacs::api::tasks::{
    FileRef, Filter, ParameterValue, QueueReason, Task, TaskOutcome, Xsd,
};
use acsdesk_genieacs::{Client, DeviceId, Error, Query};
use serde_json::{json, Value};
use std::time::Duration;

const TR098: &str = "202BC1-BM632w-000000";
const TR181: &str = "9CA2F4-EC220%2DG5-000100";
const SSID_098: &str = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID";
const UPTIME_098: &str = "InternetGatewayDevice.DeviceInfo.UpTime";

fn client(replay: &Replay) -> Client {
    Client::builder(replay.url()).build().unwrap()
}

fn recorded_len(capture: &str) -> usize {
    Capture::load(capture)
        .response()
        .json()
        .and_then(|v| v.as_array().map(Vec::len))
        .unwrap()
}

/// An answer to a request the captures do not hold (the client's own look-ups), built
/// from recorded documents. Named `derived:` so a failure says it is not a capture.
fn derived(method: &str, path: &str, query: Option<&str>, body: &Value) -> Capture {
    Capture {
        name: format!("derived:{method} {path}"),
        request: acsdesk_captures::Request {
            method: method.into(),
            path: path.into(),
            query: query.map(str::to_owned),
            headers: Vec::new(),
            body: acsdesk_captures::Body::None,
        },
        response: Some(Response {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }),
    }
}

fn query_param(json: &Value) -> String {
    format!(
        "query={}",
        percent_encoding::utf8_percent_encode(
            &json.to_string(),
            percent_encoding::NON_ALPHANUMERIC
        )
    )
}

#[tokio::test]
async fn device_queries_are_sent_exactly_as_recorded() {
    let ssid_ = SSID_098;
    let sw = "InternetGatewayDevice.DeviceInfo.SoftwareVersion";
    let cases: Vec<(&str, Query, Vec<&str>)> = vec![
        (
            "devices-query-by-id-projection",
            Query::all().eq("_id", TR098),
            vec![
                "_id",
                "_lastInform",
                sw,
                ssid_,
                "InternetGatewayDevice.ManagementServer.ConnectionRequestURL",
            ],
        ),
        (
            "devices-query-by-serial-deviceId",
            Query::all().eq("_deviceId._SerialNumber", "000007"),
            vec!["_id", "_deviceId", "_lastInform"],
        ),
        (
            "devices-query-by-serial-DeviceID-alias-nomatch",
            Query::all().eq("DeviceID.SerialNumber", "000007"),
            vec!["_id"],
        ),
        (
            "devices-query-by-tag",
            Query::all().tag("vip"),
            vec!["_id", "_tags"],
        ),
        (
            "devices-query-exists",
            Query::all().exists(UPTIME_098, true),
            vec!["_id", UPTIME_098],
        ),
        (
            "devices-query-in",
            Query::all().one_of(
                "_id",
                ["202BC1-BM632w-000007", "202BC1-BM632w-000008", "no-such-id"],
            ),
            vec!["_id", "_deviceId._SerialNumber"],
        ),
        (
            "devices-query-lastInform-gt",
            Query::all().informed_after(1_795_467_540_000),
            vec!["_id", "_lastInform"],
        ),
        (
            "devices-query-ne-and-exists",
            Query::all().ne(sw, "x").exists(sw, true),
            vec!["_id"],
        ),
        (
            "devices-query-number-vs-string-nomatch",
            Query::all().gte("InternetGatewayDevice.DeviceInfo.HardwareVersion", 40501),
            vec!["_id"],
        ),
        (
            "devices-query-or",
            Query::or([
                Query::all().eq("_id", "202BC1-BM632w-000007"),
                Query::all().eq("_deviceId._SerialNumber", "000009"),
            ]),
            vec!["_id"],
        ),
        (
            "devices-query-param-regex-string",
            Query::all().matches(ssid_, "^lab-wifi", true),
            vec!["_id"],
        ),
        (
            "devices-query-param-value",
            Query::all().eq(ssid_, "Lab-WiFi-000000"),
            vec!["_id", ssid_],
        ),
        (
            "devices-query-param-wildcard",
            Query::all().eq(ssid_, "Lab-*"),
            vec!["_id"],
        ),
        (
            "devices-query-regex-id",
            Query::all().regex("_id", "00001[0-2]$"),
            vec!["_id"],
        ),
        (
            "devices-query-tr181-by-oui",
            Query::all().eq("_deviceId._OUI", "9CA2F4"),
            vec![
                "_id",
                "_deviceId",
                "Device.DeviceInfo.SoftwareVersion",
                "Device.WiFi.SSID.1.SSID",
            ],
        ),
        (
            "devices-tr181-ssid-after-spv",
            Query::all().eq("_id", TR181),
            vec!["Device.WiFi.SSID.1.SSID"],
        ),
        ("devices-projection-ids-only", Query::all(), vec!["_id"]),
        ("device-full-tr098", Query::all().eq("_id", TR098), vec![]),
        ("device-full-tr181", Query::all().eq("_id", TR181), vec![]),
        ("devices-all", Query::all(), vec![]),
    ];
    for (name, query, projection) in cases {
        let replay = Replay::of(&[name]).await;
        let docs = client(&replay)
            .devices()
            .query(query)
            .projection(projection)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}; {:?}", replay.unmatched()));
        replay.assert_all_answered();
        assert_eq!(docs.len(), recorded_len(name), "{name}");
    }
}

#[tokio::test]
async fn counts_sorting_and_paging_follow_the_captures() {
    let replay = Replay::of(&["devices-head-count", "devices-count-after-delete"]).await;
    let c = client(&replay);
    let head = Capture::load("devices-head-count");
    let recorded: u64 = head.response().header("total").unwrap().parse().unwrap();
    assert_eq!(
        c.devices()
            .query(Query::all().regex("_id", "^202BC1"))
            .count()
            .await
            .unwrap(),
        recorded
    );
    let probe = c.devices().query(Query::all()).probe().await.unwrap();
    assert_eq!(probe.total, 22);
    assert_eq!(
        probe.version.as_deref(),
        Capture::load("devices-count-after-delete")
            .response()
            .header("GenieACS-Version")
    );
    replay.assert_all_answered();

    let replay = Replay::of(&[
        "devices-sort-id-skip-limit",
        "devices-sort-lastInform-desc-limit",
        "devices-sort-by-parameter",
    ])
    .await;
    let c = client(&replay);
    let page = c
        .devices()
        .query(Query::all())
        .projection(["_id"])
        .sort("_id", true)
        .skip(5)
        .limit(3)
        .send()
        .await
        .unwrap();
    assert_eq!(page.len(), 3);
    assert!(page.windows(2).all(|w| w[0].id() < w[1].id()));
    let latest = c
        .devices()
        .query(Query::all())
        .projection(["_id", "_lastInform"])
        .sort("_lastInform", false)
        .limit(3)
        .send()
        .await
        .unwrap();
    assert!(latest
        .windows(2)
        .all(|w| w[0].last_inform() >= w[1].last_inform()));
    let hw = "InternetGatewayDevice.DeviceInfo.HardwareVersion";
    let by_param = c
        .devices()
        .query(Query::all())
        .projection(["_id", hw])
        .sort(hw, true)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(by_param.len(), 2);
    replay.assert_all_answered();
}

#[tokio::test]
async fn pages_are_read_one_after_another_and_streamed_documents_one_at_a_time() {
    // Three pages of the recorded fleet, sorted by _id, the way a sync reads it.
    let all: Vec<Value> = Capture::load("devices-all")
        .response()
        .json()
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let mut ids: Vec<String> = all
        .iter()
        .map(|d| d["_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let page = |skip: usize| -> Capture {
        let docs: Vec<Value> = ids
            .iter()
            .skip(skip)
            .take(10)
            .map(|id| json!({ "_id": id }))
            .collect();
        derived(
            "GET",
            "/devices",
            Some(&format!(
                "projection=_id&sort=%7B%22_id%22%3A1%7D&skip={skip}&limit=10"
            )),
            &Value::Array(docs),
        )
    };
    let replay = Replay::start([page(0), page(10), page(20)]).await;
    let mut seen = Vec::new();
    let n = client(&replay)
        .devices()
        .query(Query::all())
        .projection(["_id"])
        .for_each_page(10, |docs| seen.push(docs.len()))
        .await
        .unwrap();
    replay.assert_all_answered();
    assert_eq!((n, seen), (23, vec![10, 10, 3]));

    let replay = Replay::of(&["devices-all"]).await;
    let mut ids_seen = Vec::new();
    let n = client(&replay)
        .devices()
        .query(Query::all())
        .each(|d| ids_seen.push(d.id().unwrap().to_owned()))
        .await
        .unwrap();
    assert_eq!(n, 23);
    assert_eq!(ids_seen.len(), 23);
    assert!(ids_seen.contains(&TR181.to_owned()));
}

#[tokio::test]
async fn task_bodies_match_the_recorded_ones_and_outcomes_read_the_status_line() {
    let wan_ip = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection";
    let cr = Some(Duration::from_millis(3000));
    let cases: Vec<(&str, &str, Task, Option<Duration>)> = vec![
        ("task-reboot-200", "202BC1-BM632w-000050", Task::Reboot, cr),
        (
            "task-factoryReset-200",
            "202BC1-BM632w-000051",
            Task::FactoryReset,
            cr,
        ),
        (
            "task-getParameterValues-no-timeout-param-200",
            "202BC1-BM632w-000011",
            Task::GetParameterValues {
                parameter_names: vec![UPTIME_098.into()],
            },
            None,
        ),
        (
            "task-getParameterValues-virtual-parameter-200",
            "202BC1-BM632w-000006",
            Task::GetParameterValues {
                parameter_names: vec!["VirtualParameters.WiFiSSID".into()],
            },
            cr,
        ),
        (
            "task-setParameterValues-ssid-200",
            TR098,
            Task::SetParameterValues {
                parameter_values: vec![ParameterValue::string(SSID_098, "Lab-WiFi-000000")],
            },
            cr,
        ),
        (
            "task-spv-tr181-ssid-200",
            TR181,
            Task::SetParameterValues {
                parameter_values: vec![ParameterValue::untyped(
                    "Device.WiFi.SSID.1.SSID",
                    json!("Lab-TR181-SSID"),
                )],
            },
            cr,
        ),
        (
            "task-refreshObject-full-tr098-200",
            TR098,
            Task::RefreshObject {
                object_name: "InternetGatewayDevice".into(),
            },
            cr,
        ),
        (
            "task-refreshObject-full-tr181-200",
            TR181,
            Task::RefreshObject {
                object_name: "Device".into(),
            },
            cr,
        ),
        (
            "task-refreshObject-subtree-200",
            "202BC1-BM632w-000009",
            Task::RefreshObject {
                object_name: wan_ip.into(),
            },
            cr,
        ),
        (
            "task-refreshObject-virtual-parameters-tr181-200",
            TR181,
            Task::RefreshObject {
                object_name: "VirtualParameters".into(),
            },
            cr,
        ),
        (
            "task-addObject-200",
            "202BC1-BM632w-000009",
            Task::AddObject {
                object_name: wan_ip.into(),
            },
            cr,
        ),
        (
            "task-deleteObject-200",
            "202BC1-BM632w-000009",
            Task::DeleteObject {
                object_name: format!("{wan_ip}.2"),
            },
            cr,
        ),
        (
            "task-download-firmware-200",
            "202BC1-BM632w-000003",
            Task::download("firmware-BM632w-V100R001IRQC56B018.bin"),
            cr,
        ),
        (
            "task-download-missing-file-200",
            "202BC1-BM632w-000005",
            Task::Download {
                file: FileRef::Named {
                    file_type: "1 Firmware Upgrade Image".into(),
                    file_name: "no-such-firmware.bin".into(),
                },
            },
            cr,
        ),
        (
            "task-provisions-200",
            "202BC1-BM632w-000010",
            Task::Provisions {
                provisions: vec![
                    vec![json!("lab-inform"), json!("from-task")],
                    vec![json!("refresh"), json!(UPTIME_098)],
                ],
            },
            cr,
        ),
    ];
    for (name, device, task, connection_request) in cases {
        let replay = Replay::of(&[name]).await;
        let c = client(&replay);
        let mut create = c.tasks().create(&DeviceId::new(device), task);
        if let Some(t) = connection_request {
            create = create.connection_request(t);
        }
        if name == "task-getParameterValues-no-timeout-param-200" {
            // Recorded without `timeout`: GenieACS then waits its own online threshold.
            create = create.connection_request_default_timeout();
        }
        let outcome = create
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}; {:?}", replay.unmatched()));
        replay.assert_all_answered();
        assert!(
            matches!(outcome, TaskOutcome::Done(_)),
            "{name}: {outcome:?}"
        );
        let recorded = Capture::load(name).response().json().unwrap();
        assert_eq!(outcome.task_id(), recorded["_id"].as_str(), "{name}");
    }
}

#[tokio::test]
async fn queued_outcomes_carry_genieacs_reason() {
    let c = |r: &Replay| client(r);
    let replay = Replay::of(&["task-offline-connreq-failed-202"]).await;
    let offline = c(&replay)
        .tasks()
        .create(
            &DeviceId::new("202BC1-BM632w-000019"),
            Task::GetParameterValues {
                parameter_names: vec![UPTIME_098.into()],
            },
        )
        .connection_request(Duration::from_millis(3000))
        .send()
        .await
        .unwrap();
    replay.assert_all_answered();
    assert!(
        matches!(
            &offline,
            TaskOutcome::Queued {
                reason: QueueReason::DeviceOffline,
                ..
            }
        ),
        "{offline:?}"
    );
    assert!(offline.task_id().is_some());

    let replay = Replay::of(&["task-timeout0-queued-not-processed-202"]).await;
    let later = c(&replay)
        .tasks()
        .create(
            &DeviceId::new("202BC1-BM632w-000004"),
            Task::GetParameterValues {
                parameter_names: vec![UPTIME_098.into()],
            },
        )
        .connection_request(Duration::ZERO)
        .send()
        .await
        .unwrap();
    replay.assert_all_answered();
    assert!(matches!(
        later,
        TaskOutcome::Queued {
            reason: QueueReason::NotProcessed,
            ..
        }
    ));

    let replay = Replay::of(&["task-queued-no-connreq-202"]).await;
    let queued = c(&replay)
        .tasks()
        .create(
            &DeviceId::new("202BC1-BM632w-000019"),
            Task::SetParameterValues {
                parameter_values: vec![
                    ParameterValue::parse(SSID_098, "Queued-SSID", Xsd::String).unwrap()
                ],
            },
        )
        .send()
        .await
        .unwrap();
    replay.assert_all_answered();
    assert!(matches!(
        queued,
        TaskOutcome::Queued {
            reason: QueueReason::NotRequested,
            ..
        }
    ));
}

#[tokio::test]
async fn a_faulted_task_comes_with_its_fault() {
    let task = Capture::load("task-reboot-unsupported-202-faulted");
    let task_id = task.response().json().unwrap()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fault_id = format!("202BC1-BM632w-000001:task_{task_id}");
    let recorded_fault: Vec<Value> = Capture::load("faults-all")
        .response()
        .json()
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["_id"] == fault_id.as_str())
        .cloned()
        .collect();
    assert_eq!(
        recorded_fault.len(),
        1,
        "faults-all holds this task's fault"
    );
    let lookup = derived(
        "GET",
        "/faults",
        Some(&query_param(&json!({ "_id": fault_id }))),
        &Value::Array(recorded_fault),
    );
    let replay = Replay::start([task, lookup]).await;
    let outcome = client(&replay)
        .tasks()
        .create(&DeviceId::new("202BC1-BM632w-000001"), Task::Reboot)
        .connection_request(Duration::from_millis(3000))
        .send()
        .await
        .unwrap();
    replay.assert_all_answered();
    match outcome {
        TaskOutcome::Faulted {
            task,
            fault: Some(fault),
        } => {
            assert_eq!(task["_id"], task_id.as_str());
            assert_eq!(
                (fault.code.as_str(), fault.message.as_str()),
                ("cwmp.9000", "Method not supported")
            );
            assert_eq!(fault.channel, format!("task_{task_id}"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_devices_and_invalid_tasks_are_outcomes_and_crashing_requests_never_leave() {
    let replay = Replay::of(&[
        "error-task-unknown-device-404",
        "error-task-unknown-device-no-connreq-404",
    ])
    .await;
    let c = client(&replay);
    let nope = DeviceId::new("no-such-device");
    let with_cr = c
        .tasks()
        .create(&nope, Task::Reboot)
        .connection_request(Duration::from_millis(3000))
        .send()
        .await
        .unwrap();
    let without = c.tasks().create(&nope, Task::Reboot).send().await.unwrap();
    assert_eq!(
        (with_cr, without),
        (TaskOutcome::UnknownDevice, TaskOutcome::UnknownDevice)
    );
    replay.assert_all_answered();

    // GenieACS's 400 with its message (here its answer to a body that is not JSON).
    let bad_json = Capture::load("error-task-malformed-json-400");
    let message = String::from_utf8(bad_json.response().body.clone()).unwrap();
    let mut as_reboot = bad_json.clone();
    as_reboot.request.body = acsdesk_captures::Body::Bytes(br#"{"name":"reboot"}"#.to_vec());
    let replay = Replay::start([as_reboot]).await;
    let invalid = client(&replay)
        .tasks()
        .create(&DeviceId::new("202BC1-BM632w-000008"), Task::Reboot)
        .connection_request_default_timeout()
        .send()
        .await
        .unwrap();
    assert_eq!(invalid, TaskOutcome::Invalid(message));

    // Each of these made the real NBI drop the connection and restart: refused here.
    let crashes = Replay::start(Capture::all().into_iter().filter(|c| c.response.is_none())).await;
    let c = client(&crashes);
    let refused = [
        c.tasks()
            .create(
                &DeviceId::new("202BC1-BM632w-000008"),
                Task::GetParameterValues {
                    parameter_names: vec![],
                },
            )
            .send()
            .await
            .unwrap_err(),
        c.tasks().delete("not-an-objectid").await.unwrap_err(),
    ];
    for e in &refused {
        assert!(matches!(e, Error::Refused(_)), "{e}");
    }
    assert!(
        crashes.seen().is_empty(),
        "nothing was sent: {:?}",
        crashes.seen()
    );
}

#[tokio::test]
async fn lookups_before_risky_requests_keep_genieacs_alive() {
    // Retrying a task GenieACS does not have, or deleting a file it does not have,
    // crashes its NBI: the client looks first and answers NotFound.
    let empty = |path: &str, q: Value| derived("GET", path, Some(&query_param(&q)), &json!([]));
    let replay = Replay::start([
        empty("/tasks", json!({"_id": "000000000000000000000000"})),
        empty("/files", json!({"_id": "no-such-file.bin"})),
    ])
    .await;
    let c = client(&replay);
    assert!(matches!(
        c.tasks().retry("000000000000000000000000").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        c.files().delete("no-such-file.bin").await,
        Err(Error::NotFound(_))
    ));
    replay.assert_all_answered();
    assert!(
        replay.seen().iter().all(|s| s.method == "GET"),
        "only the look-ups were sent"
    );
}

#[tokio::test]
async fn tasks_are_listed_deleted_and_retried() {
    let retried = "6b04a8fe06cd1223fb52b0bc";
    let tasks_all: Vec<Value> = Capture::load("tasks-all")
        .response()
        .json()
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let retried_task: Vec<Value> = tasks_all
        .iter()
        .filter(|t| t["_id"] == retried)
        .cloned()
        .collect();
    assert_eq!(retried_task.len(), 1, "tasks-all holds the retried task");
    let replay = Replay::start([
        Capture::load("tasks-all"),
        Capture::load("tasks-query-by-device"),
        Capture::load("tasks-query-by-name"),
        Capture::load("task-delete-200"),
        Capture::load("task-delete-again-404"),
        derived(
            "GET",
            "/tasks",
            Some(&query_param(&json!({"_id": retried}))),
            &Value::Array(retried_task),
        ),
        Capture::load("task-retry-200"),
    ])
    .await;
    let c = client(&replay);
    assert_eq!(
        c.tasks().list(Filter::all()).await.unwrap().len(),
        tasks_all.len()
    );
    let by_device = c
        .tasks()
        .list(Filter::all().device(&DeviceId::new("202BC1-BM632w-000019")))
        .await
        .unwrap();
    assert!(by_device
        .iter()
        .all(|t| t["device"] == "202BC1-BM632w-000019"));
    assert!(c
        .tasks()
        .list(Filter::all().name("download"))
        .await
        .unwrap()
        .is_empty());
    c.tasks().delete("6b04a93306cd1223fb52b0c2").await.unwrap();
    let again = c
        .tasks()
        .delete("6b04a93306cd1223fb52b0c2")
        .await
        .unwrap_err();
    assert!(
        matches!(&again, Error::NotFound(m) if m == "Task not found"),
        "{again}"
    );
    c.tasks().retry(retried).await.unwrap();
    replay.assert_all_answered();
}

#[tokio::test]
async fn a_connection_request_alone_says_whether_the_device_answered() {
    let replay = Replay::of(&[
        "connection-request-only-200",
        "connection-request-only-offline-504",
    ])
    .await;
    let c = client(&replay);
    assert!(c
        .tasks()
        .summon_default(&DeviceId::new("202BC1-BM632w-000003"))
        .await
        .unwrap());
    assert!(!c
        .tasks()
        .summon_default(&DeviceId::new("202BC1-BM632w-000019"))
        .await
        .unwrap());
    replay.assert_all_answered();
}

#[tokio::test]
async fn faults_are_listed_per_device_and_by_code_and_deleted() {
    let replay = Replay::start([
        Capture::load("faults-all"),
        Capture::load("faults-query-by-device"),
        Capture::load("fault-delete-200"),
    ])
    .await;
    let c = client(&replay);
    let all = c.faults().list(Filter::all()).await.unwrap();
    assert_eq!(all.len(), 3);
    let download = all.iter().find(|f| f.code == "cwmp.9016").unwrap();
    assert_eq!(download.message, "Unexpected response 404");
    assert!(download.provisions.as_deref().unwrap().contains("download"));
    let one = c
        .faults()
        .list(Filter::all().device(&DeviceId::new("202BC1-BM632w-000005")))
        .await
        .unwrap();
    assert!(one.iter().all(|f| f.device == "202BC1-BM632w-000005") && !one.is_empty());
    // The `:` inside a fault id travels as %3A.
    c.faults()
        .delete("202BC1-BM632w-000002:task_6b04a90406cd1223fb52b0be")
        .await
        .unwrap();
    replay.assert_all_answered();
}

#[tokio::test]
async fn tags_devices_and_the_double_escaped_id() {
    let replay = Replay::of(&[
        "tag-add-200",
        "tag-add-second-200",
        "tag-add-encoded-space-200",
        "tag-add-tr181-encoded-id-200",
        "tag-add-unknown-device-404",
        "tag-delete-200",
        "tag-delete-not-present-200",
        "device-delete-200",
        "device-delete-again-200",
    ])
    .await;
    let c = client(&replay);
    let d7 = DeviceId::new("202BC1-BM632w-000007");
    c.devices().add_tag(&d7, "vip").await.unwrap();
    c.devices().add_tag(&d7, "floor-3").await.unwrap();
    c.devices().add_tag(&d7, "building A").await.unwrap();
    c.devices()
        .add_tag(&DeviceId::new(TR181), "tr181")
        .await
        .unwrap();
    let unknown = c
        .devices()
        .add_tag(&DeviceId::new("no-such-device"), "vip")
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, Error::NotFound(m) if m == "No such device"),
        "{unknown}"
    );
    c.devices().remove_tag(&d7, "floor-3").await.unwrap();
    c.devices().remove_tag(&d7, "never-added").await.unwrap();
    let gone = DeviceId::new("202BC1-BM632w-000019");
    c.devices().delete(&gone).await.unwrap();
    c.devices().delete(&gone).await.unwrap();
    replay.assert_all_answered();
    assert!(matches!(
        c.devices().add_tag(&d7, " ").await,
        Err(Error::Refused(_))
    ));
}

#[tokio::test]
async fn presets_provisions_and_virtual_parameters_round_trip() {
    let replay = Replay::of(&[
        "preset-put-200",
        "preset-put-malformed-json-400",
        "presets-list",
        "preset-get-by-name",
        "preset-delete-200",
        "preset-delete-nonexistent-200",
        "presets-list-after-delete",
        "provision-put-200",
        "provision-put-syntax-error-400",
        "provisions-list",
        "provision-delete-200",
        "provisions-list-after-delete",
        "virtual-parameter-put-200",
        "virtual-parameters-list",
        "virtual-parameter-delete-200",
        "virtual-parameters-list-after-delete",
    ])
    .await;
    let c = client(&replay);
    let body = |name: &str| match Capture::load(name).request.body {
        acsdesk_captures::Body::Bytes(b) => String::from_utf8(b).unwrap(),
        other => panic!("{other:?}"),
    };
    let presets = c.config(ConfigKind::Presets);
    presets
        .put("lab-inform", &body("preset-put-200"))
        .await
        .unwrap();
    let broken = presets
        .put("lab-broken", &body("preset-put-malformed-json-400"))
        .await
        .unwrap_err();
    assert!(
        matches!(&broken, Error::Invalid(m) if m.contains("JSON")),
        "{broken}"
    );
    assert_eq!(
        presets.list().await.unwrap().len(),
        recorded_len("presets-list")
    );
    let one = presets.get("lab-inform").await.unwrap().unwrap();
    assert_eq!(one["channel"], "lab");
    presets.delete("lab-inform").await.unwrap();
    presets.delete("never-existed").await.unwrap();
    assert_eq!(
        presets.list().await.unwrap().len(),
        recorded_len("presets-list-after-delete")
    );

    let provisions = c.config(ConfigKind::Provisions);
    provisions
        .put("lab-inform", &body("provision-put-200"))
        .await
        .unwrap();
    let syntax = provisions
        .put("lab-broken", &body("provision-put-syntax-error-400"))
        .await
        .unwrap_err();
    assert!(
        matches!(&syntax, Error::Invalid(m) if m.starts_with("SyntaxError")),
        "{syntax}"
    );
    let listed = provisions.list().await.unwrap();
    assert!(listed
        .iter()
        .any(|p| p["_id"] == "lab-inform" && p["script"].is_string()));
    provisions.delete("lab-inform").await.unwrap();
    assert_eq!(
        provisions.list().await.unwrap().len(),
        recorded_len("provisions-list-after-delete")
    );

    let vps = c.config(ConfigKind::VirtualParameters);
    vps.put("WiFiSSID", &body("virtual-parameter-put-200"))
        .await
        .unwrap();
    assert!(vps
        .list()
        .await
        .unwrap()
        .iter()
        .any(|v| v["_id"] == "WiFiSSID"));
    vps.delete("WiFiSSID").await.unwrap();
    assert_eq!(
        vps.list().await.unwrap().len(),
        recorded_len("virtual-parameters-list-after-delete")
    );
    replay.assert_all_answered();
}

#[tokio::test]
async fn files_are_uploaded_with_their_metadata_listed_and_deleted() {
    let name = "firmware-BM632w-V100R001IRQC56B018.bin";
    let replay = Replay::start([
        Capture::load("file-put-201"),
        Capture::load("files-list"),
        Capture::load("files-query-by-metadata"),
        derived(
            "GET",
            "/files",
            Some(&query_param(&json!({ "_id": name }))),
            &Capture::load("files-list").response().json().unwrap(),
        ),
        Capture::load("file-delete-200"),
        Capture::load("files-list-after-delete"),
    ])
    .await;
    let c = client(&replay);
    let dir = tempfile_dir();
    let path = dir.join(name);
    // The recorded upload was 65,589 bytes; the capture keeps only its size.
    std::fs::write(&path, vec![0x5A_u8; 65_589]).unwrap();
    let meta = FileMetadata {
        file_type: Some("1 Firmware Upgrade Image".into()),
        oui: Some("202BC1".into()),
        product_class: Some("BM632w".into()),
        version: Some("V100R001IRQC56B018".into()),
    };
    c.files()
        .upload(name, &path, &meta)
        .await
        .unwrap_or_else(|e| panic!("{e}: {:#?}", replay.unmatched()));
    let files = c.files().list().await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].length, &files[0].metadata), (65_589, &meta));
    let fitting = c.files().for_product_class("BM632w").await.unwrap();
    assert_eq!(fitting[0].name, name);
    c.files().delete(name).await.unwrap();
    assert!(c.files().list().await.unwrap().is_empty());
    replay.assert_all_answered();
    let missing = c
        .files()
        .upload("x", &dir.join("nope.bin"), &meta)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::Refused(_)), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "acsdesk-genieacs-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn ids_with_spaces_percent_slash_and_non_ascii_round_trip() {
    use axum::extract::Path;
    use axum::routing::post;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/devices/{id}/tags/{tag}",
        post(move |Path((id, tag)): Path<(String, String)>| {
            let s = s.clone();
            async move {
                s.lock().unwrap().push(format!("{id}|{tag}"));
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    let c = Client::builder(url).build().unwrap();
    for (id, tag) in [
        (TR181, "vip"),
        ("with space", "building A"),
        ("per%cent", "v1.2"),
        ("sla/sh", "a/b"),
        ("ñandú", "größe"),
    ] {
        c.devices().add_tag(&DeviceId::new(id), tag).await.unwrap();
        assert_eq!(seen.lock().unwrap().last().unwrap(), &format!("{id}|{tag}"));
    }
}

#[test]
fn typed_values_are_checked_before_anything_is_sent() {
    assert_eq!(
        ParameterValue::parse("X.Interval", "300", Xsd::UnsignedInt)
            .unwrap()
            .value(),
        &json!(300)
    );
    assert_eq!(
        ParameterValue::parse("X.Enable", "TRUE", Xsd::Boolean)
            .unwrap()
            .value(),
        &json!(true)
    );
    assert_eq!(
        ParameterValue::parse("X.Offset", "-5", Xsd::Int)
            .unwrap()
            .value(),
        &json!(-5)
    );
    for (raw, xsd) in [
        ("-1", Xsd::UnsignedInt),
        ("4294967296", Xsd::UnsignedInt),
        ("2147483648", Xsd::Int),
        ("yes", Xsd::Boolean),
        ("12:00", Xsd::DateTime),
        ("zz", Xsd::HexBinary),
        ("***", Xsd::Base64),
    ] {
        let err = ParameterValue::parse("X.Y", raw, xsd).unwrap_err();
        assert!(err.to_string().contains("X.Y"), "{err}");
    }
    assert!(ParameterValue::new("X.Y", json!("5"), Xsd::UnsignedInt).is_err());
    assert_eq!(Xsd::parse("unsignedInt"), Some(Xsd::UnsignedInt));
    assert_eq!(Xsd::parse("xsd:dateTime"), Some(Xsd::DateTime));
    assert_eq!(Xsd::parse("xsd:float"), None);
    let body = serde_json::to_value(Task::SetParameterValues {
        parameter_values: vec![
            ParameterValue::parse("A.B", "7", Xsd::UnsignedInt).unwrap(),
            ParameterValue::untyped("C.D", json!("x")),
        ],
    })
    .unwrap();
    assert_eq!(
        body,
        json!({"name": "setParameterValues", "parameterValues": [["A.B", 7, "xsd:unsignedInt"], ["C.D", "x"]]})
    );
    let back: Task = serde_json::from_value(body).unwrap();
    assert!(matches!(back, Task::SetParameterValues { .. }));
}
