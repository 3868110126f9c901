//! `acsdesk diag`: a ping from a TR-098 and a TR-181 router, waited for, printed and
//! kept; a host that cannot be resolved fails the command with that reason.

use super::env::synced;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diag_ping_waits_for_the_answer_prints_and_keeps_it() {
    let (sandbox, env) = synced("Acme", 12, acsdesk_core::clock::system_now_ms(), 240.0).await;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    for oui in ["E48D8C", "00E0FC"] {
        let id = sandbox
            .device_ids()
            .into_iter()
            .find(|i| i.starts_with(oui))
            .unwrap();
        let enc = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
        for state in ["online", "ppp-ok"] {
            let r = http
                .post(format!("{}/_sandbox/devices/{enc}/{state}", sandbox.url()))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }
        let out = env.ok(&["diag", "ping", &id, "8.8.8.8", "--count", "5", "--json"]);
        let found: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(found["kind"], "ping", "{found}");
        assert_eq!(found["target"], "8.8.8.8", "{found}");
        assert!(found["error"].is_null(), "{found}");
        let answered = found["ping"]["answered"].as_u64().unwrap();
        assert_eq!(
            answered + found["ping"]["lost"].as_u64().unwrap(),
            5,
            "{found}"
        );
        assert!(found["ping"]["average_ms"].as_u64().unwrap() > 0 || answered == 0);

        let text = env.ok(&["diag", "ping", &id, "example.net"]);
        assert!(
            text.contains("Ping example.net: ") && text.contains("answered"),
            "{text}"
        );
        let failed = env.run_with(
            &["diag", "ping", &id, "nowhere.invalid"],
            "correct horse",
            None,
        );
        assert!(
            !failed.status.success(),
            "an unresolved host fails the command"
        );
        let err = String::from_utf8_lossy(&failed.stderr);
        assert!(
            err.contains("the router cannot resolve nowhere.invalid"),
            "{err}"
        );

        let history: serde_json::Value =
            serde_json::from_str(&env.ok(&["diag", "history", &id, "--json"])).unwrap();
        let history = history.as_array().unwrap();
        assert_eq!(history.len(), 3, "{history:?}");
        assert_eq!(history[0]["target"], "nowhere.invalid");
        assert_eq!(history[2]["target"], "8.8.8.8");
        let text = env.ok(&["diag", "history", &id]);
        assert!(
            text.lines().count() == 3
                && text.contains("Ping nowhere.invalid: the router cannot resolve"),
            "{text}"
        );
    }
    let err = env.fails(&["diag", "ping", "E48D8C", "not a host"], "correct horse");
    assert!(err.contains("host:"), "{err}");
    let err = env.fails(
        &["diag", "ping", "nosuchrouter", "8.8.8.8"],
        "correct horse",
    );
    assert!(err.contains("nosuchrouter"), "{err}");
}
