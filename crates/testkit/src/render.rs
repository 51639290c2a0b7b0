//! Renders bank-app-style transfer slip images, for the sample data and for
//! the render → read round-trip tests of the local reader.
//!
//! Owns: the layouts (one per bank family: KBank, SCB, Krungthai, Bangkok
//! Bank, ABA, ACLEDA, and a generic one), text shaping and rasterising, the
//! slip-verification QR, and the photo-like distortions (scale, small
//! rotation, JPEG quality).
//!
//! Text is shaped with `rustybuzz` (Thai needs real shaping: marks stack
//! above and below consonants, SARA AM decomposes) and rasterised with
//! `ab_glyph`, both pure Rust, so the output is the same bytes on every
//! machine that has the same font files. Fonts are Debian's: Thai from
//! `fonts-thai-tlwg`, Latin from `fonts-noto-core`, Khmer from Noto.
//! Never does I/O beyond reading those font files.

use std::io::Cursor;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, point};
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use image::{ImageFormat, Rgb, RgbImage};
use recon_core::{Currency, Money};

/// Where Debian installs the fonts the renderer uses.
pub const THAI_FONT: &str = "/usr/share/fonts/truetype/tlwg/Loma.ttf";
pub const THAI_FONT_BOLD: &str = "/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf";
pub const LATIN_FONT: &str = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
pub const LATIN_FONT_BOLD: &str = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
pub const KHMER_FONT: &str = "/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf";

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("font {path} cannot be read ({source}); install fonts-thai-tlwg and fonts-noto-core")]
    Font {
        path: &'static str,
        source: std::io::Error,
    },
    #[error("font {path} is not a usable TrueType font")]
    BadFont { path: &'static str },
    #[error("cannot build the slip QR code: {0}")]
    Qr(String),
    #[error("cannot encode the image: {0}")]
    Encode(#[from] image::ImageError),
}

/// What the slip says. Accounts are written as the bank prints them (usually
/// masked, `xxx-x-x1234-x`).
#[derive(Debug, Clone, PartialEq)]
pub struct SlipSpec {
    /// The bank whose app issued the slip: `KBANK`, `SCB`, `KTB`, `BBL`,
    /// `ABA`, `ACLEDA`; anything else gets the generic layout.
    pub bank: String,
    pub amount: Money,
    pub fee: Option<Money>,
    pub transferred_at: DateTime<FixedOffset>,
    pub sender_name: String,
    pub sender_account: String,
    pub receiver_name: String,
    pub receiver_account: String,
    /// Bank of the receiving account (short code); printed under the name.
    pub receiver_bank: String,
    pub trans_ref: String,
    /// The QR payload to print. `None` → the Thai slip-verification QR
    /// built from the bank's code and `trans_ref` when the bank is Thai,
    /// no QR otherwise (Cambodian receipts carry none).
    pub qr_payload: Option<String>,
    pub remark: Option<String>,
}

/// Output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Png,
    /// JPEG with quality 1–100.
    Jpeg(u8),
}

/// How the picture is taken: scale, small rotation (degrees, clockwise),
/// encoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderOptions {
    pub scale: f32,
    pub rotation_deg: f32,
    pub encoding: Encoding,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            scale: 1.0,
            rotation_deg: 0.0,
            encoding: Encoding::Png,
        }
    }
}

struct Fonts {
    thai: Vec<u8>,
    thai_bold: Vec<u8>,
    latin: Vec<u8>,
    latin_bold: Vec<u8>,
    khmer: Vec<u8>,
}

