//! The local slip reader: QR codes and tesseract, so that no slip has to
//! leave the machine.
//!
//! Owns: decoding a slip image (JPEG, PNG, WebP, GIF), finding and
//! decoding every QR code on it ([`rqrr`], pure Rust; retried scaled,
//! binarised and rotated when nothing is found), parsing the payloads
//! ([`crate::qr`], CRC checked), reading the text with the tesseract engine
//! ([`tesseract`]: the `tesseract` command with TSV output, in its own
//! process under a timeout) and the per-bank layout rules ([`text`]), and
//! combining both into one [`Slip`]: QR fields win over OCR text, every
//! field carries its source and confidence in `evidence`.
//!
//! Never does network I/O and never decides what a slip means for an
//! order. A slip with no readable amount is [`LocalError::NoAmount`]; the
//! caller turns that into `unreadable_slip` with the reason.

mod rotate;
pub mod tesseract;
pub mod text;

use std::io::Cursor;
use std::time::Duration;

use image::{DynamicImage, GrayImage, Luma};
use sha2::{Digest, Sha256};

use recon_core::{AccountMask, Evidence, FieldSource, Provider, Slip, SlipField, TransRef};

use crate::qr::{self, QrPayload};
pub use rotate::rotate;
pub use tesseract::{Engine, OcrLine};

/// Why a slip image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("not a readable image (JPEG, PNG, WebP or GIF expected): {0}")]
    Image(#[from] image::ImageError),
    #[error("tesseract: {0}")]
    Tesseract(String),
    #[error("tesseract took longer than {0:?} and was stopped")]
    Timeout(Duration),
    #[error("no amount found on the slip ({reason})")]
    NoAmount { reason: String },
    /// Refused from the header alone, before any pixel is decoded: a small
    /// file that declares huge dimensions (a decompression bomb) costs
    /// nothing.
    #[error(
        "image is {width} x {height} pixels, more than a slip can be (at most {MAX_SIDE} per side and {MAX_PIXELS} pixels); not decoded"
    )]
    TooLarge { width: u32, height: u32 },
}

/// The longest side a slip image may have. Phone screenshots are about
/// 1080 x 2400, photos of printed slips up to 4000 x 3000.
pub const MAX_SIDE: u32 = 10_000;
/// The most pixels a slip image may have (40 MP: a 12 MP photo with room).
pub const MAX_PIXELS: u64 = 40_000_000;

/// Decodes an image only after its header says it is a sensible size, and
/// with `image`'s allocation limit set to what such an image needs, so that
/// neither a declared size nor a lying one can make us allocate more.
fn decode(bytes: &[u8]) -> Result<DynamicImage, LocalError> {
    let reader = || {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(image::ImageError::IoError)
    };
    let (width, height) = reader()?.into_dimensions()?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(LocalError::TooLarge { width, height });
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // RGBA at 16 bits per channel, plus the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    let mut decoder = reader()?;
    decoder.limits(limits);
    Ok(decoder.decode()?)
}

/// What the reader found besides the slip itself, for people checking a
/// slip and for the tests.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Every QR payload decoded on the image, in reading order.
    pub qr_texts: Vec<String>,
    /// Those that did not parse, with the reason.
    pub qr_errors: Vec<(String, qr::QrError)>,
    pub lines: Vec<OcrLine>,
}

/// Reads one slip image with the default engine.
pub fn read_image(bytes: &[u8]) -> Result<Slip, LocalError> {
    read_image_with(bytes, &Engine::default()).map(|(slip, _)| slip)
}

