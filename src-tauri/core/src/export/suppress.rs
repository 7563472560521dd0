//! Small-cell suppression of a two-way table of counts that is published with its row
//! totals, column totals and grand total.
//!
//! **Primary suppression.** Every cell, totals included, that counts at least one and
//! fewer than `k` persons is suppressed (a total is a count of persons too). Zeros are
//! published: "nobody" discloses no one.
//!
//! **Why more is needed.** A suppressed cell alone in its row is the row total minus
//! the others. Asking that every row and column holding a suppressed cell hold at least
//! two (counting the total) stops that first subtraction, but not sums of several
//! lines: two blocks of suppressed cells joined by one suppressed cell satisfy the rule,
//! yet adding the rows of one block and subtracting its columns leaves exactly the
//! joining cell. Zeros leak too: suppressed cells whose published sum is 0 are all 0.
//!
//! **The graph.** Take the table with its totals as an (R+1)×(C+1) matrix and negate
//! the row and column totals (not the grand total): every row and every column of it
//! then sums to zero, which is all the totals say. Let the rows and the columns (totals
//! included) be nodes and each suppressed cell an edge between its row and its column.
//! The values the suppressed cells could take, given everything published, differ from
//! the true ones by a matrix that is zero outside the suppressed cells and sums to zero
//! along every row and column: a sum of signed cycles of this graph. So a suppressed
//! cell can be worked out exactly from the totals, by subtraction or any other linear
//! means, exactly when its edge lies on no cycle: when it is a *bridge*. And when it
//! lies on a cycle whose cells are all positive, moving ±1 around that cycle gives two
//! other tables of whole, non-negative counts with the same published figures, so not
//! even "counts are never negative" pins it down.
//!
//! **The algorithm.** Suppress only positive cells (primary ones are positive).
//! While the graph of suppressed cells has a bridge: find the cheapest path that joins
//! the bridge's row to its column through positive cells without using the bridge,
//! where a suppressed cell costs nothing and any other its count (Dijkstra), and
//! suppress every cell on it; the bridge now lies on a cycle of positive suppressed
//! cells. Such a path always exists, because the positive cells alone have no bridge
//! (a positive cell, its row total, its column total and the grand total form a cycle
//! of positive cells), and each round suppresses at least one more cell, so it ends;
//! at worst every positive cell is suppressed, which is safe. When it ends no
//! suppressed cell is a bridge, so none can be recovered, and in particular every row
//! or column holding a suppressed cell holds at least two. Each round costs a bridge
//! search and a shortest path over the (R+1)(C+1) cells.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A table as published: each cell, total and the grand total, or `None` if suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub column_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
    /// Cells (totals included) suppressed for counting fewer than k.
    pub primary: u64,
    /// Cells suppressed so that no suppressed cell can be worked out from the others.
    pub secondary: u64,
}

/// The table with its totals, as one (R+1)×(C+1) matrix: row R holds the column
/// totals, column C the row totals, (R, C) the grand total.
struct Grid {
    rows: usize,
    columns: usize,
    value: Vec<u64>,
    suppressed: Vec<bool>,
}

impl Grid {
    fn new(counts: &[Vec<u64>], columns: usize) -> Grid {
        let rows = counts.len();
        let width = columns + 1;
        let mut value = vec![0u64; (rows + 1) * width];
        for (i, row) in counts.iter().enumerate() {
            assert_eq!(row.len(), columns, "a rectangular table");
            for (j, &n) in row.iter().enumerate() {
                value[i * width + j] = n;
                value[i * width + columns] += n;
                value[rows * width + j] += n;
                value[rows * width + columns] += n;
            }
        }
        Grid {
            rows,
            columns,
            suppressed: vec![false; value.len()],
            value,
        }
    }

    fn cell(&self, i: usize, j: usize) -> usize {
        i * (self.columns + 1) + j
    }

    fn nodes(&self) -> usize {
        self.rows + self.columns + 2
    }

    /// The cell's two nodes: its row, and its column (numbered after the rows).
    fn ends(&self, cell: usize) -> (usize, usize) {
        let width = self.columns + 1;
        (cell / width, self.rows + 1 + cell % width)
    }

    /// The cells in a node's row or column, with the node at their other end.
    fn incident(&self, node: usize) -> Vec<(usize, usize)> {
        let width = self.columns + 1;
        if node <= self.rows {
            (0..width)
                .map(|j| (self.cell(node, j), self.rows + 1 + j))
                .collect()
        } else {
            let j = node - self.rows - 1;
            (0..=self.rows).map(|i| (self.cell(i, j), i)).collect()
        }
    }

    /// A suppressed cell that no cycle of suppressed cells goes through, if any
    /// (Tarjan's bridge search, without recursion).
    fn bridge(&self) -> Option<usize> {
        let n = self.nodes();
        let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (cell, _) in self.suppressed.iter().enumerate().filter(|(_, s)| **s) {
            let (a, b) = self.ends(cell);
            adj[a].push((b, cell));
            adj[b].push((a, cell));
        }
        const NONE: usize = usize::MAX;
        let mut disc = vec![NONE; n];
        let mut low = vec![0usize; n];
        let mut time = 0;
        for start in 0..n {
            if disc[start] != NONE || adj[start].is_empty() {
                continue;
            }
            disc[start] = time;
            low[start] = time;
            time += 1;
            // (node, the cell it was reached by, next neighbour to look at)
            let mut stack = vec![(start, NONE, 0usize)];
            while let Some(top) = stack.last_mut() {
                let (u, via, next) = *top;
                if next < adj[u].len() {
                    top.2 += 1;
                    let (w, cell) = adj[u][next];
                    if cell == via {
                        continue;
                    }
                    if disc[w] == NONE {
                        disc[w] = time;
                        low[w] = time;
                        time += 1;
                        stack.push((w, cell, 0));
                    } else {
                        low[u] = low[u].min(disc[w]);
                    }
                } else {
                    stack.pop();
                    if let Some(&(parent, _, _)) = stack.last() {
                        low[parent] = low[parent].min(low[u]);
                        if low[u] > disc[parent] {
                            return Some(via);
                        }
                    }
                }
            }
        }
        None
    }

