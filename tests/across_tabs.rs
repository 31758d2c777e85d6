//! The shared store (`storage: "local"`) as timelines: tabs take turns the way IndexedDB
//! runs their `readwrite` transactions, one at a time, each reading every record and
//! writing what `core::shared::decide` says. Whatever the order, a consumed flow never
//! comes back, a new flow is never lost, and exactly one tab gets a callback's result.
//! The three-engine end-to-end suite then proves the driver runs them so.

use bank_link::core::authorize::build_authorization;
use bank_link::core::callback::Navigation;
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::Seed;
use bank_link::core::handoff::{Action, Event, Handoff};
use bank_link::core::popup::verdict;
use bank_link::core::shared::{decide, route, Answer, Hint, Op, Route};
use bank_link::core::uri::NativeUrl;
use bank_link::AuthorizationResult;

const NOW: u64 = 1_700_000_000_000;
const APP: &str = "https://app.example";

/// The object store's one record (the index), as each transaction leaves it.
#[derive(Default, Clone, Debug, PartialEq)]
struct Db(Option<String>);

impl Db {
    /// One transaction at `now`: decide on the index it reads, write what it decides.
    fn tx(&mut self, op: Op, now: u64) -> (Answer, Option<Hint>) {
        let d = decide(op, self.0.as_deref().unwrap_or(""), now, &NativeUrl);
        self.0 = d.write;
        (d.answer, d.hint)
    }

    fn pending(&self) -> usize {
        bank_link::core::store::Index::parse(self.0.as_deref().unwrap_or("")).entries().count()
    }
}

/// A flow as `startAuthorization` builds it: its state, the record, and its callback URL.
fn flow(seed: u8, mode: &str, path: &str) -> (String, bank_link::core::pending::PendingFlow, String) {
    let s = |v: &str| ConfigValue::String(v.into());
    let entries = vec![
        ("provider".into(), s("oauth2")),
        ("authorizeUrl".into(), s("https://as.example/authorize")),
        ("clientId".into(), s("c")),
        ("redirectUri".into(), s(&format!("{APP}{path}"))),
        ("mode".into(), s(mode)),
        ("storage".into(), s("local")),
    ];
    let cfg = validate(&entries, APP, &NativeUrl).unwrap();
    let auth = build_authorization(&cfg, &Seed([seed; 80]), NOW);
    let callback = format!("{APP}{path}?code=code-{seed}&state={}", auth.state);
    (auth.state, auth.pending, callback)
}

fn put(db: &mut Db, state: &str, f: &bank_link::core::pending::PendingFlow) {
    assert_eq!(db.tx(Op::Put { state, flow: f }, NOW).0, Answer::Done);
}

fn callback(db: &mut Db, href: &str, now: u64) -> Result<Option<AuthorizationResult>, String> {
    match db.tx(Op::Callback { href, nav: Navigation::Navigate, take_popup: false }, now).0 {
        Answer::Handled(h) => h.outcome.map_err(|e| e.code.as_str().to_owned()),
        other => Err(format!("{other:?}")),
    }
}

fn code(r: &Result<Option<AuthorizationResult>, String>) -> Option<String> {
    match r {
        Ok(Some(AuthorizationResult::Success { code, .. })) => code.as_ref().map(|c| c.secret().to_owned()),
        _ => None,
    }
}

#[test]
fn an_app_switch_completes_once() {
    let mut db = Db::default();
    let (x, fx, cb) = flow(1, "redirect", "/cb");
    put(&mut db, &x, &fx);
    let first = callback(&mut db, &cb, NOW + 1_000);
    assert_eq!(code(&first).as_deref(), Some("code-1"));
    assert_eq!(callback(&mut db, &cb, NOW + 2_000), Err("already_handled".into()));
    assert_eq!(db.pending(), 0);
}

#[test]
fn a_start_after_another_tab_consumed_a_flow_never_brings_it_back() {
    // Tab B consumes X; tab A, which saw X pending a moment before, starts Y. Each
    // transaction reads the store as the one before left it: X stays consumed.
    let mut db = Db::default();
    let (x, fx, cbx) = flow(1, "redirect", "/cb");
    let (y, fy, cby) = flow(2, "redirect", "/cb");
    put(&mut db, &x, &fx);
    assert!(code(&callback(&mut db, &cbx, NOW + 1_000)).is_some());
    put(&mut db, &y, &fy);
    assert_eq!(callback(&mut db, &cbx, NOW + 2_000), Err("already_handled".into()));
    assert_eq!(code(&callback(&mut db, &cby, NOW + 3_000)).as_deref(), Some("code-2"));
}

