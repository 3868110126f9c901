//! CSV import and export against a real encrypted tenant with synced devices.

use super::*;
use crate::testkit::{fake_nbi, fixture_docs, synced_tenant, TestTenant};

const NOW: i64 = 1_795_467_600_000;

async fn tenant() -> TestTenant {
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    synced_tenant("Billing ISP", &url, 100, NOW).await
}

#[test]
fn a_billing_export_is_read_with_its_own_names_delimiter_and_bom() {
    let text = "\u{feff}Customer ID;Full Name;SSID;Serial Number;Tariff code\n\
                A-1;\"Pérez; Ana\";Casa Ana;485754431A2B3C4D;X9\n\
                ;;;;\n\
                A-2;Bo;;;\n";
    let file = CsvFile::read(text.as_bytes(), &[]).unwrap();
    assert_eq!(file.delimiter, b';');
    assert_eq!(
        file.headers[0], "Customer ID",
        "the BOM is not part of the header"
    );
    assert_eq!(
        file.mapping,
        [
            Some(Column::Account),
            Some(Column::Name),
            Some(Column::WifiSsid),
            Some(Column::Serial),
            None
        ]
    );
    assert_eq!(file.ignored_headers(), ["Tariff code"]);
    assert_eq!(file.rows.len(), 2, "the empty row is skipped");
    assert_eq!(file.rows[0].0, 2, "lines count from the header");
    assert_eq!(file.rows[1].0, 4);
    assert_eq!(
        file.rows[0].1[1], "Pérez; Ana",
        "a quoted delimiter stays in its field"
    );
}

#[test]
fn a_file_without_an_account_column_says_which_and_a_mapping_fixes_it() {
    let text = "Ref,Cliente,Phone\nR1,Ana,+54 11 5555-0101\n";
    let err = CsvFile::read(text.as_bytes(), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no column holds the account: name one with --map HEADER=account (columns: Ref, Cliente, Phone)"
    );
    let file = CsvFile::read(
        text.as_bytes(),
        &[
            ("Ref".into(), Column::Account),
            ("Cliente".into(), Column::Name),
        ],
    )
    .unwrap();
    assert_eq!(
        file.mapping,
        [
            Some(Column::Account),
            Some(Column::Name),
            Some(Column::Phone)
        ]
    );
    assert_eq!(
        CsvFile::read(text.as_bytes(), &[("Nope".into(), Column::Account)]).unwrap_err(),
        CsvError::NoSuchHeader("Nope".into())
    );
    assert_eq!(
        CsvFile::read(b"account,name\n1,\xff\xfe\n", &[]).unwrap_err(),
        CsvError::NotUtf8 { line: 2 }
    );
    assert_eq!(CsvFile::read(b"", &[]).unwrap_err(), CsvError::Empty);
}

#[tokio::test]
async fn an_import_is_planned_row_by_row_applied_at_once_and_idempotent() {
    let t = tenant().await;
    let store = &t.store;
    // An existing subscriber holding router 000003's serial, and one the file updates.
    let mut held = SubscriberInput::new("B-7", "Bruno Held");
    held.serial = Some(SerialNumber::parse("000003").unwrap());
    store.add_subscriber(&held, NOW).await.unwrap();
    let mut old = SubscriberInput::new("A-2", "Old Name");
    old.wifi_password = Some(WpaPassphrase::parse("kept-secret-1").unwrap());
    store.add_subscriber(&old, NOW).await.unwrap();

    let text = "account,name,phone,wifi_ssid,wifi_password,serial,status\n\
                A-1,Ana Pérez,+54 11 5555-0101,Casa Ana,long-enough-1,000000,active\n\
                A-2,New Name,,,,,suspended\n\
                A-3,Carla,,this ssid is far too long to be any wifi name,,,\n\
                A-1,Ana Again,,,,,\n\
                A-4,Dario,,,,000003,\n\
                A-5,Eva,,,,000000,\n\
                A-6,Fede,,,short,,\n\
                A-7,Gus,,,,,retired\n";
    let file = CsvFile::read(text.as_bytes(), &[]).unwrap();
    let plan = plan(&file, store).await.unwrap();
    let by_line = |line: u64| plan.rows.iter().find(|r| r.line == line).unwrap();
    assert_eq!(by_line(2).plan, RowPlan::Create);
    assert_eq!(
        by_line(3).plan,
        RowPlan::Update(vec![Column::Name, Column::Status]),
        "an empty password keeps the stored one"
    );
    let refused = |line: u64| match &by_line(line).plan {
        RowPlan::Refused { column, reason } => (*column, reason.clone()),
        other => panic!("line {line}: {other:?}"),
    };
    assert_eq!(refused(4).0, Some(Column::WifiSsid));
    assert_eq!(
        refused(5),
        (Some(Column::Account), "account A-1 is on line 2 too".into())
    );
    assert_eq!(
        refused(6),
        (
            Some(Column::Serial),
            "router 000003 is linked to Bruno Held (B-7)".into()
        )
    );
    assert_eq!(refused(7).0, Some(Column::Serial), "{:?}", refused(7));
    assert!(refused(7).1.contains("line 2"), "{:?}", refused(7));
    assert_eq!(refused(8).0, Some(Column::WifiPassword));
    assert_eq!(refused(9).0, Some(Column::Status));
    assert_eq!(plan.counts(), (1, 1, 0, 6));

    // Only the accepted rows are written, at once.
    let accepted: Vec<SubscriberInput> = plan.rows.iter().filter_map(|r| r.input.clone()).collect();
    assert_eq!(
        store.import_subscribers(&accepted, NOW + 1).await.unwrap(),
        2
    );
    let ana = store.subscriber("A-1").await.unwrap();
    assert_eq!(
        ana.devices,
        ["202BC1-BM632w-000000"],
        "the router is linked"
    );
    assert_eq!(ana.wifi_ssid.as_deref(), Some("Casa Ana"));
    let a2 = store.subscriber("A-2").await.unwrap();
    assert_eq!(
        (a2.name.as_str(), a2.status),
        ("New Name", SubscriberStatus::Suspended)
    );
    assert_eq!(
        store
            .reveal_subscriber_secrets("A-2")
            .await
            .unwrap()
            .wifi_password
            .as_deref(),
        Some("kept-secret-1")
    );
    assert!(
        store.subscriber("A-3").await.is_err(),
        "refused rows are not written"
    );

    // The same file again: nothing to change.
    let again = super::plan(&file, store).await.unwrap();
    assert_eq!(again.counts(), (0, 0, 2, 6));
    let before = store.subscriber("A-1").await.unwrap().updated_ms;
    let accepted: Vec<SubscriberInput> = again
        .rows
        .iter()
        .filter(|r| matches!(r.plan, RowPlan::Create | RowPlan::Update(_)))
        .filter_map(|r| r.input.clone())
        .collect();
    assert!(accepted.is_empty());
    assert_eq!(store.subscriber("A-1").await.unwrap().updated_ms, before);
}

