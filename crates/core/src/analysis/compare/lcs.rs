//! The longest common subsequence of two sequences of numbers, by Myers' O(ND) difference
//! algorithm in linear space: each box is split at its middle snake (the point where a forward
//! and a backward search for the shortest edit meet) and its halves are solved in turn from an
//! explicit stack, never by recursion. Before that, the common prefix and suffix are matched
//! directly and items the other sequence never holds are set aside (they can match nothing), so
//! two similar sequences cost little however long they are.
//!
//! The work is bounded: past `budget` steps of the searches, the boxes still open are left
//! unmatched (a valid alignment, not the longest) and the answer says it is approximate.

/// Matched positions of `a` and `b`, both increasing, and whether the match is the longest.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Matching {
    pub pairs: Vec<(u32, u32)>,
    /// False when the budget ran out and some boxes were left unmatched.
    pub exact: bool,
}

/// Steps of the searches allowed by default (each diagonal looked at, each step along a snake):
/// some tens of milliseconds at most.
pub const DEFAULT_BUDGET: u64 = 10_000_000;

/// The longest common subsequence of `a` and `b` (numbers below `alphabet`), within `budget`
/// steps of the searches.
pub fn longest_common_subsequence(a: &[u32], b: &[u32], alphabet: usize, budget: u64) -> Matching {
    let mut pairs = Vec::new();
    // The common prefix and suffix match as they are.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    pairs.extend((0..prefix).map(|at| (at as u32, at as u32)));
    let (middle_a, middle_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut exact = true;
    if !middle_a.is_empty() && !middle_b.is_empty() {
        // Items only one side holds can match nothing: drop them, keeping where the rest were.
        let mut seen = vec![0u8; alphabet];
        for &item in middle_a {
            seen[item as usize] |= 1;
        }
        for &item in middle_b {
            seen[item as usize] |= 2;
        }
        let kept = |items: &[u32]| -> (Vec<u32>, Vec<u32>) {
            let mut values = Vec::new();
            let mut places = Vec::new();
            for (place, &item) in items.iter().enumerate() {
                if seen[item as usize] == 3 {
                    values.push(item);
                    places.push((prefix + place) as u32);
                }
            }
            (values, places)
        };
        let (kept_a, places_a) = kept(middle_a);
        let (kept_b, places_b) = kept(middle_b);
        let mut searcher = Searcher::new(&kept_a, &kept_b, budget);
        let matched = searcher.run();
        exact = !searcher.exhausted;
        pairs.extend(matched.into_iter().map(|(x, y)| (places_a[x as usize], places_b[y as usize])));
    }
    let (tail_a, tail_b) = (a.len() - suffix, b.len() - suffix);
    pairs.extend((0..suffix).map(|at| ((tail_a + at) as u32, (tail_b + at) as u32)));
    Matching { pairs, exact }
}

/// One box of the edit graph: `a[a_low..a_high]` against `b[b_low..b_high]`.
#[derive(Clone, Copy)]
struct Area {
    a_low: usize,
    a_high: usize,
    b_low: usize,
    b_high: usize,
}

/// The middle-snake search over boxes of `a` and `b`, sharing its two diagonal arrays.
struct Searcher<'s> {
    a: &'s [u32],
    b: &'s [u32],
    forward: Vec<isize>,
    backward: Vec<isize>,
    budget: u64,
    exhausted: bool,
}

impl<'s> Searcher<'s> {
    fn new(a: &'s [u32], b: &'s [u32], budget: u64) -> Self {
        let size = a.len() + b.len() + 2;
        Searcher { a, b, forward: vec![-1; 2 * size], backward: vec![-1; 2 * size], budget, exhausted: false }
    }