fn fonts() -> Result<&'static Fonts, RenderError> {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    if let Some(f) = FONTS.get() {
        return Ok(f);
    }
    let read = |path: &'static str| {
        let bytes = std::fs::read(path).map_err(|source| RenderError::Font { path, source })?;
        if rustybuzz::Face::from_slice(&bytes, 0).is_none()
            || FontRef::try_from_slice(&bytes).is_err()
        {
            return Err(RenderError::BadFont { path });
        }
        Ok(bytes)
    };
    let loaded = Fonts {
        thai: read(THAI_FONT)?,
        thai_bold: read(THAI_FONT_BOLD)?,
        latin: read(LATIN_FONT)?,
        latin_bold: read(LATIN_FONT_BOLD)?,
        khmer: read(KHMER_FONT)?,
    };
    Ok(FONTS.get_or_init(|| loaded))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Thai,
    Khmer,
    Latin,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        '\u{0E00}'..='\u{0E7F}' => Some(Script::Thai),
        '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' => Some(Script::Khmer),
        c if c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit() => None,
        _ => Some(Script::Latin),
    }
}

/// A positioned glyph, ready to rasterise.
struct Placed<'f> {
    font: &'f [u8],
    id: u16,
    x: f32,
    y: f32,
    px_per_unit: f32,
}

/// Shapes `text` at `px` (em size in pixels), splitting it into runs per
/// script so each run gets a font that has its glyphs. Digits, spaces and
/// punctuation join the run they sit in.
fn shape<'f>(fonts: &'f Fonts, text: &str, px: f32, bold: bool) -> (Vec<Placed<'f>>, f32) {
    let mut runs: Vec<(Script, String)> = Vec::new();
    for c in text.chars() {
        let s = script_of(c);
        match (runs.last_mut(), s) {
            (Some(last), None) => last.1.push(c),
            (Some(last), Some(s)) if last.0 == s => last.1.push(c),
            (_, s) => runs.push((s.unwrap_or(Script::Latin), c.to_string())),
        }
    }
    let mut placed = Vec::new();
    let mut pen = 0.0f32;
    for (script, run) in runs {
        let font: &[u8] = match (script, bold) {
            (Script::Thai, false) => &fonts.thai,
            (Script::Thai, true) => &fonts.thai_bold,
            (Script::Khmer, _) => &fonts.khmer,
            (Script::Latin, false) => &fonts.latin,
            (Script::Latin, true) => &fonts.latin_bold,
        };
        // Checked loadable in `fonts()`.
        let Some(face) = rustybuzz::Face::from_slice(font, 0) else {
            continue;
        };
        let k = px / f32::from(face.units_per_em() as u16);
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(&run);
        let out = rustybuzz::shape(&face, &[], buf);
        for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
            placed.push(Placed {
                font,
                id: info.glyph_id as u16,
                x: pen + pos.x_offset as f32 * k,
                y: -(pos.y_offset as f32) * k,
                px_per_unit: k,
            });
            pen += pos.x_advance as f32 * k;
        }
    }
    (placed, pen)
}

struct Canvas {
    img: RgbImage,
}

impl Canvas {
    fn fill_rect(&mut self, x0: u32, y0: u32, w: u32, h: u32, color: [u8; 3]) {
        let (iw, ih) = self.img.dimensions();
        for y in y0..(y0 + h).min(ih) {
            for x in x0..(x0 + w).min(iw) {
                self.img.put_pixel(x, y, Rgb(color));
            }
        }
    }

    fn fill_circle(&mut self, cx: f32, cy: f32, r: f32, color: [u8; 3]) {
        let (iw, ih) = self.img.dimensions();
        let x0 = (cx - r - 1.0).max(0.0) as u32;
        let y0 = (cy - r - 1.0).max(0.0) as u32;
        for y in y0..((cy + r + 2.0) as u32).min(ih) {
            for x in x0..((cx + r + 2.0) as u32).min(iw) {
                let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                let cover = (r + 0.5 - d).clamp(0.0, 1.0);
                if cover > 0.0 {
                    self.blend(x, y, color, cover);
                }
            }
        }
    }

    fn blend(&mut self, x: u32, y: u32, color: [u8; 3], alpha: f32) {
        let p = self.img.get_pixel_mut(x, y);
        for (channel, target) in p.0.iter_mut().zip(color) {
            let v = f32::from(*channel) * (1.0 - alpha) + f32::from(target) * alpha;
            *channel = v.round().clamp(0.0, 255.0) as u8;
        }
    }

