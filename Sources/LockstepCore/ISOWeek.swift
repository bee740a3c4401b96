/// An ISO 8601 week (`2020-W04`): weeks start on Monday; week 1 holds the year's first Thursday.
package struct ISOWeek: Hashable, Sendable, CustomStringConvertible {
    /// ISO week-numbering year.
    package var year: Int
    /// ISO week number, 1...53.
    package var week: Int

    /// The ISO week of a day number (days since 1970-01-01).
    package init(dayNumber d: Int) {
        let thursday = d - CivilTime.weekday(dayNumber: d) + 3
        year = CivilTime.date(days: thursday).year
        week = (thursday - CivilTime.days(year: year, month: 1, day: 1)) / 7 + 1
    }

    /// `YYYY-Www`.
    package var description: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }
}
