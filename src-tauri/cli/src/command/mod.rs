//! One module per group of commands. Each uses `cli`, `session` and `output`, never
//! another command module, so that a group can change without touching the others.

pub mod audit;
pub mod deadlines;
pub mod duplicates;
pub mod records;
pub mod report;
pub mod store;
pub mod sync;
pub mod trust;
