//! Reads slip images with the local reader and prints each `Slip` as JSON
//! (what `recon ocr` does, without the CLI): `cargo run -p
//! recon-ocr-client --example local_read -- FILE...`.

fn main() {
    let mut failed = false;
    // `--lines` also prints the recognised text lines to stderr.
    let show_lines = std::env::args().any(|a| a == "--lines");
    // `--page` also writes the page tesseract is given, as FILE.page.png.
    let write_page = std::env::args().any(|a| a == "--page");
    for path in std::env::args()
        .skip(1)
        .filter(|a| a != "--lines" && a != "--page")
    {
        let result = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                if write_page {
                    let img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
                    let gray = img.to_luma8();
                    let skew = recon_ocr_client::local::find_qr_codes(&gray)
                        .into_iter()
                        .find_map(|(_, a)| a)
                        .unwrap_or(0.0);
                    let page = recon_ocr_client::local::prepare_for_ocr(&gray, skew);
                    page.save(format!("{path}.page.png"))
                        .map_err(|e| e.to_string())?;
                }
                let engine = recon_ocr_client::local::Engine::default();
                recon_ocr_client::local::read_image_with(&bytes, &engine).map_err(|e| e.to_string())
            })
            .map(|(slip, findings)| {
                if show_lines {
                    for l in &findings.lines {
                        eprintln!("{:4} {:.2} {}", l.top, l.confidence, l.text);
                    }
                }
                slip
            });
        match result {
            Ok(mut slip) => {
                slip.file = std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                match serde_json::to_string_pretty(&slip) {
                    Ok(json) => println!("{json}"),
                    Err(e) => {
                        eprintln!("{path}: {e}");
                        failed = true;
                    }
                }
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