    /// Suppresses the cheapest path of positive cells from one end of `bridge` to the
    /// other that does not use it.
    fn close_cycle(&mut self, bridge: usize) -> u64 {
        let (from, to) = self.ends(bridge);
        let n = self.nodes();
        let mut dist = vec![u64::MAX; n];
        let mut came_by: Vec<Option<usize>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        dist[from] = 0;
        heap.push(Reverse((0u64, from)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > dist[u] {
                continue;
            }
            if u == to {
                break;
            }
            for (cell, w) in self.incident(u) {
                if cell == bridge || self.value[cell] == 0 {
                    continue;
                }
                let cost = if self.suppressed[cell] {
                    0
                } else {
                    self.value[cell]
                };
                if d + cost < dist[w] {
                    dist[w] = d + cost;
                    came_by[w] = Some(cell);
                    heap.push(Reverse((d + cost, w)));
                }
            }
        }
        let mut added = 0;
        let mut node = to;
        while node != from {
            let cell = came_by[node].expect("the positive cells have no bridge");
            if !self.suppressed[cell] {
                self.suppressed[cell] = true;
                added += 1;
            }
            let (a, b) = self.ends(cell);
            node = if a == node { b } else { a };
        }
        assert!(added > 0, "a bridge is closed by at least one new cell");
        added
    }
}

/// Publishes `counts` (rows of `columns` counts) with its totals, suppressing every
/// cell under `k` and as many others as it takes that none can be worked out.
pub fn protect(counts: &[Vec<u64>], columns: usize, k: u64) -> Published {
    let mut grid = Grid::new(counts, columns);
    let mut primary = 0;
    for (v, s) in grid.value.iter().zip(grid.suppressed.iter_mut()) {
        if *v > 0 && *v < k {
            *s = true;
            primary += 1;
        }
    }
    let mut secondary = 0;
    while let Some(bridge) = grid.bridge() {
        secondary += grid.close_cycle(bridge);
    }
    let shown = |cell: usize| (!grid.suppressed[cell]).then_some(grid.value[cell]);
    let (rows, columns) = (grid.rows, grid.columns);
    Published {
        cells: (0..rows)
            .map(|i| (0..columns).map(|j| shown(grid.cell(i, j))).collect())
            .collect(),
        row_totals: (0..rows).map(|i| shown(grid.cell(i, columns))).collect(),
        column_totals: (0..columns).map(|j| shown(grid.cell(rows, j))).collect(),
        total: shown(grid.cell(rows, columns)),
        primary,
        secondary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_with(rows: usize, columns: usize, suppressed: &[(usize, usize)]) -> Grid {
        let mut g = Grid::new(&vec![vec![1; columns]; rows], columns);
        for &(i, j) in suppressed {
            let c = g.cell(i, j);
            g.suppressed[c] = true;
        }
        g
    }

    #[test]
    fn two_blocks_joined_by_one_cell_pass_the_two_per_line_rule_but_that_cell_is_a_bridge() {
        // Block one: rows 0-1 × columns 0-1; block two: rows 2-3 × columns 2-3; the
        // joining cell (1, 2). Every row and column holds two or three.
        let blocks = [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (2, 2),
            (2, 3),
            (3, 2),
            (3, 3),
        ];
        let g = grid_with(4, 4, &blocks);
        assert_eq!(g.bridge(), None);
        let mut joined = blocks.to_vec();
        joined.push((1, 2));
        let g = grid_with(4, 4, &joined);
        assert_eq!(g.bridge(), Some(g.cell(1, 2)));
    }

    #[test]
    fn a_small_cell_takes_a_partner_in_its_row_and_its_column() {
        let p = protect(&[vec![2, 10, 9], vec![8, 7, 12]], 3, 5);
        assert_eq!(p.cells[0][0], None);
        assert_eq!(p.primary, 1);
        assert!(p.secondary >= 3, "{p:?}");
        for row in &p.cells {
            assert_ne!(row.iter().filter(|c| c.is_none()).count(), 1);
        }
        assert_eq!(p.total, Some(48));
    }

    #[test]
    fn a_table_without_small_cells_is_published_whole() {
        let p = protect(&[vec![5, 0, 9], vec![8, 7, 12]], 3, 5);
        assert_eq!(p.primary + p.secondary, 0);
        assert_eq!(p.row_totals, vec![Some(14), Some(27)]);
        assert_eq!(p.column_totals, vec![Some(13), Some(7), Some(21)]);
    }

    #[test]
    fn one_small_count_alone_hides_the_whole_table() {
        let p = protect(&[vec![3]], 1, 5);
        assert_eq!(p.cells, vec![vec![None]]);
        assert_eq!(
            (p.row_totals[0], p.column_totals[0], p.total),
            (None, None, None)
        );
        let empty = protect(&[], 4, 5);
        assert_eq!(empty.total, Some(0));
    }
}