    /// Draws text with its baseline at `y`; `x` is the left edge, or the
    /// right edge when `right` is set. Returns the width.
    fn text(&mut self, fonts: &Fonts, s: &str, x: f32, y: f32, pen: Pen) -> f32 {
        let (glyphs, width) = shape(fonts, s, pen.px, pen.bold);
        let color = pen.color;
        let x0 = match pen.align {
            Align::Left => x,
            Align::Right => x - width,
            Align::Center => x - width / 2.0,
        };
        let (iw, ih) = self.img.dimensions();
        for g in glyphs {
            let Ok(font) = FontRef::try_from_slice(g.font) else {
                continue;
            };
            let scale = PxScale::from(g.px_per_unit * font.height_unscaled());
            let glyph = GlyphId(g.id).with_scale_and_position(scale, point(x0 + g.x, y + g.y));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cover| {
                    let px_x = b.min.x as i64 + i64::from(gx);
                    let px_y = b.min.y as i64 + i64::from(gy);
                    if px_x >= 0 && px_y >= 0 && (px_x as u32) < iw && (px_y as u32) < ih {
                        self.blend(px_x as u32, px_y as u32, color, cover.min(1.0));
                    }
                });
            }
        }
        width
    }
}

/// How a piece of text is drawn.
#[derive(Clone, Copy)]
struct Pen {
    px: f32,
    bold: bool,
    color: [u8; 3],
    align: Align,
}

const fn pen(px: f32, bold: bool, color: [u8; 3], align: Align) -> Pen {
    Pen {
        px,
        bold,
        color,
        align,
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
    Center,
}

/// One bank's look and words.
struct Style {
    /// Name in the title bar.
    title: &'static str,
    color: [u8; 3],
    thai: bool,
    done: &'static str,
    from: &'static str,
    to: &'static str,
    amount: &'static str,
    fee: &'static str,
    reference: &'static str,
    remark: &'static str,
    qr_caption: &'static str,
}

fn style(bank: &str) -> Style {
    let thai = |title, color, reference| Style {
        title,
        color,
        thai: true,
        done: "โอนเงินสำเร็จ",
        from: "จาก",
        to: "ไปยัง",
        amount: "จำนวนเงิน",
        fee: "ค่าธรรมเนียม",
        reference,
        remark: "บันทึกช่วยจำ",
        qr_caption: "สแกนตรวจสอบสลิป",
    };
    let latin = |title, color, done, reference| Style {
        title,
        color,
        thai: false,
        done,
        from: "From",
        to: "To",
        amount: "Amount",
        fee: "Fee",
        reference,
        remark: "Remark",
        qr_caption: "Scan to verify",
    };
    match bank.to_ascii_uppercase().as_str() {
        "KBANK" => thai("K+ กสิกรไทย", [0, 166, 81], "เลขที่รายการ"),
        "SCB" => thai("SCB ไทยพาณิชย์", [78, 42, 132], "รหัสอ้างอิง"),
        "KTB" => thai("Krungthai กรุงไทย", [0, 166, 229], "เลขที่อ้างอิง"),
        "BBL" => latin(
            "Bangkok Bank",
            [30, 69, 152],
            "Transfer successful",
            "Transaction reference",
        ),
        "ABA" => latin("ABA Bank", [0, 93, 127], "Transfer successful", "Trx. ID"),
        "ACLEDA" => latin(
            "ACLEDA Bank",
            [27, 63, 139],
            "Transaction successful",
            "Reference No.",
        ),
        _ => thai("Mobile Banking", [90, 90, 90], "เลขที่อ้างอิง"),
    }
}

/// The bank name printed under a party's name.
pub fn bank_display(short: &str, thai: bool) -> String {
    let (th, en) = match short.to_ascii_uppercase().as_str() {
        "KBANK" => ("ธ.กสิกรไทย", "Kasikornbank"),
        "SCB" => ("ธ.ไทยพาณิชย์", "SCB"),
        "KTB" => ("ธ.กรุงไทย", "Krungthai Bank"),
        "BBL" => ("ธ.กรุงเทพ", "Bangkok Bank"),
        "BAY" => ("ธ.กรุงศรีอยุธยา", "Krungsri"),
        "TTB" => ("ธ.ทหารไทยธนชาต", "ttb"),
        "GSB" => ("ธ.ออมสิน", "GSB"),
        "ABA" => ("ABA Bank", "ABA Bank"),
        "ACLEDA" => ("ACLEDA Bank", "ACLEDA Bank"),
        _ => ("", ""),
    };
    let s = if thai { th } else { en };
    if s.is_empty() {
        short.to_string()
    } else {
        s.to_string()
    }
}

pub const THAI_MONTHS: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];
pub const ENGLISH_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The date and time as each bank's app prints it: KBank a 2-digit
/// Buddhist-era year, SCB and Krungthai the full BE year, the others the
/// Gregorian calendar.
fn date_text(bank: &str, t: &DateTime<FixedOffset>) -> String {
    let m = t.month0() as usize;
    let be = t.year() + 543;
    let hm = format!("{:02}:{:02}", t.hour(), t.minute());
    match bank.to_ascii_uppercase().as_str() {
        "KBANK" => format!("{} {} {:02} {hm} น.", t.day(), THAI_MONTHS[m], be % 100),
        "SCB" => format!("{} {} {be} - {hm}", t.day(), THAI_MONTHS[m]),
        "KTB" => format!("{} {} {be} {hm}", t.day(), THAI_MONTHS[m]),
        "BBL" => format!("{} {} {}, {hm}", t.day(), ENGLISH_MONTHS[m], t.year()),
        "ABA" => format!("{} {}, {} {hm}", ENGLISH_MONTHS[m], t.day(), t.year()),
        "ACLEDA" => format!("{:02}/{:02}/{} {hm}", t.day(), m + 1, t.year()),
        _ => format!("{:02}/{:02}/{be} {hm}", t.day(), m + 1),
    }
}