#[test]
fn a_new_flow_is_never_lost_whatever_the_order() {
    let (x, fx, cbx) = flow(1, "redirect", "/cb");
    let (y, fy, cby) = flow(2, "redirect", "/cb");
    for consume_first in [true, false] {
        let mut db = Db::default();
        put(&mut db, &x, &fx);
        if consume_first {
            assert!(code(&callback(&mut db, &cbx, NOW + 1_000)).is_some());
            put(&mut db, &y, &fy);
        } else {
            put(&mut db, &y, &fy);
            assert!(code(&callback(&mut db, &cbx, NOW + 1_000)).is_some());
        }
        assert_eq!(code(&callback(&mut db, &cby, NOW + 2_000)).as_deref(), Some("code-2"), "{consume_first}");
    }
}

#[test]
fn two_tabs_on_one_callback_exactly_one_gets_it() {
    let mut db = Db::default();
    let (x, fx, cb) = flow(1, "redirect", "/cb");
    put(&mut db, &x, &fx);
    let answers = [callback(&mut db, &cb, NOW + 1_000), callback(&mut db, &cb, NOW + 1_000)];
    assert_eq!(answers.iter().filter(|a| code(a).is_some()).count(), 1);
    assert!(answers.contains(&Err("already_handled".into())));
}

#[test]
fn refusals_consume_nothing() {
    let mut db = Db::default();
    let (x, fx, cb) = flow(1, "redirect", "/cb");
    put(&mut db, &x, &fx);
    let before = db.clone();
    for bad in [
        cb.replace("/cb?", "/other?"),
        cb.replace("state=", "state=A"),
        format!("{cb}&code=again"),
        cb.replace(&x, &"Z".repeat(43)),
    ] {
        assert!(callback(&mut db, &bad, NOW + 1_000).is_err(), "{bad}");
        assert_eq!(db, before, "{bad} changed the store");
    }
    assert!(code(&callback(&mut db, &cb, NOW + 1_000)).is_some());
}

#[test]
fn a_popup_flows_answer_in_another_tab_is_relayed_then_taken_once() {
    let mut db = Db::default();
    let (x, fx, cb) = flow(1, "popup", "/cb");
    put(&mut db, &x, &fx);
    let before = db.clone();
    // The tab the bank's app opened: the flow is a popup's, its opener may wait for it.
    let (answer, _) = db.tx(Op::Callback { href: &cb, nav: Navigation::Navigate, take_popup: false }, NOW + 1_000);
    assert_eq!(answer, Answer::Relay(x.clone()));
    assert_eq!(db, before, "a relay writes nothing");
    // A relay on another path of the app: not this flow's answer; nothing consumed.
    let wrong = cb.replace("/cb?", "/elsewhere?");
    let (answer, _) = db.tx(Op::Relayed { href: &wrong, state: &x }, NOW + 1_100);
    assert_eq!(bank_link::core::shared::relayed_outcome(answer), None);
    assert_eq!(db, before);
    // A relay that carries another flow's state inside its href cannot take that flow.
    let (y, fy, cby) = flow(2, "redirect", "/cb");
    put(&mut db, &y, &fy);
    let (answer, _) = db.tx(Op::Relayed { href: &cby, state: &x }, NOW + 1_150);
    assert_eq!(bank_link::core::shared::relayed_outcome(answer), None);
    assert_eq!(db.pending(), 2);
    // The opener verifies the genuine relay: it consumes the shared record.
    let (answer, _) = db.tx(Op::Relayed { href: &cb, state: &x }, NOW + 1_200);
    assert!(matches!(bank_link::core::shared::relayed_outcome(answer), Some(Ok(_))));
    // The relaying tab, its wait over, takes the callback: the opener had it first.
    let (answer, _) = db.tx(Op::Callback { href: &cb, nav: Navigation::Navigate, take_popup: true }, NOW + 3_000);
    let Answer::Handled(h) = answer else { panic!("{answer:?}") };
    let mut handoff = Handoff::relayed(true).0;
    assert_eq!(handoff.on(Event::WaitOver), Action::Take);
    assert_eq!(handoff.on(Event::Taken(&h.outcome)), Action::HandOver);
}

