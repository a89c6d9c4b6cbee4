//! A small growable bit set, the engine's only state representation.

/// Bits below 64 are kept inline: most bodies hold fewer resources and variables than that, and
/// their sets (one per variable per block in the dataflow) then never allocate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BitSet {
    /// Bits 0 to 63.
    low: u64,
    /// Bits from 64 on, 64 to a word.
    high: Vec<u64>,
}

impl BitSet {
    pub fn insert(&mut self, bit: usize) {
        match bit.checked_sub(64) {
            None => self.low |= 1 << bit,
            Some(high) => {
                let word = high / 64;
                if self.high.len() <= word {
                    self.high.resize(word + 1, 0);
                }
                self.high[word] |= 1 << (high % 64);
            }
        }
    }

    pub fn remove(&mut self, bit: usize) {
        match bit.checked_sub(64) {
            None => self.low &= !(1 << bit),
            Some(high) => {
                if let Some(w) = self.high.get_mut(high / 64) {
                    *w &= !(1 << (high % 64));
                }
            }
        }
    }

    pub fn contains(&self, bit: usize) -> bool {
        match bit.checked_sub(64) {
            None => self.low & (1 << bit) != 0,
            Some(high) => self.high.get(high / 64).is_some_and(|w| w & (1 << (high % 64)) != 0),
        }
    }

    /// Adds `other`'s bits; true when that changed `self`.
    pub fn union_with(&mut self, other: &BitSet) -> bool {
        let low = self.low | other.low;
        let mut changed = low != self.low;
        self.low = low;
        if self.high.len() < other.high.len() {
            self.high.resize(other.high.len(), 0);
        }
        for (a, b) in self.high.iter_mut().zip(&other.high) {
            let merged = *a | b;
            changed |= merged != *a;
            *a = merged;
        }
        changed
    }

    /// The bits set, in order: each word is visited once per set bit, not once per bit.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.low).chain(self.high.iter().copied()).enumerate().flat_map(|(i, word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest.wrapping_sub(1);
                (bit < 64).then_some(i * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::BitSet;

    #[test]
    fn bits_on_both_sides_of_the_inline_word() {
        let mut set = BitSet::default();
        for bit in [0, 5, 63, 64, 130, 200] {
            set.insert(bit);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 5, 63, 64, 130, 200]);
        assert!(set.contains(63) && set.contains(64) && !set.contains(65) && !set.contains(1000));
        set.remove(63);
        set.remove(130);
        set.remove(1000);
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 5, 64, 200]);
        let mut other = BitSet::default();
        other.insert(1);
        other.insert(300);
        assert!(set.union_with(&other));
        assert!(!set.union_with(&other), "nothing new the second time");
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 1, 5, 64, 200, 300]);
        assert!(!BitSet::default().union_with(&BitSet::default()));
    }
}
