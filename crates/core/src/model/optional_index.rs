//! An optional position in one of a trace's lists (a span's parent, resource or scope) in four
//! bytes: wasm's `Option<usize>` takes eight, and a million spans carry three of them.

use std::fmt;
use std::num::NonZeroU32;

/// `None`, or an index below `u32::MAX` (stored plus one, so zero can mean none).
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct OptionalIndex(Option<NonZeroU32>);

impl OptionalIndex {
    pub const NONE: OptionalIndex = OptionalIndex(None);

    pub fn get(self) -> Option<usize> {
        self.0.map(|stored| stored.get() as usize - 1)
    }
}

impl From<Option<usize>> for OptionalIndex {
    /// An index of `u32::MAX` or more (four billion spans, far past what a tab's memory holds)
    /// cannot be stored and reads as none.
    fn from(index: Option<usize>) -> Self {
        OptionalIndex(index.and_then(|index| u32::try_from(index.checked_add(1)?).ok()).and_then(NonZeroU32::new))
    }
}

impl From<usize> for OptionalIndex {
    fn from(index: usize) -> Self {
        OptionalIndex::from(Some(index))
    }
}

impl fmt::Debug for OptionalIndex {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.get().fmt(formatter)
    }
}

#[cfg(test)]
mod tests {
    use super::OptionalIndex;

    #[test]
    fn four_bytes_and_every_index_a_trace_can_hold() {
        assert_eq!(std::mem::size_of::<OptionalIndex>(), 4);
        for index in [0, 1, 41, u32::MAX as usize - 1] {
            assert_eq!(OptionalIndex::from(index).get(), Some(index));
        }
        assert_eq!(OptionalIndex::from(None).get(), None);
        assert_eq!(OptionalIndex::NONE, OptionalIndex::default());
        assert_eq!(format!("{:?} {:?}", OptionalIndex::from(7), OptionalIndex::NONE), "Some(7) None");
    }
}
