//! `api_key_file` for every provider (EasySlip, NextOCR, CLOVA), through the
//! one shared reader: a key file anyone else can read is refused naming the
//! file and the fix; a mode-600 file is used (the local server checks the
//! key it receives); the key itself never shows in an error or `Debug`.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use recon_core::SlipRead;
use recon_ledger::Ledger;
use recon_ocr_client::{
    ClovaClient, Credentials, EasySlipClient, NextOcrClient, OcrConfig, OcrError, ProviderChoice,
    SlipInput, SlipJob, VerifyOptions, read_slips_with,
};
use support::{CLOVA_SECRET, EASYSLIP_KEY, NEXTOCR_KEY, NEXTOCR_USER, TestServer, slip_png};

#[derive(Clone, Copy, Debug)]
enum Which {
    EasySlip,
    NextOcr,
    Clova,
}

const ALL: [Which; 3] = [Which::EasySlip, Which::NextOcr, Which::Clova];

impl Which {
    fn key(self) -> &'static str {
        match self {
            Which::EasySlip => EASYSLIP_KEY,
            Which::NextOcr => NEXTOCR_KEY,
            Which::Clova => CLOVA_SECRET,
        }
    }

    /// The provider's config with its key in `file`, and credentials that
    /// give its key variable a WRONG value (the file must win) plus the
    /// NextOCR user name, which has no file.
    fn config(self, server: &TestServer, file: &Path) -> (OcrConfig, Credentials) {
        let mut cfg = OcrConfig::default();
        match self {
            Which::EasySlip => {
                cfg.provider = ProviderChoice::Easyslip;
                cfg.easyslip = server.easyslip_config();
                cfg.easyslip.api_key_file = Some(file.to_path_buf());
            }
            Which::NextOcr => {
                cfg.provider = ProviderChoice::Nextocr;
                cfg.nextocr = server.nextocr_config();
                cfg.nextocr.api_key_file = Some(file.to_path_buf());
            }
            Which::Clova => {
                cfg.provider = ProviderChoice::Clova;
                cfg.clova = server.clova_config("receipt");
                cfg.clova.api_key_file = Some(file.to_path_buf());
            }
        }
        let creds = Credentials::given([
            ("TEST_EASYSLIP_KEY", "wrong-key"),
            ("TEST_NEXTOCR_USER", NEXTOCR_USER),
            ("TEST_NEXTOCR_KEY", "wrong-key"),
            ("TEST_CLOVA_SECRET", "wrong-key"),
        ]);
        (cfg, creds)
    }

    /// Builds the client and reads one slip with it; the client's `Debug`
    /// comes back with the outcome.
    async fn read(self, cfg: &OcrConfig, creds: &Credentials) -> Result<String, OcrError> {
        let png = slip_png("K1");
        match self {
            Which::EasySlip => {
                let c = EasySlipClient::with_credentials(&cfg.easyslip, creds)?;
                let img = SlipInput::Image {
                    bytes: png,
                    file_name: "k1.png".into(),
                };
                c.verify(&img, &VerifyOptions::default(), "k1.png").await?;
                Ok(format!("{c:?}"))
            }
            Which::NextOcr => {
                let c = NextOcrClient::with_credentials(&cfg.nextocr, creds)?;
                c.read_image(&png, "k1.png").await?;
                Ok(format!("{c:?}"))
            }
            Which::Clova => {
                let c = ClovaClient::with_credentials(&cfg.clova, creds)?;
                c.read_image(&png, "k1.png").await?;
                Ok(format!("{c:?}"))
            }
        }
    }
}

