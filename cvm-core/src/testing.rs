//! Seeded data for the crate's unit tests.

/// An endless xorshift64 stream from `seed` (any seed: 0 is made odd), for test data that must
/// be the same on every run and every machine.
pub(crate) fn xorshift(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed | 1;
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    })
}