    /// Every matched pair, in order: boxes are solved left before right, and a box's common
    /// suffix is written after everything inside it.
    fn run(&mut self) -> Vec<(u32, u32)> {
        /// Work left: a box to solve, or a box's common suffix to write once its inside is done.
        enum Work {
            Solve(Area),
            Suffix { a: usize, b: usize, length: usize },
        }
        let mut pairs = Vec::new();
        let mut work = vec![Work::Solve(Area { a_low: 0, a_high: self.a.len(), b_low: 0, b_high: self.b.len() })];
        while let Some(next) = work.pop() {
            let mut area = match next {
                Work::Suffix { a, b, length } => {
                    pairs.extend((0..length).map(|at| ((a + at) as u32, (b + at) as u32)));
                    continue;
                }
                Work::Solve(area) => area,
            };
            // Match the box's own common prefix now, its common suffix after its inside.
            while area.a_low < area.a_high && area.b_low < area.b_high && self.a[area.a_low] == self.b[area.b_low] {
                pairs.push((area.a_low as u32, area.b_low as u32));
                area.a_low += 1;
                area.b_low += 1;
            }
            let mut length = 0;
            while area.a_low < area.a_high
                && area.b_low < area.b_high
                && self.a[area.a_high - 1] == self.b[area.b_high - 1]
            {
                area.a_high -= 1;
                area.b_high -= 1;
                length += 1;
            }
            work.push(Work::Suffix { a: area.a_high, b: area.b_high, length });
            if area.a_low == area.a_high || area.b_low == area.b_high || self.exhausted {
                continue;
            }
            if let Some((x, y)) = self.middle(area) {
                let (split_a, split_b) = (area.a_low + x, area.b_low + y);
                // A split at a corner would give the same box back: leave it unmatched instead
                // (it does not happen once prefix and suffix are matched; kept as a guard).
                if (split_a, split_b) == (area.a_low, area.b_low) || (split_a, split_b) == (area.a_high, area.b_high) {
                    continue;
                }
                work.push(Work::Solve(Area {
                    a_low: split_a,
                    a_high: area.a_high,
                    b_low: split_b,
                    b_high: area.b_high,
                }));
                work.push(Work::Solve(Area { a_low: area.a_low, a_high: split_a, b_low: area.b_low, b_high: split_b }));
            }
        }
        pairs
    }