/// Reads one slip image and also returns what was seen on the way.
pub fn read_image_with(bytes: &[u8], engine: &Engine) -> Result<(Slip, Findings), LocalError> {
    let gray = decode_within_budget(bytes)?;
    let mut findings = Findings::default();
    let grids = find_qr_codes(&gray);
    let mut payloads = Vec::new();
    for (text, _) in &grids {
        findings.qr_texts.push(text.clone());
        match qr::parse(text) {
            Ok(p) => payloads.push((text.clone(), p)),
            Err(e) => findings.qr_errors.push((text.clone(), e)),
        }
    }
    // A QR found on the image tells us how much the photo is turned; the
    // text is straightened by the same angle before OCR.
    let skew = grids.iter().find_map(|(_, angle)| *angle).unwrap_or(0.0);
    let page = prepare_for_ocr(&gray, skew);
    let mut png = Cursor::new(Vec::new());
    page.write_to(&mut png, image::ImageFormat::Png)?;
    findings.lines = engine.recognise(png.get_ref())?;

    let slip_qr = payloads.iter().find_map(|(t, p)| match p {
        QrPayload::SlipVerification(s) => Some((t, s)),
        _ => None,
    });
    let payment_qr = payloads
        .iter()
        .find(|(_, p)| !matches!(p, QrPayload::SlipVerification(_)));
    let bank_hint = slip_qr.and_then(|(_, s)| s.sending_bank());
    let mut fields = text::parse(&findings.lines, bank_hint);
    if fields.amount.is_none() && grids.is_empty() {
        // No QR to say which way is up and no amount read: perhaps a
        // sideways photo. Ask tesseract's orientation detection, read again.
        if let Some(turn @ (90 | 180 | 270)) = engine.upright_turn(png.get_ref())? {
            let upright = prepare_for_ocr(&gray, -(turn as f32));
            let mut again = Cursor::new(Vec::new());
            upright.write_to(&mut again, image::ImageFormat::Png)?;
            let lines = engine.recognise(again.get_ref())?;
            let parsed = text::parse(&lines, bank_hint);
            if parsed.amount.is_some() {
                findings.lines = lines;
                fields = parsed;
                png = again;
            }
        }
    }
    let cambodian = fields
        .bank
        .as_ref()
        .is_some_and(|b| matches!(b.value.as_str(), "ABA" | "ACLEDA"));
    let thai_letters = findings.lines.iter().any(|l| {
        l.text
            .chars()
            .any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c))
    });
    if cambodian && thai_letters {
        // Khmer read as Thai: read again with Khmer, keep it if it still
        // finds the amount.
        let lines = engine.recognise_in(png.get_ref(), &engine.cambodian_languages)?;
        let again = text::parse(&lines, bank_hint);
        if again.amount.is_some() {
            findings.lines = lines;
            fields = again;
        }
    }

    let mut slip = Slip::empty(Provider::Local);
    slip.image_sha256 = Some(hex::encode(Sha256::digest(bytes)));
    let note = |slip: &mut Slip, field, source, confidence: f32| {
        slip.evidence.insert(
            field,
            Evidence {
                source,
                confidence: Some(confidence.clamp(0.0, 1.0)),
            },
        );
    };

    // OCR first, then QR over it: a CRC-checked payload beats text.
    if let Some(f) = &fields.amount {
        slip.amount = Some(f.value);
        note(&mut slip, SlipField::Amount, FieldSource::Ocr, f.confidence);
    }
    if let Some(f) = &fields.fee {
        slip.fee = Some(f.value);
        note(&mut slip, SlipField::Fee, FieldSource::Ocr, f.confidence);
    }
    if let Some(f) = &fields.transferred_at {
        slip.transferred_at = Some(f.value);
        note(
            &mut slip,
            SlipField::TransferredAt,
            FieldSource::Ocr,
            f.confidence,
        );
    }
    if let Some(f) = &fields.trans_ref {
        slip.trans_ref = TransRef::new(&f.value);
        note(
            &mut slip,
            SlipField::TransRef,
            FieldSource::Ocr,
            f.confidence,
        );
    }
    if let Some(f) = &fields.remark {
        slip.remark = Some(f.value.clone());
    }
    let sides = [
        (
            &fields.sender,
            SlipField::SenderName,
            SlipField::SenderBank,
            SlipField::SenderAccount,
        ),
        (
            &fields.receiver,
            SlipField::ReceiverName,
            SlipField::ReceiverBank,
            SlipField::ReceiverAccount,
        ),
    ];
    for (i, (party, name_f, bank_f, account_f)) in sides.into_iter().enumerate() {
        let target = if i == 0 {
            &mut slip.sender
        } else {
            &mut slip.receiver
        };
        if let Some(f) = &party.name {
            target.name = Some(f.value.clone());
        }
        if let Some(f) = &party.bank {
            target.bank = Some(f.value.clone());
        }
        if let Some(f) = &party.account {
            target.account = Some(AccountMask::new(f.value.clone()));
        }
        for (field, found) in [
            (name_f, &party.name),
            (bank_f, &party.bank),
            (account_f, &party.account),
        ] {
            if let Some(f) = found {
                note(&mut slip, field, FieldSource::Ocr, f.confidence);
            }
        }
    }
    // The issuing bank is the sender's bank.
    if let Some(b) = &fields.bank
        && slip.sender.bank.is_none()
    {
        slip.sender.bank = Some(b.value.clone());
        note(
            &mut slip,
            SlipField::SenderBank,
            FieldSource::Ocr,
            b.confidence,
        );
    }

    if let Some((text, s)) = slip_qr {
        slip.qr_payload = Some(text.clone());
        slip.trans_ref = Some(s.trans_ref.clone());
        note(&mut slip, SlipField::TransRef, FieldSource::Qr, 1.0);
        if let Some(bank) = s.sending_bank() {
            slip.sender.bank = Some(bank.to_string());
            note(&mut slip, SlipField::SenderBank, FieldSource::Qr, 1.0);
        }
    }
    if let Some((text, p)) = payment_qr {
        if slip.qr_payload.is_none() {
            slip.qr_payload = Some(text.clone());
        }
        if let Some(amount) = p.amount() {
            slip.amount = Some(amount);
            note(&mut slip, SlipField::Amount, FieldSource::Qr, 1.0);
        }
        if let Some(r) = p.receiver() {
            if r.name.is_some() {
                slip.receiver.name = r.name;
                note(&mut slip, SlipField::ReceiverName, FieldSource::Qr, 1.0);
            }
            if r.bank.is_some() {
                slip.receiver.bank = r.bank;
                note(&mut slip, SlipField::ReceiverBank, FieldSource::Qr, 1.0);
            }
            slip.receiver.proxy = r.proxy;
        }
    }

    if slip.amount.is_none() {
        let text = if findings.lines.is_empty() {
            "no text recognised".to_string()
        } else {
            format!("{} text lines, none with an amount", findings.lines.len())
        };
        let codes = match (grids.len(), findings.qr_errors.first()) {
            (0, _) => "no QR code".to_string(),
            (_, Some((_, e))) => format!("QR code not usable: {e}"),
            (n, None) => format!("{n} QR code(s) without an amount"),
        };
        let reason = format!("{text}; {codes}");
        return Err(LocalError::NoAmount { reason });
    }
    Ok((slip, findings))
}