#[tokio::test]
async fn routers_swapped_between_subscribers_in_one_file_move_together() {
    let t = tenant().await;
    let store = &t.store;
    let file = |text: &str| CsvFile::read(text.as_bytes(), &[]).unwrap();
    let first = file("account,name,serial\nS-1,One,000001\nS-2,Two,000002\n");
    let inputs: Vec<_> = plan(&first, store)
        .await
        .unwrap()
        .rows
        .into_iter()
        .filter_map(|r| r.input)
        .collect();
    store.import_subscribers(&inputs, NOW).await.unwrap();
    let swapped = file("account,name,serial\nS-1,One,000002\nS-2,Two,000001\n");
    let p = plan(&swapped, store).await.unwrap();
    assert_eq!(p.counts(), (0, 2, 0, 0), "{:?}", p.rows);
    let inputs: Vec<_> = p.rows.into_iter().filter_map(|r| r.input).collect();
    store.import_subscribers(&inputs, NOW + 1).await.unwrap();
    assert_eq!(
        store.subscriber("S-1").await.unwrap().devices,
        ["202BC1-BM632w-000002"]
    );
    assert_eq!(
        store.subscriber("S-2").await.unwrap().devices,
        ["202BC1-BM632w-000001"]
    );
}

#[tokio::test]
async fn an_export_leaves_secrets_out_unless_asked_and_reads_back_unchanged() {
    let t = tenant().await;
    let store = &t.store;
    let mut a = SubscriberInput::new("X-1", "Ximena, \"la jefa\"");
    a.pppoe_username = Some(PppoeUsername::parse("ximena@isp").unwrap());
    a.pppoe_password = Some(PppoePassword::parse("ppp-SECRET-9").unwrap());
    a.notes = Some("line one\nline two".into());
    store.add_subscriber(&a, NOW).await.unwrap();
    let all = store.subscribers_with_secrets().await.unwrap();
    let plain: Vec<_> = all.iter().map(|(s, _)| (s.clone(), None)).collect();
    let text = export(&plain, false);
    assert!(
        text.starts_with("account,name,phone,pppoe_username,wifi_ssid,serial,plan,status,notes\n"),
        "{text}"
    );
    assert!(!text.contains("SECRET"), "{text}");
    let with: Vec<_> = all
        .iter()
        .map(|(s, sec)| (s.clone(), Some(sec.clone())))
        .collect();
    let secret_text = export(&with, true);
    assert!(secret_text.contains("ppp-SECRET-9"), "{secret_text}");
    // Either file imported back changes nothing.
    for text in [text, secret_text] {
        let file = CsvFile::read(text.as_bytes(), &[]).unwrap();
        let p = plan(&file, store).await.unwrap();
        assert_eq!(p.counts(), (0, 0, 1, 0), "{:?}", p.rows);
    }
}