#[test]
fn with_the_opener_gone_the_relaying_tab_completes_the_flow() {
    let mut db = Db::default();
    let (x, fx, cb) = flow(1, "popup", "/cb");
    put(&mut db, &x, &fx);
    let mut handoff = Handoff::relayed(true).0;
    assert_eq!(handoff.on(Event::WaitOver), Action::Take);
    let (answer, _) = db.tx(Op::Callback { href: &cb, nav: Navigation::Navigate, take_popup: true }, NOW + 2_000);
    let Answer::Handled(h) = answer else { panic!("{answer:?}") };
    assert!(code(&h.outcome.clone().map_err(|e| e.code.as_str().to_owned())).is_some());
    assert_eq!(handoff.on(Event::Taken(&h.outcome)), Action::Answer);
    assert!(matches!(h.outcome, Ok(Some(_))));
    // The opener comes back to life and hears the relay late: completed elsewhere.
    let (answer, _) = db.tx(Op::Relayed { href: &cb, state: &x }, NOW + 3_000);
    let verdict = bank_link::core::shared::relayed_outcome(answer);
    assert!(matches!(verdict, Some(Err(ref e)) if e.code.as_str() == "already_handled"), "{verdict:?}");
}

#[test]
fn a_store_that_refuses_ends_the_hand_off_with_its_error() {
    let mut handoff = Handoff::relayed(true).0;
    assert_eq!(handoff.on(Event::WaitOver), Action::Take);
    let refused = Err(bank_link::AuthError::storage("IndexedDB refused"));
    assert_eq!(handoff.on(Event::Taken(&refused)), Action::Answer);
    assert_eq!(verdict(Err(bank_link::AuthError::storage("x"))).map(|r| r.is_err()), Some(true));
}

#[test]
fn nothing_outlives_its_ttl_and_the_hint_follows_the_store() {
    let mut db = Db::default();
    let (x, fx, _) = flow(1, "redirect", "/cb");
    let (hint_ans, hint) = {
        let d = decide(Op::Put { state: &x, flow: &fx }, "", NOW, &NativeUrl);
        (d.answer.clone(), d.hint)
    };
    assert_eq!(hint_ans, Answer::Done);
    let h = hint.unwrap();
    assert_eq!((h.sweep_from, h.until), (fx.expires_ms(), fx.expires_ms()));
    put(&mut db, &x, &fx);
    assert!(h.may_hold(NOW) && !h.sweep_due(NOW) && h.sweep_due(fx.expires_ms()));
    // A restarted browser, after the TTL: the first call of the library sweeps.
    db.tx(Op::Sweep, fx.expires_ms() + 1);
    assert_eq!(db.0, None);
    // The sweep's hint still covers what was there before it (it is written before the
    // transaction commits); the next transaction, on an empty store, removes it.
    assert_eq!(db.tx(Op::Sweep, fx.expires_ms() + 2).1, None);
    // What is not ours in the index is dropped by any transaction.
    let mut junk = Db(Some("p.x.1.2.r,garbage,d.AAAAAAAAAAAAAAAA.1,q.y".into()));
    junk.tx(Op::Sweep, NOW);
    assert_eq!(junk.0, None, "{junk:?}");
}

#[test]
fn a_page_asks_the_shared_store_only_when_the_hint_says_so() {
    let (x, _, cb) = flow(1, "redirect", "/cb");
    let hint = Some(Hint { sweep_from: NOW + 600_000, until: NOW + 600_000 });
    let nav = Navigation::Navigate;
    let r = |href: &str, known: bool, hint, nav| route(href, |_| known, hint, NOW, nav, &NativeUrl);
    // Never used storage "local": synchronous, whatever the callback.
    assert_eq!(r(&cb, false, None, nav), Route::Here);
    // This tab's own flow: synchronous.
    assert_eq!(r(&cb, true, hint, nav), Route::Here);
    // Another tab's flow may be shared: the Promise path.
    assert_eq!(r(&cb, false, hint, nav), Route::Shared);
    // A malformed callback still goes where its state's flow is.
    assert_eq!(r(&format!("{cb}&code=again"), false, hint, nav), Route::Shared);
    // A state not of ours, or an expired hint: synchronous.
    assert_eq!(r(&cb.replace(&x, "short"), false, hint, nav), Route::Here);
    let old = Some(Hint { sweep_from: NOW - 1, until: NOW - 1 });
    assert_eq!(r(&cb, false, old, nav), Route::Here);
    // A bare return (Tink's silent denial) only on a fresh navigation.
    assert_eq!(r(&format!("{APP}/cb"), false, hint, nav), Route::Shared);
    assert_eq!(r(&format!("{APP}/cb"), false, hint, Navigation::Other), Route::Here);
}