/// Decodes every QR code, trying harder only when nothing is found: as is;
/// scaled to a workable size; binarised; turned 90/180/270 degrees.
/// Returns each payload with the angle (degrees, clockwise, in
/// (-180, 180]) the code is turned by on the original image.
pub fn find_qr_codes(gray: &GrayImage) -> Vec<(String, Option<f32>)> {
    find_qr_codes_until(gray, std::time::Instant::now() + QR_BUDGET)
}

/// The longest the QR search of one slip may take: started attempts run
/// to their end, none starts after it. A slip whose code is not found by
/// then is read from its text alone.
pub const QR_BUDGET: Duration = Duration::from_secs(6);

/// The most pixels any search works on: a larger picture is reduced to
/// this first (a 12 MP photo keeps text and a QR code readable at 8 MP),
/// so the work a picture can cause is bounded whatever it declares.
pub const WORK_PIXELS: u64 = 8_000_000;

/// [`find_qr_codes`] with a deadline: no attempt starts after it.
pub fn find_qr_codes_until(
    gray: &GrayImage,
    deadline: std::time::Instant,
) -> Vec<(String, Option<f32>)> {
    let in_time = || std::time::Instant::now() < deadline;
    let attempt = |img: &GrayImage, back: &dyn Fn(f32, f32) -> (f32, f32)| {
        if !in_time() {
            return Vec::new();
        }
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32).0[0],
        );
        let mut out = Vec::new();
        for grid in prepared.detect_grids() {
            if let Ok((_, content)) = grid.decode() {
                let [tl, tr, ..] = grid.bounds;
                let (ax, ay) = back(tl.x as f32, tl.y as f32);
                let (bx, by) = back(tr.x as f32, tr.y as f32);
                let angle = (by - ay).atan2(bx - ax).to_degrees();
                out.push((content, Some(angle)));
            }
        }
        out
    };
    // rqrr tries every pair of finder-like marks and copies the image for
    // each: on noise that is hours. A slip has a few QR codes; a picture
    // with more marks than any slip (turned or scaled, still noise) gets
    // no QR search at all.
    let marks = finder_runs(gray);
    if marks > MAX_FINDER_RUNS {
        tracing::debug!(marks, "too many finder-like marks for a slip: no QR search");
        return Vec::new();
    }
    let identity = |x: f32, y: f32| (x, y);
    let found = attempt(gray, &identity);
    if !found.is_empty() {
        return found;
    }
    let (w, h) = gray.dimensions();
    let long = w.max(h) as f32;
    // Phone photos are big and screenshots of screenshots are small; rqrr
    // likes modules of a few pixels.
    for target in [1200.0f32, 2400.0] {
        if (long - target).abs() / target < 0.2 {
            continue;
        }
        let k = target / long;
        let scaled = image::imageops::resize(
            gray,
            ((w as f32) * k).round().max(1.0) as u32,
            ((h as f32) * k).round().max(1.0) as u32,
            image::imageops::FilterType::Triangle,
        );
        let back = move |x: f32, y: f32| (x / k, y / k);
        let found = attempt(&scaled, &back);
        if !found.is_empty() {
            return found;
        }
    }
    let binary = binarise(gray);
    let found = attempt(&binary, &identity);
    if !found.is_empty() {
        return found;
    }
    let turns: [(GrayImage, f32); 3] = [
        (image::imageops::rotate90(gray), 90.0),
        (image::imageops::rotate180(gray), 180.0),
        (image::imageops::rotate270(gray), 270.0),
    ];
    for (img, turn) in turns {
        let found = attempt(&img, &identity);
        if !found.is_empty() {
            // Measured on the turned picture; on the original the code is
            // turned back by the same quarter turns.
            return found
                .into_iter()
                .map(|(t, a)| (t, a.map(|a| normalise_angle(a - turn))))
                .collect();
        }
    }
    Vec::new()
}

