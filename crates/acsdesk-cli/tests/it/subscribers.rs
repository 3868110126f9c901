//! `acsdesk subscriber import|export`: a billing export checked row by row, a dry run
//! that writes nothing, an import that writes the accepted rows once, and an export
//! that keeps passwords out unless asked for.

use super::env::Env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_billing_export_is_previewed_imported_once_and_exported_back() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(6)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    env.ok(&["sync"]);
    let devices: serde_json::Value = serde_json::from_str(&env.ok(&["devices", "--json"])).unwrap();
    let serial = devices[0]["serial"].as_str().unwrap().to_owned();
    let id = devices[0]["id"].as_str().unwrap().to_owned();

    // A billing system's own names, `;`, a BOM, a quoted field, a bad row.
    let file = env.dir.path().join("billing.csv");
    std::fs::write(
        &file,
        format!(
            "\u{feff}Customer ID;Full Name;PPPoE User;PPPoE Pass;SSID;Serial Number;Tariff\n\
             C-1;\"Pérez; Ana\";ana@isp;ppp-SECRET-1;Casa Ana;{serial};50/10\n\
             C-2;Bruno;bruno@isp;;Bruno WiFi;;20/5\n\
             C-3;Carla;;;;bad serial!;\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let preview = env.ok(&["subscriber", "import", path, "--dry-run"]);
    assert!(
        preview.contains("line     2  C-1          create"),
        "{preview}"
    );
    assert!(
        preview.contains("line     4  C-3          refused (serial):"),
        "{preview}"
    );
    assert!(
        preview.contains("Not imported (no field): Tariff"),
        "{preview}"
    );
    assert!(
        preview.contains("Dry run, nothing written: 2 created, 0 updated, 0 unchanged, 1 refused."),
        "{preview}"
    );
    assert!(
        env.ok(&["subscriber", "list"]).trim().is_empty(),
        "a dry run writes nothing"
    );
    assert!(!preview.contains("SECRET"), "{preview}");

    let done: serde_json::Value =
        serde_json::from_str(&env.ok(&["subscriber", "import", path, "--json"])).unwrap();
    assert_eq!(
        (&done["created"], &done["refused"], &done["applied"]),
        (&2.into(), &1.into(), &true.into())
    );
    assert_eq!(done["rows"][2]["column"], "serial");
    assert_eq!(done["rows"][2]["line"], 4);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["subscriber", "show", "C-1", "--json"])).unwrap();
    assert_eq!(shown["name"], "Pérez; Ana");
    assert_eq!(shown["devices"][0], id.as_str(), "linked by its serial");
    assert_eq!(shown["has_pppoe_password"], true);
    // The same file again changes nothing.
    let again = env.ok(&["subscriber", "import", path]);
    assert!(
        again.contains("Imported: 0 created, 0 updated, 2 unchanged, 1 refused."),
        "{again}"
    );

    // An export without passwords, read back: nothing changes.
    let plain = env.ok(&["subscriber", "export"]);
    assert!(
        plain.starts_with("account,name,phone,pppoe_username,wifi_ssid,serial,plan,status,notes\n"),
        "{plain}"
    );
    assert!(!plain.contains("SECRET"), "{plain}");
    let back = env.dir.path().join("back.csv");
    std::fs::write(&back, &plain).unwrap();
    let reimport = env.ok(&["subscriber", "import", back.to_str().unwrap()]);
    assert!(
        reimport.contains("0 created, 0 updated, 2 unchanged, 0 refused"),
        "{reimport}"
    );

    // With passwords: asked for, warned about, written for the owner only.
    let secret_file = env.dir.path().join("with-secrets.csv");
    let out = env.run_with(
        &[
            "subscriber",
            "export",
            secret_file.to_str().unwrap(),
            "--with-secrets",
        ],
        "correct horse",
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("keep it safe"));
    let text = std::fs::read_to_string(&secret_file).unwrap();
    assert!(text.contains("ppp-SECRET-1"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    // A header nobody can guess is mapped by hand; a wrong mapping says why.
    let odd = env.dir.path().join("odd.csv");
    std::fs::write(&odd, "Ref,Cliente\nC-9,Zoe\n").unwrap();
    let err = env.fails(
        &["subscriber", "import", odd.to_str().unwrap()],
        "correct horse",
    );
    assert!(err.contains("--map HEADER=account"), "{err}");
    let err = env.fails(
        &[
            "subscriber",
            "import",
            odd.to_str().unwrap(),
            "--map",
            "Ref=acount",
        ],
        "correct horse",
    );
    assert!(
        err.contains("\"acount\" is not one of account, name"),
        "{err}"
    );
    let mapped = env.ok(&[
        "subscriber",
        "import",
        odd.to_str().unwrap(),
        "--map",
        "Ref=account",
        "--map",
        "Cliente=name",
    ]);
    assert!(mapped.contains("1 created"), "{mapped}");
}