/// `1,500.00` style: thousands separated, the currency's minor digits.
pub fn grouped(m: &Money) -> String {
    let plain = m.plain();
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let (sign, int) = int.strip_prefix('-').map_or(("", int), |r| ("-", r));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{out}")
    } else {
        format!("{sign}{out}.{frac}")
    }
}

fn money_text(m: &Money, thai: bool) -> String {
    match (m.currency, thai) {
        (Currency::Thb, true) => format!("{} บาท", grouped(m)),
        (Currency::Thb, false) => format!("{} THB", grouped(m)),
        (Currency::Usd, _) => format!("{} USD", grouped(m)),
        (Currency::Khr, _) => format!("{} KHR", grouped(m)),
    }
}

/// The QR payload the slip carries, per [`SlipSpec::qr_payload`].
pub fn slip_qr_payload(spec: &SlipSpec) -> Option<String> {
    if let Some(p) = &spec.qr_payload {
        return Some(p.clone());
    }
    let bank = recon_core::thai_bank(&spec.bank)?;
    recon_ocr_client::qr::slip_verification_payload(bank.code, &spec.trans_ref).ok()
}

/// Draws the slip at its natural size (720 px wide), before any
/// distortion.
pub fn render_image(spec: &SlipSpec) -> Result<RgbImage, RenderError> {
    let fonts = fonts()?;
    let st = style(&spec.bank);
    let (w, h) = (720u32, 1180u32);
    let mut c = Canvas {
        img: RgbImage::from_pixel(w, h, Rgb([255, 255, 255])),
    };
    let ink = [25, 25, 25];
    let grey = [110, 110, 110];
    let wf = w as f32;

    // Title bar in the bank's colour.
    c.fill_rect(0, 0, w, 96, st.color);
    c.text(
        fonts,
        st.title,
        36.0,
        62.0,
        pen(36.0, true, [255, 255, 255], Align::Left),
    );

    // Success mark and headline.
    c.fill_circle(wf / 2.0, 160.0, 34.0, [46, 170, 90]);
    c.fill_circle(wf / 2.0, 160.0, 14.0, [255, 255, 255]);
    c.text(
        fonts,
        st.done,
        wf / 2.0,
        248.0,
        pen(34.0, true, ink, Align::Center),
    );
    let date = date_text(&spec.bank, &spec.transferred_at);
    c.text(
        fonts,
        &date,
        wf / 2.0,
        292.0,
        pen(28.0, false, grey, Align::Center),
    );

    // From / to blocks.
    let mut y = 360.0;
    let party = |c: &mut Canvas, y: f32, label: &str, name: &str, bank: &str, acct: &str| {
        c.text(fonts, label, 36.0, y, pen(26.0, false, grey, Align::Left));
        c.text(fonts, name, 150.0, y, pen(30.0, true, ink, Align::Left));
        c.text(
            fonts,
            bank,
            150.0,
            y + 42.0,
            pen(26.0, false, grey, Align::Left),
        );
        c.text(
            fonts,
            acct,
            150.0,
            y + 82.0,
            pen(28.0, false, ink, Align::Left),
        );
    };
    let sender_bank = bank_display(&spec.bank, st.thai);
    party(
        &mut c,
        y,
        st.from,
        &spec.sender_name,
        &sender_bank,
        &spec.sender_account,
    );
    y += 140.0;
    let receiver_bank = bank_display(&spec.receiver_bank, st.thai);
    party(
        &mut c,
        y,
        st.to,
        &spec.receiver_name,
        &receiver_bank,
        &spec.receiver_account,
    );
    y += 130.0;
    c.fill_rect(36, y as u32, w - 72, 2, [220, 220, 220]);
    y += 56.0;

    // Reference, amount, fee: label left, value right.
    let row = |c: &mut Canvas, y: f32, label: &str, value: &str, px: f32, bold: bool| {
        c.text(fonts, label, 36.0, y, pen(26.0, false, grey, Align::Left));
        c.text(fonts, value, wf - 36.0, y, pen(px, bold, ink, Align::Right));
    };
    row(&mut c, y, st.reference, &spec.trans_ref, 28.0, false);
    y += 64.0;
    row(
        &mut c,
        y,
        st.amount,
        &money_text(&spec.amount, st.thai),
        44.0,
        true,
    );
    y += 56.0;
    let fee = spec.fee.unwrap_or(Money::zero(spec.amount.currency));
    row(&mut c, y, st.fee, &money_text(&fee, st.thai), 28.0, false);
    if let Some(remark) = &spec.remark {
        y += 52.0;
        row(&mut c, y, st.remark, remark, 28.0, false);
    }

    // The verification QR, bottom centre, with a quiet zone.
    if let Some(payload) = slip_qr_payload(spec) {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
                .map_err(|e| RenderError::Qr(e.to_string()))?;
        let n = code.width() as u32;
        let module = 6u32;
        let size = n * module;
        let x0 = (w - size) / 2;
        let y0 = h - size - 70;
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (mx, my) = (i as u32 % n, i as u32 / n);
                c.fill_rect(
                    x0 + mx * module,
                    y0 + my * module,
                    module,
                    module,
                    [0, 0, 0],
                );
            }
        }
        c.text(
            fonts,
            st.qr_caption,
            wf / 2.0,
            (h - 28) as f32,
            pen(24.0, false, grey, Align::Center),
        );
    }
    Ok(c.img)
}