/// Above this many finder-like marks a picture is noise, not a slip, and
/// no QR search is made on it (the slips we have seen give at most ~250).
pub const MAX_FINDER_RUNS: usize = 2_000;

/// How many places on the picture look like part of a QR finder mark:
/// dark-light-dark-light-dark runs in the 1:1:3:1:1 proportion along a
/// row, on every second row, after a fixed mid-grey threshold. Linear in
/// the pixels, so it bounds what the search would cost before it starts.
pub fn finder_runs(img: &GrayImage) -> usize {
    let (w, h) = img.dimensions();
    let mut count = 0;
    let mut runs: [u32; 5] = [0; 5];
    for y in (0..h).step_by(2) {
        let mut n = 0usize; // runs filled so far in `runs`
        let mut current = 0u32;
        let mut dark_prev = None;
        for x in 0..w {
            let dark = img.get_pixel(x, y).0[0] < 128;
            if Some(dark) == dark_prev {
                current += 1;
                continue;
            }
            if let Some(was_dark) = dark_prev {
                // A run of `was_dark` ended.
                if n < 5 {
                    runs[n] = current;
                    n += 1;
                } else {
                    runs.rotate_left(1);
                    runs[4] = current;
                }
                if n == 5 && was_dark && looks_like_finder(&runs) {
                    count += 1;
                }
            }
            dark_prev = Some(dark);
            current = 1;
        }
    }
    count
}