    /// Where the shortest edit path of `area` crosses its middle (relative to the box's corner),
    /// or `None` when the box has nothing in common or the budget ran out.
    fn middle(&mut self, area: Area) -> Option<(usize, usize)> {
        let a = &self.a[area.a_low..area.a_high];
        let b = &self.b[area.b_low..area.b_high];
        let (n, m) = (a.len() as isize, b.len() as isize);
        let max_d = (n + m + 1) / 2;
        let offset = max_d;
        let length = (2 * max_d + 2) as usize;
        self.forward[..length].fill(-1);
        self.backward[..length].fill(-1);
        self.forward[(offset + 1) as usize] = 0;
        self.backward[(offset + 1) as usize] = 0;
        let delta = n - m;
        // With an odd delta the paths meet on a forward step, else on a backward one.
        let meets_forward = delta % 2 != 0;
        let (mut forward_start, mut forward_end, mut backward_start, mut backward_end) = (0, 0, 0, 0);
        // Each diagonal looked at and each step along a snake costs one unit of the budget.
        let mut spent: u64 = 0;
        for d in 0..max_d {
            spent += 2 * (2 * d + 1) as u64;
            if spent > self.budget {
                self.exhausted = true;
                return None;
            }
            let mut k = -d + forward_start;
            while k <= d - forward_end {
                let at = (offset + k) as usize;
                let mut x = if k == -d || (k != d && self.forward[at - 1] < self.forward[at + 1]) {
                    self.forward[at + 1]
                } else {
                    self.forward[at - 1] + 1
                };
                let mut y = x - k;
                let from = x;
                while x < n && y < m && a[x as usize] == b[y as usize] {
                    x += 1;
                    y += 1;
                }
                spent += (x - from) as u64;
                self.forward[at] = x;
                if x > n {
                    forward_end += 2;
                } else if y > m {
                    forward_start += 2;
                } else if meets_forward {
                    let other = offset + delta - k;
                    if other >= 0 && (other as usize) < length && self.backward[other as usize] != -1 {
                        let reached = n - self.backward[other as usize];
                        if x >= reached {
                            self.budget -= spent.min(self.budget);
                            return Some((x as usize, y as usize));
                        }
                    }
                }
                k += 2;
            }
            let mut k = -d + backward_start;
            while k <= d - backward_end {
                let at = (offset + k) as usize;
                let mut x = if k == -d || (k != d && self.backward[at - 1] < self.backward[at + 1]) {
                    self.backward[at + 1]
                } else {
                    self.backward[at - 1] + 1
                };
                let mut y = x - k;
                let from = x;
                while x < n && y < m && a[(n - x - 1) as usize] == b[(m - y - 1) as usize] {
                    x += 1;
                    y += 1;
                }
                spent += (x - from) as u64;
                self.backward[at] = x;
                if x > n {
                    backward_end += 2;
                } else if y > m {
                    backward_start += 2;
                } else if !meets_forward {
                    let other = offset + delta - k;
                    if other >= 0 && (other as usize) < length && self.forward[other as usize] != -1 {
                        let forward_x = self.forward[other as usize];
                        let forward_y = offset + forward_x - other;
                        if forward_x >= n - x {
                            self.budget -= spent.min(self.budget);
                            return Some((forward_x as usize, forward_y as usize));
                        }
                    }
                }
                k += 2;
            }
        }
        self.budget -= spent.min(self.budget);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SplitMix64;

    /// The LCS length by dynamic programming, to check against.
    fn lcs_length(a: &[u32], b: &[u32]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for &x in a {
            let mut diagonal = 0;
            for (column, &y) in b.iter().enumerate() {
                let above = row[column + 1];
                row[column + 1] = if x == y { diagonal + 1 } else { above.max(row[column]) };
                diagonal = above;
            }
        }
        row[b.len()]
    }

    fn check(a: &[u32], b: &[u32]) {
        let matching = longest_common_subsequence(a, b, 16, DEFAULT_BUDGET);
        assert!(matching.exact);
        for window in matching.pairs.windows(2) {
            assert!(window[0].0 < window[1].0 && window[0].1 < window[1].1, "increasing: {:?}", matching.pairs);
        }
        for &(x, y) in &matching.pairs {
            assert_eq!(a[x as usize], b[y as usize]);
        }
        assert_eq!(matching.pairs.len(), lcs_length(a, b), "{a:?} / {b:?}");
    }

    #[test]
    fn small_cases_find_the_longest_common_subsequence() {
        check(&[], &[]);
        check(&[1], &[]);
        check(&[1], &[2]);
        check(&[1, 2, 3], &[1, 2, 3]);
        check(&[1, 2, 3, 4], &[1, 3, 4, 4, 4]);
        check(&[0, 1, 2, 0, 1, 1, 0], &[2, 1, 0, 1, 0, 2]);
    }

    #[test]
    fn random_sequences_match_the_dynamic_programme() {
        let mut random = SplitMix64::new(7);
        for _ in 0..2_000 {
            let alphabet = 1 + random.below(6);
            let a: Vec<u32> = (0..random.below(30)).map(|_| random.below(alphabet) as u32).collect();
            let b: Vec<u32> = (0..random.below(30)).map(|_| random.below(alphabet) as u32).collect();
            check(&a, &b);
        }
    }

    #[test]
    fn a_spent_budget_gives_a_valid_approximate_matching() {
        let a: Vec<u32> = (0..2_000).map(|at| at % 7).collect();
        let b: Vec<u32> = (0..2_000).map(|at| (at * 3) % 5).collect();
        let matching = longest_common_subsequence(&a, &b, 8, 1_000);
        assert!(!matching.exact);
        for &(x, y) in &matching.pairs {
            assert_eq!(a[x as usize], b[y as usize]);
        }
        assert!(matching.pairs.windows(2).all(|pair| pair[0].0 < pair[1].0 && pair[0].1 < pair[1].1));
    }

    #[test]
    fn long_similar_sequences_are_fast_and_exact() {
        let a: Vec<u32> = (0..200_000).map(|at| at % 97).collect();
        let mut b = a.clone();
        b.insert(50_000, 3);
        b.remove(150_000);
        let matching = longest_common_subsequence(&a, &b, 128, DEFAULT_BUDGET);
        assert!(matching.exact);
        assert_eq!(matching.pairs.len(), 199_999);
    }
}
