//! The popup close state machine (`ClosedWatch`) over any timeline of looks and blurs.
//! Oracle: no panic; `Closed` only after `closed` has read true for the whole grace
//! period, and never when the opener's focus never came back after it lost it (a window
//! COOP severed keeps the focus), nor, without a focus model, for a window never seen open
//! past its blank first page; once it said `Closed`, the flow has ended, so only the
//! first answer matters.
#![no_main]

use bank_link::core::popup::{ClosedWatch, Look, CLOSED_GRACE_MS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut watch = ClosedWatch::default();
    let mut now = 0.0;
    let mut closed_since: Option<f64> = None;
    let mut lost_focus = false;
    let mut focus_after_close = false;
    let mut loaded = false;
    let mut seen_loaded = false;
    for &b in data {
        now += f64::from(b >> 4) * 50.0;
        // Once past its blank page, a window stays past it.
        loaded |= b & 8 != 0;
        if b & 4 != 0 && closed_since.is_none() {
            watch.blurred();
            lost_focus = true;
            continue;
        }
        // Once closed, a window stays closed.
        let closed = closed_since.is_some() || b & 1 != 0;
        let focused = b & 2 != 0;
        if closed {
            closed_since.get_or_insert(now);
            focus_after_close |= focused;
        } else {
            lost_focus |= !focused;
            seen_loaded |= loaded;
        }
        if watch.look(closed, focused, loaded, now) == Look::Closed {
            let since = closed_since.expect("Closed while open");
            assert!(now - since >= CLOSED_GRACE_MS, "Closed before the grace period");
            assert!(!lost_focus || focus_after_close, "Closed although the focus never came back");
            assert!(lost_focus || seen_loaded, "Closed without a focus model, never seen past its blank page");
            return;
        }
    }
});
