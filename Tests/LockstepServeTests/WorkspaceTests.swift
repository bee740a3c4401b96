import Testing
import HummingbirdTesting
@testable import LockstepServe
