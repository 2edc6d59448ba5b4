//! A column of reason texts, one a row, each distinct text of a stretch of rows written once.

use std::collections::HashMap;
use std::hash::Hash;

use crate::parallel::{par_map, par_tasks};

/// Rows a task of [`render_column`] renders (a constant, so the codes do not depend on the
/// threads).
const TEXT_TASK: usize = 1 << 16;

/// The most distinct keys a task of [`render_column`] remembers; rows with a key past that are
/// rendered every time (bounded memory when nearly every row's text differs).
const MEMO_CAP: usize = 1 << 12;

/// The texts of many rows — every customer's reason — held as a table of texts and a code a
/// row: row `i` reads `texts()[codes()[i]]`.
///
/// Rows whose reasons are equal (the same rule and the same numbers) share one text within
/// each stretch of 65,536 rows, so a million customers on a handful of rules hold a few dozen
/// strings, not a million; a text may appear more than once in the table (once a stretch, or
/// when a stretch has more than 4,096 distinct reasons). The rows are rendered in stretches on
/// the thread pool; the codes and texts do not depend on the threads. The table lists the
/// texts in the order of the first row that uses each, so a table as long as the column is the
/// column itself (`codes()[i] == i`).
///
/// # Example
/// ```
/// use cvm_core::loyalty::{loyalty_stages, LadderInput, LadderOptions};
///
/// let (f, r, t) = ([0.0, 2.0, 3.0, 2.0], [0.0, 10.0, 12.0, 9.0], [20.0, 20.0, 20.0, 20.0]);
/// let ladder = loyalty_stages(&LadderInput::new(&f, &r, &t), &LadderOptions::default())?;
/// let reasons = ladder.reason_texts();
/// assert_eq!(reasons.len(), 4);
/// assert_eq!(reasons.get(0), "first_time: frequency=0<1");
/// assert_eq!(reasons.get(1), "repeat: frequency=2>=1");
/// assert_eq!(reasons.codes(), &[0, 1, 2, 1]);       // rows 1 and 3 share a text
/// assert_eq!(reasons.texts().len(), 3);
/// assert_eq!(reasons.iter().nth(2), Some("repeat: frequency=3>=1"));
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextColumn {
    codes: Vec<usize>,
    texts: Vec<String>,
}

impl TextColumn {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The text of row `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn get(&self, i: usize) -> &str {
        &self.texts[self.codes[i]]
    }

    /// Every row's index into [`texts`](Self::texts).
    pub fn codes(&self) -> &[usize] {
        &self.codes
    }

    /// The table of texts the codes index.
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    /// The rows' texts, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.codes.iter().map(|&c| self.texts[c].as_str())
    }

    /// The codes and the table, moved out.
    pub fn into_parts(self) -> (Vec<usize>, Vec<String>) {
        (self.codes, self.texts)
    }
}

/// The texts of rows `0..n`: `render(i)` for each row, called once per distinct `key(i)` within a
/// stretch of [`TEXT_TASK`] rows (rows with equal keys must have equal texts). Work: `n` key
/// computations and hash lookups plus one `render` per distinct key a stretch (every row past
/// [`MEMO_CAP`] distinct keys), the stretches on the thread pool.
pub(crate) fn render_column<K, KeyFn, RenderFn>(
    n: usize, key: KeyFn, render: RenderFn,
) -> TextColumn
where
    K: Hash + Eq,
    KeyFn: Fn(usize) -> K + Sync + Send,
    RenderFn: Fn(usize) -> String + Sync + Send,
{
    let parts = par_tasks(n.div_ceil(TEXT_TASK), |task| {
        let rows = task * TEXT_TASK..n.min((task + 1) * TEXT_TASK);
        let mut memo: HashMap<K, usize> = HashMap::new();
        let mut texts = Vec::new();
        let codes: Vec<usize> = rows
            .map(|i| {
                let k = key(i);
                if let Some(&code) = memo.get(&k) {
                    return code;
                }
                texts.push(render(i));
                if memo.len() < MEMO_CAP {
                    memo.insert(k, texts.len() - 1);
                }
                texts.len() - 1
            })
            .collect();
        (codes, texts)
    });
    let mut column = TextColumn { codes: Vec::with_capacity(n), texts: Vec::new() };
    for (codes, texts) in parts {
        let base = column.texts.len();
        column.codes.extend(codes.into_iter().map(|c| c + base));
        column.texts.extend(texts);
    }
    column
}

/// The texts of rows `0..n` when nearly every row's differs: `render(i)` for each row, on the
/// thread pool, every row its own text (no keys to compare).
pub(crate) fn render_rows<RenderFn>(n: usize, render: RenderFn) -> TextColumn
where
    RenderFn: Fn(usize) -> String + Sync + Send,
{
    TextColumn { codes: (0..n).collect(), texts: par_map(n, render) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_reads_its_own_text_whatever_the_threads() {
        // 20 reasons repeating, and a stretch of distinct ones past the memo's capacity.
        let n = 3 * TEXT_TASK + 1_000;
        let key = |i: usize| if i < TEXT_TASK { i % 20 } else { i };
        let text = |i: usize| format!("reason {}", key(i));
        #[cfg(feature = "parallel")]
        let (one, four) = crate::parallel::on_one_and_four_threads(|| render_column(n, key, text));
        #[cfg(not(feature = "parallel"))]
        let (one, four) = (render_column(n, key, text), render_column(n, key, text));
        assert_eq!(one, four);
        assert_eq!(one.len(), n);
        for i in [0, 1, 19, 20, 21, TEXT_TASK - 1, TEXT_TASK, n - 1] {
            assert_eq!(one.get(i), text(i), "row {i}");
        }
        assert!(one.iter().enumerate().all(|(i, t)| t == text(i)));
        // The first stretch holds its 20 reasons once each; every other row has its own text.
        assert_eq!(one.texts().len(), 20 + (n - TEXT_TASK));
        assert_eq!(one.codes()[20], one.codes()[0]);
        assert_eq!(one.codes()[TEXT_TASK + 5], 20 + 5);
    }

    #[test]
    fn rows_of_their_own() {
        let c = render_rows(5, |i| format!("row {i}"));
        assert_eq!(c.codes(), &[0, 1, 2, 3, 4]);
        assert_eq!(c.get(3), "row 3");
    }

    #[test]
    fn no_rows_no_texts() {
        let c = render_column(0, |i| i, |i| i.to_string());
        assert!(c.is_empty());
        assert!(c.texts().is_empty());
    }
}
