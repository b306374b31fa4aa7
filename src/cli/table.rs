//! Plain-text tables for the terminal: every column padded to its widest
//! cell so that columns line up, widths counted in characters (not bytes) so
//! that a non-ASCII cell does not shift the columns after it.

/// Spaces between two columns.
pub const COLUMN_GAP: &str = "  ";

/// Renders `rows` (all of the same length) as aligned lines, each ending in a
/// newline. The last column is not padded, so no line ends in padding.
pub fn aligned_table(rows: &[Vec<&str>]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let column_count = first.len();
    assert!(
        rows.iter().all(|row| row.len() == column_count),
        "every row of a table has the same number of cells"
    );
    let widths: Vec<usize> = (0..column_count)
        .map(|column| rows.iter().map(|row| row[column].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            text.push_str(cell);
            if column + 1 < column_count {
                let padding = widths[column] - cell.chars().count();
                text.extend(std::iter::repeat_n(' ', padding));
                text.push_str(COLUMN_GAP);
            }
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_lines_have_no_trailing_padding() {
        let rows = vec![
            vec!["name", "unit", "meaning"],
            vec!["seed", "id", "the seed"],
            vec!["ç", "", "x"],
        ];
        assert_eq!(
            aligned_table(&rows),
            "name  unit  meaning\n\
             seed  id    the seed\n\
             ç           x\n"
        );
    }

    #[test]
    fn an_empty_table_is_empty() {
        assert_eq!(aligned_table(&[]), "");
        assert_eq!(aligned_table(&[vec![]]), "\n");
    }

    #[test]
    #[should_panic(expected = "same number of cells")]
    fn ragged_rows_are_a_programming_error() {
        aligned_table(&[vec!["a", "b"], vec!["c"]]);
    }

    proptest::proptest! {
        /// Every cell starts at its column's offset: the sum of the widths
        /// of the columns before it plus one gap each.
        #[test]
        fn every_cell_starts_at_its_column_offset(
            rows in proptest::collection::vec(proptest::collection::vec("[^\\n\\r]{0,8}", 3), 1..6)
        ) {
            let borrowed: Vec<Vec<&str>> = rows.iter().map(|row| row.iter().map(String::as_str).collect()).collect();
            let text = aligned_table(&borrowed);
            let lines: Vec<&str> = text.split_terminator('\n').collect();
            proptest::prop_assert_eq!(lines.len(), rows.len());
            let widths: Vec<usize> =
                (0..3).map(|column| rows.iter().map(|row| row[column].chars().count()).max().unwrap_or(0)).collect();
            for (line, row) in lines.iter().zip(&rows) {
                let characters: Vec<char> = line.chars().collect();
                let mut offset = 0;
                for (column, cell) in row.iter().enumerate() {
                    let length = cell.chars().count();
                    let found: String = characters[offset..offset + length].iter().collect();
                    proptest::prop_assert_eq!(&found, cell);
                    offset += widths[column] + COLUMN_GAP.len();
                }
                let last = &row[2];
                proptest::prop_assert!(line.ends_with(last.as_str()));
            }
        }
    }
}