fn looks_like_finder(r: &[u32; 5]) -> bool {
    let total: u32 = r.iter().sum();
    if total < 7 {
        return false;
    }
    let module = total as f32 / 7.0;
    let near =
        |run: u32, modules: f32| (run as f32 - module * modules).abs() <= module * modules * 0.5;
    near(r[0], 1.0) && near(r[1], 1.0) && near(r[2], 3.0) && near(r[3], 1.0) && near(r[4], 1.0)
}

/// Any bytes to the gray picture every later step works on, within every
/// bound the reader keeps: the header's size checked before decoding, the
/// decoder's allocations limited, the result reduced to [`WORK_PIXELS`].
/// What the fuzz target `image_decode` exercises.
pub fn decode_within_budget(bytes: &[u8]) -> Result<GrayImage, LocalError> {
    Ok(within_work_budget(decode(bytes)?.to_luma8()))
}

/// The picture reduced to at most [`WORK_PIXELS`] (aspect kept).
fn within_work_budget(gray: GrayImage) -> GrayImage {
    let (w, h) = gray.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels <= WORK_PIXELS {
        return gray;
    }
    let k = (WORK_PIXELS as f64 / pixels as f64).sqrt();
    image::imageops::resize(
        &gray,
        ((f64::from(w) * k).floor() as u32).max(1),
        ((f64::from(h) * k).floor() as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

/// An angle in degrees in (-180, 180].
fn normalise_angle(a: f32) -> f32 {
    let mut a = a % 360.0;
    if a <= -180.0 {
        a += 360.0;
    } else if a > 180.0 {
        a -= 360.0;
    }
    a
}

/// Otsu's threshold: black and white, split where the two classes of
/// grey are most apart.
pub fn binarise(gray: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in gray.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut threshold) = (0u64, 0f64, 0f64, 128u8);
    for (t, &n) in hist.iter().enumerate() {
        w_b += n;
        if w_b == 0 || w_b == total {
            continue;
        }
        sum_b += t as f64 * n as f64;
        let w_f = total - w_b;
        let m_b = sum_b / w_b as f64;
        let m_f = (sum_all - sum_b) / w_f as f64;
        let between = w_b as f64 * w_f as f64 * (m_b - m_f).powi(2);
        if between > best {
            best = between;
            threshold = t as u8;
        }
    }
    GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        Luma([if gray.get_pixel(x, y).0[0] > threshold {
            255
        } else {
            0
        }])
    })
}

/// Straightens by the QR's angle (quarter turns and tilt) and brings the
/// slip to about 900 px wide: body text then has a cap height near 20 px,
/// which tesseract reads well. Small screenshots are enlarged, big photos
/// reduced. (Against 1080 px on 100 round-trip slips: the same fields
/// right, a fifth faster.)
pub fn prepare_for_ocr(gray: &GrayImage, skew_deg: f32) -> DynamicImage {
    // Quarter turns first (a phone photo taken sideways), exactly; then
    // the small tilt that is left.
    let skew = normalise_angle(skew_deg);
    let quarter = (skew / 90.0).round() * 90.0;
    let mut img = match quarter as i32 {
        90 => image::imageops::rotate270(gray),
        -90 => image::imageops::rotate90(gray),
        180 | -180 => image::imageops::rotate180(gray),
        _ => gray.clone(),
    };
    let fine = skew - quarter;
    if fine.abs() > 0.3 {
        let rgb = DynamicImage::ImageLuma8(img).to_rgb8();
        img = DynamicImage::ImageRgb8(rotate(&rgb, -fine)).to_luma8();
    }
    let target = 900.0f32;
    let w = img.width() as f32;
    if (w - target).abs() / target > 0.15 {
        let k = target / w;
        img = image::imageops::resize(
            &img,
            target as u32,
            ((img.height() as f32) * k).round().max(1.0) as u32,
            image::imageops::FilterType::CatmullRom,
        );
    }
    DynamicImage::ImageLuma8(img)
}