/// Renders the slip and encodes it, applying the photo-like distortions.
/// The same spec and options give the same bytes.
pub fn render(spec: &SlipSpec, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut img = render_image(spec)?;
    if (opts.scale - 1.0).abs() > 1e-3 && opts.scale > 0.05 {
        let (w, h) = img.dimensions();
        let nw = ((w as f32) * opts.scale).round().max(1.0) as u32;
        let nh = ((h as f32) * opts.scale).round().max(1.0) as u32;
        img = image::imageops::resize(&img, nw, nh, image::imageops::FilterType::Triangle);
    }
    if opts.rotation_deg.abs() > 1e-3 {
        img = recon_ocr_client::local::rotate(&img, opts.rotation_deg);
    }
    let mut out = Cursor::new(Vec::new());
    match opts.encoding {
        Encoding::Png => img.write_to(&mut out, ImageFormat::Png)?,
        Encoding::Jpeg(q) => {
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q.clamp(1, 100));
            img.write_with_encoder(enc)?;
        }
    }
    Ok(out.into_inner())
}

// ------------------------------------------------------- sample slips

/// A small deterministic generator (SplitMix64), so that sample slips are
/// the same on every machine and every version of `rand`.
#[derive(Debug, Clone)]
pub struct SampleRng(u64);

