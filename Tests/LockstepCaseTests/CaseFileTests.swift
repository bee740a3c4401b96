import Testing
@testable import LockstepCase
