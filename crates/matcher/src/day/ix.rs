//! The day's index types: an order's, a statement line's and a slip's
//! canonical rank ([`OrderIx`], [`LineIx`], [`SlipIx`]), and [`IxVec`], a
//! vector indexed by one of them only. A unit (the payer the passes link to
//! money) is indexed by its leading order, so by [`OrderIx`].
//!
//! Each index is a `u32` underneath (`#[repr(transparent)]`), ordered and
//! hashed as that number, so a rank sorts, dedups and breaks ties exactly as
//! the bare integer did; it only stops an order's rank from indexing lines.

use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// A canonical rank that indexes an [`IxVec`].
pub(super) trait Ix: Copy {
    /// The rank of number `i` (as [`Edge`](crate::assign::Edge)s and
    /// assignments carry it).
    fn new(i: u32) -> Self;

    /// The rank as its number.
    fn get(self) -> u32;

    /// The rank at position `i`, which must fit a `u32` (not checked).
    #[inline]
    fn from_usize(i: usize) -> Self {
        Self::new(i as u32)
    }

    /// The position this rank indexes.
    #[inline]
    fn index(self) -> usize {
        self.get() as usize
    }
}

macro_rules! ix_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[repr(transparent)]
        pub(super) struct $name(u32);

        impl Ix for $name {
            #[inline]
            fn new(i: u32) -> Self {
                $name(i)
            }

            #[inline]
            fn get(self) -> u32 {
                self.0
            }
        }
    };
}

ix_type!(
    /// An order's rank: orders sorted by order id (then source, time, name).
    /// Also a unit's: the unit led by that order.
    OrderIx
);
ix_type!(
    /// A statement line's rank: lines sorted by file and line.
    LineIx
);
ix_type!(
    /// A slip's rank: slips sorted by file name.
    SlipIx
);

/// A `Vec<T>` indexed by the rank `I` only (no `usize`, no other rank).
pub(super) struct IxVec<I, T> {
    items: Vec<T>,
    ix: PhantomData<fn(I) -> I>,
}

impl<I: Ix, T> IxVec<I, T> {
    pub(super) fn len(&self) -> usize {
        self.items.len()
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Every rank, ascending.
    pub(super) fn indices(&self) -> impl Iterator<Item = I> + use<I, T> {
        (0..self.items.len()).map(I::from_usize)
    }

    /// Every item with its rank, ascending.
    pub(super) fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_usize(i), t))
    }
}

impl<I, T> From<Vec<T>> for IxVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IxVec {
            items,
            ix: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IxVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Vec::from_iter(iter).into()
    }
}

impl<I: Ix, T> Index<I> for IxVec<I, T> {
    type Output = T;

    #[inline]
    fn index(&self, i: I) -> &T {
        &self.items[i.index()]
    }
}

impl<I: Ix, T> IndexMut<I> for IxVec<I, T> {
    #[inline]
    fn index_mut(&mut self, i: I) -> &mut T {
        &mut self.items[i.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_order_as_their_numbers() {
        let mut v = vec![LineIx::new(7), LineIx::new(2), LineIx::new(2)];
        v.sort_unstable();
        v.dedup();
        assert_eq!(v, [LineIx::new(2), LineIx::new(7)]);
        assert_eq!(std::mem::size_of::<OrderIx>(), 4);
        assert_eq!(std::mem::size_of::<Option<SlipIx>>(), 8);
    }

    #[test]
    fn ixvec_indexes_by_its_rank() {
        let mut v: IxVec<OrderIx, &str> = vec!["a", "b"].into();
        v[OrderIx::new(1)] = "c";
        let all: Vec<(OrderIx, &&str)> = v.iter_enumerated().collect();
        assert_eq!(all, [(OrderIx::new(0), &"a"), (OrderIx::new(1), &"c")]);
        assert_eq!(
            v.indices().collect::<Vec<_>>(),
            [OrderIx::new(0), OrderIx::new(1)]
        );
    }
}
