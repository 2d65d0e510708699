//! The little Markdown lessons are written in: paragraphs, `-` lists, `**bold**`,
//! `*italic*` and `` `code` ``, turned into Yew nodes (never into raw HTML, so a lesson
//! from elsewhere cannot inject markup).

use yew::prelude::*;

/// One inline piece of a line.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `code`.
    Code(String),
    /// **strong**.
    Strong(String),
    /// *emphasis*.
    Em(String),
}

/// A block of the text.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph (consecutive lines joined).
    Paragraph(Vec<Inline>),
    /// A bulleted list.
    List(Vec<Vec<Inline>>),
}

/// Splits a line into inline pieces; an unclosed marker stays literal.
pub fn inlines(line: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let (marker, make): (&str, fn(String) -> Inline) = match c {
            '`' => ("`", Inline::Code),
            '*' if rest.starts_with("**") => ("**", Inline::Strong),
            '*' if rest.len() > 1 && !rest[1..].starts_with(' ') => ("*", Inline::Em),
            _ => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
        };
        match rest[marker.len()..].find(marker) {
            Some(end) if end > 0 => {
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(make(rest[marker.len()..marker.len() + end].to_string()));
                rest = &rest[marker.len() * 2 + end..];
            }
            _ => {
                text.push_str(marker);
                rest = &rest[marker.len()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

/// Splits text into paragraphs and lists.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, items: &mut Vec<String>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !items.is_empty() {
            out.push(Block::List(items.iter().map(|i| inlines(i)).collect()));
            items.clear();
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut paragraph, &mut items, &mut out);
        } else if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            if !paragraph.is_empty() {
                let mut none = Vec::new();
                flush(&mut paragraph, &mut none, &mut out);
            }
            items.push(item.to_string());
        } else if !items.is_empty() && line.starts_with("  ") {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(t);
            }
        } else {
            if !items.is_empty() {
                let mut none = Vec::new();
                flush(&mut none, &mut items, &mut out);
            }
            paragraph.push(t);
        }
    }
    flush(&mut paragraph, &mut items, &mut out);
    out
}

fn inline_html(pieces: &[Inline]) -> Html {
    html! { <>{ for pieces.iter().map(|p| match p {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Code(t) => html! { <code>{ whole_words(t) }</code> },
        Inline::Strong(t) => html! { <strong>{ t.clone() }</strong> },
        Inline::Em(t) => html! { <em>{ t.clone() }</em> },
    }) }</> }
}

/// Renders lesson Markdown.
pub fn render(text: &str) -> Html {
    html! { <>{ for blocks(text).iter().map(|b| match b {
        Block::Paragraph(p) => html! { <p>{ inline_html(p) }</p> },
        Block::List(items) => html! { <ul>{ for items.iter().map(|i| html! { <li>{ inline_html(i) }</li> }) }</ul> },
    }) }</> }
}

/// A command line whose words wrap only between them: each word is a `.word` box, so a line
/// breaks at a space and never after a hyphen inside a word (`--\nreplicas=3` read as two
/// words on a projector). Spaces, newlines and indentation stay as they are, for copying.
pub fn whole_words(text: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    for (l, line) in text.split('\n').enumerate() {
        if l > 0 {
            out.push(html! { {"\n"} });
        }
        for (i, word) in line.split(' ').enumerate() {
            if i > 0 {
                out.push(html! { {" "} });
            }
            if !word.is_empty() {
                out.push(html! { <span class="word">{ word }</span> });
            }
        }
    }
    out.into_iter().collect::<Html>()
}