impl SampleRng {
    pub fn new(seed: u64) -> SampleRng {
        SampleRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const THAI_TITLES: &[&str] = &["นาย", "นาง", "นางสาว"];
const THAI_FIRST: &[&str] = &[
    "สมชาย",
    "สมหญิง",
    "วิชัย",
    "ประเสริฐ",
    "มานี",
    "สุดา",
    "อนุชา",
    "กนกวรรณ",
    "ธนพล",
    "พิมพ์ชนก",
    "ณัฐวุฒิ",
    "ศิริพร",
];
const THAI_LAST: &[&str] = &[
    "ใจดี",
    "รักไทย",
    "ศรีสุข",
    "วงศ์ใหญ่",
    "มั่นคง",
    "แก้วมณี",
    "บุญมา",
    "สุขสวัสดิ์",
    "ทองคำ",
    "พรหมมา",
];
const LATIN_TITLES: &[&str] = &["MR.", "MRS.", "MS."];
const LATIN_FIRST: &[&str] = &[
    "JOHN", "MARY", "DAVID", "SARAH", "PETER", "ANNA", "SOMCHAI", "NARONG", "KANYA", "WILAI",
];
const LATIN_LAST: &[&str] = &[
    "SMITH",
    "BROWN",
    "WONG",
    "JAIDEE",
    "SRISUK",
    "TAN",
    "MILLER",
    "CHAIYAPORN",
];
const KHMER_COUNTRY_NAMES: &[&str] = &[
    "SOK DARA",
    "CHAN SOPHEA",
    "KIM LY",
    "HENG SOVANN",
    "MEAS CHANTHA",
    "VANNAK PICH",
    "SREY NEANG",
];
const REF_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

/// The banks sample slips come from; `TTB` exercises the generic layout.
pub const SAMPLE_BANKS: &[&str] = &["KBANK", "SCB", "KTB", "BBL", "ABA", "ACLEDA", "TTB"];

fn thai_account(rng: &mut SampleRng) -> String {
    format!("xxx-x-x{:04}-x", rng.below(10_000))
}

/// A plausible slip for seed `seed`: bank, names (Thai or Latin), amount,
/// time on 2026-11-21, reference, accounts. Thai slips pay our KBank
/// account, Cambodian ones our ABA accounts (as `jobs/nightly.toml` lists them).
pub fn sample_slip(seed: u64) -> SlipSpec {
    let mut rng = SampleRng::new(seed);
    let bank = rng.pick(SAMPLE_BANKS).to_string();
    let cambodian = matches!(bank.as_str(), "ABA" | "ACLEDA");
    let thai_app = !cambodian && bank != "BBL";
    let currency = if cambodian {
        *rng.pick(&[Currency::Usd, Currency::Usd, Currency::Khr])
    } else {
        Currency::Thb
    };
    let minor = match currency {
        Currency::Khr => (rng.below(400) + 1) as i64 * 100_000,
        Currency::Usd => (rng.below(50_000) + 100) as i64,
        Currency::Thb => (rng.below(5_000_000) + 2_000) as i64,
    };
    let amount = Money::from_minor(minor, currency);
    let fee = (rng.below(4) == 0).then(|| {
        Money::from_minor(
            match currency {
                Currency::Khr => 100_000,
                _ => 2_500,
            },
            currency,
        )
    });
    let tz = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!("+07:00"));
    let secs = rng.below(86_400 - 60) as i64;
    let transferred_at = chrono::TimeZone::with_ymd_and_hms(&tz, 2026, 11, 21, 0, 0, 0)
        .single()
        .map(|t| t + chrono::Duration::seconds(secs - secs % 60))
        .unwrap_or_else(|| unreachable!("a valid fixed date"));
    let sender_name = if cambodian {
        rng.pick(KHMER_COUNTRY_NAMES).to_string()
    } else if thai_app && rng.below(3) > 0 {
        format!(
            "{} {} {}",
            rng.pick(THAI_TITLES),
            rng.pick(THAI_FIRST),
            rng.pick(THAI_LAST)
        )
    } else {
        format!(
            "{} {} {}",
            rng.pick(LATIN_TITLES),
            rng.pick(LATIN_FIRST),
            rng.pick(LATIN_LAST)
        )
    };
    let (receiver_name, receiver_account, receiver_bank, sender_account) = if cambodian {
        let ours = if currency == Currency::Khr {
            "001 234 568"
        } else {
            "001 234 567"
        };
        (
            "RANDEE TRADING CO., LTD.".to_string(),
            ours.to_string(),
            "ABA".to_string(),
            format!("*** *** {:03}", rng.below(1000)),
        )
    } else {
        let name = if thai_app {
            "บริษัท ร้านดี จำกัด"
        } else {
            "RANDEE CO., LTD."
        };
        (
            name.to_string(),
            "xxx-x-x6789-x".to_string(),
            "KBANK".to_string(),
            thai_account(&mut rng),
        )
    };
    let ref_len = 12 + rng.below(10) as usize;
    let trans_ref: String = (0..ref_len)
        .map(|_| char::from(*rng.pick(REF_ALPHABET)))
        .collect();
    SlipSpec {
        bank,
        amount,
        fee,
        transferred_at,
        sender_name,
        sender_account,
        receiver_name,
        receiver_account,
        receiver_bank,
        trans_ref,
        qr_payload: None,
        remark: None,
    }
}

/// How sample slip `seed` is "photographed": mostly screenshots at
/// various sizes, some JPEG, some slightly turned.
pub fn sample_options(seed: u64) -> RenderOptions {
    let mut rng = SampleRng::new(seed ^ 0x5EED_0F0B_7105);
    let scale = *rng.pick(&[0.7f32, 0.85, 1.0, 1.0, 1.25, 1.5]);
    let rotation_deg = *rng.pick(&[0.0f32, 0.0, 0.0, -2.0, 1.5, 3.0]);
    let encoding = *rng.pick(&[
        Encoding::Png,
        Encoding::Jpeg(90),
        Encoding::Jpeg(75),
        Encoding::Jpeg(60),
    ]);
    RenderOptions {
        scale,
        rotation_deg,
        encoding,
    }
}

/// The fields a round trip compares, by name, as comparable text: money
/// as `1500.25 THB`, time in RFC 3339, accounts as their positions
/// (`xxxxx1234x`, separators and mask style aside), names with white space
/// folded. Fields the slip does not show are absent.
pub fn expected_fields(spec: &SlipSpec) -> std::collections::BTreeMap<&'static str, String> {
    let mut m = std::collections::BTreeMap::new();
    m.insert("amount", spec.amount.to_string());
    let fee = spec.fee.unwrap_or(Money::zero(spec.amount.currency));
    m.insert("fee", fee.to_string());
    m.insert("transferred_at", spec.transferred_at.to_rfc3339());
    m.insert("trans_ref", spec.trans_ref.clone());
    m.insert("sender_name", fold(&spec.sender_name));
    m.insert("sender_bank", spec.bank.clone());
    m.insert(
        "sender_account",
        recon_core::AccountMask::new(spec.sender_account.clone()).positions(),
    );
    m.insert("receiver_name", fold(&spec.receiver_name));
    m.insert("receiver_bank", spec.receiver_bank.clone());
    m.insert(
        "receiver_account",
        recon_core::AccountMask::new(spec.receiver_account.clone()).positions(),
    );
    m
}

