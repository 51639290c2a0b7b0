//! Slip images that are too big, not images at all, or decompression bombs
//! (a few KB or MB on disk, gigabytes of pixels once decoded). Each must
//! become an `unreadable_slip` with its reason, cheaply, and cost the day
//! nothing else.

use std::time::{Duration, Instant};

use crate::common::{HostileDay, Run, assert_rest_of_day_unchanged};

const ORDER: &str = "ORD-20261121-0001";

/// Replaces the sample slip of `ORDER` by `name` with `bytes`, runs the day
/// and returns the order's reconciliation row.
fn run_with_slip(
    name: &str,
    bytes: &[u8],
) -> (HostileDay, Run, std::collections::BTreeMap<String, String>) {
    let day = HostileDay::new();
    day.remove(&format!("slips/{ORDER}.json"));
    day.write(&format!("slips/{name}"), bytes);
    day.set_order_slip(ORDER, name);
    let started = Instant::now();
    let run = day.reconcile();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the run took {:?}",
        started.elapsed()
    );
    run.assert_finished_with_exceptions();
    let row = day.orders()[ORDER].clone();
    (day, run, row)
}

#[track_caller]
fn assert_unreadable(
    day: &HostileDay,
    row: &std::collections::BTreeMap<String, String>,
    name: &str,
    words: &[&str],
) {
    assert_eq!(row["status"], "unreadable_slip", "{row:?}");
    assert_eq!(row["slip"], name);
    let reasons = row["reasons"].to_lowercase();
    assert!(
        words.iter().any(|w| reasons.contains(w)),
        "the reason says what is wrong ({words:?}): {}",
        row["reasons"]
    );
    assert_rest_of_day_unchanged(day, &[ORDER]);
}

#[test]
fn an_image_over_4_mb_is_unreadable_without_being_read() {
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(5 * 1024 * 1024, 0x55);
    let (day, _run, row) = run_with_slip("big.jpg", &big);
    assert_unreadable(&day, &row, "big.jpg", &["5242880 bytes, more than"]);
}

#[test]
fn a_text_file_named_like_an_image_is_unreadable() {
    let (day, _run, row) = run_with_slip(
        "slip.png",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
    );
    assert_unreadable(&day, &row, "slip.png", &["not a jpeg, png, gif or webp"]);
}

#[test]
fn an_image_header_with_garbage_after_it_is_unreadable() {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let (day, _run, row) = run_with_slip("garbage.png", &bytes);
    assert_unreadable(&day, &row, "garbage.png", &["not a readable image"]);
}

/// A 1×1 GIF whose logical screen claims 65535 × 65535 pixels (35 bytes).
fn gif_bomb() -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&[0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00]);
    gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0x00]);
    gif.extend_from_slice(&[0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
    gif
}

#[test]
fn a_gif_claiming_four_billion_pixels_is_refused_at_once() {
    let bomb = gif_bomb();
    let started = Instant::now();
    let err = recon_ocr_client::local::read_image(&bomb).expect_err("a GIF bomb is no slip");
    assert!(started.elapsed() < Duration::from_secs(2));
    let msg = err.to_string();
    assert!(
        msg.contains("not a readable image") || msg.contains("65535"),
        "{msg}"
    );

    let (day, _run, row) = run_with_slip("bomb.gif", &bomb);
    assert_unreadable(
        &day,
        &row,
        "bomb.gif",
        &["limit", "too large", "dimensions", "pixels"],
    );
}

/// A valid 16000 × 16000 grey PNG, all black: 256 MB of pixels in about
/// 1.6 MB of file. The deflate stream is written by hand (fixed Huffman,
/// one literal 0 then back-references of 258 bytes at distance 1) so that
/// building it costs nothing.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code goes most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            let rev = (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
            self.put(rev, len);
        }
    }
    let total = u64::from(height) * (u64::from(width) + 1);
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // last block
    bits.put(1, 2); // fixed Huffman
    bits.code(0x30, 8); // literal 0
    let mut left = total - 1;
    while left >= 258 {
        bits.code(0xC5, 8); // length 258
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block
    if bits.n > 0 {
        bits.put(0, 8 - bits.n);
    }
    let mut zlib = bits.out;
    let adler = ((total % 65521) << 16) | 1;
    zlib.extend_from_slice(&(adler as u32).to_be_bytes());

    fn chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn the_png_bomb_is_a_valid_image() {
    // The control for the bomb test: at a size a slip may have, the same
    // construction decodes (so the bomb is refused for its size, not for
    // being broken).
    let small = png_bomb(640, 480);
    let err = recon_ocr_client::local::read_image(&small).expect_err("a black page has no amount");
    assert!(!err.to_string().contains("not a readable image"), "{err}");
}

#[test]
fn a_png_bomb_is_refused_before_decoding() {
    let bomb = png_bomb(16_000, 16_000);
    assert!(bomb.len() < 4 * 1024 * 1024, "{} bytes", bomb.len());
    let started = Instant::now();
    let err = recon_ocr_client::local::read_image(&bomb).expect_err("a PNG bomb is no slip");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let msg = err.to_string();
    assert!(
        msg.contains("16000"),
        "the error gives the dimensions: {msg}"
    );

    let (day, _run, row) = run_with_slip("bomb.png", &bomb);
    assert_unreadable(&day, &row, "bomb.png", &["16000"]);
}

/// A 6320 x 6320 greyscale PNG of black and white 4-pixel squares at
/// random: 40 megapixels, under 1 MB, and the worst case for a QR search
/// (tens of thousands of finder-like marks).
fn noise_png() -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    let cells: Vec<bool> = (0..1580 * 1580).map(|_| rng.random()).collect();
    let img = image::GrayImage::from_fn(6320, 6320, |x, y| {
        image::Luma([if cells[(y / 4 * 1580 + x / 4) as usize] {
            255
        } else {
            0
        }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

#[test]
fn forty_megapixels_of_noise_finish_within_the_work_budget() {
    let noise = noise_png();
    assert!(noise.len() < 4 * 1024 * 1024, "{} bytes", noise.len());
    let marks =
        recon_ocr_client::local::finder_runs(&image::load_from_memory(&noise).unwrap().to_luma8());
    assert!(marks > recon_ocr_client::local::MAX_FINDER_RUNS, "{marks}");
    let day = HostileDay::new();
    day.remove(&format!("slips/{ORDER}.json"));
    day.write("slips/noise.png", &noise);
    day.set_order_slip(ORDER, "noise.png");
    let started = Instant::now();
    let run = day.reconcile();
    // A guard against a stall, not a speed target: before the bound the
    // QR search alone ran for more than six minutes.
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "the run took {:?}",
        started.elapsed()
    );
    run.assert_finished_with_exceptions();
    let row = day.orders()[ORDER].clone();
    assert_unreadable(&day, &row, "noise.png", &["no amount", "no qr"]);
}
