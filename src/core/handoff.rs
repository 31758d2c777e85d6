//! A popup flow's answer that reached another tab: the bank's app opened the redirect URI
//! in a new tab, not in the popup, which stays stranded on the bank's page. The shared
//! store holds the flow ([`super::shared`]); its opener may still be waiting for it.
//!
//! The tab relays the callback on the flow's channel, as a popup under COOP does, and
//! waits for the opener's word that it settled the flow. The opener verifies and consumes
//! the flow in the shared store, settles its promise and closes the stranded popup; this
//! tab then says "return to the app" and answers `null` (it does not close itself: a tab
//! the operating system opened may not be closable by script). No word within
//! [`SETTLED_WAIT_MS`] means the opener is gone (a browser ends background tabs): the tab
//! takes the callback itself, through the same transaction any tab takes a shared flow
//! with. Who completes the flow is never a matter of timing: the store's transactions are
//! serialized, so exactly one of the two consumes it. The wait only decides which tab
//! shows the result; if the opener was merely slow and took the flow first, this tab finds
//! the `done` marker and hands over as if it had heard the word.
//!
//! A state machine without I/O: the web layer feeds it events and performs its actions.

use super::error::{AuthError, ErrorCode};
use super::outcome::AuthorizationResult;

/// How long a tab that relayed a popup flow's answer waits for the opener's word before
/// it takes the opener for gone, and how long a popup waits before it says "return to the
/// app". An opener in a background tab hears a relay at once: message events are not
/// throttled as timers are.
pub const SETTLED_WAIT_MS: i32 = 1500;

/// What the relaying tab's page answers.
pub type Outcome = Result<Option<AuthorizationResult>, AuthError>;

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// The opener said it settled the flow.
    Settled,
    /// [`SETTLED_WAIT_MS`] passed.
    WaitOver,
    /// The shared store answered the tab's own take of the callback (the web layer keeps
    /// the outcome: [`Action::Answer`] answers it).
    Taken(&'a Outcome),
}

/// What the web layer does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Nothing.
    None,
    /// Take the callback from the shared store here (`shared::Op::Callback` with
    /// `take_popup`).
    Take,
    /// The opener has the answer: say "return to the app", answer `null`.
    HandOver,
    /// Answer the outcome of the take ([`Event::Taken`]).
    Answer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting,
    Taking,
    Over,
}

/// The relaying tab's side of the hand-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    phase: Phase,
}

impl Handoff {
    /// After the relay was posted (and the wait started). `channel`: whether the relay
    /// could be posted at all; without a channel no opener can hear it, and the tab takes
    /// the callback at once.
    pub fn relayed(channel: bool) -> (Self, Action) {
        if channel {
            (Self { phase: Phase::Waiting }, Action::None)
        } else {
            (Self { phase: Phase::Taking }, Action::Take)
        }
    }

    /// Feeds one event.
    pub fn on(&mut self, event: Event) -> Action {
        match (self.phase, event) {
            (Phase::Waiting, Event::Settled) => {
                self.phase = Phase::Over;
                Action::HandOver
            }
            (Phase::Waiting, Event::WaitOver) => {
                self.phase = Phase::Taking;
                Action::Take
            }
            (Phase::Taking, Event::Taken(outcome)) => {
                self.phase = Phase::Over;
                match outcome {
                    // The opener was slow, not gone: it took the flow first.
                    Err(e) if e.code == ErrorCode::AlreadyHandled => Action::HandOver,
                    _ => Action::Answer,
                }
            }
            // The store decides once the take began; a late word changes nothing.
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode) -> Outcome {
        Err(AuthError::new(code, "x"))
    }

    /// Feeds `events` in order; the actions.
    fn timeline(channel: bool, events: Vec<Event<'_>>) -> Vec<Action> {
        let (mut h, first) = Handoff::relayed(channel);
        let mut actions = vec![first];
        actions.extend(events.into_iter().map(|e| h.on(e)));
        actions
    }

    #[test]
    fn the_openers_word_hands_over_and_nothing_after_it_counts() {
        let got = timeline(true, vec![Event::Settled, Event::WaitOver, Event::Taken(&Ok(None))]);
        assert_eq!(got, [Action::None, Action::HandOver, Action::None, Action::None]);
    }

    #[test]
    fn no_word_in_time_takes_the_callback_here() {
        let got = timeline(true, vec![Event::WaitOver, Event::Settled, Event::Taken(&Ok(None))]);
        assert_eq!(got, [Action::None, Action::Take, Action::None, Action::Answer]);
    }

    #[test]
    fn a_slow_opener_that_took_the_flow_first_is_a_hand_over() {
        let got = timeline(true, vec![Event::WaitOver, Event::Taken(&err(ErrorCode::AlreadyHandled))]);
        assert_eq!(got, [Action::None, Action::Take, Action::HandOver]);
    }

    #[test]
    fn without_a_channel_the_tab_takes_it_at_once_and_reports_failures() {
        let got = timeline(false, vec![Event::Taken(&err(ErrorCode::Expired)), Event::Settled]);
        assert_eq!(got, [Action::Take, Action::Answer, Action::None]);
    }
}
