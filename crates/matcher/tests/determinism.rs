//! `match_day` is a function of the rows, not of their order: shuffling
//! orders, statement lines and slips gives the identical `DayResult`.

mod common;

use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use common::generator::generate;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn shuffled_input_gives_the_same_result(data_seed in 0u64..1_000, shuffle_seed in any::<u64>(), n in 5usize..120) {
        let data = generate(data_seed, n);
        let first = data.case.run();
        let again = data.case.run();
        prop_assert_eq!(&first, &again);
        let mut shuffled = data.case.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(shuffle_seed);
        shuffled.orders.shuffle(&mut rng);
        shuffled.lines.shuffle(&mut rng);
        shuffled.slips.shuffle(&mut rng);
        let other = shuffled.run();
        prop_assert_eq!(&first, &other);
        prop_assert_eq!(first.orders.len(), data.case.orders.len());
        prop_assert_eq!(first.statement.len(), data.case.lines.len());
        prop_assert_eq!(first.slips.len(), data.case.slips.len());
    }
}

/// A day large enough that the matcher sorts and judges on several threads
/// (above its 2,048-row threshold): shuffled, it still gives the identical
/// result, so the threads change the speed, never the verdicts or their order.
#[test]
fn a_large_shuffled_day_gives_the_same_result() {
    let data = generate(20261121, 3000);
    let first = data.case.run();
    assert!(first.orders.len() + first.statement.len() + first.slips.len() > 2_048);
    for seed in [1u64, 2] {
        let mut shuffled = data.case.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        shuffled.orders.shuffle(&mut rng);
        shuffled.lines.shuffle(&mut rng);
        shuffled.slips.shuffle(&mut rng);
        assert_eq!(first, shuffled.run());
    }
}
