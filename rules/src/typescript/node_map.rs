//! Values by node id, for the per-file tables asked about on every call and identifier.

/// Values by the id of a node of one flat tree: a lookup is one read of a slot (a hash map
/// hashes the id and probes). The slots are made for every node of the tree at once; the
/// values are stored apart, in the order they come, so that a file with few stays small.
pub struct NodeMap<V> {
    slots: Vec<u32>,
    values: Vec<V>,
}

const EMPTY: u32 = u32::MAX;

impl<V> NodeMap<V> {
    /// A map for the ids of a tree of `nodes` nodes.
    pub fn new(nodes: usize) -> NodeMap<V> {
        NodeMap::with_capacity(nodes, 0)
    }

    /// The same, with room for `values` values before it grows.
    pub fn with_capacity(nodes: usize, values: usize) -> NodeMap<V> {
        NodeMap { slots: vec![EMPTY; nodes], values: Vec::with_capacity(values) }
    }

    pub fn get(&self, id: usize) -> Option<&V> {
        let slot = *self.slots.get(id)?;
        self.values.get(slot as usize)
    }

    /// Sets the node's value. An id outside the tree is a caller's bug: it panics in debug
    /// builds and is left out otherwise.
    pub fn insert(&mut self, id: usize, value: V) {
        debug_assert!(id < self.slots.len(), "node {id} outside a tree of {}", self.slots.len());
        let Some(slot) = self.slots.get_mut(id) else { return };
        match self.values.get_mut(*slot as usize) {
            Some(old) => *old = value,
            None => {
                *slot = self.values.len() as u32;
                self.values.push(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_id_and_replaced() {
        let mut map = NodeMap::new(10);
        assert_eq!(map.get(3), None);
        map.insert(3, "a");
        map.insert(7, "b");
        map.insert(3, "c");
        assert_eq!((map.get(3), map.get(7), map.get(4)), (Some(&"c"), Some(&"b"), None));
        assert_eq!(map.get(10), None, "outside the tree");
        assert_eq!(map.values.len(), 2, "a replaced value takes no new room");
    }
}
