import Foundation
import LockstepCore

/// The fixed offset used to show times to people, from `--tz`.
///
/// Reports show one offset throughout, so that every time on a page is comparable: an IANA zone is
/// shown at its offset in the middle of the data (daylight-saving changes are taken into account by
/// the schedule analysis, which reads the zone day by day); `auto` uses the whole input's
/// working-week offset when it has one, else UTC.
package enum DisplayZone {
    /// `settings` are the run's schedule settings, so `auto` agrees with what the schedule analysis reports.
    package static func offsetSeconds(_ spec: String, dataset: Dataset, settings: Schedule.Settings) -> Int? {
        guard let zone = ZoneSpec.parse(spec) else { return nil }
        switch zone {
        case .fixed(let s):
            return s
        case .named(let name):
            let times = dataset.posts.time
            let middle = times.isEmpty ? 0 : (times.min()! / 2 + times.max()! / 2)
            return TimeZone(identifier: name).map { $0.secondsFromGMT(for: Date(timeIntervalSince1970: Double(middle))) }
        case .auto:
            let all = dataset.accountsInData
            let f = Schedule.fingerprint(of: all, in: dataset, settings: settings)
            return f.inference.verdict == "working-week" ? (f.inference.offsetHours ?? 0) * 3600 : 0
        }
    }
}
