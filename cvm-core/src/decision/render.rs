//! The customer value report as CSV text and as a self-contained HTML page (strings; the core
//! does no I/O).

use std::fmt::Write;

use super::report::{CustomerValueReport, ReportValues};

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, quotes doubled.
fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// HTML text with `& < > " '` escaped.
fn html_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Cell `i` of a column as text: numbers in full (shortest round-trip) or rounded to `digits`
/// decimals, flags `true`/`false`, missing as `missing`.
fn cell(values: &ReportValues, i: usize, digits: Option<usize>, missing: &str) -> String {
    match values {
        ReportValues::Number(v) if v[i].is_nan() => missing.into(),
        ReportValues::Number(v) => match digits {
            Some(d) => format!("{:.*}", d, v[i]),
            None => format!("{}", v[i]),
        },
        ReportValues::Text(v) => v[i].clone().unwrap_or_else(|| missing.into()),
        ReportValues::Flag(v) => match v[i] {
            Some(b) => b.to_string(),
            None => missing.into(),
        },
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.3em}table{border-collapse:collapse;font-size:.85em}\
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}\
th{background:#f0f0f0;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}\
td.na{color:#999}tr:nth-child(even){background:#fafafa}";

impl CustomerValueReport {
    /// The report as CSV text (RFC 4180, `\n` line ends, a header row): numbers in full
    /// precision (they read back bit for bit), flags `true`/`false`, missing values empty.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for (k, c) in self.columns().iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(c.name);
        }
        out.push('\n');
        for i in 0..self.n_rows() {
            for (k, c) in self.columns().iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                csv_field(&mut out, &cell(&c.values, i, None, ""));
            }
            out.push('\n');
        }
        out
    }

    /// The report as one self-contained HTML page: inline CSS, no scripts, no external assets,
    /// every text escaped. Money is shown with 2 decimals, probabilities with 3, missing values
    /// as `NA`; `title` heads the page.
    pub fn to_html(&self, title: &str) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>",
        );
        html_escape(&mut out, title);
        let _ = write!(out, "</title><style>{STYLE}</style></head><body>\n<h1>");
        html_escape(&mut out, title);
        let _ = write!(out, "</h1>\n<p>{} customers.</p>\n<table><thead><tr>", self.n_rows());
        for c in self.columns() {
            let _ = write!(out, "<th>{}</th>", c.name);
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for i in 0..self.n_rows() {
            out.push_str("<tr>");
            for c in self.columns() {
                let digits = if c.name == "churn_probability" { 3 } else { 2 };
                let text = cell(&c.values, i, Some(digits), "NA");
                let missing = match &c.values {
                    ReportValues::Number(v) => v[i].is_nan(),
                    ReportValues::Text(v) => v[i].is_none(),
                    ReportValues::Flag(v) => v[i].is_none(),
                };
                let class = match (missing, &c.values) {
                    (true, _) => " class=\"na\"",
                    (false, ReportValues::Number(_)) => " class=\"num\"",
                    _ => "",
                };
                let _ = write!(out, "<td{class}>");
                html_escape(&mut out, &text);
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n</body></html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::decision::{Playbook, ReportBuilder};

    #[test]
    fn csv_quotes_and_html_escapes() {
        let r = ReportBuilder::new(vec!["a,\"b\"".into(), "<x>&'".into()])
            .unwrap()
            .clv(&[0.1 + 0.2, -3.0])
            .unwrap()
            .dormant(&[Some(true), None])
            .unwrap()
            .build(&Playbook::default())
            .unwrap();
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "customer_id,clv,dormant,next_best_action,action_reason");
        assert!(lines[1].starts_with("\"a,\"\"b\"\"\",0.30000000000000004,true,"));
        assert!(lines[2].starts_with("<x>&',-3,,no action"));
        let html = r.to_html("R&D <report>");
        assert!(html.contains("<title>R&amp;D &lt;report&gt;</title>"));
        assert!(html.contains("<td>&lt;x&gt;&amp;&#39;</td>"));
        assert!(html.contains("<td class=\"num\">0.30</td>"));
        assert!(html.contains("<td class=\"na\">NA</td>"));
        assert!(!html.contains("<script") && !html.contains("http"));
    }
}
