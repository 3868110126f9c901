//! Conformance with the recorded GenieACS captures: status codes, reason phrases and
//! response shapes (keys, types, nesting), not values.

use crate::{client, start, status_line};
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/fixtures/genieacs/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The shape of a leaf or object node: which `_`-keys it has and their JSON types.
fn node_shape(v: &Value) -> Vec<(String, &'static str)> {
    let mut keys: Vec<(String, &'static str)> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with('_'))
        .map(|(k, v)| {
            let t = match v {
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Null => "null",
            };
            (k.clone(), if k == "_value" { "value" } else { t })
        })
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn device_documents_have_the_shape_of_real_ones() {
    let real: Vec<Value> = serde_json::from_str(&fixture("device-full-tr098.json")).unwrap();
    let real = &real[0];
    let s = start(30).await;
    let docs: Vec<Value> = client()
        .get(format!("{}/devices", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sim = docs
        .iter()
        .find(|d| d.get("InternetGatewayDevice").is_some())
        .unwrap();
    for key in ["_id", "_deviceId", "_lastInform", "_registered"] {
        assert_eq!(
            std::mem::discriminant(&sim[key]),
            std::mem::discriminant(&real[key]),
            "{key}"
        );
    }
    assert_eq!(
        sim["_deviceId"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        real["_deviceId"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    let leaf = |d: &Value| d["InternetGatewayDevice"]["DeviceInfo"]["SoftwareVersion"].clone();
    assert_eq!(node_shape(&leaf(sim)), node_shape(&leaf(real)));
    let obj = |d: &Value| d["InternetGatewayDevice"]["DeviceInfo"].clone();
    assert_eq!(node_shape(&obj(sim)), node_shape(&obj(real)));
    let ts = sim["_lastInform"].as_str().unwrap();
    assert_eq!(ts.len(), "2026-11-23T21:03:37.052Z".len());
    assert!(ts.ends_with('Z'));
}

#[tokio::test]
async fn errors_answer_as_genieacs_does() {
    let s = start(3).await;
    let c = client();
    let r = c
        .get(format!("{}/nonexistent", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c.post(format!("{}/devices", s.url())).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, HEAD");
    let id = s.device_ids()[0].clone();
    let r = c
        .get(format!("{}/devices/{id}", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["allow"].to_str().unwrap()),
        (405, "DELETE")
    );
    let r = c
        .post(format!("{}/devices/nope/tasks?connection_request", s.url()))
        .body(r#"{"name":"reboot"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.text().await.unwrap(), "No such device");
    let r = c
        .post(format!("{}/devices/{id}/tasks", s.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().starts_with("SyntaxError"));
    let r = c
        .post(format!("{}/devices/{id}/tags/a.b", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .delete(format!("{}/tasks/000000000000000000000000", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), r.text().await.unwrap().as_str()),
        (404, "Task not found")
    );
    // A task without connection_request is only queued: 202 Accepted.
    let req = format!("POST /devices/{id}/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\nConnection: close\r\n\r\n{{\"name\":\"reboot\"}}");
    assert_eq!(status_line(s.addr(), &req).await, "HTTP/1.1 202 Accepted");
    // Provisions are JavaScript: a script that does not parse is a 400 SyntaxError.
    let r = c
        .put(format!("{}/provisions/broken", s.url()))
        .body("declare(\"x\", {value: 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().starts_with("SyntaxError"));
    let r = c
        .put(format!("{}/provisions/ok", s.url()))
        .body("declare(\"x\", {value: 1});")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Vec<Value> = c
        .get(format!("{}/provisions", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["_id"], "ok");
    assert!(list[0]["script"].as_str().unwrap().contains("declare"));
}
