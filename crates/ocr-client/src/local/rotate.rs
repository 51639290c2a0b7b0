//! Rotating a slip picture by any angle: the reader straightens a tilted
//! photo with it, and test pictures are tilted with it.

use image::{Rgb, RgbImage};

/// Rotates clockwise by `deg` about the centre onto a canvas large enough
/// for the whole slip, filling the corners with a light grey "desk".
/// Bilinear sampling, so straight edges stay smooth as in a photo.
pub fn rotate(img: &RgbImage, deg: f32) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (s, c) = deg.to_radians().sin_cos();
    let nw = (w * c.abs() + h * s.abs()).ceil() as u32;
    let nh = (w * s.abs() + h * c.abs()).ceil() as u32;
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    let desk = [235.0f32, 235.0, 235.0];
    RgbImage::from_fn(nw, nh, |x, y| {
        let dx = x as f32 + 0.5 - ncx;
        let dy = y as f32 + 0.5 - ncy;
        // Inverse rotation: where in the source does this pixel come from.
        let sx = c * dx + s * dy + cx - 0.5;
        let sy = -s * dx + c * dy + cy - 0.5;
        let sample = |ix: i64, iy: i64| -> [f32; 3] {
            if ix < 0 || iy < 0 || ix >= img.width() as i64 || iy >= img.height() as i64 {
                desk
            } else {
                let p = img.get_pixel(ix as u32, iy as u32).0;
                [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]
            }
        };
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let (a, b, cc, d) = (
            sample(x0, y0),
            sample(x0 + 1, y0),
            sample(x0, y0 + 1),
            sample(x0 + 1, y0 + 1),
        );
        let mut px = [0u8; 3];
        for i in 0..3 {
            let top = a[i] * (1.0 - fx) + b[i] * fx;
            let bottom = cc[i] * (1.0 - fx) + d[i] * fx;
            px[i] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
        }
        Rgb(px)
    })
}
