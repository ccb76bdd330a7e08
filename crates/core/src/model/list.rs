//! A list that takes one pointer when empty: a span has four lists (events, links, other fields,
//! warnings) that are empty for almost every span, and a million spans each carrying four empty
//! `Vec`s (12 bytes each in wasm) is 48 MB of memory to write and read on every pass.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Empty: no allocation and one pointer (`None`); otherwise a boxed `Vec` (the box is the point:
/// it keeps the empty case to one pointer, where a `Vec` is three words).
#[derive(Clone, PartialEq)]
#[allow(clippy::box_collection)]
pub struct List<T>(Option<Box<Vec<T>>>);

impl<T> List<T> {
    pub const fn new() -> Self {
        List(None)
    }

    pub fn push(&mut self, item: T) {
        self.vec_mut().push(item);
    }

    /// The items as a `Vec` to change, created on first use.
    pub fn vec_mut(&mut self) -> &mut Vec<T> {
        self.0.get_or_insert_with(Box::default)
    }

    pub fn as_slice(&self) -> &[T] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List(None)
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Some(items) => items.as_mut_slice(),
            None => &mut [],
        }
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List((!items.is_empty()).then(|| Box::new(items)))
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        List::from(items.into_iter().collect::<Vec<T>>())
    }
}

impl<T> Extend<T> for List<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        let mut items = items.into_iter().peekable();
        if items.peek().is_some() {
            self.vec_mut().extend(items);
        }
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a, T> IntoIterator for &'a mut List<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.deref_mut().iter_mut()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.map(|items| *items).unwrap_or_default().into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.as_slice().fmt(formatter)
    }
}

#[cfg(test)]
mod tests {
    use super::List;

    #[test]
    fn empty_lists_hold_nothing_and_behave_as_slices() {
        assert_eq!(std::mem::size_of::<List<String>>(), std::mem::size_of::<usize>());
        let mut list: List<u32> = Vec::new().into();
        assert!(list.0.is_none(), "an empty Vec becomes no allocation");
        list.extend(std::iter::empty());
        assert!(list.0.is_none(), "extending by nothing allocates nothing");
        list.push(3);
        list.extend([1, 2]);
        list.sort_unstable();
        assert_eq!(&*list, [1, 2, 3]);
        for item in &mut list {
            *item *= 10;
        }
        assert_eq!(list.iter().sum::<u32>(), 60);
        assert_eq!(list.clone().into_iter().collect::<Vec<_>>(), [10, 20, 30]);
        assert_eq!(format!("{list:?}"), "[10, 20, 30]");
        assert_eq!((0..2).collect::<List<u32>>(), List::from(vec![0, 1]));
    }
}
