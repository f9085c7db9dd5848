package io.gatehouse.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders rows as the box-drawing tables maxctrl prints: a rule between every row, cells padded by one space, and
 * cells holding several lines (lists, JSON) spread over as many text lines. With no header only the rows are
 * drawn (the two-column tables of {@code show}). Used on the command's thread; builds strings only.
 */
public final class BoxTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** {@code header} may be null for a table without a header row. */
    public BoxTable(List<String> header) {
        this.header = header;
    }

    public BoxTable row(List<String> cells) {
        rows.add(cells);
        return this;
    }

    public String render() {
        int cols = header != null ? header.size() : rows.isEmpty() ? 0 : rows.get(0).size();
        int[] width = new int[cols];
        List<List<String>> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(rows);
        for (List<String> r : all) {
            for (int c = 0; c < cols; c++) {
                for (String line : lines(cell(r, c))) {
                    width[c] = Math.max(width[c], line.codePointCount(0, line.length()));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        rule(sb, width, '┌', '┬', '┐');
        for (int i = 0; i < all.size(); i++) {
            if (i > 0) {
                rule(sb, width, '├', '┼', '┤');
            }
            row(sb, width, all.get(i));
        }
        rule(sb, width, '└', '┴', '┘');
        return sb.toString();
    }

    private static String cell(List<String> r, int c) {
        return c < r.size() && r.get(c) != null ? r.get(c) : "";
    }

    private static String[] lines(String s) {
        return s.split("\n", -1);
    }

    private static void row(StringBuilder sb, int[] width, List<String> r) {
        int height = 1;
        for (int c = 0; c < width.length; c++) {
            height = Math.max(height, lines(cell(r, c)).length);
        }
        for (int h = 0; h < height; h++) {
            sb.append('│');
            for (int c = 0; c < width.length; c++) {
                String[] ls = lines(cell(r, c));
                String text = h < ls.length ? ls[h] : "";
                sb.append(' ').append(text).append(" ".repeat(width[c] - text.codePointCount(0, text.length())))
                        .append(" │");
            }
            sb.append('\n');
        }
    }

    private static void rule(StringBuilder sb, int[] width, char left, char mid, char right) {
        sb.append(left);
        for (int c = 0; c < width.length; c++) {
            sb.append("─".repeat(width[c] + 2)).append(c == width.length - 1 ? right : mid);
        }
        sb.append('\n');
    }

    /** The rows as tab-separated values, one line per row, no header (maxctrl's {@code --tsv}). */
    public String tsv() {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : r) {
                cells.add(c == null ? "" : c.replace("\n", ", "));
            }
            sb.append(String.join("\t", cells)).append('\n');
        }
        return sb.toString();
    }
}
