//! What a page already answered, by URL. Handling the same callback again in the same
//! page (React StrictMode runs effects twice; an app may call twice) gives the same
//! answer instead of `already_handled`, under the URL as handled and under its cleaned
//! form (the address bar after cleaning). Bounded: the oldest answers go first.

use std::rc::Rc;

/// How many answers are kept (each under up to two URLs).
pub const ANSWERS_KEPT: usize = 8;

/// The page's answers, newest last.
#[derive(Debug)]
pub struct Answered<T> {
    entries: Vec<(String, Rc<T>)>,
}

impl<T> Default for Answered<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Answered<T> {
    /// An empty record: nothing answered yet.
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }

    /// The answer given for `href`, if any.
    pub fn get(&self, href: &str) -> Option<Rc<T>> {
        self.entries.iter().find(|(u, _)| u == href).map(|(_, a)| a.clone())
    }

    /// Keeps `answer` for `href` and, when given, for the cleaned address; the oldest pair
    /// goes beyond [`ANSWERS_KEPT`]. Returns the shared answer.
    pub fn remember(&mut self, href: &str, answer: T, cleaned: Option<String>) -> Rc<T> {
        let answer = Rc::new(answer);
        if self.entries.len() >= ANSWERS_KEPT * 2 {
            self.entries.drain(..2);
        }
        self.entries.push((href.to_owned(), answer.clone()));
        if let Some(clean) = cleaned {
            self.entries.push((clean, answer.clone()));
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_url_same_answer_and_the_cleaned_address_too() {
        let mut a = Answered::default();
        assert!(a.get("https://app/cb?code=x").is_none());
        a.remember("https://app/cb?code=x", 1, Some("https://app/cb".into()));
        assert_eq!(a.get("https://app/cb?code=x").as_deref(), Some(&1));
        assert_eq!(a.get("https://app/cb").as_deref(), Some(&1));
        a.remember("https://app/other", 2, None);
        assert_eq!(a.get("https://app/other").as_deref(), Some(&2));
        assert!(a.get("https://app/cb?code=y").is_none());
    }

    #[test]
    fn bounded_oldest_first() {
        let mut a = Answered::default();
        for i in 0..ANSWERS_KEPT * 2 {
            a.remember(&format!("u{i}"), i, None);
        }
        // Sixteen single entries fill it; the next drops the two oldest.
        a.remember("new", 99, None);
        assert!(a.get("u0").is_none() && a.get("u1").is_none());
        assert_eq!(a.get("u2").as_deref(), Some(&2));
        assert_eq!(a.get("new").as_deref(), Some(&99));
        assert!(a.entries.len() <= ANSWERS_KEPT * 2);
    }
}
