//! Renders one sample slip per bank into a folder, to look at the layouts
//! and to feed `recon ocr` by hand: `cargo run -p recon-ocr-client
//! --example local_render -- OUT_DIR`.

use chrono::{FixedOffset, TimeZone};
use recon_core::{Currency, Money};
use recon_testkit::render::{Encoding, RenderOptions, SlipSpec, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "slips-out".into());
    std::fs::create_dir_all(&out)?;
    // `fixture` writes the reader's checked-in test fixture
    // (tests/data/local/kbank-2750.png, the spec of tests/local_read.rs).
    if std::env::args().nth(2).as_deref() == Some("fixture") {
        let tz = FixedOffset::east_opt(7 * 3600).ok_or("offset")?;
        let spec = SlipSpec {
            bank: "KBANK".into(),
            amount: Money::parse("2750.50", Currency::Thb)?,
            fee: None,
            transferred_at: tz
                .with_ymd_and_hms(2026, 11, 21, 9, 41, 0)
                .single()
                .ok_or("time")?,
            sender_name: "นางสาว มานี ศรีสุข".into(),
            sender_account: "xxx-x-x4321-x".into(),
            receiver_name: "บริษัท ร้านดี จำกัด".into(),
            receiver_account: "xxx-x-x6789-x".into(),
            receiver_bank: "KBANK".into(),
            trans_ref: "015325094112BTF05531".into(),
            qr_payload: None,
            remark: None,
        };
        let opts = RenderOptions {
            scale: 0.85,
            rotation_deg: 1.0,
            encoding: Encoding::Png,
        };
        let path = format!("{out}/kbank-2750.png");
        std::fs::write(&path, render(&spec, &opts)?)?;
        println!("{path}");
        return Ok(());
    }
    // Further arguments are seeds of sample slips to render as the round
    // trip and the bench do.
    let seeds: Vec<u64> = std::env::args()
        .skip(2)
        .filter_map(|a| a.parse().ok())
        .collect();
    for seed in &seeds {
        use recon_testkit::render::{sample_options, sample_slip};
        let opts = sample_options(*seed);
        let ext = if opts.encoding == Encoding::Png {
            "png"
        } else {
            "jpg"
        };
        let path = format!("{out}/sample-{seed}.{ext}");
        std::fs::write(&path, render(&sample_slip(*seed), &opts)?)?;
        println!("{path} {opts:?}");
    }
    if !seeds.is_empty() {
        return Ok(());
    }
    let tz = FixedOffset::east_opt(7 * 3600).ok_or("offset")?;
    let at = tz
        .with_ymd_and_hms(2026, 11, 21, 14, 5, 0)
        .single()
        .ok_or("time")?;
    for (i, bank) in ["KBANK", "SCB", "KTB", "BBL", "ABA", "ACLEDA", "TTB"]
        .iter()
        .enumerate()
    {
        let cambodian = matches!(*bank, "ABA" | "ACLEDA");
        let currency = if cambodian {
            Currency::Usd
        } else {
            Currency::Thb
        };
        let spec = SlipSpec {
            bank: bank.to_string(),
            amount: Money::parse("1500.25", currency)?,
            fee: None,
            transferred_at: at,
            sender_name: if cambodian {
                "SOK DARA".into()
            } else {
                "นาย สมชาย ใจดี".into()
            },
            sender_account: if cambodian {
                "*** *** 123".into()
            } else {
                "xxx-x-x1234-x".into()
            },
            receiver_name: if cambodian {
                "RANDEE TRADING CO., LTD.".into()
            } else {
                "บริษัท ร้านดี จำกัด".into()
            },
            receiver_account: if cambodian {
                "001 234 567".into()
            } else {
                "xxx-x-x6789-x".into()
            },
            receiver_bank: if cambodian {
                "ABA".into()
            } else {
                "KBANK".into()
            },
            trans_ref: format!("0153251405{i:02}AQR01234"),
            qr_payload: None,
            remark: None,
        };
        let bytes = render(
            &spec,
            &RenderOptions {
                encoding: Encoding::Png,
                ..RenderOptions::default()
            },
        )?;
        let path = format!("{out}/{}.png", bank.to_ascii_lowercase());
        std::fs::write(&path, bytes)?;
        println!("{path}");
    }
    Ok(())
}
