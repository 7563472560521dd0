//! What happens in a convergence case: the steps, how often each comes (a mix), and
//! the strategy that draws a number of offices and a sequence of steps.

use proptest::prelude::*;

#[derive(Debug, Clone)]
pub enum Step {
    Create {
        at: usize,
        name: u8,
    },
    Rename {
        at: usize,
        target: usize,
        name: u8,
    },
    Note {
        at: usize,
        target: usize,
        note: u8,
    },
    Delete {
        at: usize,
        target: usize,
    },
    Restore {
        at: usize,
        target: usize,
    },
    AddAlias {
        at: usize,
        target: usize,
        alias: u8,
    },
    RemoveAlias {
        at: usize,
        target: usize,
    },
    /// Creates a place (under another, sometimes), or moves one under another.
    Place {
        at: usize,
        place: usize,
        parent: usize,
    },
    /// Creates a group of two persons.
    Group {
        at: usize,
        a: usize,
        b: usize,
    },
    /// A person joins or leaves a group.
    Join {
        at: usize,
        group: usize,
        target: usize,
        leave: bool,
    },
    /// A protection status, about a person or a group, at a place and date.
    Status {
        at: usize,
        target: usize,
        group: bool,
        value: u8,
        place: usize,
        day: u8,
    },
    /// A detention (which implies a status for its victims) or another event.
    Event {
        at: usize,
        target: usize,
        group: bool,
        detention: bool,
        place: usize,
        day: u8,
    },
    /// Deletes or restores a group, a place, a status or an event.
    DeleteOther {
        at: usize,
        kind: u8,
        target: usize,
        restore: bool,
    },
    /// Judges two persons the same, not the same, or takes one out of its cluster.
    Judge {
        at: usize,
        a: usize,
        b: usize,
        verdict: u8,
    },
    /// Persons from a spreadsheet (written, left to be checked for duplicates).
    Intake {
        at: usize,
        name: u8,
        rows: u8,
    },
    /// Checks some of the persons waiting to be checked for duplicates.
    Check {
        at: usize,
        limit: u8,
    },
    Export {
        from: usize,
        to: usize,
    },
    Deliver {
        which: usize,
        again: bool,
    },
    Lose {
        which: usize,
    },
    /// Office 1 turns hostile for one bundle: it tampers with another device's changes
    /// it holds, or sends heads for changes it does not carry.
    Hostile {
        to: usize,
        victim: usize,
        mode: u8,
    },
}

/// How often each step comes, in the order of [`Step`]'s variants: Create, Rename, Note,
/// Delete, Restore, AddAlias, RemoveAlias, Place, Group, Join, Status, Event,
/// DeleteOther, Judge, Intake, Check, Export, Deliver, Lose, Hostile.
pub type Mix = [u32; 20];

/// A bit of everything. (Changing it changes what the saved regression seeds replay.)
pub const EVERYTHING: Mix = [3, 3, 2, 1, 1, 2, 1, 2, 1, 2, 2, 2, 1, 3, 1, 2, 4, 4, 1, 3];

/// Mostly places, statuses at them, moves and deletions of places, and what happens to
/// the persons there (renames, deletions, merges), among fewer stores so that a store
/// holds both the places and the persons: the derived places and counts must follow.
/// Among everything, a place holding persons was almost never moved. With bugs put
/// back, runs of 24 cases caught a moved place's persons left counted where it had
/// been in 0 of 12 runs (11 of 12 with this mix), and a renamed person's place rows
/// left with the old words in 2 of 12 (8 of 12).
pub const AROUND_PLACES: Mix = [3, 3, 1, 2, 2, 1, 1, 6, 1, 2, 5, 3, 2, 3, 1, 1, 4, 4, 1, 1];

fn step(stores: usize, mix: Mix) -> impl Strategy<Value = Step> {
    let s = 0..stores;
    prop_oneof![
        mix[0] => (s.clone(), any::<u8>()).prop_map(|(at, name)| Step::Create { at, name }),
        mix[1] => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, name)| Step::Rename { at, target, name }),
        mix[2] => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, note)| Step::Note { at, target, note }),
        mix[3] => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::Delete { at, target }),
        mix[4] => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::Restore { at, target }),
        mix[5] => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, alias)| Step::AddAlias { at, target, alias }),
        mix[6] => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::RemoveAlias { at, target }),
        mix[7] => (s.clone(), any::<usize>(), any::<usize>()).prop_map(|(at, place, parent)| Step::Place { at, place, parent }),
        mix[8] => (s.clone(), any::<usize>(), any::<usize>()).prop_map(|(at, a, b)| Step::Group { at, a, b }),
        mix[9] => (s.clone(), any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(at, group, target, leave)| Step::Join { at, group, target, leave }),
        mix[10] => (s.clone(), any::<usize>(), any::<bool>(), any::<u8>(), any::<usize>(), any::<u8>()).prop_map(|(at, target, group, value, place, day)| Step::Status { at, target, group, value, place, day }),
        mix[11] => (s.clone(), any::<usize>(), any::<bool>(), any::<bool>(), any::<usize>(), any::<u8>()).prop_map(|(at, target, group, detention, place, day)| Step::Event { at, target, group, detention, place, day }),
        mix[12] => (s.clone(), any::<u8>(), any::<usize>(), any::<bool>()).prop_map(|(at, kind, target, restore)| Step::DeleteOther { at, kind, target, restore }),
        mix[13] => (s.clone(), any::<usize>(), any::<usize>(), any::<u8>()).prop_map(|(at, a, b, verdict)| Step::Judge { at, a, b, verdict }),
        mix[14] => (s.clone(), any::<u8>(), 1u8..4).prop_map(|(at, name, rows)| Step::Intake { at, name, rows }),
        mix[15] => (s.clone(), 1u8..4).prop_map(|(at, limit)| Step::Check { at, limit }),
        mix[16] => (s.clone(), s.clone()).prop_map(|(from, to)| Step::Export { from, to }),
        mix[17] => (any::<usize>(), any::<bool>()).prop_map(|(which, again)| Step::Deliver { which, again }),
        mix[18] => any::<usize>().prop_map(|which| Step::Lose { which }),
        mix[19] => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(to, victim, mode)| Step::Hostile { to, victim, mode }),
    ]
}

/// A number of offices and what happens among them and headquarters.
pub fn scenario(
    mix: Mix,
    offices: std::ops::RangeInclusive<usize>,
    steps: std::ops::Range<usize>,
) -> impl Strategy<Value = (usize, Vec<Step>)> {
    offices.prop_flat_map(move |offices| {
        (
            Just(offices),
            prop::collection::vec(step(offices + 1, mix), steps.clone()),
        )
    })
}
