//! Birth dates compared: each read as a range of days, and the weight of two ranges by
//! how far apart they are (see the module docs of `matching` for the reasoning).

use crate::date::{DatePoint, FuzzyDate};

/// Birth dates as ranges of days, widened where they are approximate or uncertain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Birth {
    lo: i64,
    hi: i64,
    /// A precise day that is not 1 January (which registrations use for "unknown").
    day: Option<i64>,
}

fn point_bounds(p: &DatePoint) -> (i64, i64, bool) {
    use chrono::Datelike;
    let (mut lo, mut hi) = (
        p.earliest().num_days_from_ce() as i64,
        p.latest().num_days_from_ce() as i64,
    );
    let jan_first = p.month == Some(1) && p.day == Some(1);
    if jan_first {
        hi = lo + 364;
    }
    let widen = match (p.month.is_some(), p.day.is_some() && !jan_first) {
        (_, true) => 30,
        (true, false) => 180,
        _ => 730,
    };
    let by = widen * (p.approximate as i64) + widen / 2 * (p.uncertain as i64);
    lo -= by;
    hi += by;
    let exact = p.day.is_some() && !jan_first && by == 0;
    (lo, hi, exact)
}

pub(crate) fn birth(text: &str) -> Option<Birth> {
    Some(match FuzzyDate::parse(text).ok()? {
        FuzzyDate::Point(p) => {
            let (lo, hi, exact) = point_bounds(&p);
            Birth {
                lo,
                hi,
                day: exact.then_some(lo),
            }
        }
        FuzzyDate::Interval(a, b) => Birth {
            lo: a.map_or(i64::MIN / 4, |p| point_bounds(&p).0),
            hi: b.map_or(i64::MAX / 4, |p| point_bounds(&p).1),
            day: None,
        },
    })
}

impl Birth {
    /// The year at the middle of the range, for a range no wider than a decade written
    /// as `1970/1980` (an open or wider one places the person in no decade).
    pub(crate) fn middle_year(&self) -> Option<i64> {
        use chrono::Datelike;
        if self.hi - self.lo > 11 * 366 {
            return None;
        }
        let middle = i32::try_from((self.lo + self.hi) / 2).ok()?;
        chrono::NaiveDate::from_num_days_from_ce_opt(middle).map(|d| i64::from(d.year()))
    }
}

/// The weight of two birth dates, and how many years apart they are (0: compatible).
pub(crate) fn births(a: &Birth, b: &Birth) -> (f64, i32) {
    if let (Some(x), Some(y)) = (a.day, b.day) {
        if x == y {
            // m 0.6, u 1/18 000 (a day in fifty years), kept below an identifier's.
            return (10.0, 0);
        }
    }
    let gap = (b.lo - a.hi).max(a.lo - b.hi).max(0) as f64 / 365.25;
    if gap == 0.0 {
        // m 0.9; u the chance that a random birth date, in some fifty years, falls in
        // the ranges: narrow ranges that overlap say more than wide ones.
        let width = |x: &Birth| ((x.hi - x.lo + 1) as f64 / 365.25).max(1.0);
        let u = ((width(a) + width(b)) / 50.0).min(1.0);
        return ((0.9 / u).log2().max(0.0), 0);
    }
    let years = gap.ceil() as i32;
    let weight = match gap {
        // Ages turned into years are often a year out: m 0.05, u 0.025.
        g if g < 1.1 => 1.0,
        // m 0.015, u 0.06.
        g if g < 2.5 => -2.0,
        // m 0.005, u 0.1.
        g if g < 4.0 => -4.5,
        // m 0.002, u 0.3.
        g if g < 10.0 => -7.0,
        // Father and son; what is left is a slip of the pen (1957 for 1975): m 0.0001,
        // u 0.5.
        _ => -12.0,
    };
    (weight, years)
}
