//! The local reader refuses images larger than a slip can be from their
//! header, before decoding a pixel: a tiny file that declares huge
//! dimensions (a decompression bomb) must cost nothing.

use std::time::{Duration, Instant};

use recon_ocr_client::local::{LocalError, MAX_SIDE, read_image};

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

/// A PNG header declaring `width` x `height` grey pixels, with almost no
/// pixel data (59 bytes).
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    // The start of a zlib stream and nothing more: the decoder finds the
    // pixel data begins, and that it ends far too soon.
    chunk(b"IDAT", &[0x78, 0x01]);
    chunk(b"IEND", &[]);
    png
}

#[test]
fn huge_declared_dimensions_are_refused_from_the_header() {
    for (w, h) in [
        (16_000, 16_000),
        (MAX_SIDE + 1, 10),
        (9_000, 9_000),
        (65_535, 65_535),
    ] {
        let started = Instant::now();
        match read_image(&png_header(w, h)) {
            Err(LocalError::TooLarge { width, height }) => {
                assert_eq!((width, height), (w, h));
            }
            other => panic!("{w} x {h}: {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_millis(500));
    }
    let msg = read_image(&png_header(16_000, 16_000))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("16000 x 16000 pixels"), "{msg}");
}

#[test]
fn a_gif_whose_screen_claims_four_billion_pixels_is_refused() {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&[0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0]);
    gif.extend_from_slice(&[
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]);
    assert!(matches!(
        read_image(&gif),
        Err(LocalError::TooLarge {
            width: 65535,
            height: 65535
        })
    ));
}

#[test]
fn a_slip_sized_header_is_not_refused_for_its_size() {
    // The same header at a phone screenshot's size gets past the size
    // check and fails only on the missing pixel data.
    match read_image(&png_header(1080, 2400)) {
        Err(LocalError::Image(_)) => {}
        other => panic!("{other:?}"),
    }
}
