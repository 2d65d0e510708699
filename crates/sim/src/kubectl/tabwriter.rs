//! Models Go's text/tabwriter (as kubectl uses it): cells split at TABs, aligned
//! column by column in blocks of consecutive lines, padded with spaces.

/// Aligns TAB-separated text. `minwidth` and `padding` as in Go's `tabwriter.NewWriter`
/// (`get`: 6 and 3; `describe`: 0 and 2).
pub fn align(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::new();
    let mut widths = Vec::new();
    format(&lines, 0, lines.len(), &mut widths, minwidth, padding, &mut out);
    out
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() && j < widths.len() {
                let w = cell.chars().count();
                out.extend(std::iter::repeat_n(' ', widths[j].saturating_sub(w)));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

fn format(lines: &[Vec<&str>], mut line0: usize, line1: usize, widths: &mut Vec<usize>, minwidth: usize, padding: usize, out: &mut String) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format(lines, line0, this, widths, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_table_layout_matches_kubectl() {
        let text = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nnginx-7c5ddbdf54-4xkzq\t1/1\tRunning\t2 (65s ago)\t3m10s\ncrash-5d9f7\t0/1\tCrashLoopBackOff\t5 (2m30s ago)\t8m\n";
        let want = "NAME                     READY   STATUS             RESTARTS        AGE\nnginx-7c5ddbdf54-4xkzq   1/1     Running            2 (65s ago)     3m10s\ncrash-5d9f7              0/1     CrashLoopBackOff   5 (2m30s ago)   8m\n";
        assert_eq!(align(text, 6, 3), want);
    }

    #[test]
    fn minimum_width_and_blocks() {
        assert_eq!(align("NAME\tAGE\nweb\t5s\n", 6, 3), "NAME   AGE\nweb    5s\n");
        // A line without tabs ends the block: the columns after it align on their own.
        assert_eq!(align("a\tb\nlonger\tc\nbreak\nx\ty\n", 0, 2), "a       b\nlonger  c\nbreak\nx  y\n");
        // A line ending in a TAB keeps its padding.
        assert_eq!(align("IP:\t\nName:\tweb\n", 0, 2), "IP:    \nName:  web\n");
    }
}