/// The same fields as read from a slip, for comparison with
/// [`expected_fields`].
pub fn slip_fields(slip: &recon_core::Slip) -> std::collections::BTreeMap<&'static str, String> {
    let mut m = std::collections::BTreeMap::new();
    let mut put = |k, v: Option<String>| {
        if let Some(v) = v {
            m.insert(k, v);
        }
    };
    put("amount", slip.amount.map(|a| a.to_string()));
    put("fee", slip.fee.map(|a| a.to_string()));
    put(
        "transferred_at",
        slip.transferred_at.map(|t| t.to_rfc3339()),
    );
    put("trans_ref", slip.trans_ref.as_ref().map(|r| r.0.clone()));
    put("sender_name", slip.sender.name.as_deref().map(fold));
    put("sender_bank", slip.sender.bank.clone());
    put(
        "sender_account",
        slip.sender.account.as_ref().map(|a| a.positions()),
    );
    put("receiver_name", slip.receiver.name.as_deref().map(fold));
    put("receiver_bank", slip.receiver.bank.clone());
    put(
        "receiver_account",
        slip.receiver.account.as_ref().map(|a| a.positions()),
    );
    m
}

fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn sample_spec() -> SlipSpec {
        let tz = FixedOffset::east_opt(7 * 3600).unwrap();
        SlipSpec {
            bank: "KBANK".into(),
            amount: Money::parse("1500.00", Currency::Thb).unwrap(),
            fee: None,
            transferred_at: tz.with_ymd_and_hms(2026, 11, 21, 14, 5, 0).unwrap(),
            sender_name: "นาย สมชาย ใจดี".into(),
            sender_account: "xxx-x-x1234-x".into(),
            receiver_name: "บริษัท ร้านดี จำกัด".into(),
            receiver_account: "xxx-x-x6789-x".into(),
            receiver_bank: "KBANK".into(),
            trans_ref: "015325140512AQR01234".into(),
            qr_payload: None,
            remark: None,
        }
    }

    #[test]
    fn same_input_gives_same_bytes() {
        let spec = sample_spec();
        let opts = RenderOptions {
            scale: 0.8,
            rotation_deg: 2.0,
            encoding: Encoding::Jpeg(80),
        };
        let a = render(&spec, &opts).unwrap();
        let b = render(&spec, &opts).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..2], &[0xFF, 0xD8], "JPEG magic");
        let png = render(&spec, &RenderOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn thai_text_is_shaped_with_marks_placed() {
        let fonts = fonts().unwrap();
        // SARA AM and tone marks must become glyphs, not notdef boxes.
        let (glyphs, width) = shape(fonts, "จำนวนเงิน ผู้รับ", 30.0, false);
        assert!(glyphs.iter().all(|g| g.id != 0), "missing glyph");
        assert!(width > 100.0, "{width}");
        let (latin, _) = shape(fonts, "ABA Bank", 30.0, false);
        assert!(latin.iter().all(|g| g.id != 0));
    }

    #[test]
    fn dates_follow_each_bank() {
        let t = sample_spec().transferred_at;
        assert_eq!(date_text("KBANK", &t), "21 พ.ย. 69 14:05 น.");
        assert_eq!(date_text("SCB", &t), "21 พ.ย. 2569 - 14:05");
        assert_eq!(date_text("ABA", &t), "Nov 21, 2026 14:05");
        assert_eq!(date_text("ACLEDA", &t), "21/11/2026 14:05");
    }

    #[test]
    fn grouping_thousands() {
        let m = |s| Money::parse(s, Currency::Thb).unwrap();
        assert_eq!(grouped(&m("1500")), "1,500.00");
        assert_eq!(grouped(&m("999.5")), "999.50");
        assert_eq!(grouped(&m("1234567.1")), "1,234,567.10");
    }

    #[test]
    fn rotation_grows_the_canvas_and_keeps_content() {
        let img = RgbImage::from_pixel(100, 50, Rgb([0, 0, 0]));
        let r = recon_ocr_client::local::rotate(&img, 10.0);
        assert!(r.width() > 100 && r.height() > 50);
        assert_eq!(r.get_pixel(r.width() / 2, r.height() / 2).0, [0, 0, 0]);
        assert_eq!(r.get_pixel(0, 0).0, [235, 235, 235]);
    }
}
