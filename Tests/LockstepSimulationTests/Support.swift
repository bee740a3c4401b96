import Foundation
import LockstepCore
@testable import LockstepSimulation

/// One folder for this test process's files, removed when the process exits.
let simScratch: URL = {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-sim-tests-\(getpid())")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: simScratch) }
    return d
}()

/// A fresh temporary folder per test.
func tempDir() -> URL {
    let d = simScratch.appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

func write(_ text: String, _ name: String, in dir: URL) {
    try! Data(text.utf8).write(to: dir.appendingPathComponent(name))
}

/// Generated worlds are shared between tests: generation is deterministic, so caching is safe.
enum Worlds {
    static let trollFactory = Simulation.generate(Scenario.preset("troll-factory", seed: 11, scale: 0.05)!)
    static let botnet = Simulation.generate(Scenario.preset("botnet", seed: 11, scale: 0.05)!)
    static let organicOnly = Simulation.generate(Scenario.preset("organic-only", seed: 11, scale: 0.05)!)
}

extension World {
    /// Local seconds after midnight and local day number of a UTC time at an offset in hours.
    func local(_ t: Int64, offsetHours: Double) -> (day: Int, hour: Double) {
        let l = t + Int64(offsetHours * 3600)
        let day = CivilTime.dayNumber(l)
        return (day, Double(l - Int64(day) * 86_400) / 3600)
    }

    func population(ofPost p: PostRecord) -> Population { accounts[Int(p.account)].population }
}