fn key_file(dir: &Path, which: Which, mode: u32) -> PathBuf {
    let path = dir.join(format!("{which:?}.key").to_lowercase());
    std::fs::write(&path, format!("  {}\n", which.key())).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn assert_no_key(what: &str, text: &str) {
    for key in [EASYSLIP_KEY, NEXTOCR_KEY, CLOVA_SECRET] {
        assert!(!text.contains(key), "{what} shows a key: {text}");
    }
    assert!(
        !text.contains("PLANTED"),
        "{what} shows part of a key: {text}"
    );
}

#[tokio::test]
async fn a_key_file_others_can_read_is_refused_naming_the_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    for which in ALL {
        for mode in [0o644, 0o640, 0o604] {
            let file = key_file(dir.path(), which, mode);
            let (cfg, creds) = which.config(&server, &file);
            let before = server.requests();
            let e = which.read(&cfg, &creds).await.unwrap_err();
            let shown = e.to_string();
            assert!(matches!(e, OcrError::Config { .. }), "{which:?}: {e:?}");
            assert!(
                shown.contains(&file.display().to_string()),
                "{which:?}: {shown}"
            );
            assert!(shown.contains(&format!("mode {mode:o}")), "{shown}");
            assert!(shown.contains("chmod 600"), "{shown}");
            assert_no_key("the error", &format!("{shown} {e:?} {cfg:?}"));
            assert_eq!(server.requests(), before, "nothing was sent");
        }
    }
}

#[tokio::test]
async fn a_private_key_file_is_used_and_wins_over_the_variable() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    for which in ALL {
        for mode in [0o600, 0o400] {
            let file = key_file(dir.path(), which, mode);
            let (cfg, creds) = which.config(&server, &file);
            // The variable's wrong value would be refused by the server (401).
            let debug = which
                .read(&cfg, &creds)
                .await
                .unwrap_or_else(|e| panic!("{which:?} with mode {mode:o}: {e}"));
            assert_no_key("the client's Debug", &debug);
            assert_no_key("the config's Debug", &format!("{cfg:?}"));
        }
        // Without the file, the (wrong) variable is what is sent.
        let (mut cfg, creds) = which.config(&server, Path::new("/unused"));
        cfg.easyslip.api_key_file = None;
        cfg.nextocr.api_key_file = None;
        cfg.clova.api_key_file = None;
        let before = server.requests();
        let e = which.read(&cfg, &creds).await.unwrap_err();
        assert!(!matches!(e, OcrError::Config { .. }), "{which:?}: {e:?}");
        assert!(server.requests() > before, "sent, and refused: {e}");
        assert_no_key("the error", &format!("{e} {e:?}"));
    }
}

#[test]
fn a_missing_or_empty_key_file_is_named_too() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for which in ALL {
        let missing = dir.path().join("nowhere.key");
        let (cfg, creds) = which.config(&server, &missing);
        let e = rt
            .block_on(which.read(&cfg, &creds))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nowhere.key"), "{which:?}: {e}");
        let empty = dir.path().join("empty.key");
        std::fs::write(&empty, "\n").unwrap();
        std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o600)).unwrap();
        let (cfg, creds) = which.config(&server, &empty);
        let e = rt
            .block_on(which.read(&cfg, &creds))
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty.key is empty"), "{which:?}: {e}");
    }
}

#[test]
fn read_slips_with_a_readable_key_file_reads_nothing_and_shows_no_key() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    for which in ALL {
        let file = key_file(dir.path(), which, 0o644);
        let (cfg, creds) = which.config(&server, &file);
        let path = dir.path().join("s1.png");
        std::fs::write(&path, slip_png("S1")).unwrap();
        let job = SlipJob {
            file: "s1.png".into(),
            path,
        };
        let before = server.requests();
        let reads = read_slips_with(vec![job], &cfg, &ledger, &|_| {}, &creds);
        assert_eq!(reads.len(), 1);
        assert!(
            matches!(reads[0], SlipRead::Pending { .. }),
            "{which:?}: {reads:?}"
        );
        assert_eq!(server.requests(), before, "nothing was sent");
        assert_no_key("the outcome", &format!("{reads:?}"));
    }
}
